"""Top-K selection on dense score blocks and per-row pruning of sparse matrices."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def top_k_dense(scores: FloatArray, k: int) -> IntArray:
    """Column indices of the ``k`` largest entries of each row, best first.

    Entries equal to ``-inf`` are never returned (the row is padded with ``-1``); among equal scores
    the lower index wins, so results are deterministic.
    """
    n_rows, n_cols = scores.shape
    if np.isnan(scores).any():
        scores = np.where(np.isnan(scores), -np.inf, scores)
    kk = min(k, n_cols)
    if kk <= 0:
        return np.full((n_rows, max(k, 0)), -1, dtype=np.int64)
    if kk < n_cols:
        # the kk-th largest value of each row; everything above it is in, ties at it go by lowest index
        kth = -np.partition(-scores, kk - 1, axis=1)[:, kk - 1 : kk]
        above = scores > kth
        at = scores == kth
        need = kk - above.sum(axis=1, keepdims=True)
        selected = above | (at & (np.cumsum(at, axis=1) <= need))
        chosen = np.nonzero(selected)[1].reshape(n_rows, kk)
    else:
        chosen = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols)).copy()
    values = np.take_along_axis(scores, chosen, axis=1)
    order = np.lexsort((chosen, -values), axis=1)
    chosen = np.take_along_axis(chosen, order, axis=1).astype(np.int64)
    values = np.take_along_axis(values, order, axis=1)
    chosen[np.isneginf(values)] = -1
    if kk < k:
        chosen = np.hstack([chosen, np.full((n_rows, k - kk), -1, dtype=np.int64)])
    return chosen


def mask_entries(scores: FloatArray, mask: sp.csr_array, value: float = -np.inf) -> None:
    """Set ``scores[i, j] = value`` in place wherever ``mask`` (same shape, CSR) has a stored entry."""
    rows = np.repeat(np.arange(mask.shape[0]), np.diff(mask.indptr))
    scores[rows, mask.indices] = value


def prune_rows(matrix: sp.csr_array, keep: int) -> sp.csr_array:
    """Keep only the ``keep`` largest stored entries of each row (ties: lower column first)."""
    coo = sp.csr_array(matrix).tocoo()
    order = np.lexsort((coo.col, -coo.data, coo.row))
    rows = coo.row[order]
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = rows[1:] != rows[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(rows)), 0))
    selected = order[(np.arange(len(rows)) - group_start) < keep]
    pruned = sp.coo_array((coo.data[selected], (coo.row[selected], coo.col[selected])), shape=matrix.shape)
    result = pruned.tocsr()
    result.sort_indices()
    return result
