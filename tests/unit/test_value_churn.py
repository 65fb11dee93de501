"""Churn features, the temporal holdout, drivers and the CDNOW evaluation, without a database."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from graphengine.commands.value import horizon_days
from graphengine.demo import DemoSpec, generate_demo
from graphengine.errors import AnalysisError, ConfigError
from graphengine.value.cdnow import load_cdnow
from graphengine.value.churn import churn_model, top_drivers
from graphengine.value.churn_evaluation import evaluate_churn
from graphengine.value.churn_features import ChurnData, churn_features, churned, lapsed
from graphengine.value.transactions import Lines

CUTOFF = 100
# (customer, order, day, amount, channel)
LINES = [
    ("a", "o1", 10, 10.0, "web"),
    ("a", "o2", 95, 30.0, "store"),
    ("b", "o3", 20, 50.0, "store"),
    ("c", "o4", 40, 5.0, "web"),
    ("c", "o5", 80, 5.0, "web"),
    ("c", "o5", 80, 10.0, "web"),
    ("d", "o6", 5, 100.0, "web"),
]


def _data(lines: list[tuple[str, str, int, float, str]] = LINES, **extra: object) -> ChurnData:
    ids = np.array(["a", "b", "c", "d", "e"])
    base = ChurnData(
        Lines(
            np.array([r[0] for r in lines]),
            np.array([r[1] for r in lines]),
            np.array([r[2] for r in lines], dtype=np.int64),
            np.array([r[3] for r in lines]),
        ),
        np.array([r[4] for r in lines]),
        ids,
        np.array([True, True, True, False, True]),
        np.array([1.0, 1.0, 1.0, 2.0, np.nan]),
        accounts=np.array(["A", "B", "C", "X"]),
        owners=np.array(["a", "b", "c", ""]),
        follow_src=np.array(["A", "A", "C", "X", "B"]),
        follow_dst=np.array(["B", "C", "B", "A", "A"]),
        follow_days=np.array([10.0, np.nan, 50.0, 20.0, 150.0]),  # B → A only after the cutoff
        referral_src=np.array(["a", "a", "b"]),
        referral_dst=np.array(["b", "c", "d"]),
        referral_days=np.array([np.nan, 30.0, 120.0]),  # b → d only after the cutoff
        event_customers=np.array(["a", "a", "a", "b", "b", "c"]),
        event_sessions=np.array(["s1", "s1", "s2", "s3", "s3", "s4"]),
        event_types=np.array(["cart", "search", "cart", "cart", "purchase", "search"]),
        event_days=np.array([50.0, 50.0, 60.0, 70.0, 70.0, 90.0]),
        event_fruitless=np.array([False, True, False, False, False, True]),
        event_channels=np.array(["app", "app", "web", "web", "web", "app"]),
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def test_features_on_a_hand_built_graph() -> None:
    features = churn_features(_data(), CUTOFF, 50)
    assert features.ids.tolist() == ["a", "b", "c", "d"]

    def col(name: str) -> list[float]:
        return [round(float(v), 4) if not np.isnan(v) else -1.0 for v in features.column(name)]

    assert col("recency") == [4, 79, 19, 94]  # from the last line to day 99
    assert col("frequency") == [2, 1, 2, 1]
    assert col("monetary") == [40, 50, 20, 100]
    assert col("orders30") == [1, 0, 1, 0]  # days 70…99
    assert col("storeShare") == [0.5, 1, 0, 0]
    # lapsed at 100 with a 50-day horizon: bought before day 50, not in [50, 100): b and d; a and c bought again
    assert lapsed(_data().lines, features.ids, CUTOFF, 50).tolist() == [0, 1, 0, 1]
    assert col("communityChurnRate") == [0.5, 0, 0.5, -1]  # community 1 = a, b, c (self left out); d alone
    # follows before day 100: A→B, A→C (no time), C→B, X→A (X has no owner); B→A comes later
    assert col("followers") == [1, 2, 1, -1]
    assert col("following") == [2, 0, 1, -1]
    assert col("followedLapsedShare") == [0.5, -1, 1, -1]  # a follows b (lapsed) and c; c follows b
    assert col("referred") == [2, 0, 0, 0]
    assert col("wasReferred") == [0, 1, 1, 0]  # b → d happens after the cutoff
    assert col("abandonedCarts") == [2, 0, 0, 0]  # b bought in the session of its cart
    assert col("fruitlessSearches") == [1, 0, 1, 0]
    assert col("appShare") == [round(2 / 3, 4), 0, 1, -1]
    pagerank = features.column("pagerank")
    assert pagerank[1] > pagerank[0] and np.isnan(pagerank[3])


def test_nothing_after_the_cutoff_changes_the_features() -> None:
    data = _data()
    later = [*LINES, ("a", "o9", 100, 999.0, "store"), ("b", "o10", 130, 1.0, "web"), ("e", "o11", 101, 5.0, "web")]
    more = _data(
        later,
        follow_src=np.append(data.follow_src, "C"),
        follow_dst=np.append(data.follow_dst, "A"),
        follow_days=np.append(data.follow_days, 100.0),
        event_customers=np.append(data.event_customers, "c"),
        event_sessions=np.append(data.event_sessions, "s9"),
        event_types=np.append(data.event_types, "cart"),
        event_days=np.append(data.event_days, 100.0),
        event_fruitless=np.append(data.event_fruitless, False),
        event_channels=np.append(data.event_channels, "app"),
    )
    before, after = churn_features(data, CUTOFF, 50), churn_features(more, CUTOFF, 50)
    assert before.ids.tolist() == after.ids.tolist()
    np.testing.assert_array_equal(before.matrix, after.matrix)
    # the label is what happens in the horizon: the purchase on day 100 makes a a buyer, b stays a churner
    assert churned(more.lines, before.ids, CUTOFF, CUTOFF + 20).tolist() == [0, 1, 1, 1]


def test_horizon_parsing() -> None:
    assert horizon_days("90d") == 90 and horizon_days("13w") == 91 and horizon_days("60") == 60
    for bad in ("0d", "-5", "ninety", "3m", ""):
        with pytest.raises(ConfigError):
            horizon_days(bad)


def test_drivers_name_the_feature_that_moves_the_risk() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 3))
    y = (x[:, 1] + 0.1 * rng.normal(size=600) > 0.5).astype(int)
    model = HistGradientBoostingClassifier(random_state=0).fit(x, y)
    names, effects = top_drivers(model, x, ("noise", "signal", "other"))
    risky = model.predict_proba(x)[:, 1] > 0.9
    assert risky.sum() > 50
    assert (names[risky, 0] == "signal").all() and (effects[risky, 0] > 0.5).all()
    assert names.shape == (600, 3) and (np.diff(effects, axis=1) <= 0).all()


def test_too_little_history_is_a_clear_error() -> None:
    with pytest.raises(AnalysisError, match="too little history"):
        churn_model(_data(), CUTOFF, 50)
    with pytest.raises(AnalysisError, match="feature set"):
        churn_model(_data(), CUTOFF, 50, feature_set="magic")


def test_demo_plants_churners_loyal_spenders_and_bundles(tmp_path: Path) -> None:
    truth = generate_demo(tmp_path, DemoSpec(customers=400, seed=5))["value"]
    import csv

    with (tmp_path / "purchases.csv").open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["orderId"].startswith("O0")]
    assert all(r["orderId"] and r["lineId"].startswith(r["orderId"] + "-") for r in rows)
    last: dict[str, str] = {}
    orders: dict[str, set[str]] = {}
    for r in rows:
        last[r["customerId"]] = max(last.get(r["customerId"], ""), r["at"][:10])
        orders.setdefault(r["customerId"], set()).add(r["orderId"])
    churners = truth["churners"]
    assert churners and set(truth["churnSpread"]) <= set(churners) and set(truth["churnSeeds"]) <= set(churners)
    assert all(last[c] <= day for c, day in churners.items() if c in last)  # nobody buys after churning
    assert not set(truth["loyal"]) & set(churners)
    loyal = np.mean([len(orders.get(c, ())) for c in truth["loyal"]])
    others = np.mean([len(orders.get(c, ())) for c in last if c not in truth["loyal"]])
    assert loyal > 2 * others
    baskets: dict[str, set[str]] = {}
    for r in rows:
        baskets.setdefault(r["orderId"], set()).add(r["productId"])
    together = [sum(set(b) <= items for items in baskets.values()) for b in truth["bundles"]]
    assert len(truth["bundles"]) >= 10 and sum(t >= 2 for t in together) >= 8


def test_cdnow_churn_evaluation_is_sane() -> None:
    lines = load_cdnow()
    keep = lines.customers.astype(int) <= 6000  # a quarter of the customers keeps the test quick
    data = ChurnData.from_lines(Lines(lines.customers[keep], lines.orders[keep], lines.days[keep], lines.amounts[keep]))
    result = evaluate_churn(data, horizon_days=90, dataset="cdnow")
    rows = result["results"]
    print({name: row["auc"] for name, row in rows.items()})
    assert "graph + transactions" not in rows and "graph features absent" in result["note"]
    assert result["graphFeatures"] == [] and not result["graphAddsLift"]
    assert all(0.0 <= v <= 1.0 for row in rows.values() for v in row.values())
    assert rows["transactions only"]["auc"] >= 0.78 and rows["RFM only"]["auc"] >= 0.78
    assert 0.8 < result["churnRate"] < 0.9
