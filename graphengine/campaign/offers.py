"""The offers of a campaign: each customer's next-best products from the served recommender.

The offers come from :meth:`graphengine.recommend.serving.Recommender.recommend` — the code behind
``GET /customers/{id}/recommendations`` and ``graphengine recommend`` — on the promoted model, with the API's
defaults (no filters, social re-ranking on). So a customer's offers are what the API would answer at that moment,
with its rules: without profiling consent the popularity list everybody gets (the reason says so), a cold start
gets what their community buys, bought and seen products are left out.

No HTTP: customers are scored in this process in batches of :data:`BATCH`. A batch's serving states are read
with **one query** (:meth:`~graphengine.recommend.serving.Recommender.read_states`, the query the API's
background reader uses, candidates ranked in one batched ``model.scores`` call), then each customer's list is
cut from their state exactly as a request would; a few batches run at a time in a thread pool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from graphengine.recommend.live import LiveCustomers
from graphengine.recommend.model_holder import ModelHolder
from graphengine.recommend.serving import Recommendations, Recommender
from graphengine.store import Store

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
    recommender = Recommender(store, ModelHolder(store, home), LiveCustomers(ttl_s=0))
    recommender.holder.current()
    return recommender


def _score_batch(recommender: Recommender, customer_ids: Sequence[str], items: int) -> list[Offer]:
    served = recommender.holder.current()
    offers = []
    for state in recommender.read_states(served, customer_ids):  # customers erased since are simply not found
        result = recommender.recommend(state.customer_id, limit=items, kept=state)
        ids = tuple(item.product_id for item in result.items)
        offers.append(Offer(state.customer_id, ids, result.personalized, offer_reason(result), result.model_version))
    return offers


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
