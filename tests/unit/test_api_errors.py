"""The API's one error shape, status mapping, auth and offline docs — with no Neo4j running (the app points at
a closed port, so anything that needs the database answers 503)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI
from neo4j.exceptions import ServiceUnavailable

from graphengine.api import ApiOptions, create_app
from graphengine.api.app import api_store_settings
from graphengine.api.docs import render_docs
from graphengine.api.fastpath import raw_key
from graphengine.errors import AnalysisError, ConfigError, NotFound, PrivacyViolation, ValidationFailed
from tests.conftest import make_test_settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _raiser(exc: BaseException) -> Any:
    async def route() -> None:
        raise exc

    return route


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    settings = make_test_settings(bolt_port=_closed_port(), api_keys=["k1"])
    app = create_app(settings, ApiOptions(request_retry_s=0.1, retry_after_s=7, models_home=tmp_path))
    cases: dict[str, BaseException] = {
        "not-found": NotFound("no thing", details={"id": "x"}),
        "invalid": ValidationFailed("bad rows", rejected=[{"line": 2, "reasons": ["x: bad"]}]),
        "privacy": PrivacyViolation("religion column", details={"columns": ["religion"]}),
        "analysis": AnalysisError("empty graph"),
        "config": ConfigError("wrong password"),
        "driver": ServiceUnavailable("connection refused"),
        "boom": RuntimeError("secret internals"),
    }
    for name, exc in cases.items():
        app.add_api_route(f"/test/{name}", _raiser(exc))
    return app


class Client:
    """Requests to the app in-process through httpx's ASGI transport, with the app's lifespan around each
    (Starlette's TestClient warns about httpx, and warnings are errors here)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with (
                self.app.router.lifespan_context(self.app),
                httpx.AsyncClient(transport=transport, base_url="http://api") as client,
            ):
                return await client.request(method, path, **kwargs)

        return anyio.run(send)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def client(app: FastAPI) -> Client:
    return Client(app)


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and list(body["error"]) == ["code", "message", "details"]
    assert body["error"]["code"] == code
    error: dict[str, Any] = body["error"]
    return error


def test_neo4j_unreachable_is_503_with_retry_after(client: Client) -> None:
    for path in ("/health", "/customers/c1", "/communities/1", "/influencers"):
        response = client.get(path, headers={"X-API-Key": "k1"})
        _error(response, 503, "store_unavailable")
        assert response.headers["Retry-After"] == "7"
    _error(client.get("/test/driver"), 503, "store_unavailable")
    no_model = client.get(
        "/customers/c1/recommendations", headers={"X-API-Key": "k1"}
    )  # and no model promoted in this home either
    _error(no_model, 503, "no_model")
    assert no_model.headers["Retry-After"] == "7"


def test_domain_errors_map_to_statuses(client: Client) -> None:
    assert _error(client.get("/test/not-found"), 404, "not_found")["details"] == {"id": "x"}
    invalid = _error(client.get("/test/invalid"), 422, "validation_failed")
    assert invalid["details"]["rejected"] == [{"line": 2, "reasons": ["x: bad"]}]
    assert _error(client.get("/test/privacy"), 422, "privacy_violation")["details"]["columns"] == ["religion"]
    _error(client.get("/test/analysis"), 409, "analysis_error")
    _error(client.get("/test/config"), 500, "config_error")


def test_unexpected_errors_are_500_in_the_same_shape_and_say_nothing_internal(client: Client) -> None:
    error = _error(client.get("/test/boom"), 500, "internal_error")
    assert "secret" not in error["message"]


def test_framework_errors_use_the_shape_too(client: Client) -> None:
    assert _error(client.get("/nowhere"), 404, "not_found")["message"] == "no route GET /nowhere"
    response = client.patch("/customers/c1")
    _error(response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "DELETE, GET"
    url = "/customers/c1/recommendations?limit=0&min_price=-1"
    invalid = _error(client.get(url, headers={"X-API-Key": "k1"}), 422, "validation_failed")
    assert [e["loc"] for e in invalid["details"]["errors"]] == [["query", "limit"], ["query", "min_price"]]
    assert invalid["message"].startswith("query.limit: ") and invalid["message"].endswith("(and 1 more)")
    body = _error(
        client.post("/events", json={"events": [{"eventId": 1}]}, headers={"X-API-Key": "k1"}), 422, "validation_failed"
    )
    assert ["body", "events", "0", "customerId"] in [e["loc"] for e in body["details"]["errors"]]


def test_api_keys(client: Client) -> None:
    event = {"purchases": [{"orderId": "o", "customerId": "c", "productId": "p", "amount": 1, "at": "2026-01-01"}]}
    assert _error(client.post("/events", json=event), 401, "unauthorized")["message"].startswith("this operation needs")
    wrong = client.delete("/customers/c1", headers={"X-API-Key": "nope"})
    _error(wrong, 401, "unauthorized")
    assert wrong.headers["WWW-Authenticate"] == "X-API-Key"
    _error(client.get("/influencers", headers={"X-API-Key": "nope"}), 401, "unauthorized")
    _error(client.post("/events", json=event, headers={"X-API-Key": "k1"}), 503, "store_unavailable")  # key ok
    keyless = create_app(make_test_settings(bolt_port=_closed_port()))
    _error(Client(keyless).post("/events", json=event, headers={"X-API-Key": "k1"}), 403, "forbidden")


def test_docs_are_offline(client: Client, app: FastAPI) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "<script" not in page.text and "<link" not in page.text and "https://" not in page.text
    for path in app.openapi()["paths"]:
        if not path.startswith("/test/"):
            assert path in page.text
    assert client.get("/redoc").status_code == 404
    assert render_docs({"info": {"title": "T"}, "paths": {}}).startswith("<!doctype html>")


def test_the_api_store_fails_fast() -> None:
    settings = make_test_settings(retry_time_s=30, connect_timeout_s=10)
    api = api_store_settings(settings, ApiOptions())
    assert (api.retry_time_s, api.connect_timeout_s) == (1.0, 3.0)
    assert api.bolt_uri == settings.bolt_uri


def test_a_cached_url_is_served_before_routing_after_the_key_is_checked(client: Client, app: FastAPI) -> None:
    cache = app.state.cache
    cache.put(raw_key("/customers/c1", b"recent=3", True), b'{"cached": true}')
    hit = client.get("/customers/c1?recent=3", headers={"X-API-Key": "k1"})  # Neo4j is down: only the cache answers
    assert hit.status_code == 200 and hit.json() == {"cached": True}
    _error(client.get("/customers/c1?recent=3"), 401, "unauthorized")  # the gate comes before the cache
    _error(client.get("/customers/c1?recent=3", headers={"X-API-Key": "nope"}), 401, "unauthorized")
    _error(client.get("/customers/c1?recent=4", headers={"X-API-Key": "k1"}), 503, "store_unavailable")
    cache.put(raw_key("/influencers", b"", False), b'{"redacted": true}')  # what a keyless request was given
    assert client.get("/influencers").json() == {"redacted": True}
    _error(client.get("/influencers", headers={"X-API-Key": "k1"}), 503, "store_unavailable")  # not the full answer
    cache.clear()
    _error(client.get("/customers/c1?recent=3", headers={"X-API-Key": "k1"}), 503, "store_unavailable")
