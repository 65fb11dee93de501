"""Communities are found per connected component: unrelated data cannot merge or move anyone's community."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graphengine.analytics.communities import detect_communities
from graphengine.analytics.graph import ProjectedGraph


def _planted(n_groups: int, size: int, seed: int, offset: int = 0) -> tuple[nx.Graph, np.ndarray]:
    graph = nx.planted_partition_graph(n_groups, size, 0.5, 0.02, seed=seed)
    graph = nx.relabel_nodes(graph, {n: f"g{offset + n}" for n in graph})
    truth = np.repeat(np.arange(n_groups), size)
    return graph, truth


def _big_disjoint(seed: int) -> nx.Graph:
    """A large, dense graph sharing no node with the first: its edges dominate a whole-graph modularity."""
    other = nx.gnm_random_graph(3000, 60000, seed=seed)
    return nx.relabel_nodes(other, {n: f"x{n}" for n in other})


def _memberships_of(result, keys) -> np.ndarray:  # type: ignore[no-untyped-def]
    index = {key: i for i, key in enumerate(result.node_ids.tolist())}
    return np.asarray([result.membership[index[k]] for k in keys])


@pytest.mark.parametrize("algorithm", ["leiden", "louvain"])
def test_adding_a_disjoint_graph_leaves_memberships_unchanged(algorithm: str) -> None:
    first, truth = _planted(12, 20, seed=3)
    alone = detect_communities(ProjectedGraph.from_networkx(first), algorithm, seed=7)
    keys = alone.node_ids.tolist()
    union = nx.union(first, _big_disjoint(seed=5))
    together = detect_communities(ProjectedGraph.from_networkx(union), algorithm, seed=7)
    before = _memberships_of(alone, keys)
    after = _memberships_of(together, keys)
    # the same partition of the first graph (ids may be renumbered): NMI exactly 1
    assert normalized_mutual_info_score(before, after) == pytest.approx(1.0)
    assert normalized_mutual_info_score(truth, after) > 0.9
    assert together.summary["scope"] == "component"


def test_whole_graph_scope_shows_the_resolution_limit_it_avoids() -> None:
    first, truth = _planted(12, 20, seed=3)
    union = nx.union(first, _big_disjoint(seed=5))
    graph = ProjectedGraph.from_networkx(union)
    keys = [f"g{i}" for i in range(240)]
    per_component = _memberships_of(detect_communities(graph, "leiden", seed=7), keys)
    whole = _memberships_of(detect_communities(graph, "leiden", seed=7, scope="graph"), keys)
    assert normalized_mutual_info_score(truth, per_component) > normalized_mutual_info_score(truth, whole) + 0.05


def test_small_components_are_one_community_each_and_isolated_nodes_their_own() -> None:
    graph = ProjectedGraph.from_edges(["a", "c", "e"], ["b", "d", "f"], nodes=["a", "b", "c", "d", "e", "f", "z"])
    result = detect_communities(graph, "leiden", seed=1)
    m = dict(zip(result.node_ids.tolist(), result.membership.tolist(), strict=True))
    assert m["a"] == m["b"] and m["c"] == m["d"] and m["e"] == m["f"]
    assert len({m["a"], m["c"], m["e"], m["z"]}) == 4
    assert result.n_communities == 4


def test_component_scope_is_reproducible_with_a_seed() -> None:
    union = nx.union(_planted(6, 15, seed=1)[0], _planted(4, 25, seed=2, offset=1000)[0])
    graph = ProjectedGraph.from_networkx(union)
    a = detect_communities(graph, "leiden", seed=11)
    b = detect_communities(graph, "leiden", seed=11)
    assert np.array_equal(a.membership, b.membership)
    assert a.summary["components"] == 2


def test_component_modularity_is_the_edge_weighted_mean_of_each_component_alone() -> None:
    g1, _ = _planted(6, 15, seed=1)
    g2, _ = _planted(4, 25, seed=2, offset=1000)
    alone = [detect_communities(ProjectedGraph.from_networkx(g), "leiden", seed=3) for g in (g1, g2)]
    union = detect_communities(ProjectedGraph.from_networkx(nx.union(g1, g2)), "leiden", seed=3)
    m1, m2 = g1.number_of_edges(), g2.number_of_edges()
    expected = (alone[0].modularity * m1 + alone[1].modularity * m2) / (m1 + m2)
    assert union.summary["component_modularity"] == pytest.approx(expected, abs=1e-12)
    assert alone[0].summary["component_modularity"] == pytest.approx(alone[0].modularity, abs=1e-12)
