"""Centrality on known graphs, the sampled-betweenness error bound, influencer ranking and advocate pyramid."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest

from graphengine.analytics.backends import betweenness_error_bound, betweenness_sample_size
from graphengine.analytics.centrality import (
    CENTRALITY_ALGORITHMS,
    PYRAMID_TIERS,
    PyramidRules,
    advocate_pyramid,
    compute_centrality,
    influencer_ranking,
    two_hop_reach,
)
from graphengine.analytics.graph import ProjectedGraph
from graphengine.errors import AnalysisError

BACKENDS = ["igraph", "networkx"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_florentine_medici_have_the_top_betweenness(backend: str) -> None:
    graph = ProjectedGraph.from_networkx(nx.florentine_families_graph(), name="florentine")
    result = compute_centrality(graph, ["betweenness", "pagerank"], backend=backend)
    (top, score), *_ = result.top("betweenness", 3)
    assert top == "Medici" and score == pytest.approx(0.522, abs=5e-4)
    assert result.summary["betweenness"] == {"mode": "exact", "samples": 15, "error_bound": 0.0, "delta": 0.05}


@pytest.mark.parametrize("weight", [None, "weight"])
def test_les_miserables_top_pagerank_matches_networkx(weight: str | None) -> None:
    """Knuth's Les Misérables co-appearance network (Stanford GraphBase), shipped by networkx."""
    nx_graph = nx.les_miserables_graph()
    graph = ProjectedGraph.from_networkx(nx_graph, weight=weight, name="lesmis")
    ours = compute_centrality(graph, ["pagerank"]).top("pagerank", 10)
    reference = nx.pagerank(nx_graph, weight=weight, tol=1e-12)
    expected = sorted(reference, key=lambda node: -reference[node])[:10]
    assert ours[0][0] == expected[0] == "Valjean"
    assert [node for node, _ in ours] == expected
    np.testing.assert_allclose([s for _, s in ours], [reference[node] for node in expected], rtol=1e-6)


def test_all_algorithms_return_aligned_arrays_and_a_json_summary() -> None:
    graph = ProjectedGraph.from_networkx(nx.gnp_random_graph(80, 0.05, directed=True, seed=1), name="gnp")
    result = compute_centrality(graph, CENTRALITY_ALGORITHMS, seed=3)
    assert set(result.scores) == set(CENTRALITY_ALGORITHMS)
    for values in result.scores.values():
        assert values.shape == (80,) and np.all(np.isfinite(values))
    np.testing.assert_array_equal(result.scores["in_degree"], graph.simple().in_degree())
    summary = json.loads(json.dumps(result.summary))
    assert summary["backend"] == "igraph" and summary["n_nodes"] == 80 and summary["graph"] == "gnp"
    assert set(summary["seconds"]) == set(CENTRALITY_ALGORITHMS) and len(summary["top"]["pagerank"]) == 5


def test_bad_requests_raise_analysis_error() -> None:
    graph = ProjectedGraph.from_networkx(nx.path_graph(3))
    with pytest.raises(AnalysisError, match="unknown"):
        compute_centrality(graph, ["katz"])
    with pytest.raises(AnalysisError):
        compute_centrality(graph, [])
    with pytest.raises(AnalysisError, match="empty"):
        compute_centrality(ProjectedGraph(np.empty(0), [], []), ["pagerank"])
    with pytest.raises(AnalysisError, match="damping"):
        compute_centrality(graph, ["pagerank"], damping=1.0)
    with pytest.raises(AnalysisError, match="not computed"):
        compute_centrality(graph, ["pagerank"]).top("betweenness")


# ---------------------------------------------------------------------------------------- sampled betweenness
def test_error_bound_and_sample_size_are_inverse() -> None:
    for n in (100, 10_000, 1_000_000):
        for epsilon in (0.05, 0.2):
            k = betweenness_sample_size(n, epsilon)
            assert k == n or betweenness_error_bound(n, k) <= epsilon < betweenness_error_bound(n, k - 1)
    assert betweenness_error_bound(50, 50) == 0.0
    assert betweenness_error_bound(10_000, 400, delta=0.01) > betweenness_error_bound(10_000, 400, delta=0.1)


@pytest.mark.parametrize(("directed", "samples"), [(False, 100), (False, 300), (True, 150)])
def test_sampled_betweenness_is_within_the_stated_error(directed: bool, samples: int) -> None:
    nx_graph = nx.DiGraph(nx.scale_free_graph(1500, seed=9)) if directed else nx.barabasi_albert_graph(2000, 3, seed=5)
    graph = ProjectedGraph.from_networkx(nx_graph)
    exact = compute_centrality(graph, ["betweenness"]).scores["betweenness"]
    errors = []
    for seed in range(3):
        estimate = compute_centrality(graph, ["betweenness"], betweenness_samples=samples, seed=seed)
        stated = estimate.summary["betweenness"]
        assert stated["mode"] == "sampled" and stated["samples"] == samples
        error = np.abs(estimate.scores["betweenness"] - exact)
        assert error.max() <= stated["error_bound"]
        errors.append(error.max())
        top_exact = set(np.argsort(-exact)[:5].tolist())
        assert len(top_exact & set(np.argsort(-estimate.scores["betweenness"])[:10].tolist())) >= 4
    # the bound is worst-case: observed errors are far below it
    assert max(errors) <= betweenness_error_bound(graph.n_nodes, samples) / 4


