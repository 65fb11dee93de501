"""The FastAPI application factory: ``create_app(settings)``.

One :class:`~graphengine.store.Store` (one Neo4j driver and connection pool) is opened in the lifespan and
closed at shutdown; the app starts even when Neo4j is down (requests answer 503 with ``Retry-After`` until
it is back — the driver reconnects by itself). The endpoints are ``async`` and run the synchronous driver in
worker threads (see :mod:`graphengine.api.deps` for why), and finished responses are cached in-process
(:mod:`graphengine.api.cache`) until a write through the API or the TTL.

A request should fail fast rather than hang when Neo4j is gone, so the API's Store retries a transaction
for at most :attr:`ApiOptions.request_retry_s` (not the CLI's ``retry_time_s``) and gives up connecting
after :attr:`ApiOptions.connect_timeout_s`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

import graphengine
from graphengine.api.cache import ResponseCache
from graphengine.api.docs import install_docs
from graphengine.api.errors import install_error_handlers
from graphengine.api.fastpath import CacheFirst
from graphengine.api.gate import AccessGate, AccessPolicy
from graphengine.api.keys import KeyRing
from graphengine.api.recommender import open_recommender, open_warm_states
from graphengine.api.routes import analytics, customers, events, health, journeys, recommendations, value
from graphengine.api.served_fastpath import ServedFirst
from graphengine.config import Settings
from graphengine.store import Store

DESCRIPTION = (
    "Recommendations, people you may know, influencers, communities, unified customer profiles, event "
    "ingestion and GDPR erasure over the graphengine Neo4j graph. Endpoints that return a person's data need "
    "an X-API-Key with the read scope; POST /events and DELETE /customers/{id} need the write scope. "
    "Aggregates (influencers, communities, attribution, transitions, patterns) answer without a key, with the "
    "account ids, handles and customer ids left out (null) unless the key has read. Bodies over the limit are "
    "refused with 413 before they are read."
)


@dataclass(frozen=True)
class ApiOptions:
    cache_ttl_s: float = 60.0
    cache_entries: int = 50_000
    retry_after_s: int = 5
    request_retry_s: float = 1.0
    connect_timeout_s: float = 3.0
    # recommender serving: where artefacts live (default GRAPHENGINE_HOME), how often to look for a newly
    # promoted model and re-read the product table, how long a customer's kept state is trusted
    models_home: Path | None = None
    model_check_s: float = 1.0
    products_refresh_s: float = 60.0
    customer_state_ttl_s: float = 30.0
    # every customer's serving state is read in the background (at most this many customers; 0: only on demand)
    # and read again every customer_state_refresh_s seconds (default: half the TTL, so kept states do not expire)
    warm_customers: int = 200_000
    customer_state_refresh_s: float | None = None


def api_store_settings(settings: Settings, options: ApiOptions) -> Settings:
    """The settings for the API's Store: the same server, with request-sized retry and connect budgets."""
    return settings.model_copy(
        update={
            "retry_time_s": min(settings.retry_time_s, options.request_retry_s),
            "connect_timeout_s": min(settings.connect_timeout_s, options.connect_timeout_s),
        }
    )


def _required_scope(dependant: Dependant) -> str | None:
    """The scope a route's dependencies demand (see :func:`graphengine.api.deps.require_scope`)."""
    for dep in dependant.dependencies:
        scope = getattr(dep.call, "required_scope", None) or _required_scope(dep)
        if scope:
            return str(scope)
    return None


def access_policy(settings: Settings, routes: list[APIRoute]) -> AccessPolicy:
    """The gate's policy; raises ConfigError for a malformed key entry."""
    rules = tuple(
        (route.path_regex, frozenset(route.methods or ()), scope)
        for route in routes
        if (scope := _required_scope(route.dependant)) is not None
    )
    return AccessPolicy(KeyRing(settings.api_keys), settings.api_open, settings.api_max_body_bytes, rules)


def create_app(settings: Settings, options: ApiOptions | None = None) -> FastAPI:
    """Build the app; nothing connects until the first request. Raises ConfigError for a malformed key."""
    opts = options or ApiOptions()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(api_store_settings(settings, opts))
        app.state.store = store
        app.state.recommender = open_recommender(
            store,
            opts.models_home or settings.home,
            app.state.cache,
            check_s=opts.model_check_s,
            products_s=opts.products_refresh_s,
            state_ttl_s=opts.customer_state_ttl_s,
        )
        refresh_s = opts.customer_state_refresh_s or max(opts.customer_state_ttl_s / 2, 1.0)
        app.state.warm = open_warm_states(app.state.recommender, every_s=refresh_s, max_customers=opts.warm_customers)
        try:
            yield
        finally:
            if app.state.warm is not None:
                app.state.warm.stop()
            app.state.recommender.holder.stop()
            store.close()

    app = FastAPI(
        title="graphengine API",
        version=graphengine.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.cache = ResponseCache(ttl_s=opts.cache_ttl_s, max_entries=opts.cache_entries)
    app.state.retry_after_s = opts.retry_after_s
    app.state.versions = {}
    install_error_handlers(app)
    app.add_middleware(ServedFirst)  # innermost: recommendations answered from memory before routing
    app.add_middleware(CacheFirst)
    app.add_middleware(AccessGate)  # added last, so it runs first: keys and the body limit before anything
    modules = (health, recommendations, customers, events, analytics, journeys, value)
    for module in modules:
        app.include_router(module.router)
    routes = [route for module in modules for route in module.router.routes if isinstance(route, APIRoute)]
    app.state.route_methods = [(route.path_regex, set(route.methods or ())) for route in routes]
    app.state.access = access_policy(settings, routes)
    install_docs(app)
    return app


__all__ = ["ApiOptions", "access_policy", "api_store_settings", "create_app"]
