"""Implicit-feedback ALS (Hu, Koren & Volinsky 2008) fitted by the ``implicit`` library, served by fold-in."""

from __future__ import annotations

from typing import Self

import numpy as np
import scipy.sparse as sp

from graphengine.recommend.interactions import positive_part
from graphengine.recommend.models.factors import FactorModel, blas_single_thread


class ALS(FactorModel):
    """Params: ``factors`` (64), ``regularization`` (λ, 10), ``alpha`` (confidence scale, 1.0), ``iterations``
    (15), ``seed`` (123), ``threads`` (0 = all cores; each customer's solve does not depend on the others, so the
    result does not depend on the thread count)."""

    kind = "als"

    def fit(self, matrix: sp.csr_matrix) -> Self:
        from implicit.cpu.als import AlternatingLeastSquares

        p = self.defaults(factors=64, regularization=10.0, alpha=1.0, iterations=15, seed=123, threads=0)
        with blas_single_thread():
            model = AlternatingLeastSquares(
                factors=int(p["factors"]),
                regularization=float(p["regularization"]),
                alpha=float(p["alpha"]),
                iterations=int(p["iterations"]),
                random_state=int(p["seed"]),
                num_threads=int(p["threads"]),
                calculate_training_loss=False,
            )
            model.fit(positive_part(matrix), show_progress=False)
        self._set_factors(np.asarray(model.item_factors))
        return self
