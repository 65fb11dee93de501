"""Customers' current state for serving, kept in process and refreshed from Neo4j for changed customers.

A recommendation scores the customer's *current* interactions (fold-in). Reading them is the only Neo4j work of
a request, so :class:`LiveCustomers` keeps each customer's :class:`CustomerState` (interaction row in the served
model's item space, consent, community, purchases, followees' signals) after the first read:

* :mod:`graphengine.recommend.warm` reads every customer's state in bulk in the background (at start, after a
  model swap and then every refresh interval), so a request — even a customer's first — finds it kept;
* the API's own write path (``POST /events``, erasure) calls :meth:`LiveCustomers.invalidate` for the customers
  it wrote, so the next request reads them again — a purchase POSTed a moment ago counts;
* an entry older than ``ttl_s`` is read again, which bounds staleness after writes that bypass this process
  (a ``graphengine load``, another API worker) when the background refresh falls behind;
* a state read while its customer was invalidated is not kept (the same sequence-number rule as the response
  cache: :meth:`LiveCustomers.begin` before the read, :meth:`LiveCustomers.keep` after it).

Reading customers is one query for a whole batch, ``recommend.list_serving_customers`` (consent, community,
purchases, followees' signals and the other interactions). A customer without profiling consent has no
interaction row and no social signals read.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.recommend.interactions import InteractionWeights, interaction_rows, serving_params
from graphengine.store import Store

MAX_FOLLOWEES = 200
RANK_FLOOR = 1e-6


@dataclass(frozen=True)
class SocialSignal:
    """What followed accounts did with one product: summed PageRank weight, the strongest account, how."""

    weight: float
    account_id: str | None
    handle: str | None
    how: str


@dataclass(frozen=True)
class Ranked:
    """A customer's top candidates: item indices and their final scores in serving order, and whether the list
    holds every eligible item (then a filtered request that runs short of it needs no fresh scoring)."""

    items: NDArray[np.int64]
    scores: NDArray[np.float64]
    complete: bool


@dataclass(frozen=True)
class CustomerState:
    customer_id: str
    consent: bool | None
    community_id: int | None
    follows: int
    bought: frozenset[str]
    row: sp.csr_matrix | None  # 1 × items of the model version below; None without profiling consent
    social: Mapping[int, SocialSignal] = field(default_factory=dict)  # item index → signal
    model_version: str = ""
    # the model's best items for this state (social re-ranking applied), best first, history left out — computed
    # before any request asks (see graphengine.recommend.serving.Recommender.prepare); None when not computed
    ranked: Ranked | None = None

    @property
    def personalisable(self) -> bool:
        return self.consent is True

    @functools.cached_property
    def history(self) -> frozenset[int]:
        return frozenset() if self.row is None else frozenset(int(i) for i in self.row.indices)


def read_customers(
    store: Store,
    customer_ids: Sequence[str],
    *,
    weights: InteractionWeights,
    item_index: Mapping[str, int],
    model_version: str,
) -> list[CustomerState]:
    """The states of the known customers among ``customer_ids`` (unknown ids are left out), with one query."""
    if not customer_ids:
        return []
    params = serving_params(weights, max_followees=MAX_FOLLOWEES, rank_floor=RANK_FLOOR)
    records = store.query("recommend.list_serving_customers", {"customerIds": list(customer_ids), **params})
    rows = interaction_rows(records, weights, item_index)
    states = []
    for u, head in enumerate(records):
        consent = head["consentProfiling"]
        states.append(
            CustomerState(
                customer_id=str(head["customerId"]),
                consent=consent,
                community_id=head["communityId"],
                follows=int(head["follows"]),
                bought=frozenset(head["bought"]),
                row=rows[[u]] if consent is True else None,
                social=_signals(head["social"], item_index),
                model_version=model_version,
            )
        )
    return states


def _signals(rows: Sequence[Mapping[str, Any]], item_index: Mapping[str, int]) -> dict[int, SocialSignal]:
    out: dict[int, SocialSignal] = {}
    for row in rows:
        i = item_index.get(str(row["productId"]))
        weight = float(row["weight"])
        if i is not None and np.isfinite(weight) and weight > 0:
            out[i] = SocialSignal(weight, row.get("accountId"), row.get("handle"), str(row.get("how") or "bought"))
    return out


class LiveCustomers:
    """Thread-safe TTL + LRU store of :class:`CustomerState` with per-customer invalidation."""

    def __init__(self, *, ttl_s: float = 30.0, max_entries: int = 200_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._data: OrderedDict[str, tuple[float, CustomerState]] = OrderedDict()
        self._invalidated: dict[str, int] = {}
        self._floor = 0
        self._seq = 0
        self._lock = threading.Lock()
        self.reads = 0  # states read from Neo4j
        self.hits = 0

    def __len__(self) -> int:
        return len(self._data)

    def peek(self, customer_id: str, model_version: str) -> CustomerState | None:
        """The kept state when it is fresh and belongs to ``model_version``; no I/O."""
        if self.ttl_s <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            entry = self._data.get(customer_id)
            if entry is None or entry[0] < now or entry[1].model_version != model_version:
                return None
            self._data.move_to_end(customer_id)
            self.hits += 1
            return entry[1]

    def begin(self) -> int:
        """A mark to take before reading states from Neo4j; :meth:`keep` drops what was invalidated after it."""
        with self._lock:
            return self._seq

    def keep(self, states: Iterable[CustomerState], started: int) -> int:
        """Keep states read after the mark ``started``, except those of customers invalidated since; returns how
        many were kept."""
        kept = 0
        with self._lock:
            expires = time.monotonic() + self.ttl_s
            for state in states:
                self.reads += 1
                if self.ttl_s <= 0 or self._floor > started or self._invalidated.get(state.customer_id, -1) > started:
                    continue
                self._data[state.customer_id] = (expires, state)
                self._data.move_to_end(state.customer_id)
                kept += 1
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
        return kept

    def get(self, customer_id: str, model_version: str, read: Callable[[], CustomerState]) -> CustomerState:
        """The kept state, or ``read()`` (from Neo4j) kept unless the customer was invalidated meanwhile."""
        found = self.peek(customer_id, model_version)
        if found is not None:
            return found
        started = self.begin()
        state = read()
        self.keep([state], started)
        return state

    def invalidate(self, customer_ids: Iterable[str]) -> None:
        with self._lock:
            self._seq += 1
            for customer_id in customer_ids:
                self._data.pop(customer_id, None)
                self._invalidated[customer_id] = self._seq
            if len(self._invalidated) > self.max_entries:
                self._invalidated.clear()
                self._floor = self._seq

    def clear(self) -> None:
        with self._lock:
            self._seq += 1
            self._data.clear()
            self._invalidated.clear()
            self._floor = self._seq


__all__ = ["CustomerState", "LiveCustomers", "Ranked", "SocialSignal", "read_customers"]
