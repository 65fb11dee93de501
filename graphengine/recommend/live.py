"""Customers' current state for serving, kept in process and refreshed from Neo4j for changed customers.

A recommendation scores the customer's *current* interactions (fold-in). Reading them is the only Neo4j work of
a request, so :class:`LiveCustomers` keeps each customer's :class:`CustomerState` (interaction row in the served
model's item space, consent, community, purchases, followees' signals) after the first read:

* the API's own write path (``POST /events``, erasure) calls :meth:`LiveCustomers.invalidate` for the customers
  it wrote, so the next request reads them again — a purchase POSTed a moment ago counts;
* an entry older than ``ttl_s`` is read again, which bounds staleness after writes that bypass this process
  (a ``graphengine load``, another API worker);
* a state computed while its customer was invalidated is not kept (the same sequence-number rule as the
  response cache).

Reading one customer is two small queries: ``recommend.get_serving_customer`` (consent, community, purchases,
social signals) and :func:`graphengine.recommend.interactions.customer_row` (the interaction row, only with
profiling consent). A customer without profiling consent has no row read at all.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from graphengine.errors import NotFound
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
class CustomerState:
    customer_id: str
    consent: bool | None
    community_id: int | None
    follows: int
    bought: frozenset[str]
    row: sp.csr_array | None  # 1 × items of the model version below; None without profiling consent
    social: Mapping[int, SocialSignal] = field(default_factory=dict)  # item index → signal
    model_version: str = ""

    @property
    def personalisable(self) -> bool:
        return self.consent is True

    @property
    def history(self) -> frozenset[int]:
        return frozenset() if self.row is None else frozenset(int(i) for i in self.row.indices)


RowReader = Callable[[Store, str], sp.csr_array]


def read_customer(
    store: Store,
    customer_id: str,
    *,
    item_index: Mapping[str, int],
    row_reader: RowReader,
    model_version: str,
) -> CustomerState:
    """One customer's state from the graph (raises NotFound for an unknown customer)."""
    rows = store.query(
        "recommend.get_serving_customer",
        {"customerId": customer_id, "maxFollowees": MAX_FOLLOWEES, "rankFloor": RANK_FLOOR},
    )
    if not rows:
        raise NotFound(f"no customer {customer_id!r}", details={"customerId": customer_id})
    head = rows[0]
    consent = head["consentProfiling"]
    row = row_reader(store, customer_id) if consent is True else None
    return CustomerState(
        customer_id=customer_id,
        consent=consent,
        community_id=head["communityId"],
        follows=int(head["follows"]),
        bought=frozenset(head["bought"]),
        row=row,
        social=_signals(head["social"], item_index),
        model_version=model_version,
    )


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

    def get(self, customer_id: str, model_version: str, read: Callable[[], CustomerState]) -> CustomerState:
        """The kept state, or ``read()`` (from Neo4j) kept unless the customer was invalidated meanwhile."""
        found = self.peek(customer_id, model_version)
        if found is not None:
            return found
        with self._lock:
            started = self._seq
        state = read()
        with self._lock:
            self.reads += 1
            if self.ttl_s > 0 and self._floor <= started and self._invalidated.get(customer_id, -1) <= started:
                self._data[customer_id] = (time.monotonic() + self.ttl_s, state)
                self._data.move_to_end(customer_id)
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
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


__all__ = ["CustomerState", "LiveCustomers", "SocialSignal", "read_customer"]
