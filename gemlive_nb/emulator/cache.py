"""One bounded, thread-safe cache for the emulator's speech, frames and resumption handles.

Example::

    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1); cache.put("b", 2)
    cache.get("a")          # 1 (and "a" is now the most recently used)
    cache.put("c", 3)       # "b" goes: over the size, the least recently used is dropped
    "b" in cache            # False

Not a public API.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["BoundedCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most ``size`` entries; over it, the oldest goes.

    With ``refresh`` (the default) a hit makes an entry the newest, so the least recently used
    goes; without it entries go in the order they were put (the newest ``size`` stay).
    """

    def __init__(self, size: int, refresh: bool = True) -> None:
        self.size = size
        self.refresh = refresh
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value under ``key``, or None."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and self.refresh:
                self._items.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` under ``key`` (dropping the oldest entries over the size); return it."""
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)
