"""Model selection: hold-out cells, lists through the served path, tuning, refusals, blends."""

from __future__ import annotations

import json

import numpy as np
import scipy.sparse as sp

from graphengine.recommend.interactions import InteractionWeights
from graphengine.recommend.models import build
from graphengine.recommend.ranking import top_k
from graphengine.recommend.selection import holdout_cells, recommend_lists, relevant_part, select


def _taste_matrix(seed: int = 0, users: int = 120, items: int = 30) -> sp.csr_matrix:
    """Two taste groups: each customer picks mostly from their half of the catalogue."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, users)
    half = items // 2
    dense = np.zeros((users, items), dtype=np.float32)
    for u in range(users):
        own = rng.choice(half, 6, replace=False) + group[u] * half
        dense[u, own] = 1.0
        dense[u, rng.integers(0, items)] = 0.3
    return sp.csr_matrix(dense)


def test_holdout_cells_are_disjoint_complete_and_reproducible() -> None:
    matrix = _taste_matrix()
    kept, held = holdout_cells(matrix, 0.2, seed=4)
    assert kept.nnz + held.nnz == matrix.nnz and held.nnz == round(0.2 * matrix.nnz)
    assert (kept + held).toarray().tolist() == matrix.toarray().tolist()
    assert kept.multiply(held).nnz == 0
    again, _ = holdout_cells(matrix, 0.2, seed=4)
    assert again.toarray().tolist() == kept.toarray().tolist()
    relevant = relevant_part(held, InteractionWeights())
    assert set(np.unique(relevant.data).tolist()) == {1.0} and relevant.nnz == int((held.data >= 1.0).sum())


def test_lists_are_the_served_top_k_of_each_customer() -> None:
    matrix = _taste_matrix(1)
    model = build("itemknn").fit(matrix)
    users = np.array([0, 5, 77])
    lists = recommend_lists(model, matrix, users, 5, block=2)
    for row, user in zip(lists, users, strict=True):
        expected = [i for i, _ in top_k(model.scores(matrix[user])[0], 5, matrix[user])]
        assert row.tolist() == expected
        assert not set(row.tolist()) & set(matrix[user].indices.tolist())


def test_select_tunes_each_kind_reports_refusals_and_tries_blends() -> None:
    matrix = _taste_matrix(2)
    selection = select(
        matrix,
        InteractionWeights(),
        ["popularity", "itemknn", "ease", "rp3beta"],
        seed=3,
        k=5,
        overrides={"ease": {"max_items": 10}},
    )
    summary = selection.summary()
    json.dumps(summary, allow_nan=False)
    assert summary["ease"]["refused"] and summary["ease"]["params"] is None and summary["ease"]["ndcg"] is None
    assert len(summary["itemknn"]["grid"]) == 4 and "blend" in summary
    best = max(r["ndcg"] for r in summary.values() if r["ndcg"] is not None)
    assert selection.winner.ndcg == best
    assert summary["itemknn"]["ndcg"] > summary["popularity"]["ndcg"]  # the taste groups are learnable
