"""The projected graph type and the backends: igraph agrees with the networkx reference, same shapes."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphengine.analytics.backends import (
    Backend,
    available_backends,
    canonical_membership,
    get_backend,
    register_backend,
)
from graphengine.analytics.backends.igraph_backend import IgraphBackend
from graphengine.analytics.graph import ProjectedGraph, estimate_memory, format_bytes
from graphengine.errors import AnalysisError

IGRAPH = get_backend("igraph")
NETWORKX = get_backend("networkx")


# ------------------------------------------------------------------------------------------ ProjectedGraph
def test_from_edges_builds_a_sorted_stable_id_map() -> None:
    graph = ProjectedGraph.from_edges(["b", "c", "a"], ["a", "a", "c"])
    assert graph.node_ids.tolist() == ["a", "b", "c"]
    assert graph.src.tolist() == [1, 2, 0] and graph.dst.tolist() == [0, 0, 2]
    assert graph.id_map == {"a": 0, "b": 1, "c": 2}
    assert graph.index_of(["c", "a"]).tolist() == [2, 0]
    again = ProjectedGraph.from_edges(["b", "c", "a"], ["a", "a", "c"])
    assert again.node_ids.tolist() == graph.node_ids.tolist()


def test_from_edges_keeps_given_node_order_and_isolated_nodes() -> None:
    graph = ProjectedGraph.from_edges([10, 30], [20, 10], nodes=[30, 20, 10, 40], weight=[1.0, 2.5])
    assert graph.n_nodes == 4 and graph.in_degree().tolist() == [0, 1, 1, 0]
    assert graph.src.dtype == np.int64 and graph.weight is not None and graph.weight.dtype == np.float64
    with pytest.raises(AnalysisError, match="unknown node keys"):
        ProjectedGraph.from_edges([10], [99], nodes=[10, 20])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"src": [0], "dst": [0, 1]}, "same length"),
        ({"src": [0], "dst": [5]}, "index into node_ids"),
        ({"src": [0], "dst": [1], "weight": [1.0, 2.0]}, "one value per edge"),
        ({"src": [0], "dst": [1], "weight": [-1.0]}, "non-negative"),
        ({"src": [0], "dst": [1], "weight": [np.nan]}, "finite"),
    ],
)
def test_projected_graph_rejects_inconsistent_arrays(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        ProjectedGraph(np.arange(3), **kwargs)


def test_simple_drops_loops_and_merges_parallel_edges() -> None:
    graph = ProjectedGraph(np.arange(3), [0, 0, 1, 2, 1], [1, 1, 1, 0, 0], [1.0, 2.0, 5.0, 1.0, 4.0])
    simple = graph.simple()
    assert list(zip(simple.src.tolist(), simple.dst.tolist(), strict=True)) == [(0, 1), (1, 0), (2, 0)]
    assert simple.weight is not None and simple.weight.tolist() == [3.0, 4.0, 1.0]
    undirected = graph.undirected()
    assert not undirected.directed
    assert list(zip(undirected.src.tolist(), undirected.dst.tolist(), strict=True)) == [(0, 1), (0, 2)]
    assert undirected.weight is not None and undirected.weight.tolist() == [7.0, 1.0]


def test_adjacency_degrees_and_induced_subgraph() -> None:
    graph = ProjectedGraph(np.array(["a", "b", "c", "d"]), [0, 1, 2, 0], [1, 2, 0, 3], directed=True)
    assert graph.adjacency().toarray()[0].tolist() == [0, 1, 0, 1]
    assert graph.out_degree().tolist() == [2, 1, 1, 0] and graph.degree().tolist() == [3, 2, 2, 1]
    sub = graph.induced_subgraph([2, 0, 1])
    assert sub.node_ids.tolist() == ["c", "a", "b"] and sub.n_edges == 3
    undirected = ProjectedGraph(np.arange(3), [0], [1], directed=False)
    assert undirected.adjacency().toarray().tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert undirected.in_degree().tolist() == [1, 1, 0]


def test_memory_estimate_scales_and_describes_itself() -> None:
    small = estimate_memory(1_000, 10_000)
    big = estimate_memory(1_000_000, 10_000_000, weighted=True)
    assert 0 < small.total_bytes < big.total_bytes
    assert estimate_memory(10, 100, backend="networkx").total_bytes > estimate_memory(10, 100).total_bytes
    assert "10,000,000 edges" in big.describe() and "peak while building 2.2 GiB" in big.describe()
    assert big.peak_bytes > big.total_bytes == big.arrays_bytes + big.ids_bytes + big.backend_bytes
    assert format_bytes(512) == "512 B" and format_bytes(3 * 1024**2) == "3.0 MiB"
    with pytest.raises(AnalysisError):
        estimate_memory(1, 1, backend="nope")


# ------------------------------------------------------------------------------------------------ registry
def test_registry_knows_builtin_backends_and_rejects_unknown_ones() -> None:
    assert {"igraph", "networkx"} <= set(available_backends())
    assert get_backend() is IGRAPH and get_backend(IGRAPH) is IGRAPH
    assert IGRAPH.name == "igraph" and NETWORKX.name == "networkx"
    with pytest.raises(AnalysisError, match="unknown analytics backend"):
        get_backend("spark")


def test_register_backend_adds_a_named_backend() -> None:
    class Custom(IgraphBackend):
        name = "custom-test"

    register_backend("custom-test", Custom)
    assert isinstance(get_backend("custom-test"), Custom)
    assert "custom-test" in available_backends()


@pytest.mark.parametrize("backend", [IGRAPH, NETWORKX], ids=lambda b: b.name)
def test_empty_graph_is_an_analysis_error(backend: Backend) -> None:
    empty = ProjectedGraph(np.empty(0, dtype=object), [], [])
    for method in (backend.pagerank, backend.betweenness, backend.eigenvector, backend.harmonic, backend.louvain):
        with pytest.raises(AnalysisError, match="empty"):
            method(empty)


def test_networkx_has_no_leiden() -> None:
    with pytest.raises(AnalysisError, match="no Leiden"):
        NETWORKX.leiden(ProjectedGraph.from_networkx(nx.path_graph(4)))


def test_canonical_membership_numbers_by_size_then_first_member() -> None:
    assert canonical_membership(np.array([7, 3, 3, 9, 7, 3])).tolist() == [1, 0, 0, 2, 1, 0]
    assert canonical_membership(np.array([5, 2])).tolist() == [0, 1]
    assert canonical_membership(np.array([], dtype=np.int64)).size == 0


# ---------------------------------------------------------------------------------------------- agreement
def _reference_graphs() -> dict[str, ProjectedGraph]:
    return {
        "florentine": ProjectedGraph.from_networkx(nx.florentine_families_graph()),
        "karate-weighted": ProjectedGraph.from_networkx(nx.karate_club_graph(), weight="weight"),
        "lesmis-weighted": ProjectedGraph.from_networkx(nx.les_miserables_graph(), weight="weight"),
        "gnp-directed": ProjectedGraph.from_networkx(nx.gnp_random_graph(120, 0.04, directed=True, seed=3)),
        "scale-free-directed": ProjectedGraph.from_networkx(
            nx.DiGraph(nx.scale_free_graph(150, seed=4)), name="scale-free"
        ),
    }


REFERENCE = _reference_graphs()


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_pagerank_agrees_with_networkx(name: str) -> None:
    graph = REFERENCE[name]
    for damping in (0.85, 0.5):
        ours, reference = IGRAPH.pagerank(graph, damping=damping), NETWORKX.pagerank(graph, damping=damping)
        assert ours.shape == (graph.n_nodes,) and ours.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(ours, reference, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_betweenness_exact_and_sampled_agree_with_networkx(name: str) -> None:
    graph = REFERENCE[name]
    np.testing.assert_allclose(IGRAPH.betweenness(graph), NETWORKX.betweenness(graph), atol=1e-12)
    np.testing.assert_allclose(
        IGRAPH.betweenness(graph, normalized=False), NETWORKX.betweenness(graph, normalized=False), atol=1e-9
    )
    sampled = IGRAPH.betweenness(graph, samples=10, seed=5)
    np.testing.assert_allclose(sampled, NETWORKX.betweenness(graph, samples=10, seed=5), atol=1e-12)
    if graph.weighted:
        np.testing.assert_allclose(
            IGRAPH.betweenness(graph, weighted=True), NETWORKX.betweenness(graph, weighted=True), atol=1e-12
        )


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_harmonic_and_degrees_agree_with_networkx(name: str) -> None:
    graph = REFERENCE[name]
    np.testing.assert_allclose(IGRAPH.harmonic(graph), NETWORKX.harmonic(graph), atol=1e-12)
    for method in ("in_degree", "out_degree"):
        ours = getattr(IGRAPH, method)(graph, weighted=True)
        np.testing.assert_array_equal(ours, getattr(NETWORKX, method)(graph, weighted=True))


@pytest.mark.parametrize("name", ["florentine", "karate-weighted", "lesmis-weighted", "gnp-directed"])
def test_eigenvector_agrees_with_networkx(name: str) -> None:
    graph = REFERENCE[name]
    ours, reference = IGRAPH.eigenvector(graph), NETWORKX.eigenvector(graph)
    assert np.linalg.norm(ours) == pytest.approx(1.0)
    np.testing.assert_allclose(ours, reference, atol=1e-6)


def test_eigenvector_is_zero_on_a_directed_acyclic_graph() -> None:
    dag = ProjectedGraph(np.arange(4), [0, 1, 2], [1, 2, 3])
    for backend in (IGRAPH, NETWORKX):
        assert backend.eigenvector(dag).tolist() == [0.0, 0.0, 0.0, 0.0]


def test_seeded_igraph_runs_are_reproducible_and_leave_global_random_alone() -> None:
    graph = REFERENCE["lesmis-weighted"]
    state = random.getstate()
    first = IGRAPH.louvain(graph, seed=42).membership
    assert random.getstate() == state
    np.testing.assert_array_equal(first, IGRAPH.louvain(graph, seed=42).membership)
    np.testing.assert_array_equal(IGRAPH.leiden(graph, seed=7).membership, IGRAPH.leiden(graph, seed=7).membership)


@pytest.mark.parametrize("backend", [IGRAPH, NETWORKX], ids=lambda b: b.name)
def test_louvain_levels_are_nested_and_end_at_the_membership(backend: Backend) -> None:
    output = backend.louvain(REFERENCE["lesmis-weighted"], seed=1)
    assert len(output.levels) >= 1
    np.testing.assert_array_equal(output.levels[-1], output.membership)
    for finer, coarser in zip(output.levels, output.levels[1:], strict=False):
        # every finer community sits inside exactly one coarser community
        pairs = np.unique(np.column_stack((finer, coarser)), axis=0)
        assert np.unique(pairs[:, 0]).size == pairs.shape[0]


# ---------------------------------------------------------------------------------------------- hypothesis
@st.composite
def small_graphs(draw: st.DrawFn) -> ProjectedGraph:
    n = draw(st.integers(min_value=1, max_value=12))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.lists(pairs, max_size=30))
    directed = draw(st.booleans())
    weight = None
    if draw(st.booleans()):
        weight = draw(st.lists(st.floats(0.1, 10.0), min_size=len(edges), max_size=len(edges)))
    src = [e[0] for e in edges]
    dst = [e[1] for e in edges]
    return ProjectedGraph(np.array([f"n{i}" for i in range(n)]), src, dst, weight, directed)


def _assert_membership(membership: np.ndarray[Any, Any], n: int) -> None:
    assert membership.shape == (n,) and membership.dtype == np.int64
    assert set(np.unique(membership).tolist()) == set(range(int(membership.max()) + 1))
    np.testing.assert_array_equal(canonical_membership(membership), membership)


@settings(max_examples=60, deadline=None)
@given(small_graphs())
def test_outputs_are_aligned_finite_and_backends_agree(graph: ProjectedGraph) -> None:
    n = graph.n_nodes
    for backend in (IGRAPH, NETWORKX):
        scores = {
            "pagerank": backend.pagerank(graph),
            "betweenness": backend.betweenness(graph),
            "sampled": backend.betweenness(graph, samples=3, seed=1),
            "harmonic": backend.harmonic(graph),
            "in_degree": backend.in_degree(graph),
            "out_degree": backend.out_degree(graph, weighted=True),
        }
        for name, values in scores.items():
            assert values.shape == (n,) and values.dtype == np.float64, name
            assert np.all(np.isfinite(values)) and np.all(values >= 0), name
        assert scores["pagerank"].sum() == pytest.approx(1.0)
        assert np.all(scores["betweenness"] <= 1.0 + 1e-12) and np.all(scores["harmonic"] <= 1.0 + 1e-12)
        for output in (backend.louvain(graph, seed=1), backend.label_propagation(graph, seed=1)):
            _assert_membership(output.membership, n)
        _assert_membership(backend.weakly_connected_components(graph).membership, n)
    eigen = IGRAPH.eigenvector(graph)
    assert eigen.shape == (n,) and np.all(np.isfinite(eigen))
    _assert_membership(IGRAPH.leiden(graph, seed=1).membership, n)
    np.testing.assert_allclose(IGRAPH.pagerank(graph), NETWORKX.pagerank(graph), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(IGRAPH.betweenness(graph), NETWORKX.betweenness(graph), atol=1e-12)
    np.testing.assert_allclose(IGRAPH.harmonic(graph), NETWORKX.harmonic(graph), atol=1e-12)
    np.testing.assert_array_equal(
        IGRAPH.weakly_connected_components(graph).membership, NETWORKX.weakly_connected_components(graph).membership
    )


def test_derived_views_are_idempotent_so_backend_graphs_are_reused() -> None:
    graph = ProjectedGraph(np.arange(4), [0, 0, 1, 2], [1, 1, 2, 2])
    simple = graph.simple()
    assert simple.simple() is simple and graph.simple() is simple
    undirected = graph.undirected()
    assert undirected.undirected() is undirected and undirected.simple() is undirected


def test_memory_estimate_for_the_gds_backend_and_backend_aliases() -> None:
    gds = estimate_memory(200_000, 1_000_000, backend="gds")
    igraph = estimate_memory(200_000, 1_000_000)
    assert gds.backend_bytes < igraph.backend_bytes, "GDS compresses its adjacency lists"
    assert gds.build_peak_bytes == 100 * 1_000_000, "the edge lists travel as Python ints"
    assert estimate_memory(10, 100, backend="igraph-leidenalg") == estimate_memory(10, 100)
