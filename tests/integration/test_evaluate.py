"""`graphengine evaluate`: MovieLens-100k from the recbole wheel, and the loaded graph."""

from __future__ import annotations

import json
from pathlib import Path

from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.recommend.evaluation import SERVED_METRICS, evaluate_recommendations
from graphengine.recommend.link_evaluation import evaluate_links
from graphengine.store import Store
from tests.integration._cli import run_graphengine

BPR_CORNAC = {"precision": 0.111, "recall": 0.120, "ndcg": 0.150}  # cornac's published MovieLens-100k example


def test_movielens_served_model_beats_ease_als_and_popularity() -> None:
    result = evaluate_recommendations(dataset="movielens", k=10, seed=123)
    served, results = result["served"], result["results"]
    assert {"popularity", "itemknn", "rp3beta", "ease", "als"} <= set(results)
    assert served["ndcg"] == results[served["model"]]["ndcg"]  # the served row is one of the measured models
    assert served["ndcg"] >= max(results["ease"]["ndcg"], results["als"]["ndcg"])
    assert served["ndcg"] >= 2.2 * results["popularity"]["ndcg"]
    assert all(served[m] > BPR_CORNAC[m] for m in BPR_CORNAC)


def test_link_prediction_auc_beats_random_on_lastfm() -> None:
    result = evaluate_links(dataset="lastfm", repeats=1)
    assert result["auc"]["aa"] > 0.8 and result["auc"]["random"] < 0.6


def test_evaluate_cli_on_the_loaded_graph(store: Store, settings: Settings, tmp_path: Path) -> None:
    generate_demo(tmp_path / "d", DemoSpec(customers=600, seed=9))
    load_demo(store, tmp_path / "d", salt=settings.hash_salt.get_secret_value(), out_dir=tmp_path / "o")
    proc = run_graphengine(
        settings, "evaluate", "recommend", "--dataset", "graph", "--models", "popularity,itemknn,ease", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(SERVED_METRICS) <= set(result["served"])
    assert {"popularity", "itemknn", "ease"} <= set(result["results"])
    assert result["served"]["ndcg"] >= result["results"]["popularity"]["ndcg"]
    temporal = run_graphengine(settings, "evaluate", "recommend", "--dataset", "graph", "--split", "temporal")
    assert temporal.returncode != 0 and "random split" in temporal.stderr and "Traceback" not in temporal.stderr
    proc = run_graphengine(settings, "evaluate", "links", "--dataset", "graph", "--json", "--repeats", "1")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["auc"]["aa"] > 0.5
