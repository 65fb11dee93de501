"""The API's recommender: opened in the app's lifespan, told about the API's own writes.

One :class:`~graphengine.recommend.serving.Recommender` per process. At start it loads the promoted model (an
app with no promoted model still starts; recommendation requests answer 503 ``no_model`` until one is promoted)
and starts the watcher thread that hot-swaps a newly promoted version and refreshes the product table. A swap
drops the cached answers tagged ``MODEL``, a product change those tagged ``PRODUCTS``.

:func:`after_write` is what the write routes call: it forgets the written customers' kept state (so the next
request reads their current interactions — fold-in) and drops only their cached answers; :func:`after_erasure`
forgets everything (an erased customer may appear in other customers' state). With several uvicorn
workers each process has its own cache and state; a write reaches only the worker that took it, and the others
catch up within the state and cache TTLs — so the API runs one worker by default.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from graphengine.api.cache import MODEL, PRODUCTS, ResponseCache, customer_tag
from graphengine.errors import GraphEngineError
from graphengine.recommend.live import LiveCustomers
from graphengine.recommend.model_holder import ModelHolder
from graphengine.recommend.serving import Recommender
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
    def changed(kind: str) -> None:
        cache.invalidate([MODEL if kind == "model" else PRODUCTS])

    holder = ModelHolder(store, home, check_s=check_s, products_s=products_s, on_change=changed)
    try:
        holder.refresh()
    except GraphEngineError as exc:  # Neo4j down or no model yet: serve 503s until the watcher gets it
        holder.last_error = exc.message
        log.warning("recommender not ready at start: %s", exc.message)
    holder.start()
    return Recommender(store, holder, LiveCustomers(ttl_s=state_ttl_s))


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


async def get_recommender(request: Request) -> Recommender:
    recommender: Recommender = request.app.state.recommender
    return recommender


RecommenderDep = Annotated[Recommender, Depends(get_recommender)]

__all__ = ["RecommenderDep", "after_erasure", "after_write", "get_recommender", "open_recommender"]
