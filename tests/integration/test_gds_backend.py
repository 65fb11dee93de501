"""The GDS backend, run inside the project's Neo4j, against networkx and the other backends."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graphengine.analytics.backends import betweenness_error_bound, get_backend
from graphengine.analytics.backends.gds_backend import GdsBackend
from graphengine.analytics.centrality import CENTRALITY_ALGORITHMS, compute_centrality
from graphengine.analytics.communities import detect_communities
from graphengine.analytics.gds_native import run_native_pipeline
from graphengine.analytics.graph import ProjectedGraph
from graphengine.analytics.influence import run_centrality
from graphengine.analytics.runs import list_runs
from graphengine.analytics.segments import run_communities
from graphengine.config import Settings
from graphengine.errors import AnalysisError
from graphengine.store import Store
from tests.integration.test_analytics_db import _load_social
from tests.integration.test_cli_analyze import _cli

REFERENCE_GRAPHS = {
    "karate": lambda: ProjectedGraph.from_networkx(nx.karate_club_graph(), name="karate"),
    "florentine": lambda: ProjectedGraph.from_networkx(nx.florentine_families_graph(), name="florentine"),
    "lesmis-weighted": lambda: ProjectedGraph.from_networkx(nx.les_miserables_graph(), weight="weight", name="lm"),
    "directed": lambda: ProjectedGraph.from_networkx(nx.gnp_random_graph(150, 0.04, seed=5, directed=True), name="d"),
}


def _in_memory_graphs(store: Store) -> list[str]:
    return [r["graphName"] for r in store.run_text("CALL gds.graph.list() YIELD graphName RETURN graphName")]


@pytest.mark.parametrize("name", sorted(REFERENCE_GRAPHS))
def test_gds_centrality_equals_networkx(session_store: Store, name: str) -> None:
    graph = REFERENCE_GRAPHS[name]()
    backend = get_backend("gds", store=session_store)
    algorithms = [a for a in CENTRALITY_ALGORITHMS if not (graph.weighted and a == "eigenvector")]
    gds = compute_centrality(graph, algorithms, backend=backend)
    ref = compute_centrality(graph, algorithms, backend="networkx")
    assert gds.summary["backend"] == "gds"
    if graph.weighted:
        with pytest.raises(AnalysisError, match="out-weights"):
            backend.eigenvector(graph)
        unweighted = backend.eigenvector(graph, weighted=False)
        np.testing.assert_allclose(unweighted, get_backend("networkx").eigenvector(graph, weighted=False), atol=1e-6)
    for algorithm in algorithms:
        np.testing.assert_allclose(gds.scores[algorithm], ref.scores[algorithm], atol=1e-6, err_msg=algorithm)
    assert [key for key, _ in gds.top("pagerank", 3)] == [key for key, _ in ref.top("pagerank", 3)]
    assert _in_memory_graphs(session_store) == [], "every in-memory graph is dropped after its call"


def test_gds_medici_betweenness_and_sampled_estimate(session_store: Store) -> None:
    backend = GdsBackend(session_store)
    florentine = REFERENCE_GRAPHS["florentine"]()
    exact = backend.betweenness(florentine)
    assert florentine.node_ids[int(np.argmax(exact))] == "Medici"
    assert exact.max() == pytest.approx(0.522, abs=0.001)
    lesmis = REFERENCE_GRAPHS["lesmis-weighted"]()
    truth = backend.betweenness(lesmis)
    sampled = backend.betweenness(lesmis, samples=30, seed=7)
    # GDS draws pivots by degree, so no bound is claimed for its estimate (igraph's uniform pivots have one)
    summary = compute_centrality(lesmis, ["betweenness"], backend=backend, betweenness_samples=30, seed=7).summary
    assert summary["betweenness"]["mode"] == "sampled-degree-biased"
    assert summary["betweenness"]["error_bound"] is None
    uniform = compute_centrality(lesmis, ["betweenness"], betweenness_samples=30, seed=7).summary["betweenness"]
    assert uniform["mode"] == "sampled" and uniform["error_bound"] == betweenness_error_bound(lesmis.n_nodes, 30)
    again = backend.betweenness(lesmis, samples=30, seed=7)
    np.testing.assert_allclose(again, sampled, rtol=1e-12, err_msg="one seed, one set of pivots")
    assert not np.allclose(sampled, truth), "30 of 77 pivots is an estimate, not the exact figure"


def test_gds_on_graphs_without_edges_single_nodes_and_dags(session_store: Store) -> None:
    backend = GdsBackend(session_store)
    isolated = ProjectedGraph.from_edges([], [], nodes=["a", "b", "c"], name="isolated")
    result = compute_centrality(isolated, CENTRALITY_ALGORITHMS, backend=backend)
    np.testing.assert_allclose(result.scores["pagerank"], [1 / 3] * 3)
    for algorithm in ("betweenness", "eigenvector", "harmonic", "in_degree"):
        assert result.scores[algorithm].tolist() == [0.0, 0.0, 0.0], algorithm
    assert detect_communities(isolated, "wcc", backend=backend).n_communities == 3
    lone = ProjectedGraph.from_edges([], [], nodes=["x"], name="lone")
    assert backend.harmonic(lone, normalized=False).tolist() == [0.0], "no NaN for a lone node"
    chain = ProjectedGraph.from_edges(["a", "b", "a"], ["b", "c", "c"], name="dag")
    assert backend.eigenvector(chain).tolist() == [0.0, 0.0, 0.0], "no cycle carries eigenvector centrality"
    np.testing.assert_allclose(backend.eigenvector(chain), get_backend("networkx").eigenvector(chain))
    pair = ProjectedGraph.from_edges(["a"], ["b"], name="pair")
    np.testing.assert_allclose(backend.pagerank(pair), get_backend("networkx").pagerank(pair), atol=1e-6)
    assert _in_memory_graphs(session_store) == []


def test_gds_communities_reach_the_reference_modularity(session_store: Store) -> None:
    karate = REFERENCE_GRAPHS["karate"]()
    backend = get_backend("gds", store=session_store)
    leiden = detect_communities(karate, "leiden", backend=backend, seed=1)
    louvain = detect_communities(karate, "louvain", backend=backend, seed=1)
    assert leiden.modularity >= 0.41 and louvain.modularity >= 0.41
    assert len(louvain.levels) >= 1 and np.array_equal(louvain.levels[-1], louvain.membership)
    assert np.array_equal(leiden.membership, detect_communities(karate, "leiden", backend=backend, seed=1).membership)
    assert detect_communities(karate, "wcc", backend=backend).n_communities == 1
    auto = detect_communities(karate, "auto", backend=backend, seed=1)  # no Infomap on GDS: the consensus runs
    assert auto.summary["algorithm"] == "leiden_consensus" and auto.summary["requested"] == "auto"
    assert auto.modularity >= 0.37
    parts = ProjectedGraph.from_edges([0, 2], [1, 3], nodes=[0, 1, 2, 3, 4], directed=False, name="parts")
    wcc = detect_communities(parts, "wcc", backend=backend)
    assert wcc.n_communities == 3 and wcc.sizes.tolist() == [2, 2, 1], "isolated nodes are components too"
    lpa = detect_communities(REFERENCE_GRAPHS["lesmis-weighted"](), "label_propagation", backend=backend, seed=1)
    assert lpa.n_communities >= 2 and lpa.modularity > 0.1


def test_gds_refuses_what_it_cannot_do_and_cleans_up_after_failures(session_store: Store) -> None:
    karate = REFERENCE_GRAPHS["karate"]()
    with pytest.raises(AnalysisError, match="resolution"):
        detect_communities(karate, "louvain", resolution=2.0, backend=get_backend("gds", store=session_store))
    with pytest.raises(AnalysisError, match="needs a store"):
        get_backend("gds")
    with pytest.raises(AnalysisError, match="1 to 4 threads"):
        GdsBackend(session_store, concurrency=8)
    broken = GdsBackend(session_store, max_iterations=0)  # GDS rejects maxIterations 0
    with pytest.raises(AnalysisError, match="GDS failed") as info:
        broken.pagerank(karate)
    assert "maxIterations" in info.value.details["error"]
    assert _in_memory_graphs(session_store) == []


def test_gds_runs_write_the_same_properties_as_igraph(store: Store, settings: Settings, tmp_path: Path) -> None:
    _load_social(store, settings, nx.karate_club_graph(), tmp_path)
    read = "MATCH (a:SocialAccount) RETURN a.accountId AS id, a.pagerank AS p, a.betweenness AS b, a.inDegree AS d"
    algorithms = ("pagerank", "betweenness", "in_degree")
    run_centrality(store, algorithms=algorithms, backend="igraph")
    by_igraph = {r["id"]: r for r in store.run_text(read)}
    gds_run = run_centrality(store, algorithms=algorithms, backend="gds")
    by_gds = {r["id"]: r for r in store.run_text(read)}
    assert by_gds.keys() == by_igraph.keys() and len(by_gds) == 34
    for key, row in by_igraph.items():
        assert by_gds[key]["p"] == pytest.approx(row["p"], abs=1e-6)
        assert by_gds[key]["b"] == pytest.approx(row["b"], abs=1e-9)
        assert by_gds[key]["d"] == row["d"]
    communities = run_communities(store, algorithm="louvain", backend="gds", seed=1)
    assert communities["metrics"]["modularity"] >= 0.41
    written = store.run_text(
        "MATCH (a:SocialAccount) RETURN count(a.communityId) AS n, collect(DISTINCT a.communityRunId) AS runs"
    )[0]
    assert written == {"n": 34, "runs": [communities["runId"]]}
    latest = {r["runId"]: r for r in list_runs(store)}
    assert latest[gds_run["runId"]]["backend"] == "gds" and latest[communities["runId"]]["backend"] == "gds"


def test_cli_backend_gds(store: Store, settings: Settings, tmp_path: Path) -> None:
    _load_social(store, settings, nx.florentine_families_graph(), tmp_path)
    proc = _cli(settings, "centrality", "--algorithm", "betweenness", "--backend", "gds", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["top"]["betweenness"][0][0] == "Medici" and summary["backend"] == "gds"
    assert "social: projection of 15 nodes and 40 edges needs about" in proc.stderr, "estimate before projecting"
    proc = _cli(settings, "communities", "--algorithm", "louvain", "--backend", "gds", "--resolution", "2", "--json")
    assert proc.returncode == 8 and "resolution" in proc.stderr
    proc = _cli(settings, "identity", "--backend", "gds", "--json")
    assert proc.returncode == 0, proc.stderr
    identity = json.loads(proc.stdout)
    assert identity["backend"] == "gds" and identity["counts"]["profiles"] == 0, "no customers, no profiles"


def test_native_gds_pipeline_writes_pagerank_and_leiden(store: Store, settings: Settings, tmp_path: Path) -> None:
    karate = nx.karate_club_graph()
    _load_social(store, settings, karate, tmp_path)
    out = run_native_pipeline(store, betweenness_samples=8)
    follows = 2 * 78  # mutual follows; the undirected copy holds every one twice more
    assert (out["nodes"], out["edges"]) == (34, follows + 2 * follows)
    assert out["modularity"] >= 0.41 and out["communities"] >= 2
    assert out["pipeline"] > 0 and out["betweenness"] > 0
    assert 34 * 8 < out["graph_bytes"] < 50_000_000
    rows = store.run_text("MATCH (a:SocialAccount) RETURN a.accountId AS id, a.gdsPagerank AS p, a.gdsCommunityId AS c")
    total = sum(r["p"] for r in rows)
    reference = nx.pagerank(karate, weight=None)  # the follows carry no weights
    for row in rows:
        assert row["p"] / total == pytest.approx(reference[int(row["id"])], abs=1e-4)
    assert len({r["c"] for r in rows}) == out["communities"]
    assert store.run_text("MATCH (a:SocialAccount) WHERE a.pagerank IS NOT NULL RETURN count(a) AS n")[0]["n"] == 0
    assert _in_memory_graphs(store) == []


def test_lastfm_social_network_top_pagerank_matches_networkx_on_every_backend(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    """The Last.fm friendship network (HetRec 2011, shipped in a PyPI wheel) through the loader script."""
    from graphengine.recommend.datasets import load_lastfm_friends
    from tests.integration.test_loader_scripts import _script

    proc = _script(settings, "social_edges.py", "--lastfm", "--source", "lastfm", "--out-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    friends = load_lastfm_friends()
    reference = nx.Graph()
    reference.add_nodes_from(range(friends.n_nodes))
    reference.add_edges_from(zip(friends.sources.tolist(), friends.targets.tolist(), strict=True))
    ranked = sorted(nx.pagerank(reference).items(), key=lambda kv: -kv[1])
    expected = [f"lastfm:{node}" for node, _ in ranked[:10]]  # the loader namespaces keys by platform
    read = "MATCH (a:SocialAccount) RETURN a.accountId AS id ORDER BY a.pagerank DESC LIMIT 10"
    for backend in ("igraph", "gds", "networkx"):
        summary = run_centrality(store, algorithms=("pagerank",), backend=backend)
        assert summary["counts"] == {"nodes": friends.n_nodes, "edges": 2 * friends.n_edges}
        assert [r["id"] for r in store.run_text(read)] == expected, backend
