"""Matrix factorisation served by fold-in: customer vectors are computed from the interaction row at request
time from the fitted item factors ``Y``; no customer vector is stored.

Fold-in is the ALS user step of Hu, Koren & Volinsky (2008) with confidence ``c_j = α · x_uj`` on the
customer's items (the convention of the ``implicit`` library) and preference 1:

``A_u = YᵀY + Σ_{j ∈ u} (c_j − 1) y_j y_jᵀ + λI``,  ``v_u = A_u⁻¹ Σ_{j ∈ u} c_j y_j``,  ``score(u, i) = y_i · v_u``.

The same formula explains a score exactly: ``score(u, i) = Σ_j (y_iᵀ A_u⁻¹ y_j) · c_j``, so the contribution of
item ``j`` is its term of that sum. Each customer is solved and scored on its own (one matrix-vector product
per customer), so a customer's scores do not depend on which other customers share the batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.models.base import Arrays, Float32Array, Model, ranked_contributions

Float64Array = NDArray[np.float64]


class FactorModel(Model):
    """Shared fold-in scoring for ALS and BPR; subclasses fit ``item_factors``."""

    fold_in_alpha_param = "alpha"
    fold_in_lambda_param = "regularization"

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.item_factors: Float32Array | None = None
        self._y: Float64Array | None = None
        self._gram: Float64Array | None = None

    def _set_factors(self, factors: NDArray[Any]) -> None:
        self.item_factors = np.ascontiguousarray(factors, dtype=np.float32)
        self._y = self.item_factors.astype(np.float64)
        self._gram = self._y.T @ self._y
        self.n_items = self.item_factors.shape[0]

    def _fitted(self) -> tuple[Float64Array, Float64Array]:
        if self._y is None or self._gram is None:
            raise AnalysisError(f"{self.kind} is not fitted")
        return self._y, self._gram

    def _system(self, items: NDArray[np.int32], values: NDArray[np.float32]) -> tuple[Float64Array, Float64Array]:
        """``(A_u, c)`` for one customer's items and values."""
        y, gram = self._fitted()
        alpha = float(self.params[self.fold_in_alpha_param])
        lam = float(self.params[self.fold_in_lambda_param])
        confidence = alpha * values.astype(np.float64)
        yu = y[items]
        a = gram + (yu.T * (confidence - 1.0)) @ yu + lam * np.eye(y.shape[1])
        return a, confidence

    def user_vector(self, items: NDArray[np.int32], values: NDArray[np.float32]) -> Float64Array:
        y, _ = self._fitted()
        if len(items) == 0:
            return np.zeros(y.shape[1])
        a, confidence = self._system(items, values)
        return np.asarray(np.linalg.solve(a, y[items].T @ confidence), dtype=np.float64)

    def scores(self, rows: sp.csr_matrix) -> Float32Array:
        x = self._rows(rows)
        y, _ = self._fitted()
        out = np.zeros((x.shape[0], self.n_items), dtype=np.float32)
        with blas_single_thread():
            for u in range(x.shape[0]):
                lo, hi = x.indptr[u], x.indptr[u + 1]
                if hi > lo:
                    out[u] = y @ self.user_vector(x.indices[lo:hi], x.data[lo:hi])
        return out

    def contributions(self, row: sp.csr_matrix, item: int) -> list[tuple[int, float]]:
        x = self._rows(row)
        y, _ = self._fitted()
        items = np.asarray(x.indices, dtype=np.int64)
        if len(items) == 0:
            return []
        with blas_single_thread():
            a, confidence = self._system(x.indices, x.data)
            weights: Float64Array = np.linalg.solve(a, y[item])  # A⁻¹ y_i (A is symmetric)
        return ranked_contributions(items, (y[items] @ weights) * confidence)

    def arrays(self) -> Arrays:
        if self.item_factors is None:
            raise AnalysisError(f"{self.kind} is not fitted")
        return {"item_factors": self.item_factors}

    @classmethod
    def from_arrays(cls, params: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> Self:
        model = cls(**params)
        model._set_factors(arrays["item_factors"])
        return model


_CONTROLLER: list[Any] = []


def blas_single_thread() -> Any:
    """A context that keeps BLAS on one thread: while ``implicit`` fits (its own threads do the work), and while
    a customer is folded in — small solves and matrix-vector products are several times slower when OpenBLAS
    spreads them over threads (4.2 ms against 0.6 ms per MovieLens customer on two busy cores)."""
    from threadpoolctl import ThreadpoolController

    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


__all__ = ["FactorModel", "blas_single_thread"]
