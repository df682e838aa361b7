"""The emulator's one bounded cache (speech, reply frames, transcripts, resumption handles)."""

from __future__ import annotations

import threading

from gemlive_nb.emulator.cache import BoundedCache
from gemlive_nb.emulator.handles import HandleStore


def test_a_hit_keeps_an_entry_and_the_least_recently_used_goes():
    cache: BoundedCache[str, int] = BoundedCache(2)
    assert cache.put("a", 1) == 1
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert "b" not in cache and "a" in cache and "c" in cache and len(cache) == 2
    assert cache.get("b") is None


def test_without_refresh_the_newest_entries_stay():
    cache: BoundedCache[str, int] = BoundedCache(2, refresh=False)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert "a" not in cache and [k in cache for k in "bc"] == [True, True]


def test_threads_putting_at_once_never_overfill_it():
    cache: BoundedCache[int, int] = BoundedCache(16)

    def fill(offset: int) -> None:
        for i in range(2000):
            cache.put(offset + i, i)
            cache.get(offset + i // 2)

    threads = [threading.Thread(target=fill, args=(n * 10_000,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 16


def test_the_handle_store_keeps_the_newest_handles_even_when_an_old_one_is_read():
    store = HandleStore(limit=2)
    first = store.new({"n": 1})
    second = store.new({"n": 2})
    assert store.get(first) == {"n": 1}
    store.new({"n": 3})
    assert store.get(first) is None and store.get(second) == {"n": 2} and len(store) == 2
