"""Popularity: every customer gets the items with the most customers — the floor, and the cold-start list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import positive_part
from graphengine.recommend.models.base import Arrays, Float32Array, Model


def item_popularity(matrix: sp.spmatrix | sp.sparray) -> Float32Array:
    """Number of customers with a positive interaction, per item (float32)."""
    positive = positive_part(matrix)
    return np.bincount(positive.indices, minlength=positive.shape[1]).astype(np.float32)


class Popularity(Model):
    """``score(u, i)`` = number of customers of ``i`` (the same for everyone; no contributions)."""

    kind = "popularity"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.counts: Float32Array | None = None

    def fit(self, matrix: sp.csr_matrix) -> Self:
        self.counts = item_popularity(matrix)
        self.n_items = len(self.counts)
        return self

    def scores(self, rows: sp.csr_matrix) -> Float32Array:
        if self.counts is None:
            raise AnalysisError("popularity is not fitted")
        self._rows(rows)
        return np.tile(self.counts, (rows.shape[0], 1))

    def contributions(self, row: sp.csr_matrix, item: int) -> list[tuple[int, float]]:
        return []

    def arrays(self) -> Arrays:
        if self.counts is None:
            raise AnalysisError("popularity is not fitted")
        return {"counts": self.counts}

    @classmethod
    def from_arrays(cls, params: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> Self:
        model = cls(**params)
        model.counts = np.asarray(arrays["counts"], dtype=np.float32)
        model.n_items = len(model.counts)
        return model
