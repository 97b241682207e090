"""A pandas frame's rows, one at a time, for the code that reads a few of them so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd


def rows(frame: pd.DataFrame, *, index: bool = False) -> Iterator[Any]:
    """The frame's rows as named tuples (with the index first if `index`), one attribute a column.

    Typed Any: pandas-stubs gives every field the type of any value pandas can hold (bytes, Period...),
    while a frame's columns are known where it is made.
    """
    return frame.itertuples(index=index)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts by column name, with Python values (as `to_dict("records")`).

    Built from each column's `tolist()`: pandas' own `to_dict` took milliseconds even for an empty day's frame,
    on every rerun that scores a day.
    """
    names = [str(name) for name in frame.columns]
    columns = [frame[name].tolist() for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
