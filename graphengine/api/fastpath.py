"""A cache-first ASGI layer: a GET whose exact URL was answered before is served from the response cache
before FastAPI routes, validates and injects anything.

The cached routes (:func:`graphengine.api.deps.cached`) store each 200 body under two keys: the canonical one
(route and validated parameters) and this layer's raw one (path, query string as sent, and whether the request
may read a person's data). A repeat of the same URL is then a dict lookup and two ASGI messages — about a tenth
of the work of going through the framework — and it cannot skip a check that matters: the URL was validated
when the entry was made, the entry goes when any write clears the cache, and the access gate (outside this
layer) has already refused bad keys and requests without the scope the route needs; a request without
``read`` only finds the redacted answers cached for such requests.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from graphengine.api.gate import granted_scopes
from graphengine.api.keys import READ


def raw_key(path: str, query_string: bytes, reader: bool) -> Hashable:
    return ("raw", path, query_string, reader)


class CacheFirst:
    """Pure ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            state: Any = scope["app"].state
            reader = READ in granted_scopes(scope)
            body = state.cache.get(raw_key(scope["path"], scope["query_string"], reader))
            if body is not None:
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


__all__ = ["CacheFirst", "raw_key"]
