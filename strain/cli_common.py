"""What every command of the command line shares: error reporting, tables and reading a tally file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from strain import tally
from strain.catalogue import Catalogue


class CommandError(Exception):
    """A problem to report to the user: each message is printed as one line on stderr."""

    def __init__(self, *messages: str):
        self.messages = messages
        super().__init__("\n".join(messages))


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """A plain text table with columns padded to their widest cell."""
    cells = [list(map(str, header)), *[list(map(str, row)) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def read_tally(path: str, cat: Catalogue) -> pd.DataFrame:
    """Read and validate a tally CSV file, or raise CommandError with every bad row."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"cannot read {path}: it is not UTF-8 text") from None
    try:
        return tally.read_csv(text, cat)
    except tally.TallyError as error:
        raise CommandError(*(str(e) for e in error.errors)) from None
