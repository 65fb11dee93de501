"""Recommender models on small hand-checked matrices: scores, fold-in, contributions, artefact round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import SEEN
from graphengine.recommend.models import ALS, BPR, EASE, MODELS, Blend, ItemKNN, Popularity, RP3Beta, build

# u0 has i0, i1; u1 has i0, i2; u2 has i1, i2, i3.
X = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1]], dtype=np.float32))


BLEND = {
    "components": [{"kind": "ease", "params": {"lam": 3.0}}, {"kind": "als", "params": {"factors": 4, "threads": 1}}],
    "weights": [1.0, 0.5],
}


def _row(*items: int, n: int = 4, value: float = 1.0) -> sp.csr_matrix:
    return sp.csr_matrix((np.full(len(items), value, np.float32), ([0] * len(items), list(items))), shape=(1, n))


def test_popularity_counts_customers_and_explains_nothing() -> None:
    model = Popularity().fit(X)
    assert model.scores(X[:2]).tolist() == [[2, 2, 2, 1], [2, 2, 2, 1]]
    assert model.scores(X).dtype == np.float32
    assert model.contributions(X[0], 2) == []


def test_itemknn_cosine_by_hand() -> None:
    # cosine: sim(0,1) = sim(0,2) = sim(1,2) = 1/2, sim(1,3) = sim(2,3) = 1/√2, sim(0,3) = 0
    scores = ItemKNN(neighbours=10, shrink=0.0).fit(X).scores(X[0])
    assert scores[0, 2] == pytest.approx(1.0)  # sim(2,0) + sim(2,1)
    assert scores[0, 3] == pytest.approx(1 / math.sqrt(2))  # sim(3,1)
    shrunk = ItemKNN(neighbours=10, shrink=1.0).fit(X).scores(X[0])
    assert shrunk[0, 2] == pytest.approx(2 * 1 / 3)  # 1 / (√2·√2 + 1), twice
    assert shrunk[0, 3] == pytest.approx(1 / (math.sqrt(2) + 1))


def test_itemknn_keeps_the_top_neighbours_of_each_scored_item() -> None:
    # with one neighbour, item 2 keeps only item 3 (1/√2 beats 1/2), item 3 keeps item 1 (tie with 2: lower index)
    scores = ItemKNN(neighbours=1, shrink=0.0).fit(X).scores(X[0])
    assert scores[0, 2] == 0.0
    assert scores[0, 3] == pytest.approx(1 / math.sqrt(2))


def test_rp3beta_random_walk_by_hand() -> None:
    # W[0] = ½·u0 + ½·u1 = [·, ¼, ¼, 0]; W[1] = ½·u0 + ½·u2 = [¼, ·, ⅙, ⅙]
    plain = RP3Beta(alpha=1.0, beta=0.0).fit(X).scores(X[0])
    assert plain[0, 2] == pytest.approx(1 / 4 + 1 / 6)
    assert plain[0, 3] == pytest.approx(1 / 6)
    damped = RP3Beta(alpha=1.0, beta=1.0).fit(X).scores(X[0])  # divided by popularity 2 and 1
    assert damped[0, 2] == pytest.approx((1 / 4 + 1 / 6) / 2)
    assert damped[0, 3] == pytest.approx(1 / 6)


def test_ease_solves_each_column_s_constrained_ridge_regression() -> None:
    rng = np.random.default_rng(3)
    dense = (rng.random((30, 6)) < 0.4).astype(np.float64)
    lam = 2.0
    b = EASE(lam=lam).fit(sp.csr_matrix(dense, dtype=np.float32)).weights
    assert isinstance(b, np.ndarray)
    gram = dense.T @ dense
    for j in range(6):
        others = [i for i in range(6) if i != j]
        expected = np.linalg.solve(gram[np.ix_(others, others)] + lam * np.eye(5), gram[others, j])
        assert b[j, j] == 0.0
        np.testing.assert_allclose(b[others, j], expected, rtol=1e-4, atol=1e-6)


def test_ease_refuses_a_catalogue_above_its_limit() -> None:
    with pytest.raises(AnalysisError, match="GiB"):
        EASE(max_items=3).fit(X)


def test_als_fold_in_matches_implicit_recalculated_user() -> None:
    from implicit.cpu.als import AlternatingLeastSquares

    rng = np.random.default_rng(5)
    matrix = sp.csr_matrix((rng.random((40, 25)) < 0.2).astype(np.float32))
    model = ALS(factors=8, regularization=0.5, alpha=3.0, iterations=5, seed=1, threads=1).fit(matrix)
    reference = AlternatingLeastSquares(factors=8, regularization=0.5, alpha=3.0, iterations=5, random_state=1)
    reference.item_factors = model.item_factors
    reference.user_factors = np.zeros((40, 8), dtype=np.float32)
    expected = reference.recalculate_user(0, matrix[0])
    got = model.user_vector(matrix[0].indices, matrix[0].data)
    np.testing.assert_allclose(got, np.ravel(expected), rtol=1e-3, atol=1e-4)


def test_als_scores_a_customer_unknown_at_training_time() -> None:
    model = ALS(factors=4, iterations=3, threads=1).fit(X)
    newcomer = _row(0, 1)  # same items as u0
    assert model.scores(newcomer).tolist() == model.scores(X[0]).tolist()
    assert not np.any(model.scores(_row()))  # no interactions, no personal scores


@pytest.mark.parametrize("kind", ["itemknn", "rp3beta", "ease", "als", "blend"])
def test_contributions_add_up_to_the_score(kind: str) -> None:
    rng = np.random.default_rng(11)
    matrix = sp.csr_matrix((rng.random((60, 12)) < 0.3).astype(np.float32))
    params = {"als": {"factors": 6, "iterations": 4, "threads": 1}, "ease": {"lam": 5.0}, "blend": BLEND}.get(kind, {})
    model = build(kind, params).fit(matrix)
    row = matrix[0]
    scores = model.scores(row)[0]
    for item in range(12):
        parts = model.contributions(row, item)
        assert {j for j, _ in parts} <= set(row.indices.tolist())
        assert sum(share for _, share in parts) == pytest.approx(float(scores[item]), rel=1e-4, abs=1e-5)
        assert [share for _, share in parts] == sorted((share for _, share in parts), reverse=True)


def test_models_learn_from_positive_cells_only() -> None:
    dense = X.toarray()
    dense[0, 3] = SEEN  # a low rating with weight 0: excluded from lists, never a signal
    seen = sp.csr_matrix(dense)
    for kind in ("itemknn", "rp3beta", "ease"):
        assert np.allclose(build(kind).fit(seen).scores(seen), build(kind).fit(X).scores(X))


def test_scores_of_a_block_equal_scores_row_by_row() -> None:
    rng = np.random.default_rng(2)
    matrix = sp.csr_matrix((rng.random((50, 20)) < 0.25).astype(np.float32))
    for kind in ("itemknn", "rp3beta", "ease", "als"):
        model = build(kind, {"threads": 1, "factors": 5, "iterations": 3} if kind == "als" else {}).fit(matrix)
        block = model.scores(matrix)
        for u in (0, 17, 49):
            assert block[u].tolist() == model.scores(matrix[u])[0].tolist(), kind


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_every_model_round_trips_through_its_arrays(kind: str) -> None:
    rng = np.random.default_rng(7)
    matrix = sp.csr_matrix((rng.random((40, 15)) < 0.3).astype(np.float32))
    small = {
        "als": {"factors": 4, "iterations": 3, "threads": 1},
        "bpr": {"factors": 4, "iterations": 5},
        "blend": BLEND,
    }
    model = build(kind, small.get(kind, {})).fit(matrix)
    again = type(model).from_arrays(model.params, model.arrays())
    assert again.scores(matrix).tolist() == model.scores(matrix).tolist()


def test_a_blend_scales_each_component_by_the_customer_s_largest_score() -> None:
    ease, knn = EASE(lam=1.0).fit(X), ItemKNN(shrink=0.0).fit(X)
    blend = Blend.of([ease, knn], [1.0, 0.5])
    e, n = ease.scores(X), knn.scores(X)
    expected = e / np.abs(e).max(axis=1, keepdims=True) + 0.5 * n / np.abs(n).max(axis=1, keepdims=True)
    np.testing.assert_allclose(blend.scores(X), expected, rtol=1e-5)
    refitted = build("blend", blend.params).fit(X)
    assert refitted.scores(X).tolist() == blend.scores(X).tolist()
    with pytest.raises(AnalysisError):
        Blend.of([ease], [-1.0])


def test_wrong_width_and_unfitted_models_are_errors() -> None:
    with pytest.raises(AnalysisError):
        build("itemknn").fit(X).scores(_row(0, n=5))
    with pytest.raises(AnalysisError):
        EASE().scores(X)
    with pytest.raises(AnalysisError):
        build("nope")
    assert BPR.kind == "bpr"