def test_large_graphs_switch_to_sampling_automatically() -> None:
    graph = ProjectedGraph.from_networkx(nx.barabasi_albert_graph(300, 2, seed=1))
    result = compute_centrality(graph, ["betweenness"], betweenness_exact_max_nodes=100, seed=1)
    assert result.summary["betweenness"]["mode"] == "sampled"
    assert result.summary["betweenness"]["samples"] == 256
    assert 0 < result.summary["betweenness"]["error_bound"] < 0.2


# ------------------------------------------------------------------------------------------------ influencers
def _follow_graph() -> tuple[nx.DiGraph, ProjectedGraph]:
    nx_graph = nx.DiGraph(nx.scale_free_graph(300, seed=2))
    nx_graph.remove_edges_from(nx.selfloop_edges(nx_graph))
    return nx_graph, ProjectedGraph.from_networkx(nx_graph)


def test_two_hop_reach_counts_followers_and_their_followers() -> None:
    nx_graph, graph = _follow_graph()
    targets = np.array([0, 1, 2, 17, 299])
    expected = [
        len(set(nx.single_source_shortest_path_length(nx_graph.reverse(), int(t), cutoff=2)) - {int(t)})
        for t in targets
    ]
    assert two_hop_reach(graph, targets).tolist() == expected
    undirected = ProjectedGraph.from_networkx(nx.path_graph(5))
    assert two_hop_reach(undirected, [0, 2]).tolist() == [2, 4]
    assert two_hop_reach(graph, []).size == 0


def test_influencer_ranking_orders_by_score_with_reach_and_community_rank() -> None:
    nx_graph, graph = _follow_graph()
    pagerank = compute_centrality(graph, ["pagerank"]).scores["pagerank"]
    communities = np.arange(graph.n_nodes) % 3
    engagement = np.arange(graph.n_nodes, dtype=float)
    table = influencer_ranking(graph, pagerank, communities=communities, engagement=engagement, top=20)
    assert len(table) == 20 and table.rank.tolist() == list(range(1, 21))
    assert np.all(np.diff(table.score) <= 0)
    assert table.followers.tolist() == [nx_graph.in_degree(int(i)) for i in table.node_index]
    assert table.reach_2hop.tolist() == two_hop_reach(graph, table.node_index).tolist()
    for row in range(20):
        members = np.flatnonzero(communities == table.community[row])
        better = np.sum(pagerank[members] > table.score[row])
        assert table.community_rank[row] == better + 1
    records = table.to_records()
    assert records[0]["rank"] == 1 and set(records[0]) >= {"nodeId", "score", "followers", "reach2hop", "communityId"}
    json.dumps(records)


def test_influencer_ranking_defaults_and_validation() -> None:
    graph = ProjectedGraph.from_edges(["a", "b", "c"], ["c", "c", "a"])
    table = influencer_ranking(graph, [0.2, 0.2, 0.6], top=None)
    assert table.node_ids.tolist() == ["c", "a", "b"]  # tie between a and b broken by followers
    assert table.community.tolist() == [-1, -1, -1] and table.engagement.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(AnalysisError, match="one value per node"):
        influencer_ranking(graph, [1.0, 2.0])


# ------------------------------------------------------------------------------------------- advocate pyramid
def test_advocate_pyramid_applies_the_documented_rules() -> None:
    scores = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    engagement = np.array([0, 0, 1, 1, 2, 0, 3, 5, 8, 9])
    pyramid = advocate_pyramid(scores, engagement, rules=PyramidRules(leader_score_quantile=0.9))
    assert pyramid.labels().tolist() == [
        "follower",
        "follower",
        "supporter",
        "supporter",
        "supporter",
        "follower",
        "supporter",
        "supporter",
        "organizer",
        "leader",
    ]
    assert pyramid.counts == {"follower": 3, "supporter": 5, "organizer": 1, "leader": 1}
    assert pyramid.thresholds["organizer_score"] == pytest.approx(np.quantile(scores, 0.8))
    assert pyramid.thresholds["organizer_engagement"] == pytest.approx(np.quantile([1, 1, 2, 3, 5, 8, 9], 0.5))


def test_advocate_pyramid_tiers_are_nested_on_a_real_graph() -> None:
    _, graph = _follow_graph()
    pagerank = compute_centrality(graph, ["pagerank"]).scores["pagerank"]
    engagement = np.random.default_rng(4).poisson(1.0, graph.n_nodes)
    pyramid = advocate_pyramid(pagerank, engagement)
    tier = pyramid.tier
    assert tier.shape == (graph.n_nodes,) and set(tier.tolist()) <= {0, 1, 2, 3}
    assert np.all(engagement[tier >= 1] >= 1) and np.all(engagement[tier == 0] < 1)
    counts = [pyramid.counts[name] for name in PYRAMID_TIERS]
    assert sum(counts) == graph.n_nodes and counts[3] <= counts[2] and counts[3] >= 1
    assert np.all(pagerank[tier == 3] >= pyramid.thresholds["leader_score"])


def test_advocate_pyramid_edge_cases() -> None:
    assert advocate_pyramid([0.0, 0.0], [5, 5]).counts["organizer"] == 0  # a zero score never organizes
    assert advocate_pyramid([0.3, 0.5], [0, 0]).counts == {"follower": 2, "supporter": 0, "organizer": 0, "leader": 0}
    with pytest.raises(AnalysisError, match="aligned"):
        advocate_pyramid([0.1], [1, 2])
    with pytest.raises(AnalysisError, match="non-negative"):
        advocate_pyramid([0.1], [-1])
    with pytest.raises(AnalysisError, match="quantiles"):
        advocate_pyramid([0.1], [1], rules=PyramidRules(leader_score_quantile=1.5))
