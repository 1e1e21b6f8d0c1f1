"""A small least-recently-used cache bounded by entries and by bytes.

Each index generation caches phrase answers and posting lists (arrays of up to
one entry per article). Bounded by count alone, a few hundred answers at
100,000 articles would cost hundreds of MB in every server worker.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRU:
    def __init__(self, max_items: int, max_bytes: int, size: Callable[[Any], int]):
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for ``key``, computing (outside the lock) and
        keeping it on a miss; the newest entry is kept even if it alone is
        over the byte budget."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        value = compute()
        size = self._size(value)
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, size)
                self._bytes += size
            while len(self._items) > 1 and (
                len(self._items) > self.max_items or self._bytes > self.max_bytes
            ):
                _, (_, old) = self._items.popitem(last=False)
                self._bytes -= old
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return self._bytes
