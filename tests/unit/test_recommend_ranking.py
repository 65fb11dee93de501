"""Ranking (order, tie-break, exclusion policy) and the interaction weights that build the matrix."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from graphengine.recommend.interactions import (
    CART,
    MENTION,
    PURCHASE,
    RATING,
    SEEN,
    VIEW,
    InteractionWeights,
    positive_part,
    weigh_signals,
)
from graphengine.recommend.ranking import top_k


def test_best_first_ties_by_lower_index() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.1, 0.9], dtype=np.float32)
    assert [i for i, _ in top_k(scores, 4)] == [1, 4, 0, 2]
    assert top_k(scores, 1) == [(1, pytest.approx(0.9))]


def test_excludes_every_stored_cell_of_the_row_positive_or_seen() -> None:
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    row = sp.csr_matrix(([1.0, SEEN], ([0, 0], [0, 2])), shape=(1, 5))
    assert [i for i, _ in top_k(scores, 5, row)] == [1, 3, 4]
    assert [i for i, _ in top_k(scores, 5, np.array([1, 3]))] == [0, 2, 4]


def test_nan_and_minus_infinity_are_never_returned_and_lists_may_be_short() -> None:
    scores = np.array([np.nan, -np.inf, 1.0, 0.0])
    assert [i for i, _ in top_k(scores, 10)] == [2, 3]
    assert top_k(scores, 0) == []
    assert top_k(np.zeros(0), 3) == []


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 12), st.integers(1, 40))
def test_agrees_with_a_full_stable_sort(seed: int, k: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 5, n).astype(np.float32)  # many ties
    banned = rng.choice(n, size=n // 3, replace=False)
    allowed = [i for i in range(n) if i not in set(banned.tolist())]
    expected = sorted(allowed, key=lambda i: (-scores[i], i))[:k]
    assert [i for i, _ in top_k(scores, k, banned)] == expected


def _matrix(signals: list[tuple[int, int, int, float]], weights: InteractionWeights) -> np.ndarray:
    rows, cols, kinds, ratings = (np.array(c) for c in zip(*signals, strict=True))
    return weigh_signals((2, 4), rows, cols, kinds, ratings.astype(float), weights).toarray()


def test_a_cell_holds_its_strongest_signal_and_ignores_zero_weights() -> None:
    weights = InteractionWeights(view=0.2, cart=0.5, mention=0.0)
    dense = _matrix(
        [
            (0, 0, VIEW, np.nan),
            (0, 0, CART, np.nan),
            (0, 1, PURCHASE, np.nan),
            (0, 1, RATING, 5.0),  # a good rating and a purchase of the same item count once
            (0, 2, MENTION, np.nan),  # weight 0: ignored, not even excluded
            (1, 3, VIEW, np.nan),
            (1, 3, VIEW, np.nan),
        ],
        weights,
    )
    np.testing.assert_allclose(dense, [[0.5, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.2]], rtol=1e-6)


def test_a_low_rating_overrides_the_other_signals_of_its_pair() -> None:
    signals = [(0, 0, PURCHASE, np.nan), (0, 0, RATING, 2.0), (1, 1, RATING, 3.99), (1, 2, RATING, 4.0)]
    weak = _matrix(signals, InteractionWeights(low_rating=0.3))
    assert weak[0, 0] == pytest.approx(0.3) and weak[1, 1] == pytest.approx(0.3) and weak[1, 2] == 1.0
    marked = _matrix(signals, InteractionWeights(low_rating=0.0))
    assert marked[0, 0] == SEEN and marked[1, 1] == SEEN and marked[1, 2] == 1.0
    assert positive_part(sp.csr_matrix(marked)).toarray()[0].tolist() == [0, 0, 0, 0]


def test_the_order_signals_arrive_in_does_not_change_the_matrix() -> None:
    signals = [(0, 0, VIEW, np.nan), (0, 0, PURCHASE, np.nan), (1, 3, RATING, 1.0), (1, 3, CART, np.nan)]
    weights = InteractionWeights()
    assert _matrix(signals, weights).tolist() == _matrix(signals[::-1], weights).tolist()


def test_weights_are_validated_and_event_types_follow_them() -> None:
    with pytest.raises(ValueError):
        InteractionWeights(view=-1)
    with pytest.raises(ValueError):
        InteractionWeights(unknown=1)  # type: ignore[call-arg]
    assert InteractionWeights(view=0.0).event_types() == ["cart"]
