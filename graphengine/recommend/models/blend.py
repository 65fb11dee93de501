"""A weighted blend of fitted models, each scaled per customer so that its largest absolute score is 1.

``score(u, i) = Σ_c w_c · s_c(u, i) / max_j |s_c(u, j)|``. The scaling uses only the customer's own scores, so
the blend folds in like its components; the contribution of the customer's item ``j`` is the same weighted,
scaled sum of the components' contributions. Model selection tries blends of the best single models on the
validation split and serves one only when it beats every single model there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.models.base import Arrays, Float32Array, Model


def _scale(scores: NDArray[np.floating]) -> NDArray[np.float64]:
    peak = np.abs(np.asarray(scores, dtype=np.float64)).max(axis=1, keepdims=True) if scores.shape[1] else None
    if peak is None:
        return np.zeros(scores.shape)
    return np.where(peak > 0, 1.0 / np.where(peak > 0, peak, 1.0), 0.0)


class Blend(Model):
    """Params: ``components`` — a list of ``{"kind", "params"}``; ``weights`` — one non-negative weight each."""

    kind = "blend"
    _last_factors: tuple[sp.csr_matrix, list[float]] | None = None

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.components: list[Model] = []

    @classmethod
    def of(cls, models: list[Model], weights: list[float]) -> Blend:
        """A blend of already fitted models."""
        if not models or len(models) != len(weights) or any(w < 0 for w in weights):
            raise AnalysisError("a blend needs fitted models and one non-negative weight each")
        blend = cls(
            components=[{"kind": m.kind, "params": dict(m.params)} for m in models], weights=[float(w) for w in weights]
        )
        blend.components = list(models)
        blend.n_items = models[0].n_items
        return blend

    def _build(self) -> list[Model]:
        from graphengine.recommend.models import build

        specs = self.params.get("components") or []
        if not specs or len(specs) != len(self.params.get("weights") or []):
            raise AnalysisError("a blend needs components and one weight each")
        return [build(spec["kind"], spec.get("params", {})) for spec in specs]

    def fit(self, matrix: sp.csr_matrix) -> Self:
        self.components = [model.fit(matrix) for model in self._build()]
        for model, spec in zip(self.components, self.params["components"], strict=True):
            spec["params"] = dict(model.params)
        self.n_items = matrix.shape[1]
        return self

    def _parts(self, rows: sp.csr_matrix) -> list[tuple[Model, float, NDArray[np.float64]]]:
        if not self.components:
            raise AnalysisError("blend is not fitted")
        self._rows(rows)
        parts = []
        for model, weight in zip(self.components, self.params["weights"], strict=True):
            if weight:
                scores = model.scores(rows)
                parts.append((model, float(weight), scores.astype(np.float64) * _scale(scores)))
        return parts

    def scores(self, rows: sp.csr_matrix) -> Float32Array:
        total = np.zeros((rows.shape[0], self.n_items))
        for _, weight, scaled in self._parts(rows):
            total += weight * scaled
        return total.astype(np.float32)

    def contributions(self, row: sp.csr_matrix, item: int) -> list[tuple[int, float]]:
        shares: dict[int, float] = {}
        for model, factor in zip(self.components, self._factors(row), strict=True):
            if not factor:
                continue
            for j, share in model.contributions(row, item):
                shares[j] = shares.get(j, 0.0) + factor * share
        ranked = sorted(((j, s) for j, s in shares.items() if s != 0), key=lambda p: (-p[1], p[0]))
        return ranked

    def _factors(self, row: sp.csr_matrix) -> list[float]:
        """Each component's weight × its scale on this row. An answer explains several items of one row, so the
        last row's factors are kept (scaling needs every item's score, the costly part of an explanation)."""
        last = self._last_factors
        if last is not None and last[0] is row:
            return last[1]
        factors = [
            weight * float(_scale(model.scores(row))[0, 0]) if weight else 0.0
            for model, weight in zip(self.components, self.params["weights"], strict=True)
        ]
        self._last_factors = (row, factors)
        return factors

    def arrays(self) -> Arrays:
        if not self.components:
            raise AnalysisError("blend is not fitted")
        return {f"c{i}_{name}": value for i, m in enumerate(self.components) for name, value in m.arrays().items()}

    @classmethod
    def from_arrays(cls, params: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> Self:
        blend = cls(**params)
        built = blend._build()
        blend.components = [
            type(model).from_arrays(
                model.params,
                {name.split("_", 1)[1]: value for name, value in arrays.items() if name.startswith(f"c{i}_")},
            )
            for i, model in enumerate(built)
        ]
        blend.n_items = blend.components[0].n_items
        return blend
