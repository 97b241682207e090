"""What every command of the command line shares: error reporting, tables and reading a tally file."""

from __future__ import annotations

import argparse
import getpass
import io
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from strain.domain import actor, tally, tally_reader
from strain.domain.catalogue import Catalogue
from strain.domain.limits import MAX_TALLY_FILE_BYTES


class CommandError(Exception):
    """A problem to report to the user: each message is printed as one line on stderr."""

    def __init__(self, *messages: str):
        self.messages = messages
        super().__init__("\n".join(messages))


def from_command_line(who: actor.Actor) -> actor.Actor:
    """`who` acting from the command line: the audit trail records it so, with the machine's user who ran it
    (distinct from the same account's signed-in session)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no entry in the password database (a bare container)
        user = f"uid {os.getuid()}"
    return replace(who, origin=actor.command_line(user))


def add_database_command(
    group: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    run: Callable[[argparse.Namespace, Catalogue], str],
    help_text: str,
) -> argparse.ArgumentParser:
    """A subcommand that works on a database (`--db URL`) and runs `run`."""
    parser = group.add_parser(name, help=help_text)
    parser.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the SQLite file)")
    parser.set_defaults(run=run)
    return parser


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """A plain text table with columns padded to their widest cell."""
    cells = [list(map(str, header)), *[list(map(str, row)) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def write_private(path: str, content: bytes) -> None:
    """Write a file readable by its owner only (0600: it holds health data), or raise CommandError.

    The content goes to FILE.partial first and then takes the real name, so a half-written file is
    never left under it (nor does a file it replaces keep its own, wider, permissions).
    """
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.unlink(missing_ok=True)  # a leftover may have other permissions
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(content)
        partial.replace(target)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror}") from None


def text_pieces(path: str) -> Iterator[str]:
    """A UTF-8 text file's content, a piece at a time, with line ends made "\\n" (as text mode reads them), or
    CommandError.

    Only a regular file of at most MAX_TALLY_FILE_BYTES is read: a device such as /dev/zero, a
    pipe or a huge file is refused before reading, in one line.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: opening a FIFO must not wait for a writer
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    too_big = f"cannot read {path}: it is larger than {MAX_TALLY_FILE_BYTES // 1024**2} MB"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise CommandError(f"cannot read {path}: it is {kind}")
        if info.st_size > MAX_TALLY_FILE_BYTES:
            raise CommandError(too_big)
        with os.fdopen(fd, "rb", closefd=False) as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8", newline=None)  # strict: not UTF-8 is an error
            while piece := text.read(tally_reader.PIECE_BYTES):
                if binary.tell() > MAX_TALLY_FILE_BYTES:  # it grew after the check
                    raise CommandError(too_big)
                yield piece
            text.detach()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"cannot read {path}: it is not UTF-8 text") from None
    finally:
        os.close(fd)


def read_text(path: str) -> str:
    """A UTF-8 text file's content with line ends made "\\n" (as text mode reads it), or CommandError (see
    text_pieces)."""
    return "".join(text_pieces(path))


def read_tally(path: str, cat: Catalogue) -> tally.Tally:
    """Read and validate a tally CSV file a piece at a time, or raise CommandError with its problems."""
    try:
        return tally_reader.read_chunks(text_pieces(path), cat)
    except tally.TallyError as error:
        raise CommandError(*error.messages()) from None
