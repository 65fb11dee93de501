"""POST /events and DELETE /customers/{id} through a real uvicorn server: auth, validation, a new purchase
changing the very next recommendation, and GDPR erasure that leaves no trace of the customer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from graphengine.analytics.identity import run_identity_resolution
from graphengine.analytics.influence import run_influencers
from graphengine.api import ApiOptions
from graphengine.api.recommender import after_erasure
from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.load.privacy import identifier_key
from graphengine.store import Store
from tests.integration._files import write_csv, write_jsonl
from tests.integration._recommender import train_and_promote
from tests.integration.test_api_harness import API_KEY, api_client, app_of, base_url, running_api

KEY = {"X-API-Key": API_KEY}
PURCHASES = {"u": ["p1", "p2"], "a": ["p1", "p3"], "b": ["p1", "p2", "p4"], "c": ["p3", "p5"], "solo-005": ["p1", "p3"]}
SOLO_IDS = {"email": "solo@example.org", "phone": "+46 70 555 01 02", "loyalty": "LOY-5"}


def _load(store: Store, settings: Settings, tmp: Path, kind: str, rows: list[dict[str, Any]]) -> None:
    write = write_jsonl if kind == "events" else write_csv
    path = write(tmp / f"{kind}.{'jsonl' if kind == 'events' else 'csv'}", rows)
    options = LoadOptions(source="test", out_dir=tmp / "out")
    report = load_file(store, kind, path, options, salt=settings.hash_salt.get_secret_value())
    assert report.loaded == len(rows), report.to_dict()


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def server(settings: Settings, session_store: Store, models: Path) -> Iterator[uvicorn.Server]:
    options = ApiOptions(models_home=models)
    with running_api(settings.model_copy(update={"api_keys": [API_KEY, "second-key"]}), options) as server:
        yield server


@pytest.fixture
def client(server: uvicorn.Server, graph: Store, models: Path) -> Iterator[httpx.Client]:
    train_and_promote(graph, models)  # a model of the graph just rebuilt under the running app
    app_of(server).state.recommender.holder.refresh()
    after_erasure(app_of(server).state)
    with httpx.Client(base_url=base_url(server), timeout=30, headers=KEY) as client:  # reads need the read scope
        yield client


@pytest.fixture
def graph(store: Store, settings: Settings, tmp_path: Path) -> Store:
    customers: list[dict[str, Any]] = [
        {"customerId": c, "email": f"{c}@example.org", "consentProfiling": "true"} for c in ("u", "a", "b", "c")
    ]
    customers += [
        {
            "customerId": "solo-005",
            "consentProfiling": "true",
            **{"email": SOLO_IDS["email"], "phone": SOLO_IDS["phone"]},
        },
        {"customerId": "erase-me-001", "email": "erase@example.org", "consentProfiling": "true"},
        {"customerId": "twin-002", "email": "twin@example.org", "consentProfiling": "true"},
    ]
    customers[4]["loyaltyId"] = SOLO_IDS["loyalty"]
    _load(store, settings, tmp_path, "customers", customers)
    shared = [
        {"customerId": c, "kind": k, "value": f"{k}-9"}
        for c in ("erase-me-001", "twin-002")
        for k in ("device", "cookie")
    ]
    _load(store, settings, tmp_path, "identifiers", shared)
    products = [{"productId": f"p{i}", "name": f"Product {i}", "price": 10 * i} for i in range(1, 6)]
    _load(store, settings, tmp_path, "products", products)
    _load(store, settings, tmp_path, "channels", [{"channelId": "web", "kind": "web"}])
    lines = [
        {"orderId": f"o-{c}-{i}", "customerId": c, "productId": p, "amount": 5, "at": f"2026-01-0{i + 1}T10:00:00Z"}
        for c, ps in PURCHASES.items()
        for i, p in enumerate(ps)
    ]
    _load(store, settings, tmp_path, "purchases", lines)
    accounts = [
        {"accountId": "A_u", "platform": "x", "handle": "u", "customerId": "u"},
        {"accountId": "A_a", "platform": "x", "handle": "a", "customerId": "a"},
        {"accountId": "A_solo", "platform": "x", "handle": "solo-handle", "customerId": "solo-005"},
    ]
    _load(store, settings, tmp_path, "accounts", accounts)
    follows = [("A_u", "A_solo"), ("A_solo", "A_a"), ("A_a", "A_u")]
    _load(store, settings, tmp_path, "follows", [{"follower": a, "followee": b} for a, b in follows])
    _load(store, settings, tmp_path, "mentions", [{"accountId": "A_solo", "productId": "p3", "sentiment": 0.9}])
    events = [
        {
            "eventId": f"ev-solo-{i}",
            "customerId": "solo-005",
            "type": t,
            "at": f"2026-01-0{i + 1}T09:00:00Z",
            "channelId": "web",
            "productId": "p1",
            "sessionId": "solo-005-s1",
        }
        for i, t in enumerate(("view", "cart", "purchase"))
    ]
    _load(store, settings, tmp_path, "events", events)
    run_influencers(store)
    run_identity_resolution(store)
    return store


def _find(store: Store, needles: list[str]) -> list[str]:
    """Every node or relationship whose properties (as JSON) contain one of ``needles``."""
    rows = store.run_text(
        "CALL () { MATCH (n) RETURN apoc.convert.toJson(properties(n)) AS json "
        "UNION ALL MATCH ()-[r]->() RETURN apoc.convert.toJson(properties(r)) AS json } "
        "WITH json WHERE any(x IN $needles WHERE json CONTAINS x) RETURN json",
        {"needles": needles},
    )
    return [r["json"] for r in rows]


def _ids(response: httpx.Response) -> dict[str, float]:
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return {i["productId"]: i["score"] for i in items if i["strategy"] == "itemknn" and i["score"] > 0}


def test_writes_need_a_valid_key(client: httpx.Client, settings: Settings) -> None:
    body = {"purchases": [{"orderId": "o9", "customerId": "u", "productId": "p3", "amount": 1, "at": "2026-02-01"}]}
    with httpx.Client(base_url=client.base_url, timeout=30) as bare:
        for headers in ({}, {"X-API-Key": "wrong"}):
            assert bare.post("/events", json=body, headers=headers).status_code == 401
            assert bare.delete("/customers/u", headers=headers).status_code == 401
    assert client.get("/customers/u").status_code == 200  # nothing happened
    with api_client(settings) as keyless:  # no keys configured: writes are off
        refused = keyless.post("/events", json=body, headers=KEY)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_a_new_purchase_changes_the_next_recommendation(client: httpx.Client) -> None:
    url = "/customers/u/recommendations"
    params: dict[str, Any] = {"limit": 5}
    before = _ids(client.get(url, params=params))
    assert set(before) == {"p3", "p4"}  # via p1 and p2; nobody who bought those bought p5
    assert _ids(client.get(url, params=params)) == before  # served from the cache
    purchase = {"orderId": "o-new", "customerId": "u", "productId": "p3", "amount": 200, "at": "2026-02-01T12:00:00Z"}
    receipt = client.post("/events", json={"purchases": [purchase]}, headers=KEY)
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["purchases"] == 1 and receipt.json()["customers"] == ["u"]
    assert receipt.json()["cacheEntriesCleared"] >= 1
    after = _ids(client.get(url, params=params))
    assert "p3" not in after  # bought now: left out at once, no retrain
    assert "p5" in after  # p3's other buyer c bought p5: the model scores it from u's new row, no retrain
    profile = client.get("/customers/u").json()
    assert profile["recentPurchases"][0]["productId"] == "p3"


def test_events_are_validated_written_and_chained(client: httpx.Client, graph: Store) -> None:
    event = {"eventId": "ev-u-2", "customerId": "u", "type": "view", "at": "2026-03-02T10:00:00Z", "channelId": "web"}
    missing_product = client.post("/events", json={"events": [event]}, headers=KEY)
    error = missing_product.json()["error"]
    assert missing_product.status_code == 422 and error["code"] == "validation_failed"
    assert error["details"]["errors"][0]["loc"][:3] == ["body", "events", "0"]
    unknown = {**event, "customerId": "ghost", "productId": "p404"}
    refused = client.post("/events", json={"events": [{**event, "productId": "p1"}, unknown]}, headers=KEY)
    assert refused.status_code == 422
    rejected = refused.json()["error"]["details"]["rejected"]
    assert rejected == [
        {
            "kind": "events",
            "index": 1,
            "reasons": ["customerId: unknown Customer 'ghost'", "productId: unknown Product 'p404'"],
        }
    ]
    assert graph.run_text("MATCH (e:Event {eventId: 'ev-u-2'}) RETURN count(e) AS n") == [{"n": 0}]  # all or nothing
    earlier = {**event, "eventId": "ev-u-1", "at": "2026-03-01T10:00:00Z", "productId": "p2"}
    batch = {"source": "shop-api", "events": [{**event, "productId": "p1"}, earlier]}
    for _ in range(2):  # idempotent: the same batch twice leaves the same graph
        ok = client.post("/events", json=batch, headers={"X-API-Key": "second-key"})
        assert ok.status_code == 201 and ok.json()["events"] == 2 and ok.json()["relinkedCustomers"] == 1
    chain = graph.run_text(
        "MATCH (:Customer {customerId: 'u'})-[:PERFORMED]->(e:Event) "
        "OPTIONAL MATCH (e)-[:NEXT]->(f) RETURN e.eventId AS e, f.eventId AS f, e.sources AS sources ORDER BY e"
    )
    assert [(r["e"], r["f"]) for r in chain] == [("ev-u-1", "ev-u-2"), ("ev-u-2", None)]
    assert chain[0]["sources"] == ["shop-api"]
    assert [e["eventId"] for e in client.get("/customers/u").json()["recentEvents"]] == ["ev-u-2", "ev-u-1"]


def test_erasure_leaves_no_trace(client: httpx.Client, graph: Store, settings: Settings) -> None:
    salt = settings.hash_salt.get_secret_value()
    keys = [identifier_key(kind, value, salt) for kind, value in SOLO_IDS.items()]
    needles = ["solo-005", "solo-handle", *keys]
    assert len(_find(graph, needles)) == 10  # the customer, 3 identifiers, 3 events, the account, 2 PURCHASED
    assert client.get("/customers/solo-005").status_code == 200  # cached now
    people = client.get("/customers/u/recommendations", params={"explain": True})
    assert "solo-handle" in people.text
    response = client.delete("/customers/solo-005", headers=KEY)
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert receipt["removed"] == {
        "customers": 1,
        "events": 3,
        "orderLines": 2,
        "identifiers": 3,
        "socialAccounts": 1,
        "profiles": 0,
        # the customer's PURCHASED 2, HAS_IDENTIFIER 3, PERFORMED 3, OWNS 1; the events' VIA 3, ABOUT 3, NEXT 2;
        # the account's FOLLOWS 2 and MENTIONED 1
        "relationships": 2 + 3 + 3 + 1 + 3 + 3 + 2 + 2 + 1,
        "quarantinedRows": 0,
    }
    assert receipt["kept"] == {
        "sharedIdentifiers": 0,
        "sharedAccounts": 0,
        "shrunkProfiles": 0,
        "renamedProfiles": 0,
        "linkedCustomers": [],
    }
    assert receipt["cacheEntriesCleared"] >= 2
    assert _find(graph, needles) == []
    for path in ("/customers/solo-005", "/customers/solo-005/recommendations"):
        assert client.get(path).status_code == 404
    assert "solo-handle" not in client.get("/customers/u/recommendations", params={"explain": True}).text
    assert client.delete("/customers/solo-005", headers=KEY).status_code == 404


def test_erasure_keeps_what_others_share_and_removes_their_one_member_profile(
    client: httpx.Client, graph: Store
) -> None:
    profile = client.get("/customers/twin-002").json()["identity"]
    assert profile["profileId"].endswith(":erase-me-001")  # the profile id was built from the first member
    assert {m["rule"] for m in profile["members"]} == {"2 weak identifiers"}
    receipt = client.delete("/customers/erase-me-001", headers=KEY).json()
    assert receipt["removed"]["identifiers"] == 1  # the email; device and cookie are shared with twin-002
    assert receipt["removed"]["profiles"] == 1  # twin-002 alone is no profile
    assert receipt["kept"] == {
        "sharedIdentifiers": 2,
        "sharedAccounts": 0,
        "shrunkProfiles": 0,
        "renamedProfiles": 0,
        "linkedCustomers": ["twin-002"],
    }
    assert receipt["profiles"] == {"removed": [profile["profileId"]], "leftAlone": ["twin-002"], "reresolved": []}
    assert _find(graph, ["erase-me-001"]) == []
    assert client.get("/customers/twin-002").json()["identity"] is None  # no one-member profile claiming a link
    assert graph.run_text("MATCH (p:Profile) WHERE NOT EXISTS { (p)<-[:RESOLVED_TO]-() } RETURN count(p) AS n") == [
        {"n": 0}
    ]


def test_times_outside_the_configured_range_are_refused(settings: Settings, graph: Store, models: Path) -> None:
    narrow = settings.model_copy(
        update={
            "api_keys": [API_KEY],
            "earliest_time": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "latest_time": dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        }
    )
    line = {"orderId": "o-range", "customerId": "u", "productId": "p1", "amount": 2.0}
    with api_client(narrow, ApiOptions(models_home=models, warm_customers=0)) as client:
        old = client.post("/events", json={"purchases": [{**line, "at": "2015-06-01T10:00:00Z"}]}, headers=KEY)
        assert old.status_code == 422, old.text
        error = old.json()["error"]
        assert error["code"] == "validation_failed" and "outside the accepted range" in old.text
        assert error["details"]["errors"][0]["loc"][:3] == ["body", "purchases", "0"]
        ok = client.post("/events", json={"purchases": [{**line, "at": "2026-06-01T10:00:00Z"}]}, headers=KEY)
        assert ok.status_code == 201, ok.text
    assert graph.run_text("MATCH (l:OrderLine {orderId: 'o-range'}) RETURN count(l) AS n") == [{"n": 1}]
