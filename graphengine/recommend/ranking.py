"""Ranking: the one function that turns a customer's scores into their top-K list.

Evaluation and serving both call :func:`top_k`, so the list that is measured is the list that is served.

* **Order**: score descending; equal scores by item index ascending (deterministic).
* **Exclusion policy**: every item the customer has already interacted with is left out — everything stored in
  their interaction row, positive or not: purchases, ratings of any value (a movie rated 1–3 stars is never
  served back), carts, views and mentions that carry weight. Serving may pass extra item indices to exclude
  (filters, out of stock).
* Items whose score is ``NaN`` or ``-inf`` are never returned, so a list can be shorter than ``k``.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError

Exclude: TypeAlias = Any
"""A one-row sparse matrix (its stored columns) or an array of item indices, or None."""


def excluded_items(exclude: Exclude) -> NDArray[np.int64]:
    """The item indices named by ``exclude``: the stored columns of a 1-row sparse matrix, or an index array."""
    if exclude is None:
        return np.zeros(0, dtype=np.int64)
    if sp.issparse(exclude):
        row = sp.csr_matrix(exclude)
        if row.shape[0] != 1:
            raise AnalysisError("exclude must be a single row")
        return np.asarray(row.indices, dtype=np.int64)
    return np.asarray(exclude, dtype=np.int64).ravel()


def top_k(scores: NDArray[np.floating], k: int, exclude: Exclude = None) -> list[tuple[int, float]]:
    """The ``k`` best ``(item_index, score)`` pairs of one customer's score vector, best first."""
    values = np.array(np.ravel(scores), dtype=np.float64)
    if k <= 0 or values.size == 0:
        return []
    values[np.isnan(values)] = -np.inf
    banned = excluded_items(exclude)
    if len(banned):
        values[banned[(banned >= 0) & (banned < values.size)]] = -np.inf
    eligible = np.flatnonzero(values > -np.inf)
    if len(eligible) > k:
        kth = np.partition(values[eligible], len(eligible) - k)[len(eligible) - k]
        eligible = eligible[values[eligible] >= kth]
    order = np.lexsort((eligible, -values[eligible]))[:k]
    chosen = eligible[order]
    return [(int(i), float(values[i])) for i in chosen]


__all__ = ["Exclude", "excluded_items", "top_k"]
