"""ItemKNN: item-based collaborative filtering with shrunk cosine similarity and top-k neighbours.

``sim(i, j) = x_i · x_j / (‖x_i‖ ‖x_j‖ + shrink)`` over the item columns of the (weighted, positive)
interaction matrix; each item keeps its ``neighbours`` most similar items, and
``score(u, i) = Σ_{j ∈ N(i)} x_uj · sim(i, j)`` (Sarwar et al. 2001, with the shrink term of Koren 2008).
"""

from __future__ import annotations

from typing import Self

import numpy as np
import scipy.sparse as sp

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import positive_part
from graphengine.recommend.models.base import ItemItemModel, blockwise_top_k


class ItemKNN(ItemItemModel):
    """Params: ``neighbours`` (default 100), ``shrink`` (default 10)."""

    kind = "itemknn"

    def fit(self, matrix: sp.csr_matrix) -> Self:
        neighbours = int(self.params.setdefault("neighbours", 100))
        shrink = float(self.params.setdefault("shrink", 10.0))
        if neighbours < 1 or shrink < 0:
            raise AnalysisError("itemknn needs neighbours ≥ 1 and shrink ≥ 0")
        x = positive_part(matrix).astype(np.float64)
        xt = sp.csr_matrix(x.T)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())

        def block(rows: slice) -> sp.csr_matrix:
            co = sp.csr_matrix(xt[rows] @ x).tocoo()
            values = co.data / (norms[co.row + rows.start] * norms[co.col] + shrink + 1e-12)
            return sp.csr_matrix((values, (co.row, co.col)), shape=co.shape)

        similar = blockwise_top_k(x.shape[1], block, neighbours)  # row i: the neighbours of item i
        weights = sp.csr_matrix(similar.T, dtype=np.float32)  # W[j, i] = sim(i, j) for j ∈ N(i)
        weights.sort_indices()
        self.weights = weights
        self.n_items = x.shape[1]
        return self
