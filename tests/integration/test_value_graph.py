"""Customer value against the real Neo4j: purchase lines loaded through the product's loader, RFM, CLV, basket
rules and referral value written with runIds; the served CLV equals the evaluated function's answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graphengine.config import Settings
from graphengine.errors import NotFound
from graphengine.load import LoadOptions, load_file
from graphengine.store import Store
from graphengine.value.basket import rules_for_product, run_basket
from graphengine.value.clv import forecast, run_clv
from graphengine.value.referral import run_referral
from graphengine.value.rfm import run_rfm
from graphengine.value.transactions import read_lines
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv

BASE = dt.date(2026, 1, 1)
# (customer, order, day offset, product, amount): the unit test's RFM example, with products.
LINES = [
    ("c1", "o1", 100, "p1", 10.0),
    ("c1", "o1", 100, "p2", 20.0),
    ("c1", "o2", 110, "p3", 30.0),
    ("c2", "o3", 105, "p1", 50.0),
    ("c3", "o4", 90, "p1", 5.0),
    ("c3", "o5", 95, "p2", 5.0),
    ("c3", "o6", 100, "p4", 5.0),
    ("c4", "o7", 50, "p4", 100.0),
    ("c5", "o8", 110, "p1", 1.0),
    ("c5", "o8", 110, "p2", 0.5),
]


def _load(store: Store, settings: Settings, tmp: Path, kind: str, rows: list[dict[str, Any]]) -> None:
    report = load_file(
        store,
        kind,
        write_csv(tmp / f"{kind}.csv", rows),
        LoadOptions(source="test", out_dir=tmp / "out"),
        salt=settings.hash_salt.get_secret_value(),
    )
    assert report.balanced and report.quarantined == 0, report.to_dict()


def _fixture(store: Store, settings: Settings, tmp: Path, lines: list[tuple[str, str, int, str, float]]) -> None:
    customers = sorted({c for c, *_ in lines} | {"c6"})
    _load(store, settings, tmp, "customers", [{"customerId": c} for c in customers])
    _load(store, settings, tmp, "products", [{"productId": p, "name": p.upper()} for p in ("p1", "p2", "p3", "p4")])
    rows = [
        {
            "orderId": o,
            "lineId": f"{o}-{k}",
            "customerId": c,
            "productId": p,
            "amount": a,
            "at": f"{BASE + dt.timedelta(days=d)}T12:00:00Z",
        }
        for k, (c, o, d, p, a) in enumerate(lines)
    ]
    _load(store, settings, tmp, "purchases", rows)


def _customers(store: Store, *props: str) -> dict[str, dict[str, Any]]:
    rows = store.run_text("MATCH (c:Customer) RETURN c.customerId AS id, properties(c) AS p")
    return {r["id"]: {k: r["p"].get(k) for k in props} for r in rows}


def _run(store: Store, run_id: str) -> dict[str, Any]:
    return store.run_text("MATCH (r:AnalysisRun {runId: $id}) RETURN properties(r) AS p", {"id": run_id})[0]["p"]


def test_rfm_scores_and_segments_are_written_with_a_run_id(store: Store, settings: Settings, tmp_path: Path) -> None:
    _fixture(store, settings, tmp_path, LINES[:-1])  # the unit test's example exactly: c5 has one line
    result = run_rfm(store, bins=5)
    got = _customers(store, "rfmRecency", "rfmFrequency", "rfmMonetary", "rfmSegment", "rfmRunId")
    assert [got[c]["rfmRecency"] for c in ("c1", "c2", "c3", "c4", "c5")] == [4, 3, 2, 1, 4]
    assert [got[c]["rfmFrequency"] for c in ("c1", "c2", "c3", "c4", "c5")] == [4, 1, 5, 1, 1]
    assert [got[c]["rfmMonetary"] for c in ("c1", "c2", "c3", "c4", "c5")] == [4, 3, 2, 5, 1]
    assert [got[c]["rfmSegment"] for c in ("c1", "c2", "c3", "c4", "c5")] == [
        "loyal",
        "about to sleep",
        "at risk",
        "hibernating",
        "promising",
    ]
    assert {got[c]["rfmRunId"] for c in ("c1", "c2", "c3", "c4", "c5")} == {result["runId"]}
    assert got["c6"] == dict.fromkeys(got["c6"])  # never bought: nothing written
    assert result["counts"]["written"] == 5 and _run(store, result["runId"])["status"] == "finished"


def test_the_served_clv_is_the_evaluated_forecast(store: Store, settings: Settings, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    lines = [
        (f"c{int(c)}", f"o{k}", int(d), f"p{int(p)}", float(round(a, 2)))
        for k, (c, d, p, a) in enumerate(
            zip(
                rng.integers(1, 40, 400),
                rng.integers(0, 300, 400),
                rng.integers(1, 5, 400),
                rng.gamma(2, 10, 400),
                strict=True,
            )
        )
    ]
    _fixture(store, settings, tmp_path, lines)
    result = run_clv(store, horizon_days=182)
    served = _customers(store, "expectedPurchases", "pAlive", "clv", "clvRunId")
    lines_read = read_lines(store)
    evaluated = forecast(lines_read, int(lines_read.days.max()) + 1, 182 / 7)
    assert len(evaluated.summary.ids) == result["counts"]["written"] == 39
    for i, customer in enumerate(evaluated.summary.ids):
        row = served[str(customer)]
        assert row["clvRunId"] == result["runId"]
        assert row["expectedPurchases"] == pytest.approx(evaluated.expected_purchases[i], rel=1e-9, abs=1e-12)
        assert row["pAlive"] == pytest.approx(evaluated.p_alive[i], rel=1e-9)
        assert row["clv"] == pytest.approx(evaluated.clv[i], rel=1e-9, abs=1e-9)
    proc = run_graphengine(settings, "value", "clv", "--horizon-days", "182", "--json")
    assert proc.returncode == 0, proc.stderr
    again = json.loads(proc.stdout)
    assert again["runId"] != result["runId"] and again["metrics"]["level"] == pytest.approx(result["metrics"]["level"])


def test_basket_rules_are_stored_replaced_and_read_per_product(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _fixture(store, settings, tmp_path, LINES)
    # Orders: o1 {p1, p2}, o2 {p3}, o3 {p1}, o4 {p1}, o5 {p2}, o6 {p4}, o7 {p4}, o8 {p1, p2}: N = 8,
    # n_p1 = 4, n_p2 = 3, n_p1p2 = 2 → support 0.25, conf(p1→p2) = 0.5, conf(p2→p1) = 2/3, lift = 2·8/(4·3).
    first = run_basket(store, min_support=0.0, min_count=2)
    rows = store.run_text(
        "MATCH (a:Product)-[r:BOUGHT_WITH]->(b:Product) RETURN a.productId AS a, b.productId AS b, properties(r) AS r"
    )
    got = {(r["a"], r["b"]): r["r"] for r in rows}
    assert set(got) == {("p1", "p2"), ("p2", "p1")}
    assert got[("p1", "p2")]["confidence"] == pytest.approx(0.5)
    assert got[("p2", "p1")]["confidence"] == pytest.approx(2 / 3)
    assert got[("p1", "p2")]["lift"] == pytest.approx(16 / 12) and got[("p1", "p2")]["support"] == pytest.approx(0.25)
    assert {r["runId"] for r in got.values()} == {first["runId"]}
    second = run_basket(store, min_support=0.0, min_count=1)
    count = store.run_text("MATCH ()-[r:BOUGHT_WITH]->() RETURN count(r) AS n, collect(DISTINCT r.runId) AS runs")[0]
    assert count["n"] == 2 and count["runs"] == [second["runId"]]  # p1–p2 is the only pair: the edges are replaced
    assert [(r["productId"], r["orders"]) for r in rules_for_product(store, "p1")] == [("p2", 2)]
    assert rules_for_product(store, "p3") == []  # a product without rules
    with pytest.raises(NotFound):
        rules_for_product(store, "nope")
    proc = run_graphengine(settings, "value", "basket", "--product", "p2", "--json")
    assert proc.returncode == 0, proc.stderr
    assert [r["productId"] for r in json.loads(proc.stdout)["rules"]] == ["p1"]
    assert run_graphengine(settings, "value", "basket", "--product", "nope").returncode == 7


def test_referral_value_is_written_on_referrers(store: Store, settings: Settings, tmp_path: Path) -> None:
    _fixture(store, settings, tmp_path, LINES)
    _load(
        store,
        settings,
        tmp_path,
        "referrals",
        [
            {"referrerId": "c6", "referredId": "c1", "at": "2026-01-02T00:00:00Z"},
            {"referrerId": "c1", "referredId": "c2", "at": "2026-01-03T00:00:00Z"},
            {"referrerId": "c1", "referredId": "c3", "at": "2026-01-03T00:00:00Z"},
        ],
    )
    result = run_referral(store, decay=0.5)
    got = _customers(store, "referralValue", "referralValueDirect", "referredCustomers", "referralRunId")
    assert got["c1"]["referralValueDirect"] == pytest.approx(50 + 15) and got["c1"]["referredCustomers"] == 2
    assert got["c6"]["referralValueDirect"] == pytest.approx(60)
    assert got["c6"]["referralValue"] == pytest.approx(60 + 0.5 * 65) and got["c6"]["referredCustomers"] == 3
    assert got["c2"]["referralRunId"] is None and got["c6"]["referralRunId"] == result["runId"]
    proc = run_graphengine(settings, "value", "referral", "--decay", "0", "--json")
    assert proc.returncode == 0, proc.stderr
    again = json.loads(proc.stdout)
    assert again["counts"]["referrers"] == 2 and again["top"][0]["referralValue"] == pytest.approx(65)  # c1, depth 1
    assert _customers(store, "referralValue")["c6"]["referralValue"] == pytest.approx(60)


def test_an_empty_graph_is_a_clear_error_not_a_traceback(store: Store, settings: Settings) -> None:
    for command in ("rfm", "clv"):
        proc = run_graphengine(settings, "value", command)
        assert proc.returncode == 8, proc.stdout + proc.stderr  # AnalysisError
        assert "no purchase lines" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_graphengine(settings, "value", "basket", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["counts"]["rules"] == 0
