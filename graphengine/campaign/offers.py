"""The offers of a campaign: each customer's next-best products from the served recommender.

The offers come from :class:`graphengine.recommend.serving.Recommender` — the object behind
``GET /customers/{id}/recommendations`` and ``graphengine recommend`` — run in this process on the promoted model,
with the API's defaults (no filters, social re-ranking on). So a customer's offers are exactly what the API would
answer at that moment, including its rules: without profiling consent the popularity list everybody gets (the
reason says so), a cold start gets what their community buys, bought and seen products are left out.

Customers are scored in batches of :data:`BATCH` in a small thread pool over one driver (no HTTP): each customer
costs the two small reads of their serving state and one model fold-in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from graphengine.errors import NotFound
from graphengine.recommend.model_holder import ModelHolder
from graphengine.recommend.serving import Recommendations, Recommender
from graphengine.store import Store

BATCH = 500
WORKERS = 4


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


def make_offers(
    recommender: Recommender,
    customer_ids: Sequence[str],
    items: int,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, Offer]:
    """Offers of ``items`` products per customer, keyed by customer id."""
    offers: dict[str, Offer] = {}

    def one(customer_id: str) -> Offer | None:
        try:
            result = recommender.recommend(customer_id, limit=items)
        except NotFound:  # erased since the audience was read
            return None
        ids = tuple(item.product_id for item in result.items)
        return Offer(customer_id, ids, result.personalized, offer_reason(result), result.model_version)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for start in range(0, len(customer_ids), BATCH):
            batch = customer_ids[start : start + BATCH]
            for offer in pool.map(one, batch):
                if offer is not None:
                    offers[offer.customer_id] = offer
            if on_batch is not None:
                on_batch(len(batch))
    return offers


__all__ = ["Offer", "make_offers", "offer_reason", "served_recommender"]
