"""The access gate: a pure ASGI middleware, outermost in the app, that decides before anything reads the body.

For every HTTP request it

1. finds the scope the route needs (``read``, ``write`` or none — the table :class:`AccessPolicy` builds from
   the routes' scope dependencies, see :func:`graphengine.api.deps.require_scope`);
2. checks the ``X-API-Key`` header: a key that is sent must be valid (401), a route that needs a scope needs a
   key that carries it (401 without a key, 403 with a key that lacks the scope; 403 when no keys are
   configured at all, since then nobody can hold one);
3. refuses a body whose ``Content-Length`` is over the limit (413), and otherwise counts the ``http.request``
   chunks as the app reads them, answering 413 as soon as the count passes the limit (also when the length
   is missing, as with chunked uploads, or wrong).

Refusals happen before the app is called, so an unauthenticated 100 MB upload is answered 401 without a byte
of its body being read. The scopes granted are left in ``scope["state"]["scopes"]`` for the routes (aggregate
answers are redacted without ``read``) and for the cache-first layer. All answers use the API's error shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphengine.api.errors import error_response
from graphengine.api.keys import READ, KeyRing

_HEADER = b"x-api-key"
_LENGTH = b"content-length"
WWW_AUTHENTICATE = {"WWW-Authenticate": "X-API-Key"}


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes the limit; FastAPI lets HTTPExceptions through its body
    parsing, so the app's handler answers 413 in the error shape (and the gate does when it escapes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


@dataclass(frozen=True)
class AccessPolicy:
    """What the gate enforces: the keys, the dev-only open reads, the body limit and the routes' scopes."""

    keys: KeyRing
    open_reads: bool
    max_body_bytes: int
    rules: tuple[tuple[re.Pattern[str], frozenset[str], str], ...]

    def required(self, path: str, method: str) -> str | None:
        for regex, methods, scope in self.rules:
            if method in methods and regex.match(path):
                return scope
        return None

    def decide(self, need: str | None, key: bytes | None) -> frozenset[str] | Refusal:
        """The scopes granted to a request, or why it is refused."""
        granted = frozenset({READ}) if self.open_reads else frozenset()
        if key is not None and self.keys:  # with no keys configured, a key is nothing to check: see below
            found = self.keys.scopes_of(key)
            if found is None:
                return Refusal(401, "unauthorized", "the API key is not valid")
            granted = found
        if need is None or need in granted:
            return granted
        if not self.keys:
            what = "writes are" if need != READ else "endpoints that return a person's data are"
            hint = "" if need != READ else " (or GRAPHENGINE_API_OPEN=true on a development machine)"
            return Refusal(
                403, "forbidden", f"{what} disabled: no API keys are configured; set GRAPHENGINE_API_KEYS{hint}"
            )
        if key is None:
            return Refusal(401, "unauthorized", f"this operation needs an API key with the {need!r} scope in X-API-Key")
        return Refusal(403, "forbidden", f"the API key does not have the {need!r} scope this operation needs")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _has_body(scope: Scope) -> bool:
    return _header(scope, _LENGTH) not in (None, b"0") or _header(scope, b"transfer-encoding") is not None


async def _refuse(scope: Scope, send: Send, refusal: Refusal) -> None:
    headers = WWW_AUTHENTICATE if refusal.status == 401 else None
    response = error_response(refusal.status, refusal.code, refusal.message, {}, headers)
    if _has_body(scope):  # the body that was not read must not be taken for a next request
        response.headers["connection"] = "close"

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


class AccessGate:
    """Pure ASGI middleware; see the module docstring. Reads its policy from ``app.state.access``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy: AccessPolicy = scope["app"].state.access
        decision = policy.decide(policy.required(scope["path"], scope["method"]), _header(scope, _HEADER))
        if isinstance(decision, Refusal):
            await _refuse(scope, send, decision)
            return
        limit = policy.max_body_bytes
        length = _header(scope, _LENGTH)
        if length is not None and length.isdigit() and int(length) > limit:
            await _refuse(scope, send, Refusal(413, "payload_too_large", str(BodyTooLarge(limit).detail)))
            return
        scope.setdefault("state", {})["scopes"] = decision
        await self._counted(scope, receive, send, limit)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(scope, send, Refusal(413, "payload_too_large", str(exc.detail)))


def granted_scopes(scope: Scope) -> frozenset[str]:
    """The scopes the gate granted to this request (none when the gate did not run)."""
    scopes = scope.get("state", {}).get("scopes")
    return scopes if isinstance(scopes, frozenset) else frozenset()


__all__ = ["AccessGate", "AccessPolicy", "BodyTooLarge", "Refusal", "granted_scopes"]
