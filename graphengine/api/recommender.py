"""The API's recommender: opened in the app's lifespan, told about the API's own writes.

One :class:`~graphengine.recommend.serving.Recommender` per process. At start it loads the promoted model (an
app with no promoted model still starts; recommendation requests answer 503 ``no_model`` until one is promoted)
and starts the watcher thread that hot-swaps a newly promoted version and refreshes the product table. A swap
drops the cached answers tagged ``MODEL``; a product change those listing a changed product and the filtered
ones (:func:`invalidated_by`). :func:`open_warm_states`
starts the background reader of every customer's serving state (:mod:`graphengine.recommend.warm`).

:func:`after_write` is what the write routes call: it forgets the written customers' kept state (so the next
request reads their current interactions — fold-in) and drops only their cached answers; :func:`after_erasure`
forgets everything (an erased customer may appear in other customers' state). With several uvicorn
workers each process has its own cache and state; a write reaches only the worker that took it, and the others
catch up within the state and cache TTLs — so the API runs one worker by default.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from graphengine.api.cache import FILTERED, MODEL, PRODUCTS, ResponseCache, customer_tag, product_tag
from graphengine.api.schemas_recommend import RecommendationQuery, ServedRecommendationsOut, served_out
from graphengine.errors import GraphEngineError
from graphengine.recommend.filters import ProductChange
from graphengine.recommend.live import CustomerState, LiveCustomers
from graphengine.recommend.model_holder import ModelHolder
from graphengine.recommend.serving import Recommender
from graphengine.recommend.warm import WarmStates
from graphengine.store import Store

log = logging.getLogger(__name__)


def open_recommender(
    store: Store,
    home: Path,
    cache: ResponseCache,
    *,
    check_s: float = 1.0,
    products_s: float = 60.0,
    state_ttl_s: float = 30.0,
) -> Recommender:
    def changed(kind: str, change: ProductChange | None) -> None:
        cache.invalidate(invalidated_by(kind, change))

    holder = ModelHolder(store, home, check_s=check_s, products_s=products_s, on_change=changed)
    try:
        holder.refresh()
    except GraphEngineError as exc:  # Neo4j down or no model yet: serve 503s until the watcher gets it
        holder.last_error = exc.message
        log.warning("recommender not ready at start: %s", exc.message)
    holder.start()
    return Recommender(store, holder, LiveCustomers(ttl_s=state_ttl_s))


def open_warm_states(recommender: Recommender, *, every_s: float, max_customers: int) -> WarmStates | None:
    """Start reading every customer's serving state in the background (None when ``max_customers`` is 0)."""
    if max_customers <= 0:
        return None
    warm = WarmStates(recommender, every_s=every_s, max_customers=max_customers)
    warm.start()
    return warm


def after_write(app_state: Any, customer_ids: Iterable[str]) -> int:
    """Forget the written customers' state and cached answers; returns the cache entries dropped."""
    ids = list(customer_ids)
    recommender: Recommender | None = getattr(app_state, "recommender", None)
    if recommender is not None:
        recommender.live.invalidate(ids)
    cache: ResponseCache = app_state.cache
    return cache.invalidate([customer_tag(c) for c in ids])


def after_erasure(app_state: Any) -> int:
    """Forget every kept state and cached answer: an erased customer may be named in other customers' state
    (a followed account's handle in their social signals) and answers. Returns the cache entries dropped."""
    recommender: Recommender | None = getattr(app_state, "recommender", None)
    if recommender is not None:
        recommender.live.clear()
    cache: ResponseCache = app_state.cache
    return cache.clear()


def recommendation_key(customer_id: str, query: RecommendationQuery) -> Hashable:
    """The response cache's key of one recommendation answer (without the reader flag ``cached`` adds)."""
    return ("recommendations", customer_id, query)


def recommendation_answer(
    recommender: Recommender, customer_id: str, query: RecommendationQuery, *, kept: CustomerState | None = None
) -> ServedRecommendationsOut:
    """The answer of ``GET /customers/{id}/recommendations`` — the route and the fast path both call this
    (``kept``: the customer's kept state when the caller has it)."""
    result = recommender.recommend(
        customer_id,
        limit=query.limit,
        filters=query.filters(),
        explain=query.explain,
        social=query.social,
        kept=kept,
    )
    return served_out(result, query.explain)


def invalidated_by(kind: str, change: ProductChange | None) -> list[Hashable]:
    """The cache tags a model swap or a product-table change makes stale: per product, not the whole cache."""
    if kind == "model" or change is None:
        return [MODEL]
    return [*(product_tag(p) for p in change.product_ids), FILTERED, *([PRODUCTS] if change.widened else [])]


def recommendation_tags(
    customer_id: str, answer: ServedRecommendationsOut, query: RecommendationQuery
) -> list[Hashable]:
    """What an answer was computed from: the customer, the model, the set of products that exist, each listed
    product, and for a filtered answer the products' filter values (any product's change may alter it)."""
    filtered = [FILTERED] if query.filters().active else []
    return [customer_tag(customer_id), MODEL, PRODUCTS, *filtered, *(product_tag(i.productId) for i in answer.items)]


async def get_recommender(request: Request) -> Recommender:
    recommender: Recommender = request.app.state.recommender
    return recommender


RecommenderDep = Annotated[Recommender, Depends(get_recommender)]

__all__ = [
    "RecommenderDep",
    "after_erasure",
    "after_write",
    "get_recommender",
    "open_recommender",
    "open_warm_states",
    "recommendation_answer",
    "recommendation_key",
    "recommendation_tags",
]
