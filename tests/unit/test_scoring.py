"""Scorers on small graphs with hand-checked answers, and pair scorers against networkx."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from graphengine.analytics._topk import prune_rows, top_k_dense
from graphengine.analytics.pair_scoring import (
    PAIR_METHODS,
    recommend_pairs,
    score_pairs,
    symmetric_adjacency,
    two_hop_scores,
)
from graphengine.analytics.scoring import (
    Blend,
    ItemToItem,
    PathScorer,
    Popularity,
    UserNeighbours,
    binarise,
    recommend,
)
from graphengine.errors import AnalysisError

# u0 bought i0, i1; u1 bought i0, i2; u2 bought i1, i2, i3.
# item degrees 2, 2, 2, 1; user degrees 2, 2, 3; co-purchases i0–i1 1, i0–i2 1, i1–i2 1, i1–i3 1, i2–i3 1.
X = sp.csr_array(np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1]], dtype=float))
U0 = np.array([0])


def _unseen_scores(scorer_scores: np.ndarray) -> tuple[float, float]:
    """Scores of user 0 for its unseen items i2 and i3."""
    return float(scorer_scores[0, 2]), float(scorer_scores[0, 3])


@pytest.mark.parametrize(
    ("similarity", "expected"),
    [
        ("count", (2.0, 1.0)),  # i2 co-bought with i0 and i1; i3 only with i1
        ("cosine", (1 / 2 + 1 / 2, 1 / math.sqrt(2))),
        ("jaccard", (1 / 3 + 1 / 3, 1 / 2)),
        ("lift", (3 / 4 + 3 / 4, 3 / 2)),  # C·n/(d_i·d_j) with n = 3 users
    ],
)
def test_item_to_item_normalisations(similarity: str, expected: tuple[float, float]) -> None:
    scorer = ItemToItem(similarity).fit(X)  # type: ignore[arg-type]
    assert _unseen_scores(scorer.score(U0)) == pytest.approx(expected)
    assert scorer.item_matrix.diagonal().sum() == 0  # an item never recommends itself


def test_normalisation_stops_the_blockbuster_from_winning() -> None:
    # item 0 is bought by everyone; item 1 is co-bought 5 times with it, 3 times with the niche item 2
    rows = [[0, 1, 2]] * 3 + [[0, 1]] * 2 + [[0, 3]] * 6 + [[0]] * 6
    m = sp.csr_array(np.array([[1.0 if i in r else 0.0 for i in range(4)] for r in rows]))
    assert ItemToItem("count").fit(m).similar(np.array([1]), 1).tolist() == [[0]]
    for normalised in ("cosine", "jaccard", "lift"):
        assert ItemToItem(normalised).fit(m).similar(np.array([1]), 1).tolist() == [[2]], normalised  # type: ignore[arg-type]


def test_min_support_and_neighbours_prune_the_similarity() -> None:
    scorer = ItemToItem("count", min_support=2).fit(X)
    assert scorer.item_matrix.nnz == 0
    assert np.diff(ItemToItem("count", neighbours=1).fit(X).item_matrix.indptr).max() == 1


def _brute_force_paths(x: np.ndarray, user: int, weight_item, weight_user) -> dict[int, float]:  # type: ignore[no-untyped-def]
    item_degree, user_degree = x.sum(axis=0), x.sum(axis=1)
    scores: dict[int, float] = {}
    for j in np.flatnonzero(x[user]):
        for v in np.flatnonzero(x[:, j]):
            if v == user:
                continue
            for i in np.flatnonzero(x[v]):
                if x[user, i] == 0:
                    w = weight_item(item_degree[j]) * weight_user(user_degree[v])
                    scores[int(i)] = scores.get(int(i), 0.0) + w
    return scores


@pytest.mark.parametrize(
    ("method", "weight"),
    [("cn", lambda d: 1.0), ("aa", lambda d: 1 / math.log(d)), ("ra", lambda d: 1 / d)],
)
def test_path_scorers_match_a_brute_force_walk_over_user_item_user_item_paths(method: str, weight) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    dense = (rng.random((12, 9)) < 0.35).astype(float)
    dense[:, 0] = 1.0  # every user and item has degree ≥ 2 where it matters
    x = sp.csr_array(dense)
    scorer = PathScorer(method).fit(x)  # type: ignore[arg-type]
    for user in range(12):
        expected = _brute_force_paths(dense, user, weight, weight)
        got = scorer.score(np.array([user]))[0]
        for item, value in expected.items():
            assert got[item] == pytest.approx(value)


def test_path_scores_by_hand_and_popularity_damping() -> None:
    # RA for u0: u0-i0-u1-i2 = 1/2·1/2, u0-i1-u2-i2 = 1/2·1/3, u0-i1-u2-i3 = 1/2·1/3
    assert _unseen_scores(PathScorer("ra").fit(X).score(U0)) == pytest.approx((5 / 12, 1 / 6))
    assert _unseen_scores(PathScorer("cn").fit(X).score(U0)) == pytest.approx((2.0, 1.0))
    # β = 1 divides by the recommended item's degree: i2 (degree 2) and i3 (degree 1)
    assert _unseen_scores(PathScorer("ra", beta=1.0).fit(X).score(U0)) == pytest.approx((5 / 24, 1 / 6))


def test_user_neighbours_and_popularity() -> None:
    scores = UserNeighbours(neighbours=5).fit(X).score(U0)
    assert _unseen_scores(scores) == pytest.approx((1 / 2 + 1 / math.sqrt(6), 1 / math.sqrt(6)))
    only_closest = UserNeighbours(neighbours=1).fit(X).score(U0)
    assert _unseen_scores(only_closest) == pytest.approx((1 / 2, 0.0))
    assert Popularity().fit(X).score(np.array([0, 2])).tolist() == [[2, 2, 2, 1]] * 2


def test_min_rating_builds_the_graph_from_liked_items_only() -> None:
    ratings = sp.csr_array(np.array([[5.0, 2.0, 0.0], [5.0, 0.0, 4.0], [0.0, 5.0, 4.0]]))
    assert binarise(ratings, 4).toarray().tolist() == [[1, 0, 0], [1, 0, 1], [0, 1, 1]]
    liked = ItemToItem("count", min_rating=4).fit(ratings)
    assert liked.score(np.array([0]))[0].tolist() == [0.0, 0.0, 1.0]


def test_recommend_excludes_seen_items_unless_told_not_to() -> None:
    scorer = ItemToItem("count").fit(X)
    recs = recommend(scorer, np.arange(3), 4, exclude=X)
    for user in range(3):
        chosen = [i for i in recs[user] if i >= 0]
        assert not set(chosen) & set(X[[user]].indices.tolist())
    assert recs[0].tolist() == [2, 3, -1, -1]  # only two unseen items; padded
    with_seen = recommend(scorer, np.arange(3), 4, exclude=None)
    assert set(with_seen[0].tolist()) == {0, 1, 2, 3}


def test_blend_weights_and_validation() -> None:
    blend = Blend([(Popularity(), 1.0), (PathScorer("cn"), 0.0)]).fit(X)
    assert blend.score(U0)[0].tolist() == pytest.approx([1.0, 1.0, 1.0, 0.5])
    mixed = Blend([(Popularity(), 1.0), (ItemToItem("count"), 2.0)]).fit(X)
    # popularity scaled by 2 (its max), count scores [1, 1, 2, 1] scaled by 2
    assert mixed.score(U0)[0].tolist() == pytest.approx([1.0 + 1.0, 1.0 + 1.0, 1.0 + 2.0, 0.5 + 1.0])
    with pytest.raises(AnalysisError):
        Blend([])
    with pytest.raises(AnalysisError):
        Blend([(Popularity(), -1.0)])
    with pytest.raises(AnalysisError):
        Blend([(Popularity(), 0.0)]).fit(X).score(U0)


def test_unfitted_and_unknown_scorers_raise() -> None:
    with pytest.raises(AnalysisError):
        ItemToItem().score(U0)
    with pytest.raises(AnalysisError):
        Popularity().score(U0)
    with pytest.raises(AnalysisError):
        ItemToItem("pearson")  # type: ignore[arg-type]
    with pytest.raises(AnalysisError):
        PathScorer("katz")  # type: ignore[arg-type]


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
