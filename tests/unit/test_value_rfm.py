"""RFM on a hand-checked example: raw values, quantile scores with ties, the segment grid."""

from __future__ import annotations

import numpy as np
import pytest

from graphengine.errors import AnalysisError
from graphengine.value.rfm import SEGMENT_GRID, quantile_scores, rfm, segment_of
from graphengine.value.transactions import Lines

# (customer, order, day, amount); the latest line is on day 110, the reference day.
ROWS = [
    ("c1", "o1", 100, 10.0),
    ("c1", "o1", 100, 20.0),  # a second line of the same order: one order
    ("c1", "o2", 110, 30.0),
    ("c2", "o3", 105, 50.0),
    ("c3", "o4", 90, 5.0),
    ("c3", "o5", 95, 5.0),
    ("c3", "o6", 100, 5.0),
    ("c4", "o7", 50, 100.0),
    ("c5", "o8", 110, 1.0),
]


def _lines(rows: list[tuple[str, str, int, float]]) -> Lines:
    c, o, d, a = zip(*rows, strict=True)
    return Lines(np.array(c), np.array(o), np.array(d, dtype=np.int64), np.array(a))


def test_raw_values_scores_and_segments_by_hand() -> None:
    result = rfm(_lines(ROWS), bins=5)
    assert result.ids.tolist() == ["c1", "c2", "c3", "c4", "c5"]
    assert result.recency.tolist() == [0, 5, 10, 60, 0]
    assert result.frequency.tolist() == [2, 1, 3, 1, 1]
    assert result.monetary.tolist() == [60, 50, 15, 100, 1]
    # score = 1 + floor(5 × customers strictly worse / 5); equal values share a score.
    assert result.r.tolist() == [4, 3, 2, 1, 4]
    assert result.f.tolist() == [4, 1, 5, 1, 1]
    assert result.m.tolist() == [4, 3, 2, 5, 1]
    # FM = (F + M) // 2 → 4, 2, 3, 3, 1
    assert result.segment.tolist() == ["loyal", "about to sleep", "at risk", "hibernating", "promising"]


def test_scores_do_not_depend_on_the_order_of_the_lines() -> None:
    shuffled = [ROWS[i] for i in np.random.default_rng(3).permutation(len(ROWS))]
    a, b = rfm(_lines(ROWS)), rfm(_lines(shuffled))
    assert a.r.tolist() == b.r.tolist() and a.f.tolist() == b.f.tolist() and a.m.tolist() == b.m.tolist()


def test_two_bins_and_mean_monetary_and_an_explicit_reference_day() -> None:
    result = rfm(_lines(ROWS), bins=2, monetary="mean", as_of_day=120)
    assert result.recency.tolist() == [10, 15, 20, 70, 10]
    assert result.monetary.tolist() == [30, 50, 5, 100, 1]
    assert result.r.tolist() == [2, 1, 1, 1, 2]  # 1 + floor(2 × worse / 5): worse = 3, 2, 1, 0, 3


def test_quantile_scores_share_a_score_on_ties_and_cover_the_range() -> None:
    assert quantile_scores(np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 5).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quantile_scores(np.array([7.0, 7, 7]), 5).tolist() == [1, 1, 1]
    with pytest.raises(AnalysisError):
        quantile_scores(np.array([1.0]), 1)


def test_the_grid_names_every_cell_and_scales_to_other_bin_counts() -> None:
    assert all(len(row) == 5 for row in SEGMENT_GRID.values()) and sorted(SEGMENT_GRID) == [1, 2, 3, 4, 5]
    assert segment_of(np.array([5, 1]), np.array([5, 1]), 5).tolist() == ["champions", "lost"]
    assert segment_of(np.array([10, 1]), np.array([10, 2]), 10).tolist() == ["champions", "lost"]


def test_bad_inputs_are_clear_errors() -> None:
    with pytest.raises(AnalysisError):
        rfm(_lines(ROWS), monetary="median")
    with pytest.raises(AnalysisError):
        Lines(np.array(["c"]), np.array(["o"]), np.array([1]), np.array([float("nan")]))
