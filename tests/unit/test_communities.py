"""Community detection: karate club factions and modularity, planted partitions, modularity, summaries."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graphengine.analytics.backends import get_backend
from graphengine.analytics.backends.igraph_backend import IgraphBackend
from graphengine.analytics.communities import community_sizes, detect_communities, modularity
from graphengine.analytics.graph import ProjectedGraph
from graphengine.errors import AnalysisError

KARATE_NX = nx.karate_club_graph()
KARATE = ProjectedGraph.from_networkx(KARATE_NX, name="karate")  # unweighted, as in the published 0.4198
FACTION = np.array([KARATE_NX.nodes[node]["club"] == "Mr. Hi" for node in KARATE.node_ids.tolist()])
OPTIMUM = 0.4198  # the maximum modularity of the karate club (Brandes et al. 2008), networkx reports 0.41979

MODULARITY_RUNS = [("igraph", "leiden"), ("igraph", "louvain"), ("networkx", "louvain")]


def _purity(membership: np.ndarray, truth: np.ndarray) -> float:
    """Share of nodes in the majority faction of their community."""
    table = np.zeros((int(membership.max()) + 1, 2), dtype=int)
    np.add.at(table, (membership, truth.astype(int)), 1)
    return float(table.max(axis=1).sum() / truth.size)


@pytest.mark.parametrize(("backend", "algorithm"), MODULARITY_RUNS)
def test_karate_modularity_reaches_the_published_optimum(backend: str, algorithm: str) -> None:
    results = [detect_communities(KARATE, algorithm, backend=backend, seed=seed) for seed in range(5)]
    best = max(result.modularity for result in results)
    assert OPTIMUM + 1e-4 >= best >= 0.41
    if algorithm == "leiden":  # Leiden reaches the optimum on every seed
        assert min(result.modularity for result in results) == pytest.approx(OPTIMUM, abs=1e-4)


@pytest.mark.parametrize(("backend", "algorithm"), MODULARITY_RUNS)
def test_karate_communities_respect_the_two_factions(backend: str, algorithm: str) -> None:
    result = detect_communities(KARATE, algorithm, backend=backend, seed=1)
    assert 3 <= result.n_communities <= 5
    assert _purity(result.membership, FACTION) >= 0.94  # at most two members on the wrong side


@pytest.mark.parametrize(("backend", "algorithm"), MODULARITY_RUNS)
def test_karate_two_faction_split_at_low_resolution(backend: str, algorithm: str) -> None:
    result = detect_communities(KARATE, algorithm, backend=backend, resolution=0.5, seed=1)
    assert result.n_communities == 2
    agreement = np.mean((result.membership == result.membership[0]) == FACTION)  # node 0 is Mr. Hi
    assert agreement >= 32 / 34  # modularity puts two boundary members on the other side


def test_modularity_matches_networkx() -> None:
    nx_graph = nx.les_miserables_graph()
    graph = ProjectedGraph.from_networkx(nx_graph, weight="weight")
    rng = np.random.default_rng(3)
    for resolution in (1.0, 0.7, 1.6):
        labels = rng.integers(0, 5, graph.n_nodes)
        sets = [set(graph.node_ids[labels == c].tolist()) for c in range(5)]
        sets = [s for s in sets if s]
        for weighted, weight in ((True, "weight"), (False, None)):
            expected = nx.community.modularity(nx_graph, sets, weight=weight, resolution=resolution)
            ours = modularity(graph, labels, resolution=resolution, weighted=weighted)
            assert ours == pytest.approx(expected, abs=1e-12)
    assert modularity(ProjectedGraph(np.arange(3), [], []), [0, 1, 2]) == 0.0
    with pytest.raises(AnalysisError, match="one entry per node"):
        modularity(graph, [0, 1])


PLANTED = {
    "planted-partition": nx.planted_partition_graph(10, 60, 0.15, 0.01, seed=11),
    "sbm-unequal": nx.stochastic_block_model(
        [120, 80, 60, 40],
        [[0.1, 0.01, 0.01, 0.005], [0.01, 0.12, 0.01, 0.01], [0.01, 0.01, 0.15, 0.01], [0.005, 0.01, 0.01, 0.2]],
        seed=5,
    ),
}
LABEL_PROPAGATION_RUNS = [("igraph", "label_propagation"), ("networkx", "label_propagation")]
PLANTED_RUNS = [
    *[(name, backend, algorithm) for name in sorted(PLANTED) for backend, algorithm in MODULARITY_RUNS],
    # label propagation is weaker: it merges the two sparsest blocks of the unequal SBM (NMI ~0.73)
    *[("planted-partition", backend, algorithm) for backend, algorithm in LABEL_PROPAGATION_RUNS],
]


@pytest.mark.parametrize(("name", "backend", "algorithm"), PLANTED_RUNS)
def test_planted_communities_are_recovered(name: str, backend: str, algorithm: str) -> None:
    nx_graph = PLANTED[name]
    graph = ProjectedGraph.from_networkx(nx_graph, name=name)
    truth = np.array([nx_graph.nodes[node]["block"] for node in graph.node_ids.tolist()])
    result = detect_communities(graph, algorithm, backend=backend, seed=2)
    assert normalized_mutual_info_score(truth, result.membership) >= 0.8


def test_directed_follow_graph_uses_the_undirected_view() -> None:
    nx_graph = nx.DiGraph(nx.planted_partition_graph(4, 40, 0.3, 0.01, seed=3, directed=True))
    graph = ProjectedGraph.from_networkx(nx_graph)
    truth = np.array([nx_graph.nodes[node]["block"] for node in graph.node_ids.tolist()])
    result = detect_communities(graph, "leiden", seed=1)
    assert normalized_mutual_info_score(truth, result.membership) >= 0.9
    assert result.modularity == pytest.approx(modularity(graph.undirected(), result.membership))


@pytest.mark.parametrize("backend", ["igraph", "networkx"])
def test_weakly_connected_components(backend: str) -> None:
    graph = ProjectedGraph.from_edges(["a", "b", "d", "e", "e"], ["b", "c", "e", "f", "d"], nodes=list("abcdefg"))
    result = detect_communities(graph, "wcc", backend=backend)
    assert result.membership.tolist() == [0, 0, 0, 1, 1, 1, 2]
    assert result.sizes.tolist() == [3, 3, 1] and result.members(2).tolist() == ["g"]


def test_result_summary_sizes_and_levels() -> None:
    graph = ProjectedGraph.from_networkx(nx.les_miserables_graph(), weight="weight", name="lesmis")
    result = detect_communities(graph, "louvain", seed=4)
    assert result.sizes.sum() == graph.n_nodes and np.all(np.diff(result.sizes) <= 0)
    assert result.sizes.tolist() == community_sizes(result.membership).tolist()
    assert len(result.levels) == len(result.level_modularity) >= 1
    assert result.level_modularity[-1] == pytest.approx(result.modularity)
    summary = json.loads(json.dumps(result.summary))
    assert summary["algorithm"] == "louvain" and summary["backend"] == "igraph" and summary["graph"] == "lesmis"
    assert summary["n_communities"] == result.n_communities and summary["params"]["weighted"] is True
    with pytest.raises(AnalysisError, match="no such community"):
        result.members(result.n_communities)


def test_higher_resolution_gives_more_communities() -> None:
    graph = ProjectedGraph.from_networkx(nx.les_miserables_graph(), weight="weight")
    counts = [detect_communities(graph, "leiden", resolution=r, seed=1).n_communities for r in (0.3, 1.0, 3.0)]
    assert counts[0] < counts[1] < counts[2]


def test_bad_requests_raise_analysis_error() -> None:
    with pytest.raises(AnalysisError, match="unknown community algorithm"):
        detect_communities(KARATE, "girvan_newman")
    with pytest.raises(AnalysisError, match="no Leiden"):
        detect_communities(KARATE, "leiden", backend="networkx")
    with pytest.raises(AnalysisError, match="resolution"):
        detect_communities(KARATE, "louvain", resolution=0)
    with pytest.raises(AnalysisError, match="empty"):
        detect_communities(ProjectedGraph(np.empty(0), [], []), "wcc")


def test_igraph_c_leiden_matches_leidenalg_quality() -> None:
    fast = IgraphBackend()  # the default: igraph's C Leiden
    assert get_backend("igraph-c") is get_backend("igraph")
    assert get_backend("igraph-leidenalg").leiden_implementation == "leidenalg"  # type: ignore[attr-defined]
    for seed in range(3):
        result = detect_communities(KARATE, "leiden", backend=fast, seed=seed, n_iterations=-1)
        assert result.modularity == pytest.approx(OPTIMUM, abs=1e-4) and result.summary["backend"] == "igraph"
    nx_graph = PLANTED["sbm-unequal"]
    graph = ProjectedGraph.from_networkx(nx_graph)
    truth = np.array([nx_graph.nodes[node]["block"] for node in graph.node_ids.tolist()])
    reference = detect_communities(graph, "leiden", seed=1, backend="igraph-leidenalg")
    result = detect_communities(graph, "leiden", backend=fast, seed=1)
    assert normalized_mutual_info_score(truth, result.membership) >= 0.8
    assert result.modularity == pytest.approx(reference.modularity, abs=0.01)
    with pytest.raises(AnalysisError, match="leiden_implementation"):
        IgraphBackend(leiden_implementation="cuda")  # type: ignore[arg-type]
