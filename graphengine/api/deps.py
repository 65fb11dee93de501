"""Dependencies of the routes: the app's Store and cache, API keys, and running the sync driver off the loop.

The app keeps **one** :class:`~graphengine.store.Store` (one driver, one connection pool) for its lifetime.
Its calls are synchronous; async endpoints run them in a worker thread with :func:`blocking`, so the event
loop never waits on Neo4j. Why the sync driver in threads rather than ``neo4j.AsyncGraphDatabase``: every
query and domain function the API serves (``recommend``, ``list_influencers``, ``community_profile``, the
loaders' write queries) is written once against the synchronous Store that the CLI, the loaders and the
analytics share — the query registry, error translation and retry policy live there, and an async twin would
duplicate all of it. The thread hop costs tens of microseconds against queries of milliseconds, the driver
waits on the socket without the GIL, and cache hits never leave the event loop at all.

API keys travel in the ``X-API-Key`` header and are checked in constant time against ``settings.api_keys``.
Writes and erasure need a valid key (``ApiKeyDep``); with no keys configured they are refused. Reads work
without a key, but a key that is sent must be valid (:func:`optional_api_key`, a router dependency).
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable, Hashable, Iterable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.responses import Response

from graphengine.api.cache import ResponseCache
from graphengine.api.fastpath import raw_key
from graphengine.config import Settings
from graphengine.store import Store

T = TypeVar("T")
API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="Required for POST /events and DELETE /customers/{id}; optional for reads.",
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


def _valid(key: str, settings: Settings) -> bool:
    candidate = key.encode()
    return any(hmac.compare_digest(candidate, known.encode()) for known in settings.api_keys)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status_code=401, detail=message, headers={"WWW-Authenticate": API_KEY_HEADER})


def require_api_key(request: Request, key: Annotated[str | None, Security(_api_key)] = None) -> str:
    settings = get_settings(request)
    if not settings.api_keys:
        raise HTTPException(
            status_code=403, detail="writes are disabled: no API keys are configured (set GRAPHENGINE_API_KEYS)"
        )
    if key is None:
        raise _unauthorized(f"this operation needs an API key in the {API_KEY_HEADER} header")
    if not _valid(key, settings):
        raise _unauthorized("the API key is not valid")
    return key


async def optional_api_key(request: Request) -> str | None:
    """Reads take an optional key; it is read from the header directly rather than declared as an OpenAPI
    security requirement (OpenAPI would then call it required)."""
    key = request.headers.get(API_KEY_HEADER)
    if key is not None and not _valid(key, get_settings(request)):
        raise _unauthorized("the API key is not valid (reads work without one)")
    return key


StoreDep = Annotated[Store, Depends(get_store)]
CacheDep = Annotated[ResponseCache, Depends(get_cache)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ApiKeyDep = Annotated[str, Depends(require_api_key)]


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
    ``inline`` runs ``compute`` on the event loop (for pure in-memory work that needs no thread hop)."""
    cache = get_cache(request)
    raw = raw_key(request.scope["path"], request.scope["query_string"])
    body = cache.get(key)
    if body is None:
        generation = cache.generation
        model = compute() if inline else await blocking(compute)
        body = model.model_dump_json().encode()
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
    "SettingsDep",
    "StoreDep",
    "blocking",
    "cached",
    "optional_api_key",
    "require_api_key",
]
