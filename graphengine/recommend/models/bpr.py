"""Bayesian Personalised Ranking (Rendle et al. 2009) fitted by the ``implicit`` library.

BPR has no closed-form user step, so serving folds a customer in with the least-squares step of
:mod:`graphengine.recommend.models.factors` over BPR's item factors (the last factor column is BPR's item
bias), with its own ``fold_in_alpha`` and ``fold_in_regularization``.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import scipy.sparse as sp

from graphengine.recommend.interactions import positive_part
from graphengine.recommend.models.factors import FactorModel, blas_single_thread


class BPR(FactorModel):
    """Params: ``factors`` (64), ``learning_rate`` (0.05), ``regularization`` (0.01), ``iterations`` (100),
    ``seed`` (123), ``fold_in_alpha`` (2.0), ``fold_in_regularization`` (1.0). One thread, so a seed gives one
    result."""

    kind = "bpr"
    fold_in_alpha_param = "fold_in_alpha"
    fold_in_lambda_param = "fold_in_regularization"

    def fit(self, matrix: sp.csr_matrix) -> Self:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        p = self.defaults(
            factors=64,
            learning_rate=0.05,
            regularization=0.01,
            iterations=100,
            seed=123,
            fold_in_alpha=2.0,
            fold_in_regularization=1.0,
        )
        binary = positive_part(matrix)
        binary.data[:] = 1.0
        with blas_single_thread():
            model = BayesianPersonalizedRanking(
                factors=int(p["factors"]),
                learning_rate=float(p["learning_rate"]),
                regularization=float(p["regularization"]),
                iterations=int(p["iterations"]),
                random_state=int(p["seed"]),
                num_threads=1,
            )
            model.fit(binary, show_progress=False)
        self._set_factors(np.asarray(model.item_factors))
        return self
