"""Serving the promoted model through the real API on a tiny graph with hand-computed answers.

The graph (customer: products bought)::

    u: p1, p2     a: p1, p3     b: p1, p2, p4     c: p3, p5     n: p1, p5 (opted out of profiling)
    w: nothing (cold start, in c's community)     v: nothing, no account     z: p2 (consent never recorded)

ItemKNN with shrink 0 is plain item cosine over the buyers: p1 {u,a,b,n}, p2 {u,b,z}, p3 {a,c}, p4 {b}, p5 {c,n}.
For u (p1, p2): p4 = 1/√(4·1) + 1/√(3·1) = 1.0774, p3 = 1/√(4·2) = 0.3536, p5 = 1/√(4·2) = 0.3536 (tie → index).
Follows: A_u → A_c, A_m, A_n. c bought p3, p5; m (no owner) praised p5 (+0.8) and p2 (+0.9); n's purchases do
not count (no consent). Social signal (no PageRank yet, so each followee weighs 1e-6): p3 1.0, p5 1.8, p2 0.9.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphengine.analytics.segments import run_communities
from graphengine.api import ApiOptions
from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.recommend import artefacts
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv
from tests.integration._recommender import train_and_promote
from tests.integration.test_api_harness import API_KEY, api_client

KEY = {"X-API-Key": API_KEY}
PURCHASES = {"u": ["p1", "p2"], "a": ["p1", "p3"], "b": ["p1", "p2", "p4"], "c": ["p3", "p5"], "n": ["p1", "p5"]}
PURCHASES["z"] = ["p2"]
PRODUCTS = [
    {"productId": "p1", "name": "Kettle", "category": "Kitchen", "price": 30, "inStock": "true"},
    {"productId": "p2", "name": "Mug", "category": "Kitchen", "price": 5, "inStock": "true"},
    {"productId": "p3", "name": "Tent", "category": "Outdoor", "price": 200, "inStock": "true"},
    {"productId": "p4", "name": "Lamp", "category": "Outdoor", "price": 50, "inStock": "false"},
    {"productId": "p5", "name": "Novel", "category": "Books", "price": 12, "inStock": "true"},
]
CONSENT = {"n": "false", "z": ""}
CUSTOMERS = ["u", "a", "b", "c", "n", "w", "v", "z"]
FOLLOWS = [("u", "c"), ("u", "m"), ("u", "n"), ("a", "b"), ("w", "c"), ("c", "w")]
KNN = {"neighbours": 100, "shrink": 0.0}


def load_rows(store: Store, tmp: Path, kind: str, rows: Sequence[Mapping[str, object]]) -> None:
    options = LoadOptions(source="test", out_dir=tmp / "out")
    report = load_file(store, kind, write_csv(tmp / f"{kind}.csv", [dict(r) for r in rows]), options, salt="s")
    assert report.loaded == len(rows), report.to_dict()


def load_tiny(store: Store, tmp: Path) -> None:
    customers = [{"customerId": c, "name": c.upper(), "consentProfiling": CONSENT.get(c, "true")} for c in CUSTOMERS]
    load_rows(store, tmp, "customers", customers)
    load_rows(store, tmp, "products", PRODUCTS)
    lines = [
        {"orderId": f"o-{c}-{i}", "customerId": c, "productId": p, "amount": 1, "at": f"2026-01-0{i + 1}T10:00:00Z"}
        for c, products in PURCHASES.items()
        for i, p in enumerate(products)
    ]
    load_rows(store, tmp, "purchases", lines)
    owners = set(CUSTOMERS)
    accounts = [
        {"accountId": f"A_{k}", "platform": "x", "handle": k, "customerId": k if k in owners else ""}
        for k in ("u", "a", "b", "c", "n", "m", "w")
    ]
    load_rows(store, tmp, "accounts", accounts)
    load_rows(store, tmp, "follows", [{"follower": f"A_{a}", "followee": f"A_{b}"} for a, b in FOLLOWS])
    mentions = [{"accountId": "A_m", "productId": p, "sentiment": s} for p, s in (("p5", 0.8), ("p2", 0.9))]
    load_rows(store, tmp, "mentions", mentions)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, session_store: Store) -> Path:
    tmp = tmp_path_factory.mktemp("serving")
    session_store.clear()
    load_tiny(session_store, tmp)
    run_communities(session_store)
    train_and_promote(session_store, tmp / "home", "itemknn", KNN)
    return tmp / "home"


@pytest.fixture(scope="module")
def client(settings: Settings, home: Path) -> Iterator[httpx.Client]:
    options = ApiOptions(models_home=home, model_check_s=0.1)
    with api_client(settings.model_copy(update={"api_keys": [API_KEY]}), options) as client:
        client.headers["X-API-Key"] = API_KEY  # recommendations need a key with the read scope
        yield client


def get(client: httpx.Client, customer: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/customers/{customer}/recommendations", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: Mapping[str, Any]) -> list[str]:
    return [item["productId"] for item in body["items"]]


def test_model_scores_by_hand_and_what_the_customer_has_is_left_out(client: httpx.Client, home: Path) -> None:
    body = get(client, "u", limit=3, social=False)
    assert ids(body) == ["p4", "p3", "p5"]
    scores = [item["score"] for item in body["items"]]
    assert scores == pytest.approx([0.5 + 1 / math.sqrt(3), 1 / math.sqrt(8), 1 / math.sqrt(8)], rel=1e-5)
    assert body["personalized"] is True and body["reason"] is None
    assert body["strategy"] == "itemknn" and body["modelVersion"] == artefacts.promoted(home)
    assert body["items"][0]["name"] == "Lamp" and body["items"][0]["category"] == "Outdoor"
    assert body["items"][0]["reasons"] == []  # reasons only with explain=true


def test_explanations_name_the_customers_own_items(client: httpx.Client) -> None:
    body = get(client, "u", limit=3, social=False, explain=True)
    lamp = body["items"][0]
    assert [r["text"] for r in lamp["reasons"]] == ["because you bought Mug", "because you bought Kettle"]
    assert [r["viaProductId"] for r in lamp["reasons"]] == ["p2", "p1"]
    share = (1 / math.sqrt(3)) / (0.5 + 1 / math.sqrt(3))
    assert lamp["reasons"][0]["weight"] == pytest.approx(share, rel=1e-5)
    assert [r["text"] for r in body["items"][1]["reasons"]] == ["because you bought Kettle"]


def test_filters_category_price_and_stock(client: httpx.Client) -> None:
    assert ids(get(client, "u", limit=2, social=False, category="Outdoor")) == ["p4", "p3"]
    assert ids(get(client, "u", limit=2, social=False, in_stock=True)) == ["p3", "p5"]
    assert ids(get(client, "u", limit=1, social=False, max_price=20)) == ["p5"]
    assert ids(get(client, "u", limit=1, social=False, min_price=40, max_price=100)) == ["p4"]
    strict = get(client, "u", limit=3, social=False, category="Outdoor", in_stock=True)
    assert ids(strict) == ["p3"] and "only 1 items" in strict["reason"]
    assert get(client, "u", category="Garden")["items"] == []
    bad = client.get("/customers/u/recommendations", params={"min_price": 10, "max_price": 5})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_failed"


def test_no_profiling_consent_gets_the_popularity_list_and_says_so(client: httpx.Client) -> None:
    popular = ["p1", "p2", "p3", "p5", "p4"]  # buyers 4, 3, 2, 2, 1 (ties by product)
    opted_out = get(client, "n", explain=True)
    assert opted_out["personalized"] is False and opted_out["strategy"] == "popular"
    assert opted_out["reason"].startswith("not personalised: the customer opted out of profiling")
    assert ids(opted_out) == popular  # the list everybody gets: nothing of theirs is read, not even to exclude
    assert opted_out["items"][0]["reasons"][0]["text"] == "popular with all customers"
    unknown = get(client, "z")
    assert unknown["personalized"] is False and "no profiling consent on record" in unknown["reason"]
    assert ids(unknown) == popular


def test_cold_start_customer_gets_popularity(client: httpx.Client) -> None:
    body = get(client, "v", limit=3)
    assert ids(body) == ["p1", "p2", "p3"] and body["personalized"] is False
    assert "no interactions yet" in body["reason"]
    assert ids(get(client, "v", limit=3, category="Outdoor")) == ["p3", "p4"]


def test_cold_start_in_a_community_gets_what_the_community_buys(client: httpx.Client, session_store: Store) -> None:
    community = session_store.run_text("MATCH (c:Customer {customerId: 'w'}) RETURN c.communityId AS id")[0]["id"]
    assert community is not None
    counts = session_store.run_text(
        "MATCH (m:Customer {communityId: $id})-[:PURCHASED]->(p:Product) "
        "RETURN p.productId AS p, count(DISTINCT m) AS n ORDER BY n DESC, p",
        {"id": community},
    )
    assert len(counts) >= 2  # c's purchases at least
    body = get(client, "w", limit=2, explain=True)
    assert body["personalized"] is True and "popular in the customer's community" in body["reason"]
    assert ids(body) == [row["p"] for row in counts[:2]]
    assert body["items"][0]["reasons"][0]["text"].startswith("popular in your community: bought by")


def test_social_reranking_by_what_followed_accounts_bought_or_praised(client: httpx.Client) -> None:
    plain = get(client, "u", limit=3, social=False)
    social = get(client, "u", limit=3, explain=True)
    assert ids(plain) == ["p4", "p3", "p5"]
    assert ids(social) == ["p4", "p5", "p3"]  # p5: c bought it and m praised it; p3 only c bought it
    peak = 0.5 + 1 / math.sqrt(3)
    expected = [1.0, 1 / math.sqrt(8) / peak + 0.25, 1 / math.sqrt(8) / peak + 0.25 / 1.8]
    assert [i["score"] for i in social["items"]] == pytest.approx(expected, rel=1e-5)
    assert social["items"][1]["reasons"][0]["text"] == "@c, whom you follow, bought Novel"
    assert social["items"][1]["reasons"][0]["kind"] == "social"
    # a customer who follows nobody gets exactly the model's list either way
    assert get(client, "c", social=True) == get(client, "c", social=False)


def test_unknown_customer_is_404(client: httpx.Client) -> None:
    response = client.get("/customers/nobody/recommendations")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_a_posted_purchase_counts_at_once_and_the_item_disappears(client: httpx.Client, session_store: Store) -> None:
    before = get(client, "b", limit=3, social=False)
    assert "p3" in ids(before) and get(client, "b", limit=3, social=False) == before  # cached
    purchase = {"orderId": "o-b-new", "customerId": "b", "productId": "p3", "amount": 1, "at": "2026-02-01T12:00:00Z"}
    receipt = client.post("/events", json={"purchases": [purchase]}, headers=KEY)
    assert receipt.status_code == 201, receipt.text
    after = get(client, "b", limit=3, social=False)
    assert ids(before) == ["p3", "p5"] and ids(after) == ["p5"]
    # fold-in: p5 now also scores through p3 (c bought both), with the model trained before the purchase
    scores = {body["items"][-1]["productId"]: body["items"][-1]["score"] for body in (before, after)}
    assert after["items"][0]["score"] == pytest.approx(1 / math.sqrt(8) + 1 / math.sqrt(4), rel=1e-5)
    assert before["items"][1]["score"] == pytest.approx(1 / math.sqrt(8), rel=1e-5) and scores
    count = session_store.run_text("MATCH (:Customer {customerId: 'b'})-[r:PURCHASED]->() RETURN count(r) AS n")
    assert count[0]["n"] == 4


def test_no_promoted_model_is_a_503_that_says_what_to_do(settings: Settings, tmp_path: Path, home: Path) -> None:
    keyed = settings.model_copy(update={"api_keys": [API_KEY]})
    with api_client(keyed, ApiOptions(models_home=tmp_path / "empty")) as empty:
        response = empty.get("/customers/u/recommendations", headers={"X-API-Key": API_KEY})
    assert response.status_code == 503 and response.json()["error"]["code"] == "no_model"
    assert "graphengine recommender train" in response.json()["error"]["message"]


def test_the_cli_serves_the_same_list_and_says_plainly_when_it_is_not_personalised(
    client: httpx.Client, settings: Settings, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAPHENGINE_HOME", str(home))  # where the promoted model is
    shown = run_graphengine(settings, "recommend", "n")
    assert shown.returncode == 0, shown.stderr
    assert "not personalised: the customer opted out of profiling" in shown.stdout
    as_json = run_graphengine(settings, "recommend", "a", "--json", "--limit", "3")
    assert as_json.returncode == 0, as_json.stderr
    cli = json.loads(as_json.stdout)
    api = get(client, "a", limit=3, explain=True)
    assert [item["product_id"] for item in cli["items"]] == ids(api) and cli["personalized"] is True
    assert [r["text"] for r in cli["items"][0]["reasons"]] == [r["text"] for r in api["items"][0]["reasons"]]
    missing = run_graphengine(settings, "recommend", "nobody")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr + missing.stdout


QUERIES: list[dict[str, Any]] = [
    {},
    {"limit": 2},
    {"limit": 1, "category": "Kitchen"},
    {"in_stock": "true", "max_price": 100},
    {"explain": "true"},
    {"social": "false"},
]


def test_answers_from_kept_candidates_equal_answers_read_and_scored_afresh(
    client: httpx.Client, settings: Settings, home: Path
) -> None:
    """The API above read every customer's state in the background and ranked their candidates before any
    request; a second API that keeps nothing (every request reads the state from Neo4j and scores every item in
    the route) must give the same bodies, byte for byte, for every customer and query."""
    deadline = time.monotonic() + 60
    while not (status := client.get("/health").json()["recommender"])["warm"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status["warm"] and status["customersKept"] > 0 and status["passes"] >= 1
    cold_options = ApiOptions(models_home=home, customer_state_ttl_s=0, warm_customers=0, cache_ttl_s=0)
    with api_client(settings.model_copy(update={"api_keys": [API_KEY]}), cold_options) as cold:
        cold.headers["X-API-Key"] = API_KEY
        assert cold.get("/health").json()["recommender"] is None
        for customer in CUSTOMERS:
            for query in QUERIES:
                warm = client.get(f"/customers/{customer}/recommendations", params=query)
                fresh = cold.get(f"/customers/{customer}/recommendations", params=query)
                assert warm.status_code == fresh.status_code == 200, (customer, query, warm.text)
                assert warm.json() == fresh.json(), (customer, query)
                # the route (an extra parameter makes the fast path step aside) answers the same as well
                routed = client.get(f"/customers/{customer}/recommendations", params={**query, "via": "route"})
                assert routed.json() == warm.json(), (customer, query)


def test_the_fast_path_leaves_bad_queries_to_the_route(client: httpx.Client) -> None:
    for params, field in (({"limit": 0}, "limit"), ({"limit": "x"}, "limit"), ({"min_price": "nan"}, "min_price")):
        response = client.get("/customers/u/recommendations", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["error"]["code"] == "validation_failed", response.text
        assert field in response.text
    upside_down = client.get("/customers/u/recommendations", params={"min_price": 9, "max_price": 1})
    assert upside_down.status_code == 422 and "min_price" in upside_down.text
    assert client.get("/customers/u/recommendations?limit=2&limit=3").status_code == 200  # the route decides
    assert client.get("/customers/nobody/recommendations").status_code == 404
