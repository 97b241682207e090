"""Results kept between runs in the server process and shared by every session: page data and figures.

Keyed by plain hashable values that stand for everything that scopes a result (who asks, whose data and its
version): hashing a tuple costs microseconds, where st.cache_data's hashing of the same arguments, and its
look-up of the function's signature, took milliseconds of every rerun.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

V = TypeVar("V")
_MISSING = object()


class Kept(Generic[V]):
    """At most `size` results, the least recently used forgotten first.

    With `copies`, each caller gets its own copy (a pickle kept, read back for every caller), so that a page that
    changes what it got changes nobody else's; without, every caller shares the one object (a figure that
    st.plotly_chart only reads)."""

    def __init__(self, size: int, *, copies: bool) -> None:
        self._size = size
        self._copies = copies
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The result kept for `key`, else `make()`, kept. Two sessions asking at once may both make it."""
        with self._lock:
            found = self._kept.get(key, _MISSING)
            if found is not _MISSING:
                self._kept.move_to_end(key)
        if found is not _MISSING:
            return cast(V, pickle.loads(cast(bytes, found)) if self._copies else found)
        made = make()
        self.put(key, made)
        return made

    def put(self, key: Hashable, value: V) -> None:
        """Keep `value` for `key` (in place of what was kept for it)."""
        keep = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) if self._copies else value
        with self._lock:
            self._kept[key] = keep
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
