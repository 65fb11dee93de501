"""The API's response cache: TTL, LRU bound, clear-on-write generations, and the Memo protocol."""

from __future__ import annotations

import time

from graphengine.api.cache import ResponseCache


def test_get_put_and_ttl() -> None:
    cache = ResponseCache(ttl_s=0.05)
    assert cache.get("k") is None
    cache.put("k", b"v")
    assert cache.get("k") == b"v"
    time.sleep(0.06)
    assert cache.get("k") is None and len(cache) == 0
    assert (cache.stats.hits, cache.stats.misses) == (1, 2)


def test_least_recently_used_entries_go_first() -> None:
    cache = ResponseCache(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_clear_drops_everything_and_results_computed_before_it() -> None:
    cache = ResponseCache()
    cache.put("a", 1)
    generation = cache.generation
    assert cache.clear() == 1 and cache.get("a") is None
    cache.put("late", "computed before the write", generation=generation)
    assert cache.get("late") is None
    cache.put("fresh", 2, generation=cache.generation)
    assert cache.get("fresh") == 2


def test_get_or_compute_computes_once() -> None:
    cache = ResponseCache()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return 42

    assert cache.get_or_compute(("popular", None), compute) == 42
    assert cache.get_or_compute(("popular", None), compute) == 42
    assert len(calls) == 1


def test_ttl_zero_disables_the_cache() -> None:
    cache = ResponseCache(ttl_s=0)
    cache.put("a", 1)
    assert not cache.enabled and cache.get("a") is None
    assert cache.get_or_compute("a", lambda: 7) == 7 and len(cache) == 0
