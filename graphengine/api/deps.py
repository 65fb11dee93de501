"""Dependencies of the routes: the app's Store and cache, API keys, and running the sync driver off the loop.

The app keeps **one** :class:`~graphengine.store.Store` (one driver, one connection pool) for its lifetime.
Its calls are synchronous; async endpoints run them in a worker thread with :func:`blocking`, so the event
loop never waits on Neo4j. Why the sync driver in threads rather than ``neo4j.AsyncGraphDatabase``: every
query and domain function the API serves (``recommend``, ``list_influencers``, ``community_profile``, the
loaders' write queries) is written once against the synchronous Store that the CLI, the loaders and the
analytics share — the query registry, error translation and retry policy live there, and an async twin would
duplicate all of it. The thread hop costs tens of microseconds against queries of milliseconds, the driver
waits on the socket without the GIL, and cache hits never leave the event loop at all.

API keys travel in the ``X-API-Key`` header and carry scopes (:mod:`graphengine.api.keys`). The access gate
(:mod:`graphengine.api.gate`, ASGI middleware) checks them before any route runs or any body is read, using the
table it builds from the scope dependencies below: a route that returns a person's data declares
``ReadKeyDep``, a write declares ``WriteKeyDep``. The dependencies also put the key into the route's OpenAPI
security and check the granted scopes once more. Aggregate routes declare neither; :func:`cached` redacts
their answers (:mod:`graphengine.api.redact`) for requests without ``read``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.responses import Response

from graphengine.api.cache import ResponseCache
from graphengine.api.fastpath import raw_key
from graphengine.api.gate import AccessPolicy, granted_scopes
from graphengine.api.keys import READ, WRITE
from graphengine.api.redact import redact
from graphengine.config import Settings
from graphengine.store import Store

T = TypeVar("T")
API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="An API key with the scope the operation needs (read: a person's data; write: events, erasure).",
)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_cache(request: Request) -> ResponseCache:
    cache: ResponseCache = request.app.state.cache
    return cache


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def require_scope(scope: str) -> Callable[..., str]:
    """A dependency that demands ``scope``; the gate reads the scope from it (``required_scope``)."""

    def check(request: Request, key: Annotated[str | None, Security(_api_key)] = None) -> str:
        policy: AccessPolicy = request.app.state.access
        decision = policy.decide(scope, None if key is None else key.encode())
        if not isinstance(decision, frozenset):  # the gate refused this already; kept for apps without it
            headers = {"WWW-Authenticate": API_KEY_HEADER} if decision.status == 401 else None
            raise HTTPException(status_code=decision.status, detail=decision.message, headers=headers)
        return scope

    check.required_scope = scope  # type: ignore[attr-defined]
    check.__name__ = f"require_{scope}_scope"
    return check


def can_read(request: Request) -> bool:
    """Whether this request may see a person's data (its key has ``read``, or reads are open)."""
    return READ in granted_scopes(request.scope)


StoreDep = Annotated[Store, Depends(get_store)]
CacheDep = Annotated[ResponseCache, Depends(get_cache)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ReadKeyDep = Annotated[str, Depends(require_scope(READ))]
WriteKeyDep = Annotated[str, Depends(require_scope(WRITE))]
ApiKeyDep = WriteKeyDep


async def blocking(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a synchronous (driver) call in a worker thread."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


class JSONBytes(Response):
    media_type = "application/json"


async def cached(
    request: Request,
    key: Hashable,
    compute: Callable[[], BaseModel],
    *,
    tags: Callable[[Any], Iterable[Hashable]] | None = None,
    inline: bool = False,
) -> Response:
    """The response for ``key`` from the cache, or ``compute()`` (in a worker thread) serialised and kept.

    The value is cached as JSON bytes under ``key`` and under the request's raw URL (for
    :class:`~graphengine.api.fastpath.CacheFirst`), so a hit costs a dict lookup; a write that happens while
    ``compute`` runs makes :meth:`ResponseCache.put` drop the result (it may predate the write). ``tags(model)``
    names what the answer was computed from (see :mod:`graphengine.api.cache`); without it any write drops it.
    ``inline`` runs ``compute`` on the event loop (for pure in-memory work that needs no thread hop). Answers
    to requests without the ``read`` scope are redacted and cached apart from the full ones."""
    cache = get_cache(request)
    reader = can_read(request)
    key = (key, reader)
    raw = raw_key(request.scope["path"], request.scope["query_string"], reader)
    body = cache.get(key)
    if body is None:
        generation = cache.generation
        model = compute() if inline else await blocking(compute)
        body = (model if reader else redact(model)).model_dump_json().encode()
        marks = None if tags is None else tuple(tags(model))
        cache.put(key, body, generation=generation, tags=marks)
        cache.put(raw, body, generation=generation, tags=marks)
    else:  # the same answer under another spelling of the URL; no await since the get, so no write came between
        cache.put(raw, body, tags=cache.tags_of(key))
    return JSONBytes(body)


__all__ = [
    "API_KEY_HEADER",
    "ApiKeyDep",
    "CacheDep",
    "JSONBytes",
    "ReadKeyDep",
    "SettingsDep",
    "StoreDep",
    "WriteKeyDep",
    "blocking",
    "cached",
    "can_read",
    "require_scope",
]
