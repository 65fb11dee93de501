"""An in-process cache of finished responses and shared lists, invalidated by every write through the API.

Reads that are the same for a while (a customer's recommendations, similar products, popularity lists) are
kept for ``ttl_s`` seconds, least recently used first out beyond ``max_entries``. ``POST /events`` and
``DELETE /customers/{id}`` call :meth:`ResponseCache.clear`, so the next read after a write through this
process sees the write. The TTL bounds how stale a read can be after writes that bypass this process (a
``graphengine load``, an analysis run, another API worker). ``ttl_s = 0`` turns the cache off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    clears: int = 0


class ResponseCache:
    """Thread-safe TTL + LRU mapping; values are whatever the caller stores (usually response bytes)."""

    def __init__(self, *, ttl_s: float = 60.0, max_entries: int = 50_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.stats = CacheStats()
        self._data: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0 and self.max_entries > 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable) -> Any | None:
        if not self.enabled:
            return None
        now = time.monotonic()
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry[0] < now:
                if entry is not None:
                    del self._data[key]
                self.stats.misses += 1
                return None
            self._data.move_to_end(key)
            self.stats.hits += 1
            return entry[1]

    def put(self, key: Hashable, value: Any, *, generation: int | None = None) -> None:
        """Store ``value``; when ``generation`` is given and a clear happened since, the value is dropped
        (it was computed from data that a write has changed)."""
        if not self.enabled:
            return
        with self._lock:
            if generation is not None and generation != self._generation:
                return
            self._data[key] = (time.monotonic() + self.ttl_s, value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    @property
    def generation(self) -> int:
        """Bumped by every :meth:`clear`; read it before computing, pass it to :meth:`put`."""
        return self._generation

    def clear(self) -> int:
        """Forget everything; returns how many entries were dropped."""
        with self._lock:
            dropped = len(self._data)
            self._data.clear()
            self._generation += 1
            self.stats.clears += 1
            return dropped

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key``, or ``compute()`` stored under it (the :class:`Memo` protocol of
        :mod:`graphengine.analytics.recommend`)."""
        found = self.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        generation = self.generation
        value = compute()
        self.put(key, value, generation=generation)
        return value


__all__ = ["CacheStats", "ResponseCache"]
