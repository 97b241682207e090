"""A pandas frame's rows, one at a time, for the code that reads a few of them so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pandas as pd


def rows(frame: pd.DataFrame, *, index: bool = False) -> Iterator[Any]:
    """The frame's rows as named tuples (with the index first if `index`), one attribute a column.

    Typed Any: pandas-stubs gives every field the type of any value pandas can hold (bytes, Period...),
    while a frame's columns are known where it is made.
    """
    return frame.itertuples(index=index)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts by column name (pandas-stubs keys them by any Hashable: ours are text)."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))
