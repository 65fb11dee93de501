"""The only place graphengine errors become HTTP: one JSON shape ``{"error": {"code", "message", "details"}}``.

=============================  ======  ==========================================================
raised                         status  code
=============================  ======  ==========================================================
StoreUnavailable               503     ``store_unavailable`` (+ ``Retry-After``)
neo4j ServiceUnavailable …     503     ``store_unavailable`` (+ ``Retry-After``; driver errors that escaped)
NotFound                       404     ``not_found``
ValidationFailed               422     ``validation_failed`` (``details.rejected`` lists the rows)
PrivacyViolation               422     ``privacy_violation``
Conflict                       409     ``conflict`` (``details.rejected``: an event owned by another customer)
AnalysisError                  409     ``analysis_error``
ConfigError                    500     ``config_error`` (e.g. Neo4j rejects the credentials)
request validation (FastAPI)   422     ``validation_failed`` (``details.errors``: loc, msg, type)
HTTPException (404/405/401…)   same    ``not_found``, ``method_not_allowed``, ``unauthorized``, …
(access gate) no/wrong key     401     ``unauthorized`` (+ ``WWW-Authenticate: X-API-Key``)
(access gate) scope missing    403     ``forbidden`` (also: no keys configured at all)
(access gate) body too large   413     ``payload_too_large`` (+ ``Connection: close``)
anything else                  500     ``internal_error`` (logged; the message says nothing internal)
=============================  ======  ==========================================================
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphengine.errors import (
    AnalysisError,
    ConfigError,
    Conflict,
    GraphEngineError,
    NotFound,
    StoreUnavailable,
    ValidationFailed,
)

log = logging.getLogger("graphengine.api")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    503: "store_unavailable",
}
STATUS = (
    (StoreUnavailable, 503),
    (NotFound, 404),
    (ValidationFailed, 422),
    (Conflict, 409),
    (AnalysisError, 409),
    (ConfigError, 500),
)


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


def _retry_after(request: Request) -> dict[str, str]:
    seconds = getattr(request.app.state, "retry_after_s", 5)
    return {"Retry-After": str(int(seconds))}


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


async def graphengine_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GraphEngineError)
    status = next((code for cls, code in STATUS if isinstance(exc, cls)), 500)
    details = _json_safe(exc.details)
    if isinstance(exc, ValidationFailed) and exc.rejected and "rejected" not in details:
        details["rejected"] = _json_safe(exc.rejected)
    if status == 500:
        log.error("configuration error: %s", exc.message)
    headers = _retry_after(request) if status == 503 else None
    return error_response(status, exc.code, exc.message, details, headers)


async def driver_unavailable(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, TransientError):  # a lock conflict or an overloaded server that outlived the retries
        message = f"Neo4j could not complete the request now; retry it: {exc}"
    else:
        message = f"Neo4j is not reachable: {exc}"
    return error_response(503, StoreUnavailable.code, message, {}, _retry_after(request))


async def request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"]) or "request"
    message = f"{where}: {first['msg']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    return error_response(422, "validation_failed", message, {"errors": errors})


def _allowed_methods(request: Request) -> str:
    """Every method some route serves on this path (Starlette names only the first matching route's)."""
    path = request.scope.get("path", "")
    routes: list[tuple[Any, set[str]]] = getattr(request.app.state, "route_methods", [])
    return ", ".join(sorted({m for regex, methods in routes if regex.match(path) for m in methods}))


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = f"no route {request.method} {request.url.path}"
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    if exc.status_code == 503:
        headers.update(_retry_after(request))
    if exc.status_code == 413:  # the rest of the body is not read, so the connection cannot carry another request
        headers["Connection"] = "close"
    return error_response(exc.status_code, code, message, {}, headers or None)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "an unexpected error occurred; it has been logged", {})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GraphEngineError, graphengine_error)
    for cls in (ServiceUnavailable, SessionExpired, TransientError):
        app.add_exception_handler(cls, driver_unavailable)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)


__all__ = ["error_response", "install_error_handlers"]
