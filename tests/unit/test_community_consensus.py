"""Consensus clustering over seeded Leiden runs: what it keeps, reproducibility, scope and bad requests."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graphengine.analytics.backends import get_backend
from graphengine.analytics.communities import detect_communities
from graphengine.analytics.consensus import consensus_partition
from graphengine.analytics.graph import IntArray, ProjectedGraph
from graphengine.errors import AnalysisError


def _planted(n_groups: int, size: int, p_in: float, p_out: float, seed: int) -> tuple[ProjectedGraph, np.ndarray]:
    graph = nx.planted_partition_graph(n_groups, size, p_in, p_out, seed=seed)
    return ProjectedGraph.from_networkx(graph), np.repeat(np.arange(n_groups), size)


def test_two_cliques_joined_by_one_edge_are_two_communities() -> None:
    graph = nx.union(nx.complete_graph(6), nx.relabel_nodes(nx.complete_graph(6), lambda n: n + 6))
    graph.add_edge(0, 6)
    result = detect_communities(ProjectedGraph.from_networkx(graph), "leiden_consensus", seed=1)
    assert result.n_communities == 2 and result.sizes.tolist() == [6, 6]
    assert len(set(result.membership[:6].tolist())) == 1 and result.membership[0] != result.membership[6]
    assert result.summary["algorithm"] == "leiden_consensus" and result.levels == ()


def test_consensus_keeps_only_what_the_runs_agree_on() -> None:
    """Runs that disagree on one node: the edges the majority cut are dropped, the rest decide."""
    graph = ProjectedGraph.from_edges([0, 1, 2, 3], [1, 2, 3, 4], nodes=[0, 1, 2, 3, 4], directed=False)
    runs = iter([[0, 0, 0, 1, 1], [0, 0, 1, 1, 1], [0, 0, 1, 1, 1]] * 10)
    seen: list[int | None] = []

    def fake_leiden(part: ProjectedGraph, seed: int | None, weighted: bool) -> IntArray:
        seen.append(seed)
        return np.asarray(next(runs), dtype=np.int64)

    output = consensus_partition(graph, fake_leiden, seed=3, runs=3, rounds=1)
    # edge 1-2 is together in 1 run of 3 (dropped), edge 2-3 in 2 of 3 (kept): {0, 1} and {2, 3, 4}
    assert output.membership.tolist() == [1, 1, 0, 0, 0]
    assert seen == [3000, 3001, 3002]


def test_rounds_stop_once_the_kept_edges_are_unanimous() -> None:
    graph, _ = _planted(4, 20, 0.5, 0.01, seed=2)
    calls = []

    def counting(part: ProjectedGraph, seed: int | None, weighted: bool) -> IntArray:
        calls.append(part.n_edges)
        return detect_communities(part, "leiden", seed=seed, scope="graph").membership

    consensus_partition(graph, counting, seed=1, runs=4, rounds=3)
    # four clear groups: every run agrees, so one round only
    assert len(calls) == 4


def test_seeded_consensus_is_reproducible_and_finds_planted_groups() -> None:
    graph, truth = _planted(20, 25, 0.35, 0.01, seed=5)
    first = detect_communities(graph, "leiden_consensus", seed=7)
    again = detect_communities(graph, "leiden_consensus", seed=7)
    assert np.array_equal(first.membership, again.membership)
    assert normalized_mutual_info_score(truth, first.membership) >= 0.9


def test_consensus_per_component_ignores_a_disjoint_graph() -> None:
    first = nx.planted_partition_graph(8, 20, 0.5, 0.02, seed=3)
    other = nx.relabel_nodes(nx.gnm_random_graph(1500, 20000, seed=5), lambda n: n + 10_000)
    alone = detect_communities(ProjectedGraph.from_networkx(first), "leiden_consensus", seed=7)
    together = detect_communities(ProjectedGraph.from_networkx(nx.union(first, other)), "leiden_consensus", seed=7)
    index = {key: i for i, key in enumerate(together.node_ids.tolist())}
    after = np.asarray([together.membership[index[key]] for key in alone.node_ids.tolist()])
    assert normalized_mutual_info_score(alone.membership, after) == pytest.approx(1.0)
    assert together.summary["scope"] == "component" and together.summary["components"] == 2


def test_bad_consensus_requests_raise_analysis_error() -> None:
    graph, _ = _planted(2, 5, 0.9, 0.1, seed=1)

    def leiden(part: ProjectedGraph, seed: int | None, weighted: bool) -> IntArray:
        return np.zeros(part.n_nodes, dtype=np.int64)

    for bad in ({"runs": 0}, {"rounds": 0}, {"threshold": 0.0}, {"threshold": 1.5}):
        with pytest.raises(AnalysisError, match="consensus needs"):
            consensus_partition(graph, leiden, **bad)  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="no Leiden"):
        detect_communities(graph, "leiden_consensus", backend=get_backend("networkx"))
