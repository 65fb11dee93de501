"""Customer value on the surfaces, against the real Neo4j and a real uvicorn server: the profile's value block
(present, null when never computed, withheld without profiling consent), ``GET /segments`` counted exactly against
the graph, ``GET /products/{id}/rules`` against a hand-computed example, and the report's value sections.

The graph is loaded once for the module through the product's loaders, and RFM, CLV, basket rules and referral
value run on it. The churn model and campaigns belong to other parts of the product: their results
(``churnRisk``, ``churnDrivers``, ``churnRunId``; ``CONTACTED`` edges to a ``Campaign``) are written by hand."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphengine.api.schemas_value import WITHHELD_REASON
from graphengine.config import Settings
from graphengine.errors import ConfigError
from graphengine.report import analyst_query, collect_report, render_report, run_analyst
from graphengine.report._value import collect_value, value_charts
from graphengine.report.chromium import INSTALL_HINT, dump_dom, find_chromium
from graphengine.store import Store
from graphengine.value.basket import run_basket
from graphengine.value.clv import run_clv
from graphengine.value.referral import run_referral
from graphengine.value.rfm import run_rfm
from tests.integration.test_api_harness import API_KEY, api_client
from tests.integration.test_report import MEASURE
from tests.integration.test_value_graph import _load

BASE = dt.date(2026, 1, 1)
# (customer, order, day offset, product, amount). Orders: o1 {A,B,C} o2 {A,B} o3 {A,C} o4 {A} o5 {B,C} o6 {B}
# o7 {D} o8 {A,B}: N = 8, n_A = 5, n_B = 5, n_C = 3, n_AB = 3, n_AC = 2, n_BC = 2.
LINES = [
    ("c1", "o1", 100, "A", 10.0),
    ("c1", "o1", 100, "B", 20.0),
    ("c1", "o1", 100, "C", 30.0),
    ("c1", "o2", 110, "A", 10.0),
    ("c1", "o2", 110, "B", 20.0),
    ("c2", "o3", 105, "A", 10.0),
    ("c2", "o3", 105, "C", 30.0),
    ("c3", "o4", 90, "A", 10.0),
    ("c3", "o5", 95, "B", 20.0),
    ("c3", "o5", 95, "C", 30.0),
    ("c4", "o6", 50, "B", 20.0),
    ("c5", "o7", 108, "D", 40.0),
    ("c6", "o8", 109, "A", 10.0),
    ("c6", "o8", 109, "B", 20.0),
]
CONSENT = {"c1": "true", "c2": "true", "c3": "true", "c4": "true", "c5": "false", "c6": "", "c7": "true"}
# the churn model's output, written by hand (c5 has no profiling consent: never shown, never in a mean)
CHURN = {"c1": (0.8, ["recency", "pAlive"]), "c2": (0.2, ["frequency"]), "c5": (0.9, ["recency"])}
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
# (customer, channel, days before NOW) of campaign contacts; the 40-day-old one is outside the 30-day window
CONTACTS = [("c1", "email", 1), ("c1", "email", 5), ("c2", "email", 3), ("c3", "sms", 2), ("c4", "email", 40)]


def _load_graph(store: Store, settings: Settings, tmp: Path) -> None:
    store.clear()
    _load(store, settings, tmp, "customers", [{"customerId": c, "consentProfiling": v} for c, v in CONSENT.items()])
    _load(store, settings, tmp, "products", [{"productId": p, "name": f"Product {p}"} for p in "ABCD"])
    rows = [
        {"orderId": o, "lineId": f"{o}-{k}", "customerId": c, "productId": p, "amount": a}
        | {"at": f"{BASE + dt.timedelta(days=d)}T12:00:00Z"}
        for k, (c, o, d, p, a) in enumerate(LINES)
    ]
    _load(store, settings, tmp, "purchases", rows)
    _load(store, settings, tmp, "referrals", [{"referrerId": "c1", "referredId": "c2", "at": "2026-01-02T00:00:00Z"}])


@pytest.fixture(scope="module")
def graph(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _load_graph(session_store, settings, tmp_path_factory.mktemp("value-surfaces"))
    runs = {
        "rfm": run_rfm(session_store)["runId"],
        "clv": run_clv(session_store)["runId"],
        "basket": run_basket(session_store, min_support=0.0, min_count=1)["runId"],
        "referral": run_referral(session_store)["runId"],
    }
    session_store.run_text(
        "UNWIND $rows AS row MATCH (c:Customer {customerId: row.id}) "
        "SET c.churnRisk = row.risk, c.churnDrivers = row.drivers, c.churnRunId = 'churn-run-1'",
        {"rows": [{"id": c, "risk": r, "drivers": d} for c, (r, d) in CHURN.items()]},
    )
    session_store.run_text(
        "UNWIND $rows AS row MATCH (c:Customer {customerId: row.id}) "
        "MERGE (k:Campaign {campaignId: 'camp-' + row.channel}) SET k.channel = row.channel, k.createdAt = $now "
        "CREATE (c)-[:CONTACTED {at: $now - duration({days: row.days}), channel: row.channel, "
        "campaignId: k.campaignId}]->(k)",
        {"rows": [{"id": c, "channel": ch, "days": d} for c, ch, d in CONTACTS], "now": NOW},
    )
    return runs


@pytest.fixture(scope="module")
def client(graph: dict[str, Any], settings: Settings) -> Iterator[httpx.Client]:
    with api_client(settings.model_copy(update={"api_keys": [API_KEY]})) as client:
        yield client


def _props(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.run_text("MATCH (c:Customer) RETURN c.customerId AS id, properties(c) AS p")
    return {r["id"]: r["p"] for r in rows}


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_profile_shows_the_value_block_with_run_ids(
    client: httpx.Client, graph: dict[str, Any], session_store: Store
) -> None:
    c1 = _props(session_store)["c1"]
    value = _ok(client.get("/customers/c1", headers={"X-API-Key": API_KEY}))["value"]
    assert value["withheld"] is False and value["reason"] is None
    assert value["rfm"] == {
        "recency": c1["rfmRecency"],
        "frequency": c1["rfmFrequency"],
        "monetary": c1["rfmMonetary"],
        "segment": c1["rfmSegment"],
        "runId": graph["rfm"],
    }
    assert value["rfm"]["frequency"] == 4  # two orders, four of six customers have fewer: 1 + ⌊5 · 4 / 6⌋
    lifetime = value["lifetime"]
    assert lifetime["runId"] == graph["clv"] and lifetime["clv"] == pytest.approx(c1["clv"])
    assert lifetime["pAlive"] == pytest.approx(c1["pAlive"])
    assert lifetime["expectedPurchases"] == pytest.approx(c1["expectedPurchases"])
    # c1 referred c2, who spent 10 + 30
    assert value["referral"] == {"value": 40.0, "direct": 40.0, "referredCustomers": 1, "runId": graph["referral"]}
    assert value["churn"] == {"risk": 0.8, "drivers": ["recency", "pAlive"], "runId": "churn-run-1"}


def test_profile_value_parts_are_null_when_never_computed(client: httpx.Client) -> None:
    # c7 consented but never bought: no analysis wrote anything on them
    value = _ok(client.get("/customers/c7", headers={"X-API-Key": API_KEY}))["value"]
    assert value == {"withheld": False, "reason": None, "rfm": None, "lifetime": None, "referral": None, "churn": None}
    # c3 bought, referred nobody and was not scored by the churn model
    value = _ok(client.get("/customers/c3", headers={"X-API-Key": API_KEY}))["value"]
    assert value["rfm"] is not None and value["lifetime"] is not None
    assert value["referral"] is None and value["churn"] is None


def test_profile_withholds_value_without_profiling_consent(client: httpx.Client, session_store: Store) -> None:
    props = _props(session_store)
    assert props["c5"]["churnRisk"] == 0.9 and props["c5"]["rfmSegment"] and props["c6"]["clv"] is not None
    for customer in ("c5", "c6"):  # consentProfiling false, and absent
        response = client.get(f"/customers/{customer}", headers={"X-API-Key": API_KEY})
        value = _ok(response)["value"]
        assert value["withheld"] is True and value["reason"] == WITHHELD_REASON
        assert [value[part] for part in ("rfm", "lifetime", "referral", "churn")] == [None] * 4
        assert "0.9" not in response.text and props[customer]["rfmSegment"] not in response.text
    assert client.get("/customers/c5").status_code == 401  # the profile itself still needs the read scope


def test_segments_are_counted_exactly_against_the_graph(client: httpx.Client, session_store: Store) -> None:
    props = _props(session_store)
    spent: dict[str, float] = {}
    for customer, _, _, _, amount in LINES:
        spent[customer] = spent.get(customer, 0.0) + amount
    expected: dict[str, dict[str, Any]] = {}
    for customer, p in props.items():
        if p.get("rfmSegment") is None:
            continue
        row = expected.setdefault(p["rfmSegment"], {"customers": 0, "shown": []})
        row["customers"] += 1
        if p.get("consentProfiling") is True:
            row["shown"].append(customer)
    body = _ok(httpx.get(client.base_url.join("/segments")))  # an aggregate: no key needed
    assert body["customers"] == 6 == sum(r["customers"] for r in expected.values())  # c7 never bought
    assert body["count"] == len(expected) and body["note"] is None
    assert body["runIds"]["rfm"] and body["runIds"]["churn"] == ["churn-run-1"]
    sizes = [item["customers"] for item in body["items"]]
    assert sizes == sorted(sizes, reverse=True)
    for item in body["items"]:
        want = expected[item["segment"]]
        shown = want["shown"]
        assert item["customers"] == want["customers"] and item["consenting"] == len(shown)
        mean_spent = sum(spent[c] for c in shown) / len(shown) if shown else None
        assert item["meanMonetary"] == pytest.approx(mean_spent)
        clvs = [props[c]["clv"] for c in shown]
        assert item["clvScored"] == len(clvs)
        assert item["meanClv"] == pytest.approx(sum(clvs) / len(clvs) if clvs else None)
        risks = [props[c]["churnRisk"] for c in shown if "churnRisk" in props[c]]  # c5's 0.9 never counts
        assert item["churnScored"] == len(risks)
        assert item["meanChurnRisk"] == pytest.approx(sum(risks) / len(risks) if risks else None)
    assert _ok(client.get("/segments")) == body  # cached, and the same with a key


def test_product_rules_match_the_hand_computed_example(client: httpx.Client, graph: dict[str, Any]) -> None:
    body = _ok(client.get("/products/A/rules"))
    assert body["productId"] == "A" and body["runId"] == graph["basket"] and body["count"] == 2
    # A → C: support 2/8, confidence 2/5, lift 2·8/(5·3); A → B: 3/8, 3/5, 3·8/(5·5) — best lift first
    got = [(r["consequent"], r["orders"], r["support"], r["confidence"], r["lift"]) for r in body["items"]]
    assert got == [
        ("C", 2, pytest.approx(0.25), pytest.approx(0.4), pytest.approx(16 / 15)),
        ("B", 3, pytest.approx(0.375), pytest.approx(0.6), pytest.approx(0.96)),
    ]
    assert body["items"][0]["name"] == "Product C"
    assert [r["consequent"] for r in _ok(client.get("/products/A/rules?min_lift=1"))["items"]] == ["C"]
    assert [r["consequent"] for r in _ok(client.get("/products/A/rules?limit=1"))["items"]] == ["C"]
    assert _ok(client.get("/products/A/rules?min_lift=2"))["items"] == []
    c = _ok(client.get("/products/C/rules"))["items"]  # C → A: 2/3 of C's orders hold A
    assert [(r["consequent"], r["confidence"]) for r in c] == [("A", pytest.approx(2 / 3)), ("B", pytest.approx(2 / 3))]
    assert _ok(client.get("/products/D/rules")) == {"productId": "D", "runId": None, "count": 0, "items": []}
    missing = client.get("/products/nope/rules")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found" and set(missing.json()["error"]) == {
        "code",
        "message",
        "details",
    }
    assert client.get("/products/A/rules?min_lift=-1").status_code == 422
    assert client.get("/products/A/rules?min_lift=nan").status_code == 422


def test_report_value_sections(graph: dict[str, Any], session_store: Store) -> None:
    props = _props(session_store)
    data = collect_report(session_store)
    value = data["value"]
    grid = {(c["recency"], c["frequency"]): c["customers"] for c in value["rfmGrid"]}
    cells = Counter((p["rfmRecency"], p["rfmFrequency"]) for p in props.values() if "rfmRecency" in p)
    assert grid == dict(cells) and sum(grid.values()) == 6
    shown_clv = sorted(
        p["clv"] for p in props.values() if p.get("clv") is not None and p.get("consentProfiling") is True
    )
    assert sorted(value["clv"]["values"]) == pytest.approx(shown_clv) and value["clv"]["withheld"] == 2
    assert value["rules"]["top"] == []  # every pair here was bought in fewer than 5 orders
    page = render_report(data)
    for chart in ("rfm-grid", "clv", "churn-by-segment", "basket-rules", "contact-pressure"):
        assert f'id="chart-{chart}"' in page
    assert "2 customers without profiling consent left out" in page
    assert "none of the 6 stored rules was seen in at least 5 orders" in page  # the report's floor, said plainly

    value = collect_value(session_store, min_orders=1, now=NOW)
    assert [(r["antecedent"], r["consequent"]) for r in value["rules"]["top"][:3]] == [
        ("C", "A"),
        ("C", "B"),
        ("A", "C"),
    ]
    pressure = {(r["channel"], r["contacts"]): r["customers"] for r in value["contacts"]["rows"]}
    assert pressure == {("email", 1): 1, ("email", 2): 1, ("sms", 1): 1}  # c4's 40-day-old contact is outside
    html = "".join(value_charts(value))
    assert 'class="empty"' not in html and "email: 3 contacts to 2 customers (1.50 each)" in html
    assert "Mean over 2 scored customers" in html and "Product A → Product C" in html


def test_chromium_draws_the_value_sections(graph: dict[str, Any], session_store: Store, tmp_path: Path) -> None:
    try:
        find_chromium()
    except ConfigError:
        pytest.fail(f"the report check renders in headless Chromium, which is missing: {INSTALL_HINT}")
    data = {**collect_report(session_store), "value": collect_value(session_store, min_orders=1, now=NOW)}
    page = tmp_path / "value-measured.html"
    page.write_text(render_report(data).replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dump_dom(page.as_uri(), width=1400, height=1200), re.S)
    assert found, "the measuring script did not run"
    measured = json.loads(html.unescape(found.group(1)))
    drawn_clv = 1 if any(v > 0 for v in data["value"]["clv"]["values"]) else 0
    # grid: 5 × 5 cells; churn: the segments of c1 and c2; rules: all 6; contacts: email 1 and 2, sms 1
    fewest = {"rfm-grid": 25, "clv": drawn_clv, "churn-by-segment": 1, "basket-rules": 6, "contact-pressure": 3}
    for chart, marks in fewest.items():
        seen = measured[f"chart-{chart}"]
        assert seen["width"] > 200 and seen["drawn"] >= marks, (chart, seen)


def test_analyst_questions_on_segments_and_churn(graph: dict[str, Any], session_store: Store) -> None:
    props = _props(session_store)
    overview = run_analyst(session_store, analyst_query("35"))
    assert sum(r["customers"] for r in overview) == 6 and sum(r["consenting"] for r in overview) == 4
    assert sum(r["revenue"] for r in overview) == pytest.approx(sum(a for *_, a in LINES))
    percents = [r["customerPct"] for r in overview]  # each rounded to 0.1
    assert sum(percents) == pytest.approx(100.0, abs=0.05 * len(percents))
    churn = {r["segment"]: r for r in run_analyst(session_store, analyst_query("36"))}
    assert sum(r["scored"] for r in churn.values()) == 2  # c1 and c2; c5 has no profiling consent
    assert sum(r["highRisk"] for r in churn.values()) == 1
    assert churn[props["c1"]["rfmSegment"]]["topDrivers"] == ["recency (1)"]
    assert "c5" not in str(churn) and "c1" not in str(churn)  # an aggregate: names nobody


def test_surfaces_before_anything_is_computed(session_store: Store, settings: Settings, tmp_path: Path) -> None:
    session_store.clear()
    _load(session_store, settings, tmp_path, "customers", [{"customerId": "c1", "consentProfiling": "true"}])
    _load(session_store, settings, tmp_path, "products", [{"productId": "A"}])
    with api_client(settings) as fresh:  # a new app: nothing cached from the tests before
        body = _ok(fresh.get("/segments"))
        assert body["count"] == 0 and body["items"] == [] and "graphengine value rfm" in body["note"]
        assert _ok(fresh.get("/products/A/rules"))["items"] == []
    page = render_report(collect_report(session_store))
    for command in ("value rfm", "value clv", "value basket"):
        assert f"run `graphengine {command}`" in page
    assert "RFM segments have not been computed yet" in page
    assert "campaign build" in page
