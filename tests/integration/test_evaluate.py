"""`graphengine evaluate`: MovieLens-100k from the recbole wheel, and the loaded graph."""

from __future__ import annotations

import json
from pathlib import Path

from graphengine.analytics.evaluation_runs import evaluate_links, evaluate_recommendations
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.store import Store
from tests.integration._cli import run_graphengine

BPR_CORNAC = {"precision": 0.111, "recall": 0.120, "ndcg": 0.150}  # cornac's published MovieLens-100k example


def test_movielens_blend_beats_bpr_and_twice_popularity_ish() -> None:
    result = evaluate_recommendations(dataset="movielens", k=10, seed=123)
    blend, popular = result["results"]["blend"], result["results"]["popularity"]
    assert all(blend[m] > BPR_CORNAC[m] for m in BPR_CORNAC)
    assert blend["ndcg"] >= 1.9 * popular["ndcg"]  # 2.005x on this split (see RESULTS_recommend.md)
    assert result["results"]["random"]["ndcg"] < 0.05


def test_link_prediction_auc_beats_random_on_lastfm() -> None:
    result = evaluate_links(dataset="lastfm", repeats=1)
    assert result["auc"]["aa"] > 0.8 and result["auc"]["random"] < 0.6


def test_evaluate_cli_on_the_loaded_graph(store: Store, settings: Settings, tmp_path: Path) -> None:
    generate_demo(tmp_path / "d", DemoSpec(customers=600, seed=9))
    load_demo(store, tmp_path / "d", salt=settings.hash_salt.get_secret_value(), out_dir=tmp_path / "o")
    proc = run_graphengine(settings, "evaluate", "recommend", "--dataset", "graph", "--split", "temporal", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["split"] == "temporal" and {"blend", "popularity", "random"} <= set(result["results"])
    assert result["results"]["blend"]["ndcg"] > result["results"]["random"]["ndcg"]
    proc = run_graphengine(settings, "evaluate", "links", "--dataset", "graph", "--json", "--repeats", "1")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["auc"]["aa"] > 0.5
