"""Every read endpoint through a real uvicorn server on a small demo graph (loaded once for the module through
the real loaders, with influencers, communities and identity resolution run), the error shape, and auth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graphengine.analytics.identity import run_identity_resolution
from graphengine.api import ApiOptions
from graphengine.config import Settings
from graphengine.store import Store
from tests.integration._recommender import train_and_promote
from tests.integration.test_api_harness import API_KEY, api_client, load_small_demo


@pytest.fixture(scope="module")
def demo(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    truth = load_small_demo(session_store, settings, tmp_path_factory.mktemp("demo"))
    run_identity_resolution(session_store)
    row = session_store.run_text(
        "MATCH (c:Customer {consentProfiling: true})-[:OWNS]->(:SocialAccount)-[:FOLLOWS]->() "
        "WITH DISTINCT c, COUNT { (c)-[:PURCHASED]->() } AS n WHERE n >= 3 "
        "RETURN c.customerId AS id ORDER BY n DESC, id LIMIT 1"
    )
    truth["active"] = row[0]["id"]
    truth["bought"] = {
        r["p"]
        for r in session_store.run_text(
            "MATCH (:Customer {customerId: $c})-[:PURCHASED]->(p) RETURN p.productId AS p", {"c": truth["active"]}
        )
    }
    return truth


@pytest.fixture(scope="module")
def client(
    demo: dict[str, Any], session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    home = tmp_path_factory.mktemp("models")
    train_and_promote(session_store, home)
    options = ApiOptions(models_home=home)
    with api_client(settings.model_copy(update={"api_keys": [API_KEY]}), options) as client:
        client.headers["X-API-Key"] = API_KEY  # personal endpoints need a key with the read scope
        yield client


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    error: dict[str, Any] = body["error"]
    return error


def test_health(client: httpx.Client) -> None:
    body = _ok(client.get("/health"))
    assert body["status"] == "ok" and body["neo4j"]["reachable"]
    assert body["neo4j"]["versions"]["neo4j"].startswith("5.")
    assert {"influencers", "communities", "identity"} <= {run["kind"] for run in body["runs"]}


def test_recommendations_from_the_promoted_model(client: httpx.Client, demo: dict[str, Any]) -> None:
    body = _ok(client.get(f"/customers/{demo['active']}/recommendations", params={"limit": 8, "explain": True}))
    assert body["personalized"] and body["strategy"] == "itemknn" and body["count"] == 8 and body["modelVersion"]
    ids = [item["productId"] for item in body["items"]]
    assert len(set(ids)) == 8 and not set(ids) & demo["bought"]
    assert all(item["reasons"] and item["reasons"][0]["text"] for item in body["items"])
    plain = _ok(client.get(f"/customers/{demo['active']}/recommendations", params={"limit": 8}))
    assert [i["productId"] for i in plain["items"]] == ids and all(not i["reasons"] for i in plain["items"])


def test_filters(client: httpx.Client, demo: dict[str, Any]) -> None:
    url = f"/customers/{demo['active']}/recommendations"
    params: dict[str, Any] = {"limit": 10, "category": "Kitchen", "max_price": 40, "in_stock": True}
    items = _ok(client.get(url, params=params))["items"]
    assert items and all(i["category"] == "Kitchen" and i["price"] <= 40 and i["inStock"] for i in items)
    error = _error(client.get(url, params={"min_price": 10, "max_price": 1}), 422, "validation_failed")
    assert error["details"] == {"min_price": 10.0, "max_price": 1.0}


def test_no_profiling_consent_is_not_personalised(client: httpx.Client, demo: dict[str, Any]) -> None:
    first, second = demo["noProfilingConsent"][:2]
    a = _ok(client.get(f"/customers/{first}/recommendations", params={"limit": 5}))
    b = _ok(client.get(f"/customers/{second}/recommendations", params={"limit": 5}))
    for body in (a, b):
        assert body["personalized"] is False and body["strategy"] == "popular"
        assert "opted out of profiling" in body["reason"]
    people = _ok(client.get(f"/customers/{first}/people-you-may-know"))
    assert people["personalized"] is False


def test_similar_products(client: httpx.Client) -> None:
    body = _ok(client.get("/products/P00001/similar", params={"limit": 5}))
    assert body["productId"] == "P00001" and body["count"] == 5
    assert "P00001" not in {i["productId"] for i in body["items"]}
    assert body["items"][0]["reasons"][0]["text"].startswith(f"customers who bought {body['name']} also bought")
    _error(client.get("/products/P404/similar"), 404, "not_found")


def test_people_you_may_know(client: httpx.Client, session_store: Store, demo: dict[str, Any]) -> None:
    body = _ok(client.get(f"/customers/{demo['active']}/people-you-may-know", params={"limit": 5}))
    assert body["personalized"] and body["method"] == "aa" and body["items"]
    linked = {
        r["id"]
        for r in session_store.run_text(
            "MATCH (:Customer {customerId: $c})-[:OWNS]->(a)-[:FOLLOWS*0..1]-(b) RETURN b.accountId AS id",
            {"c": demo["active"]},
        )
    }
    assert not {p["accountId"] for p in body["items"]} & linked
    assert all(p["reason"].startswith("you both know @") for p in body["items"])
    for method in ("cn", "ra", "jaccard", "pa"):
        assert _ok(client.get(f"/customers/{demo['active']}/people-you-may-know", params={"method": method}))["items"]


def test_influencers(client: httpx.Client, demo: dict[str, Any]) -> None:
    items = _ok(client.get("/influencers", params={"limit": 10}))["items"]
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True) and len(items) == 10
    assert set(demo["influencers"]) & {i["accountId"] for i in items[:6]}
    tiktok = _ok(client.get("/influencers", params={"platform": "tiktok"}))["items"]
    assert tiktok and all(i["platform"] == "tiktok" for i in tiktok)
    community = items[0]["communityId"]
    members = _ok(client.get("/influencers", params={"community_id": community}))["items"]
    assert members and all(i["communityId"] == community for i in members)


def test_communities(client: httpx.Client) -> None:
    body = _ok(client.get("/communities"))
    sizes = [c["size"] for c in body["items"]]
    assert body["count"] >= 2 and sizes == sorted(sizes, reverse=True)
    profile = _ok(client.get(f"/communities/{body['items'][0]['communityId']}"))
    assert profile["size"] == sizes[0] and profile["influencers"] and profile["products"]
    assert 0 <= profile["consentShare"] <= 1
    _error(client.get("/communities/99999"), 404, "not_found")
    _error(client.get("/communities/-1"), 422, "validation_failed")


def test_customer_profile(client: httpx.Client, demo: dict[str, Any]) -> None:
    body = _ok(client.get(f"/customers/{demo['active']}", params={"recent": 3}))
    assert body["customer"]["customerId"] == demo["active"] and body["consent"]["profiling"] is True
    assert body["accounts"] and body["accounts"][0]["pagerank"] is not None
    assert body["totals"]["products"] == len(demo["bought"]) and len(body["recentPurchases"]) == 3
    assert {p["productId"] for p in body["recentPurchases"]} <= demo["bought"]
    assert len(body["recentEvents"]) <= 3 and body["channels"]
    assert {i["kind"] for i in body["identifiers"]} >= {"email"}
    original, duplicate = demo["duplicates"][0]
    resolved = _ok(client.get(f"/customers/{duplicate}"))
    assert resolved["identity"] is not None
    assert {m["customerId"] for m in resolved["identity"]["members"]} == {original, duplicate}


def test_errors_have_one_shape(client: httpx.Client) -> None:
    _error(client.get("/customers/nobody/recommendations"), 404, "not_found")
    _error(client.get("/customers/nobody"), 404, "not_found")
    _error(client.get("/customers/nobody/people-you-may-know"), 404, "not_found")
    error = _error(client.get("/customers/x/recommendations", params={"limit": 0}), 422, "validation_failed")
    assert error["details"]["errors"][0]["loc"] == ["query", "limit"]
    _error(client.get("/customers/x/recommendations", params={"limit": 101}), 422, "validation_failed")
    _error(client.get("/customers/x/recommendations", params={"min_price": "nan"}), 422, "validation_failed")
    _error(client.put("/health"), 405, "method_not_allowed")
    _error(client.get("/no/such/route"), 404, "not_found")


def test_reads_need_no_key_but_a_wrong_key_is_refused(client: httpx.Client) -> None:
    assert httpx.get(client.base_url.join("/influencers")).status_code == 200  # aggregates: no key needed
    assert client.get("/influencers", headers={"X-API-Key": API_KEY}).status_code == 200
    error = _error(client.get("/influencers", headers={"X-API-Key": "wrong"}), 401, "unauthorized")
    assert "not valid" in error["message"]


def test_docs_work_offline_and_openapi_lists_every_endpoint(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text and "cdn" not in page.text.lower() and "/customers/{customer_id}" in page.text
    assert client.get("/redoc").status_code == 404
    spec = _ok(client.get("/openapi.json"))
    assert set(spec["paths"]) == {
        "/health",
        "/customers/{customer_id}/recommendations",
        "/products/{product_id}/similar",
        "/customers/{customer_id}/people-you-may-know",
        "/influencers",
        "/communities",
        "/communities/{community_id}",
        "/customers/{customer_id}",
        "/events",
        "/customers/{customer_id}/journey",
        "/journeys/patterns/{name}",
        "/attribution",
        "/channels/transitions",
        "/segments",
        "/products/{product_id}/rules",
    }
    assert "APIKeyHeader" in spec["components"]["securitySchemes"]
