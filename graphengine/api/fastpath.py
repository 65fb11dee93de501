"""A cache-first ASGI layer: a GET whose exact URL was answered before is served from the response cache
before FastAPI routes, validates and injects anything.

The cached routes (:func:`graphengine.api.deps.cached`) store each 200 body under two keys: the canonical one
(route and validated parameters) and this layer's raw one (path and query string as sent). A repeat of the same
URL is then a dict lookup and two ASGI messages — about a tenth of the work of going through the framework —
and it cannot skip a check that matters: the URL was validated when the entry was made, the entry goes when
any write clears the cache, and a request carrying an API key is only served here when the key is valid (any
other key falls through to FastAPI and its 401).
"""

from __future__ import annotations

import hmac
from collections.abc import Hashable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

_HEADER = b"x-api-key"


def raw_key(path: str, query_string: bytes) -> Hashable:
    return ("raw", path, query_string)


def _key_ok(headers: list[tuple[bytes, bytes]], keys: list[bytes]) -> bool:
    for name, value in headers:
        if name == _HEADER:
            return any(hmac.compare_digest(value, known) for known in keys)
    return True


class CacheFirst:
    """Pure ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._keys: list[bytes] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            state: Any = scope["app"].state
            body = state.cache.get(raw_key(scope["path"], scope["query_string"]))
            if body is not None:
                if self._keys is None:
                    self._keys = [key.encode() for key in state.settings.api_keys]
                if _key_ok(scope["headers"], self._keys):
                    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                    await send({"type": "http.response.start", "status": 200, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


__all__ = ["CacheFirst", "raw_key"]
