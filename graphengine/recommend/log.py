"""Offline data sets as a log of user–item events (parallel arrays), and their interaction matrices.

An :class:`InteractionLog` holds one row per (user, item) event with dense integer indices
``0 … n_users-1`` and ``0 … n_items-1``, a rating (1.0 for implicit feedback, where ``signal`` is
``"purchase"``) and an optional timestamp. :meth:`InteractionLog.to_interactions` weighs it with the same
rules as the graph (:func:`graphengine.recommend.interactions.weigh_signals`): ratings are ratings, implicit
events are purchases. The raw ids stay in ``user_ids`` / ``item_ids`` so results can be mapped back.
Splits (:mod:`graphengine.recommend.splits`) keep the index space of the whole data set, so a
train and a test matrix always have the same shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import (
    PURCHASE,
    RATING,
    Interactions,
    InteractionWeights,
    weigh_signals,
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class InteractionLog:
    """Parallel arrays of interactions over a fixed user and item index space."""

    users: IntArray
    items: IntArray
    ratings: FloatArray
    timestamps: IntArray | None
    n_users: int
    n_items: int
    user_ids: tuple[str, ...] = ()
    item_ids: tuple[str, ...] = ()
    signal: str = "rating"

    def __post_init__(self) -> None:
        n = len(self.users)
        if len(self.items) != n or len(self.ratings) != n:
            raise AnalysisError("users, items and ratings must have the same length")
        if self.timestamps is not None and len(self.timestamps) != n:
            raise AnalysisError("timestamps must have the same length as users")
        if n and (self.users.min() < 0 or self.users.max() >= self.n_users):
            raise AnalysisError("user index out of range")
        if n and (self.items.min() < 0 or self.items.max() >= self.n_items):
            raise AnalysisError("item index out of range")

    def __len__(self) -> int:
        return len(self.users)

    @classmethod
    def from_ids(
        cls,
        users: Sequence[str],
        items: Sequence[str],
        ratings: Sequence[float] | None = None,
        timestamps: Sequence[int] | None = None,
        *,
        signal: str = "rating",
    ) -> InteractionLog:
        """Index raw ids (in order of first sorted appearance) and build the arrays."""
        user_ids, user_idx = np.unique(np.asarray(users, dtype=str), return_inverse=True)
        item_ids, item_idx = np.unique(np.asarray(items, dtype=str), return_inverse=True)
        n = len(user_idx)
        return cls(
            users=user_idx.astype(np.int64),
            items=item_idx.astype(np.int64),
            ratings=np.ones(n) if ratings is None else np.asarray(ratings, dtype=np.float64),
            timestamps=None if timestamps is None else np.asarray(timestamps, dtype=np.int64),
            n_users=len(user_ids),
            n_items=len(item_ids),
            user_ids=tuple(str(u) for u in user_ids),
            item_ids=tuple(str(i) for i in item_ids),
            signal=signal,
        )

    def subset(self, mask: NDArray[np.bool_] | IntArray) -> InteractionLog:
        """The rows selected by a boolean mask or an index array, in the same index space."""
        return InteractionLog(
            users=self.users[mask],
            items=self.items[mask],
            ratings=self.ratings[mask],
            timestamps=None if self.timestamps is None else self.timestamps[mask],
            n_users=self.n_users,
            n_items=self.n_items,
            user_ids=self.user_ids,
            item_ids=self.item_ids,
            signal=self.signal,
        )

    def to_interactions(self, weights: InteractionWeights) -> Interactions:
        """The weighted customers × items matrix over the whole index space (ids as stored)."""
        kind = RATING if self.signal == "rating" else PURCHASE
        matrix = weigh_signals(
            (self.n_users, self.n_items), self.users, self.items, np.full(len(self), kind), self.ratings, weights
        )
        return Interactions(matrix, np.asarray(self.user_ids, dtype=str), np.asarray(self.item_ids, dtype=str))

    def positives(self, min_rating: float) -> InteractionLog:
        """Only the rows rated at least ``min_rating`` (e.g. 4 on a 1–5 scale)."""
        return self.subset(self.ratings >= min_rating)

    def to_csr(self, *, binary: bool = True) -> sp.csr_array:
        """The user × item matrix; duplicates are merged (1.0 when ``binary``, else the last rating)."""
        if binary:
            return csr_from_pairs(self.users, self.items, (self.n_users, self.n_items))
        last = _last_index(self.users, self.items, self.n_items)
        matrix = sp.coo_array(
            (self.ratings[last], (self.users[last], self.items[last])), shape=(self.n_users, self.n_items)
        ).tocsr()
        matrix.sort_indices()
        return matrix


def _last_index(users: IntArray, items: IntArray, n_items: int) -> IntArray:
    """For each distinct (user, item) key in sorted key order, the index of its last row."""
    keys = users * n_items + items
    order = np.lexsort((np.arange(len(keys)), keys))
    sorted_keys = keys[order]
    is_last = np.ones(len(keys), dtype=bool)
    is_last[:-1] = sorted_keys[1:] != sorted_keys[:-1]
    return order[is_last]


def csr_from_pairs(rows: IntArray, cols: IntArray, shape: tuple[int, int]) -> sp.csr_array:
    """A binary CSR matrix with ones at the given (row, col) pairs (duplicates merged)."""
    matrix = sp.coo_array((np.ones(len(rows)), (rows, cols)), shape=shape).tocsr()
    matrix.data[:] = 1.0
    matrix.sort_indices()
    return matrix
