"""Recommendations answered from memory before FastAPI: the hot path of the API's first use.

When a customer's serving state is kept in process (:mod:`graphengine.recommend.warm` reads every customer's
in the background), an answer needs no I/O: the candidates were ranked when the state was read, and the
request only filters and cuts them. Routing, dependency injection and the framework's validation would then
cost several times the answer itself, so this pure ASGI layer answers ``GET /customers/{id}/recommendations``
directly — with the same query model (:class:`~graphengine.api.schemas_recommend.RecommendationQuery`), the same
function (:func:`~graphengine.api.recommender.recommendation_answer`) and the same response-cache entries as the
route. It steps aside, and the route answers, whenever anything is not plain:

* the customer's state is not kept (an unknown customer, one just written, a cold start whose community's
  popularity is not read yet) — the route reads it from Neo4j in a worker thread;
* the query string repeats or adds a parameter, or fails validation — the route answers 422 in the API's
  error shape;
* the request may not read a person's data (the access gate, outside this layer, has refused it already).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from graphengine.api.fastpath import raw_key
from graphengine.api.gate import granted_scopes
from graphengine.api.keys import READ
from graphengine.api.recommender import recommendation_answer, recommendation_tags
from graphengine.api.schemas_recommend import RecommendationQuery
from graphengine.errors import GraphEngineError
from graphengine.recommend.serving import Recommender

PATH = re.compile(r"^/customers/([^/]{1,200})/recommendations$")
FIELDS = frozenset(RecommendationQuery.model_fields)
HEADERS = [(b"content-type", b"application/json")]


DEFAULT = RecommendationQuery()


def plain_query(query_string: bytes) -> RecommendationQuery | None:
    """The validated query, or None when the route should see it (repeated or unknown names, invalid values)."""
    if not query_string:
        return DEFAULT
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    values = dict(pairs)
    if len(values) != len(pairs) or not FIELDS.issuperset(values):
        return None
    try:
        query = RecommendationQuery.model_validate(values)
        query.filters()
    except (ValidationError, GraphEngineError):
        return None
    return query


class ServedFirst:
    """Pure ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            body = self._answer(scope)
            if body is not None:
                headers = [*HEADERS, (b"content-length", str(len(body)).encode())]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _answer(scope: Scope) -> bytes | None:
        match = PATH.match(scope["path"])
        if match is None or READ not in granted_scopes(scope):
            return None
        state: Any = scope["app"].state
        recommender: Recommender | None = getattr(state, "recommender", None)
        customer_id = match.group(1)
        kept = None if recommender is None else recommender.kept_state(customer_id)
        if recommender is None or kept is None:
            return None
        query = plain_query(scope["query_string"])
        if query is None:
            return None
        cache = state.cache
        generation = cache.generation
        try:
            answer = recommendation_answer(recommender, customer_id, query, kept=kept)
        except GraphEngineError:
            return None  # e.g. the model went away meanwhile: the route answers in the error shape
        body: bytes = answer.model_dump_json().encode()
        # kept under this URL for the cache-first layer (the route keeps its canonical key when it answers)
        tags = tuple(recommendation_tags(customer_id, answer, query))
        cache.put(raw_key(scope["path"], scope["query_string"], True), body, generation=generation, tags=tags)
        return body


__all__ = ["PATH", "ServedFirst", "plain_query"]
