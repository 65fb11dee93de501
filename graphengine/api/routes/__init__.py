"""The API's routes, one module per resource; :data:`ROUTERS` is what the app mounts."""

from __future__ import annotations

from typing import Any

from graphengine.api.schemas import ErrorResponse

_DESCRIPTIONS = {
    400: "the request body is not readable (not UTF-8 JSON)",
    401: "missing or invalid API key",
    403: "writes are disabled (no API keys configured)",
    404: "unknown id",
    409: "the analysis cannot run on this graph",
    422: "invalid parameters or rows",
    503: "Neo4j is unreachable; retry after the Retry-After seconds",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can return (all in the one error shape)."""
    return {code: {"model": ErrorResponse, "description": _DESCRIPTIONS[code]} for code in codes}


READ_ERRORS = error_responses(401, 422, 503)

__all__ = ["READ_ERRORS", "error_responses"]
