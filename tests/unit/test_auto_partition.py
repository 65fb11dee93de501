"""``auto`` communities: the map equation scores partitions as Infomap does, and the choice follows the rule.

The codelength is checked against igraph's Infomap, which reports the map equation of the partition it finds
(unweighted and weighted graphs). The rule is checked on graphs whose answer is known: planted blocks (the
map equation keeps the planted partition over a merged one and never keeps one module), a random graph with
no modules (too little compression, so the highest Surprise decides), and a graph every method leaves whole.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graphengine.analytics.auto_partition import (
    NULL_MARGIN,
    WEAK_STRUCTURE,
    auto_partition,
    choose,
    rewired_surprise,
    surprise_quality,
)
from graphengine.analytics.backends import get_backend
from graphengine.analytics.backends.igraph_backend import to_igraph
from graphengine.analytics.communities import detect_communities
from graphengine.analytics.graph import ProjectedGraph
from graphengine.analytics.map_equation import codelength, compression, one_module_codelength
from graphengine.errors import AnalysisError


def _planted(groups: int, size: int, p_in: float, p_out: float, seed: int) -> tuple[ProjectedGraph, np.ndarray]:
    graph = nx.planted_partition_graph(groups, size, p_in, p_out, seed=seed)
    return ProjectedGraph.from_networkx(graph), np.arange(groups * size) // size


@pytest.mark.parametrize(
    "graph",
    [
        ProjectedGraph.from_networkx(nx.karate_club_graph()),
        ProjectedGraph.from_networkx(nx.les_miserables_graph(), weight="weight"),
        _planted(8, 30, 0.4, 0.02, seed=2)[0],
    ],
    ids=["karate", "les-miserables-weighted", "planted"],
)
def test_the_codelength_is_the_one_infomap_reports(graph: ProjectedGraph) -> None:
    found = to_igraph(graph).community_infomap(edge_weights=graph.edge_weights().tolist() if graph.weighted else None)
    assert codelength(graph, found.membership) == pytest.approx(found.codelength, rel=1e-9)


def test_one_module_costs_the_entropy_of_the_visits_and_planted_blocks_compress() -> None:
    graph, truth = _planted(6, 25, 0.5, 0.01, seed=5)
    degree = np.bincount(graph.src, minlength=graph.n_nodes) + np.bincount(graph.dst, minlength=graph.n_nodes)
    visits = degree / degree.sum()
    assert one_module_codelength(graph) == pytest.approx(float(-(visits * np.log2(visits)).sum()))
    assert codelength(graph, np.zeros(graph.n_nodes, dtype=np.int64)) == pytest.approx(one_module_codelength(graph))
    assert compression(graph, truth) > 0.2
    assert compression(graph, np.arange(graph.n_nodes)) < 0  # every node alone: worse than no partition
    with pytest.raises(AnalysisError, match="one entry per node"):
        codelength(graph, truth[:-1])


def test_strong_structure_keeps_the_shortest_description_and_never_one_module() -> None:
    graph, truth = _planted(6, 25, 0.5, 0.01, seed=5)
    merged = truth // 2  # pairs of planted blocks merged
    proposals = {"one": np.zeros(graph.n_nodes, dtype=np.int64), "merged": merged, "planted": truth}
    membership, choice = choose(graph, proposals, weighted=False)
    assert choice.candidate == "planted" and choice.rule == "map equation" and choice.nodes == graph.n_nodes
    assert np.array_equal(membership, truth) and choice.compression >= WEAK_STRUCTURE


def test_weak_structure_is_decided_by_surprise() -> None:
    # ten planted blocks of 40 with heavy mixing: the planted partition compresses the walk by nothing
    graph, truth = _planted(10, 40, 0.3, 0.05, seed=3)
    rng = np.random.default_rng(3)
    proposals = {"fives": truth // 5, "random ten": rng.integers(0, 10, graph.n_nodes), "planted": truth}
    membership, choice = choose(graph, proposals, weighted=False)
    assert choice.rule == "surprise" and choice.compression < WEAK_STRUCTURE
    scores = {name: surprise_quality(graph, m, weighted=False) for name, m in proposals.items()}
    assert choice.candidate == max(scores, key=lambda name: scores[name]) == "planted"
    assert np.array_equal(membership, truth)


def test_with_no_structure_no_proposal_is_kept() -> None:
    graph = ProjectedGraph.from_networkx(nx.gnm_random_graph(300, 3000, seed=8))
    rng = np.random.default_rng(3)
    proposals = {"halves": np.arange(300) // 150, "random ten": rng.integers(0, 10, 300)}
    assert all(surprise_quality(graph, m, weighted=False) <= 0 for m in proposals.values())
    membership, choice = choose(graph, proposals, weighted=False)
    assert choice.candidate == "none" and not membership.any()


@pytest.mark.parametrize(
    "graph",
    [
        nx.gnm_random_graph(2000, 20000, seed=3),
        nx.barabasi_albert_graph(2000, 5, seed=1),
        nx.gnp_random_graph(200, 0.05, seed=2, directed=True),
    ],
    ids=["erdos-renyi", "barabasi-albert", "directed-gnp"],
)
def test_random_graphs_stay_one_community(graph: nx.Graph) -> None:
    # every optimiser finds some partition of a random graph; its Surprise is no better than on a rewired copy
    projected = ProjectedGraph.from_networkx(graph)
    result = detect_communities(projected, "auto", seed=1)
    assert result.n_communities == 1 and result.summary["auto"]["rules"] == {"one module": 1}
    assert detect_communities(projected, "leiden", seed=1).n_communities > 5


def test_significant_weak_structure_is_kept() -> None:
    graph, truth = _planted(10, 40, 0.3, 0.05, seed=3)
    kept = max(surprise_quality(graph, truth, weighted=False), 1.0)
    membership, choice = choose(graph, {"planted": truth}, weighted=False, null=lambda: kept / (NULL_MARGIN + 0.01))
    assert choice.candidate == "planted" and np.array_equal(membership, truth)
    membership, choice = choose(graph, {"planted": truth}, weighted=False, null=lambda: kept / (NULL_MARGIN - 0.01))
    assert choice.candidate == "none" and not membership.any()
    assert rewired_surprise(graph, 1, False) * NULL_MARGIN < surprise_quality(graph, truth, weighted=False)


def test_weights_that_are_all_zero_count_as_unweighted_edges() -> None:
    graph = nx.planted_partition_graph(4, 15, 0.6, 0.02, seed=2)
    nx.set_edge_attributes(graph, 0.0, "w")
    result = detect_communities(ProjectedGraph.from_networkx(graph, weight="w"), "auto", seed=1)
    truth = np.arange(60) // 15
    assert normalized_mutual_info_score(truth, result.membership) > 0.95


def test_when_every_method_keeps_one_module_so_does_auto() -> None:
    graph = ProjectedGraph.from_networkx(nx.complete_graph(12))
    membership, choice = choose(graph, {"a": np.zeros(12, dtype=np.int64)}, weighted=False)
    assert choice.candidate == "none" and not membership.any()
    result = detect_communities(graph, "auto", seed=1)
    assert result.n_communities == 1 and result.summary["auto"]["chosen"] == {"none": 1}


def test_auto_finds_small_planted_communities_that_one_modularity_run_merges() -> None:
    # 60 groups of 10: modularity's resolution limit merges neighbours at resolution 1
    graph, truth = _planted(60, 10, 0.6, 0.004, seed=4)
    auto = detect_communities(graph, "auto", seed=1)
    leiden = detect_communities(graph, "leiden", seed=1)
    auto_nmi = normalized_mutual_info_score(truth, auto.membership)
    assert auto_nmi >= 0.98 and auto_nmi > normalized_mutual_info_score(truth, leiden.membership)
    assert auto.summary["algorithm"] == "auto" and auto.summary["auto"]["rules"] == {"map equation": 1}


def test_auto_is_reproducible_per_seed_and_runs_per_component() -> None:
    first, _ = _planted(5, 20, 0.5, 0.02, seed=1)
    graph = ProjectedGraph.from_networkx(
        nx.disjoint_union(nx.planted_partition_graph(5, 20, 0.5, 0.02, seed=1), nx.gnm_random_graph(200, 2000, seed=2))
    )
    one = detect_communities(graph, "auto", seed=7)
    assert np.array_equal(one.membership, detect_communities(graph, "auto", seed=7).membership)
    assert one.summary["components"] == 2 and sum(one.summary["auto"]["chosen"].values()) == 2
    alone = detect_communities(first, "auto", seed=7)
    assert normalized_mutual_info_score(alone.membership, one.membership[:100]) == pytest.approx(1.0)
    assert one.summary["auto"]["largest_component"]["nodes"] == 200


def test_auto_on_a_backend_without_infomap_runs_the_consensus_and_says_so() -> None:
    graph, _ = _planted(2, 5, 0.9, 0.1, seed=1)
    with pytest.raises(AnalysisError, match="igraph backend"):
        auto_partition(graph, get_backend("networkx"))
    with pytest.raises(AnalysisError, match="no Leiden"):  # networkx has no Leiden for the consensus either
        detect_communities(graph, "auto", backend=get_backend("networkx"))


def test_one_community_never_spans_two_components_even_over_the_whole_graph() -> None:
    union = nx.disjoint_union(nx.gnp_random_graph(300, 0.03, seed=2), nx.complete_graph(3))
    result = detect_communities(ProjectedGraph.from_networkx(union), "auto", seed=42, scope="graph")
    assert result.sizes.tolist() == [300, 3]


def test_huge_weights_are_scaled_before_scoring() -> None:
    graph = nx.planted_partition_graph(4, 25, 0.5, 0.01, seed=1)
    nx.set_edge_attributes(graph, 1e306, "w")
    result = detect_communities(ProjectedGraph.from_networkx(graph, weight="w"), "auto", seed=1)
    assert normalized_mutual_info_score(np.arange(100) // 25, result.membership) == pytest.approx(1.0)


def test_tiny_components_stay_whole_unless_the_map_equation_splits_them() -> None:
    parts = [nx.complete_graph(3), nx.path_graph(4), nx.star_graph(5)]
    barbell = nx.barbell_graph(4, 0)  # two 4-cliques joined by one edge: 8 nodes, two modules
    graph = ProjectedGraph.from_networkx(nx.disjoint_union_all([*parts, barbell]))
    result = detect_communities(graph, "auto", seed=1)
    assert result.sizes.tolist() == [6, 4, 4, 4, 3]
    assert result.summary["auto"]["rules"] == {"one module": 3, "map equation": 1}


def test_when_infomap_finds_modules_the_map_equation_decides_even_below_the_threshold() -> None:
    graph, truth = _planted(10, 40, 0.3, 0.05, seed=3)  # the planted partition compresses by nothing here
    proposals = {"infomap": truth // 5, "planted": truth}
    lengths = {name: codelength(graph, m) for name, m in proposals.items()}
    membership, choice = choose(graph, proposals, weighted=False)
    assert choice.rule == "map equation" and choice.compression < WEAK_STRUCTURE
    assert choice.candidate == min(lengths, key=lambda name: lengths[name])
    assert np.array_equal(membership, proposals[choice.candidate])
    # without a split from Infomap, the same proposals go to Surprise
    _, by_surprise = choose(graph, {"fives": truth // 5, "planted": truth}, weighted=False)
    assert by_surprise.rule == "surprise"
