"""RP3β: a three-step random walk item → customer → item, damped by the popularity of the destination.

``W = P_iu^α · P_ui^α`` with ``P_ui`` the row-normalised interaction matrix (customer → item transition
probabilities) and ``P_iu`` the row-normalised transpose, entries raised to ``α``; each column ``j`` of ``W``
is divided by ``popularity(j)^β``, and each row keeps its ``neighbours`` largest entries
(Paudel, Christoffel, Newell & Bernstein 2016; the "graph-based" baseline of Dacrema et al. 2019).
"""

from __future__ import annotations

from typing import Self

import numpy as np
import scipy.sparse as sp

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import positive_part
from graphengine.recommend.models.base import ItemItemModel, blockwise_top_k


def _row_stochastic(matrix: sp.csr_matrix, alpha: float) -> sp.csr_matrix:
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    out = sp.csr_matrix(sp.diags(scale) @ matrix)
    out.data **= alpha
    return out


class RP3Beta(ItemItemModel):
    """Params: ``alpha`` (default 1.0), ``beta`` (default 0.5), ``neighbours`` (default 200)."""

    kind = "rp3beta"

    def fit(self, matrix: sp.csr_matrix) -> Self:
        alpha = float(self.params.setdefault("alpha", 1.0))
        beta = float(self.params.setdefault("beta", 0.5))
        neighbours = int(self.params.setdefault("neighbours", 200))
        if neighbours < 1 or alpha <= 0:
            raise AnalysisError("rp3beta needs neighbours ≥ 1 and alpha > 0")
        x = positive_part(matrix).astype(np.float64)
        p_ui = _row_stochastic(x, alpha)
        p_iu = _row_stochastic(sp.csr_matrix(x.T), alpha)
        popularity = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64)
        damp = np.power(popularity, -beta, out=np.zeros_like(popularity), where=popularity > 0)

        def block(rows: slice) -> sp.csr_matrix:
            return sp.csr_matrix(p_iu[rows] @ p_ui @ sp.diags(damp))

        self.weights = blockwise_top_k(x.shape[1], block, neighbours)
        self.n_items = x.shape[1]
        return self
