"""An in-process cache of finished responses and shared lists, invalidated per customer and per product.

Reads that are the same for a while (a customer's recommendations, similar products, popularity lists) are
kept for ``ttl_s`` seconds, least recently used first out beyond ``max_entries``. Every entry carries **tags**
that say what it was computed from: ``("customer", id)`` for one customer's answers, ``("product", id)`` for
each product it lists, ``PRODUCTS`` for the set of products that exist, ``FILTERED`` for answers under a product
filter (category, price, stock), ``MODEL`` for the served model. A write invalidates only the entries that carry
one of its tags — a purchase by C drops C's answers, not everybody's:

* ``POST /events`` → :meth:`ResponseCache.invalidate` with the customers (and products) of the batch;
* a product-table refresh that found changed products → their product tags and ``FILTERED`` (a filtered list
  can gain a product it did not list), and ``PRODUCTS`` as well when a product came back into the graph (any
  list could gain it); a hot-swapped model → ``MODEL``;
* ``DELETE /customers/{id}`` → :meth:`ResponseCache.clear` (an erased customer may appear in other people's
  answers, and erasure is rare).

An entry stored without tags gets :data:`ANY`, which every invalidation also drops: the conservative default
for answers whose inputs are not tracked (profiles, analytics lists).

A result computed while a write happened may predate the write. Callers read :attr:`generation` (a sequence
number bumped by every invalidation) before computing and pass it to :meth:`put`; the value is dropped when
any of its tags was invalidated after that point. The TTL bounds how stale a read can be after writes that
bypass this process (a ``graphengine load``, an analysis run, another API worker). ``ttl_s = 0`` turns the
cache off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
Tag = Hashable
ANY: Tag = ("any",)
PRODUCTS: Tag = ("products",)
FILTERED: Tag = ("products", "filtered")
MODEL: Tag = ("model",)
MAX_REMEMBERED = 200_000  # invalidation records kept; older ones fold into one floor sequence number


def customer_tag(customer_id: str) -> Tag:
    return ("customer", customer_id)


def product_tag(product_id: str) -> Tag:
    return ("product", product_id)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    clears: int = 0
    invalidations: int = 0
    dropped: int = 0  # entries removed by invalidations


@dataclass
class _Entry:
    expires: float
    value: Any
    tags: tuple[Tag, ...]


class ResponseCache:
    """Thread-safe TTL + LRU mapping with tag invalidation; values are whatever the caller stores (usually
    response bytes)."""

    def __init__(self, *, ttl_s: float = 60.0, max_entries: int = 50_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.stats = CacheStats()
        self._data: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._by_tag: dict[Tag, set[Hashable]] = {}
        self._invalidated: OrderedDict[Tag, int] = OrderedDict()  # tag → sequence number of its last invalidation
        self._floor = 0  # every tag counts as invalidated at this sequence number (forgotten records)
        self._seq = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0 and self.max_entries > 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def generation(self) -> int:
        """Bumped by every invalidation; read it before computing, pass it to :meth:`put`."""
        return self._seq

    def get(self, key: Hashable) -> Any | None:
        if not self.enabled:
            return None
        now = time.monotonic()
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry.expires < now:
                if entry is not None:
                    self._remove(key)
                self.stats.misses += 1
                return None
            self._data.move_to_end(key)
            self.stats.hits += 1
            return entry.value

    def put(
        self, key: Hashable, value: Any, *, generation: int | None = None, tags: Iterable[Tag] | None = None
    ) -> None:
        """Store ``value`` under ``key`` with ``tags`` (default :data:`ANY`). When ``generation`` is given and
        one of the tags (or :data:`ANY`) was invalidated since, the value is dropped: it was computed from data
        that a write has changed."""
        if not self.enabled:
            return
        marks = tuple(dict.fromkeys(tags)) if tags is not None else (ANY,)
        with self._lock:
            if generation is not None and self._stale(marks, generation):
                return
            if key in self._data:
                self._remove(key)
            self._data[key] = _Entry(time.monotonic() + self.ttl_s, value, marks)
            for tag in marks:
                self._by_tag.setdefault(tag, set()).add(key)
            while len(self._data) > self.max_entries:
                self._remove(next(iter(self._data)))

    def tags_of(self, key: Hashable) -> tuple[Tag, ...] | None:
        """The tags ``key`` was stored with (None when it is not cached)."""
        with self._lock:
            entry = self._data.get(key)
            return None if entry is None else entry.tags

    def _stale(self, tags: tuple[Tag, ...], generation: int) -> bool:
        if self._floor > generation:
            return True
        return any(self._invalidated.get(tag, -1) > generation for tag in tags)

    def _remove(self, key: Hashable) -> None:
        entry = self._data.pop(key)
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]

    def invalidate(self, tags: Iterable[Tag]) -> int:
        """Drop the entries carrying any of ``tags`` (and every untagged, :data:`ANY` entry); results computed
        before this call and stored later under one of these tags are dropped too. Returns the entries dropped."""
        with self._lock:
            self._seq += 1
            dropped = 0
            for tag in dict.fromkeys((*tags, ANY)):
                self._invalidated[tag] = self._seq
                self._invalidated.move_to_end(tag)
                for key in list(self._by_tag.get(tag, ())):
                    self._remove(key)
                    dropped += 1
            while len(self._invalidated) > MAX_REMEMBERED:
                _, seq = self._invalidated.popitem(last=False)
                self._floor = max(self._floor, seq)
            self.stats.invalidations += 1
            self.stats.dropped += dropped
            return dropped

    def clear(self) -> int:
        """Forget everything; returns how many entries were dropped."""
        with self._lock:
            dropped = len(self._data)
            self._data.clear()
            self._by_tag.clear()
            self._invalidated.clear()
            self._seq += 1
            self._floor = self._seq
            self.stats.clears += 1
            return dropped

    def get_or_compute(self, key: Hashable, compute: Callable[[], T], *, tags: Iterable[Tag] | None = None) -> T:
        """The cached value for ``key``, or ``compute()`` stored under it with ``tags``."""
        found = self.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        generation = self.generation
        value = compute()
        self.put(key, value, generation=generation, tags=tags)
        return value


__all__ = ["ANY", "FILTERED", "MODEL", "PRODUCTS", "CacheStats", "ResponseCache", "Tag", "customer_tag", "product_tag"]
