"""The API's routes, one module per resource; :data:`ROUTERS` is what the app mounts."""

from __future__ import annotations

from typing import Any

from graphengine.api.schemas import ErrorResponse

_DESCRIPTIONS = {
    400: "the request body is not readable (not UTF-8 JSON)",
    401: "missing or invalid API key",
    403: "the API key lacks the scope this operation needs, or no API keys are configured",
    404: "unknown id",
    409: "the analysis cannot run on this graph",
    413: "the request body is larger than the limit (GRAPHENGINE_API_MAX_BODY_BYTES)",
    422: "invalid parameters or rows",
    503: "Neo4j is unreachable; retry after the Retry-After seconds",
}
# every route: a wrong key (401), a key without the scope (403), a body over the limit (413), bad parameters
# (422), Neo4j away (503) — the access gate answers the first three before the route runs
COMMON = (401, 403, 413, 422, 503)


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can return (all in the one error shape), always
    with the :data:`COMMON` ones."""
    return {code: {"model": ErrorResponse, "description": _DESCRIPTIONS[code]} for code in sorted({*codes, *COMMON})}


READ_ERRORS = error_responses(401, 422, 503)

__all__ = ["COMMON", "READ_ERRORS", "error_responses"]
