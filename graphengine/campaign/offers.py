"""The offers of a campaign: each customer's next-best products from the served recommender.

The offers come from :meth:`graphengine.recommend.serving.Recommender.recommend` — the code behind
``GET /customers/{id}/recommendations`` and ``graphengine recommend`` — on the promoted model, with the API's
defaults (no filters, social re-ranking on). So a customer's offers are what the API would answer at that moment,
with its rules: without profiling consent the popularity list everybody gets (the reason says so), a cold start
gets what their community buys, bought and seen products are left out.

No HTTP: customers are scored in this process in batches of :data:`BATCH`. Each batch runs in **one read
transaction** (:class:`_BatchReads` hands the recommender's registered queries to that transaction instead of one
managed transaction per query), a few batches at a time in a thread pool; a transient error retries the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from neo4j import ManagedTransaction

from graphengine.errors import NotFound
from graphengine.recommend.live import LiveCustomers
from graphengine.recommend.model_holder import ModelHolder
from graphengine.recommend.serving import Recommendations, Recommender
from graphengine.store import Store
from graphengine.store.driver import translate_errors

BATCH = 200
WORKERS = 3


@dataclass(frozen=True)
class Offer:
    customer_id: str
    product_ids: tuple[str, ...]
    personalized: bool
    reason: str
    model_version: str


def offer_reason(result: Recommendations) -> str:
    """Why these products, in words (the recommender's own reason when it gave one)."""
    if not result.personalized:
        base = result.reason or "not personalised: popular products"
        return base if base.startswith("not personalised") else f"not personalised: {base}"
    why = f"next-best products from the recommender ({result.strategy}, model {result.model_version})"
    return f"{why}; {result.reason}" if result.reason else why


def served_recommender(store: Store, home: Path) -> Recommender:
    """The recommender the API serves, on the promoted model (NoModel when none is promoted)."""
    recommender = Recommender(store, ModelHolder(store, home))
    recommender.holder.current()
    return recommender


class _BatchReads:
    """Stands in for the Store inside one read transaction: ``query(name, params)`` runs the registered query
    there. Only reads — what serving state needs."""

    def __init__(self, store: Store, tx: ManagedTransaction) -> None:
        self.settings = store.settings
        self.registry = store.registry
        self._tx = tx

    def query(self, name: str, params: Mapping[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        if write:
            raise RuntimeError(f"{name}: a campaign's offers only read")
        return [record.data() for record in self._tx.run(self.registry[name].text, dict(params or {}))]


def _score_batch(recommender: Recommender, customer_ids: Sequence[str], items: int) -> list[Offer]:
    store = recommender.store

    def work(tx: ManagedTransaction) -> list[Offer]:
        reads = cast(Store, _BatchReads(store, tx))
        batch = Recommender(reads, recommender.holder, LiveCustomers(ttl_s=0))
        offers = []
        for customer_id in customer_ids:
            try:
                result = batch.recommend(customer_id, limit=items)
            except NotFound:  # erased since the audience was read
                continue
            ids = tuple(item.product_id for item in result.items)
            offers.append(Offer(customer_id, ids, result.personalized, offer_reason(result), result.model_version))
        return offers

    with translate_errors(store.settings), store.session() as session:
        return session.execute_read(work)


def make_offers(
    recommender: Recommender,
    customer_ids: Sequence[str],
    items: int,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, Offer]:
    """Offers of ``items`` products per customer, keyed by customer id."""
    offers: dict[str, Offer] = {}
    batches = [customer_ids[start : start + BATCH] for start in range(0, len(customer_ids), BATCH)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for batch, found in zip(batches, pool.map(lambda b: _score_batch(recommender, b, items), batches), strict=True):
            offers.update((offer.customer_id, offer) for offer in found)
            if on_batch is not None:
                on_batch(len(batch))
    return offers


__all__ = ["Offer", "make_offers", "offer_reason", "served_recommender"]
