"""The recommender against a real Neo4j: the projection of every signal, one customer's live row, training,
the AnalysisRun it records, and the CLI (train, list, promote, rollback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.errors import NotFound
from graphengine.load import LoadOptions, load_file
from graphengine.recommend import artefacts
from graphengine.recommend.interactions import SEEN, InteractionWeights, customer_row, project_interactions
from graphengine.recommend.training import train_from_graph
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv

AT = "2026-01-05T10:00:00Z"


def _load_small_graph(store: Store, settings: Settings, folder: Path) -> None:
    salt = settings.hash_salt.get_secret_value()
    files = {
        "customers": [{"customerId": c, "consentProfiling": "true"} for c in ("c1", "c2", "c3", "c4")],
        "products": [{"productId": f"p{i}", "category": "Books", "price": 10} for i in range(1, 7)],
        "channels": [{"channelId": "web", "kind": "web"}],
        "purchases": [
            {"orderId": "o1", "customerId": "c1", "productId": "p1", "amount": 5, "at": AT},
            {"orderId": "o2", "customerId": "c1", "productId": "p2", "amount": 5, "at": AT},
            {"orderId": "o3", "customerId": "c2", "productId": "p1", "amount": 5, "at": AT},
            {"orderId": "o4", "customerId": "c2", "productId": "p3", "amount": 5, "at": AT},
        ],
        "ratings": [
            {"customerId": "c1", "productId": "p3", "rating": 5, "at": AT},
            {"customerId": "c2", "productId": "p3", "rating": 2, "at": AT},  # overrides c2's purchase of p3
            {"customerId": "c3", "productId": "p4", "rating": 1, "at": AT},
        ],
        "events": [
            {"eventId": "e1", "customerId": "c3", "type": "view", "at": AT, "channelId": "web", "productId": "p5"},
            {"eventId": "e2", "customerId": "c3", "type": "view", "at": AT, "channelId": "web", "productId": "p5"},
            {"eventId": "e3", "customerId": "c3", "type": "cart", "at": AT, "channelId": "web", "productId": "p6"},
            {"eventId": "e4", "customerId": "c3", "type": "search", "at": AT, "channelId": "web"},
        ],
        "accounts": [{"accountId": "a1", "platform": "x", "customerId": "c2"}],
        "mentions": [
            {"accountId": "a1", "productId": "p6", "at": AT, "sentiment": 0.8},
            {"accountId": "a1", "productId": "p5", "at": AT, "sentiment": -0.5},
        ],
    }
    for kind, rows in files.items():
        path = write_csv(folder / f"{kind}.csv", rows)
        load_file(store, kind, path, LoadOptions(source="test", out_dir=folder / "out"), salt=salt)


def test_projection_weighs_every_signal_and_the_live_row_agrees(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _load_small_graph(store, settings, tmp_path)
    weights = InteractionWeights(low_rating=0.0, view=0.2, cart=0.5, mention=0.5)
    data = project_interactions(store, weights)
    assert data.customer_ids.tolist() == ["c1", "c2", "c3", "c4"]
    assert data.item_ids.tolist() == [f"p{i}" for i in range(1, 7)]
    expected = np.array(
        [
            [1.0, 1.0, 1.0, 0, 0, 0],  # two purchases and a good rating
            [1.0, 0, SEEN, 0, 0, 0.5],  # the low rating overrides the purchase; a positive mention; the negative not
            [0, 0, 0, SEEN, 0.2, 0.5],  # a low rating, two views of p5 (once), a cart
            [0, 0, 0, 0, 0, 0],
        ],
        dtype=np.float32,
    )
    np.testing.assert_allclose(data.matrix.toarray(), expected, rtol=1e-6)
    assert data.counts() == {
        "customers": 4,
        "items": 6,
        "interactions": 9,
        "positive": 7,
        "customersWithInteractions": 3,
    }
    index = data.item_index()
    for u, customer in enumerate(data.customer_ids):
        row = customer_row(store, str(customer), weights, index)
        assert row.toarray().tolist() == data.matrix[u].toarray().tolist()
    with pytest.raises(NotFound):
        customer_row(store, "nobody", weights, index)
    no_views = project_interactions(store, InteractionWeights(view=0.0, low_rating=0.0))
    assert no_views.matrix[2].toarray().ravel().tolist() == pytest.approx([0, 0, 0, SEEN, 0, 0.5])


def test_training_records_the_run_and_saves_a_loadable_version(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    generate_demo(tmp_path / "d", DemoSpec(customers=400, seed=5))
    load_demo(store, tmp_path / "d", salt=settings.hash_salt.get_secret_value(), out_dir=tmp_path / "o")
    home = tmp_path / "home"
    result = train_from_graph(store, home, kinds=["popularity", "itemknn", "ease"], seed=7, promote=True, similar=3)
    assert artefacts.promoted(home) == result["version"]
    loaded = artefacts.load(home, result["version"])
    assert loaded.model.kind == result["model"] and loaded.meta["runId"] == result["runId"]
    customers = store.run_text("MATCH (c:Customer) WHERE c.placeholder IS NULL RETURN count(c) AS n")[0]["n"]
    products = store.run_text("MATCH (p:Product) WHERE p.placeholder IS NULL RETURN count(p) AS n")[0]["n"]
    assert result["counts"]["customers"] == customers and len(loaded.item_ids) == products
    run = store.run_text(
        "MATCH (r:AnalysisRun {runId: $id}) RETURN r.status AS status, r.kind AS kind, r.modelVersion AS version, "
        "r.counts AS counts, r.metrics AS metrics, r.test AS test",
        {"id": result["runId"]},
    )[0]
    assert run["status"] == "finished" and run["kind"] == "recommender" and run["version"] == result["version"]
    assert json.loads(run["counts"])["customers"] == customers
    assert set(json.loads(run["test"])) == {"popularity", "itemknn", "ease", "blend"}
    assert json.loads(run["metrics"])["test_ndcg"] == result["test"][result["model"]]["ndcg"]
    popular = result["test"]["popularity"]["ndcg"]
    assert result["test"][result["model"]]["ndcg"] >= popular
    similar_query = (
        "MATCH (a:Product)-[s:SIMILAR]->(b:Product) RETURN count(s) AS n, collect(DISTINCT s.runId) AS runs, "
        "max(size([(a)-[:SIMILAR]->() | 1])) AS most, sum(CASE WHEN a = b THEN 1 ELSE 0 END) AS loops"
    )
    edges = store.run_text(similar_query)[0]
    assert edges["n"] == result["counts"]["similarEdges"] > 0
    assert edges["runs"] == [result["runId"]] and edges["most"] == 3 and edges["loops"] == 0
    again = train_from_graph(store, home, kinds=["itemknn"], seed=7, similar=2)
    edges = store.run_text(similar_query)[0]
    assert edges["n"] == again["counts"]["similarEdges"] and edges["runs"] == [again["runId"]] and edges["most"] == 2
    assert artefacts.promoted(home) == result["version"]  # not promoted: the first stays served


def test_cli_train_list_promote_rollback(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_demo(tmp_path / "d", DemoSpec(customers=300, seed=2))
    load_demo(store, tmp_path / "d", salt=settings.hash_salt.get_secret_value(), out_dir=tmp_path / "o")
    home = tmp_path / "home"
    monkeypatch.setenv("GRAPHENGINE_HOME", str(home))  # the child process keeps its models here

    def cli(*args: str) -> Any:
        proc = run_graphengine(settings, "recommender", *args, "--json")
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    first = cli("train", "--models", "popularity,itemknn", "--promote")
    second = cli(
        "train", "--models", "popularity,rp3beta", "--weights", "view=0,cart=0.4", "--param", "rp3beta.alpha=0.7"
    )
    assert {point["params"]["alpha"] for point in second["validation"]["rp3beta"]["grid"]} == {0.7}
    rows = cli("list")
    assert [r["version"] for r in rows] == sorted([first["version"], second["version"]])
    assert [r["version"] for r in rows if r["promoted"]] == [first["version"]]
    assert cli("promote", second["version"]) == {"promoted": second["version"]}
    assert cli("rollback") == {"promoted": first["version"]}
    assert artefacts.load(home, second["version"]).weights.cart == pytest.approx(0.4)
    for wrong in (["--models", "nope"], ["--param", "ease=1"], ["--weights", "view=-1"]):
        bad = run_graphengine(settings, "recommender", "train", *wrong)
        assert bad.returncode != 0 and "Traceback" not in bad.stderr, wrong


def test_movielens_loaded_with_consent_projects_to_the_evaluated_matrix(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    from graphengine.recommend.datasets import load_movielens_100k
    from tests.integration._cli import run_python

    root = Path(__file__).resolve().parents[2]
    proc = run_python(
        settings, str(root / "loaders" / "movielens.py"), "--limit", "2000", "--consent", "--out-dir", str(tmp_path)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    consent = store.run_text(
        "MATCH (c:Customer) RETURN count(c) AS n, count(CASE WHEN c.consentProfiling = true THEN 1 END) AS yes"
    )[0]
    assert consent["n"] == consent["yes"] > 0
    weights = InteractionWeights()
    graph = project_interactions(store, weights)
    log = load_movielens_100k()
    evaluated = log.subset(np.arange(2000)).to_interactions(weights)
    coo = evaluated.matrix.tocoo()
    expected = {
        (f"ml-u{evaluated.customer_ids[r]}", f"ml-m{evaluated.item_ids[c]}"): float(v)
        for r, c, v in zip(coo.row, coo.col, coo.data, strict=True)
    }
    got_coo = graph.matrix.tocoo()
    got = {
        (str(graph.customer_ids[r]), str(graph.item_ids[c])): float(v)
        for r, c, v in zip(got_coo.row, got_coo.col, got_coo.data, strict=True)
    }
    assert got == expected and len(got) == 2000
