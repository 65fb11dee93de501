"""Top-k helpers, and pair scorers against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from graphengine.errors import AnalysisError
from graphengine.recommend.links.pair_scoring import (
    PAIR_METHODS,
    recommend_pairs,
    score_pairs,
    symmetric_adjacency,
    two_hop_scores,
)
from graphengine.recommend.topk import prune_rows, top_k_dense


def test_top_k_orders_best_first_breaks_ties_by_index_and_pads() -> None:
    scores = np.array([[0.5, 2.0, -np.inf, 2.0, 1.0]])
    assert top_k_dense(scores, 3).tolist() == [[1, 3, 4]]
    assert top_k_dense(scores, 6).tolist() == [[1, 3, 4, 0, -1, -1]]
    assert top_k_dense(scores, 0).shape == (1, 0)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 12), n=st.integers(1, 10))
def test_top_k_agrees_with_a_full_sort(seed: int, k: int, n: int) -> None:
    scores = np.random.default_rng(seed).integers(0, 4, (3, n)).astype(float)
    for row, got in zip(scores, top_k_dense(scores, k), strict=True):
        expected = sorted(range(n), key=lambda i: (-row[i], i))[:k]
        assert got[: len(expected)].tolist() == expected


def test_prune_rows_keeps_the_largest_entries() -> None:
    m = sp.csr_array(np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 0.0]]))
    assert prune_rows(m, 2).toarray().tolist() == [[3.0, 0.0, 2.0], [0.0, 5.0, 0.0]]


# --- unipartite link prediction -----------------------------------------------------------------


def _karate() -> tuple[nx.Graph, sp.csr_array]:
    graph = nx.karate_club_graph()
    s = np.array([u for u, _ in graph.edges()], dtype=np.int64)
    t = np.array([v for _, v in graph.edges()], dtype=np.int64)
    return graph, symmetric_adjacency(s, t, 34)


NX_REFERENCE = {
    "aa": nx.adamic_adar_index,
    "ra": nx.resource_allocation_index,
    "jaccard": nx.jaccard_coefficient,
    "pa": nx.preferential_attachment,
}


@pytest.mark.parametrize("method", PAIR_METHODS)
def test_pair_scores_match_networkx_on_karate(method: str) -> None:
    graph, adjacency = _karate()
    pairs = list(nx.non_edges(graph))
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    ours = score_pairs(adjacency, a, b, method, batch_size=97)  # type: ignore[arg-type]
    if method == "cn":
        expected = [len(list(nx.common_neighbors(graph, u, v))) for u, v in pairs]
    else:
        expected = [score for _, _, score in NX_REFERENCE[method](graph, pairs)]
    assert ours == pytest.approx(expected)


@pytest.mark.parametrize("method", PAIR_METHODS)
def test_two_hop_candidates_are_exactly_the_nodes_at_distance_two(method: str) -> None:
    graph, adjacency = _karate()
    nodes = np.arange(34)
    scores = two_hop_scores(adjacency, nodes, method).tocoo()  # type: ignore[arg-type]
    got = set(zip(scores.row.tolist(), scores.col.tolist(), strict=True))
    lengths = dict(nx.all_pairs_shortest_path_length(graph, cutoff=2))
    expected = {(u, v) for u in range(34) for v, d in lengths[u].items() if d == 2}
    assert got == expected
    a, b = scores.row, scores.col
    assert scores.data == pytest.approx(score_pairs(adjacency, a, b, method))  # type: ignore[arg-type]


def test_recommend_pairs_ranks_two_hop_candidates_and_pads() -> None:
    # a path 0-1-2-3 plus 1-4: node 0's candidates are 2 and 4 (via 1); 3 is three hops away
    adjacency = symmetric_adjacency(np.array([0, 1, 2, 1]), np.array([1, 2, 3, 4]), 5)
    recs = recommend_pairs(adjacency, np.array([0, 3]), 3, "cn")
    assert recs[0].tolist() == [2, 4, -1]
    assert recs[1].tolist() == [1, -1, -1]
    with pytest.raises(AnalysisError):
        recommend_pairs(adjacency, np.array([0]), 1, "katz")  # type: ignore[arg-type]
    with pytest.raises(AnalysisError):
        score_pairs(adjacency, np.array([0]), np.array([1, 2]), "cn")


def test_recommend_pairs_matches_a_brute_force_ranking_on_karate() -> None:
    graph, adjacency = _karate()
    recs = recommend_pairs(adjacency, np.arange(34), 3, "aa", batch_size=10)
    for u in range(34):
        candidates = [v for v in range(34) if v != u and not graph.has_edge(u, v)]
        scored = [(s, v) for _, v, s in nx.adamic_adar_index(graph, [(u, v) for v in candidates]) if s > 0]
        expected = [v for _, v in sorted(scored, key=lambda t: (-t[0], t[1]))][:3]
        got = [v for v in recs[u].tolist() if v >= 0]
        assert [round(s, 9) for s in _aa(graph, u, got)] == [round(s, 9) for s in _aa(graph, u, expected)]


def _aa(graph: nx.Graph, u: int, vs: list[int]) -> list[float]:
    return [s for _, _, s in nx.adamic_adar_index(graph, [(u, v) for v in vs])]


def test_symmetric_adjacency_drops_loops_and_duplicates() -> None:
    adjacency = symmetric_adjacency(np.array([0, 1, 2, 0]), np.array([1, 0, 2, 2]), 3)
    assert adjacency.toarray().tolist() == [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    assert set(adjacency.data.tolist()) == {1.0}
