"""Model selection: hold-out cells, measure through the served path, tune each candidate on a small grid.

Every figure here comes from :func:`recommend_lists`, which scores customers with ``model.scores`` on their
interaction rows and ranks with :func:`graphengine.recommend.ranking.top_k` excluding those rows — exactly what
serving does for one customer.

:func:`select` carves a validation split out of the matrix it is given (a random share of its cells), fits
every candidate of every grid on the rest, and keeps, per model kind, the parameters with the best validation
NDCG@k. Then it tries blends (:class:`~graphengine.recommend.models.blend.Blend`) of the two or three best
kinds with a few weights. The candidate with the best validation NDCG@k — a single kind or a blend — is the
**winner**: the model that gets served.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import InteractionWeights
from graphengine.recommend.metrics import ranking_metrics
from graphengine.recommend.models import Blend, build
from graphengine.recommend.models.base import Model
from graphengine.recommend.ranking import top_k

DEFAULT_KINDS = ("popularity", "itemknn", "rp3beta", "ease", "als")

GRIDS: dict[str, list[dict[str, Any]]] = {
    "popularity": [{}],
    "itemknn": [{"neighbours": n, "shrink": s} for n in (50, 200) for s in (10.0, 50.0)],
    "rp3beta": [{"alpha": a, "beta": b, "neighbours": 200} for a in (0.8, 1.0) for b in (0.3, 0.5)],
    "ease": [{"lam": lam} for lam in (100.0, 250.0, 500.0, 1000.0)],
    "als": [
        {"factors": f, "regularization": r, "alpha": a, "iterations": 15}
        for f in (64, 128)
        for r, a in ((10.0, 1.0), (3.0, 2.0))
        if (f, r) != (128, 3.0)
    ],
    "bpr": [{"factors": 64, "learning_rate": lr, "iterations": 100} for lr in (0.01, 0.05)],
}
BLEND_WEIGHTS = ([1.0, 0.25], [1.0, 0.5], [1.0, 1.0], [1.0, 0.5, 0.25], [1.0, 1.0, 0.5])
"""Weights tried for blends of the best kinds, best kind first (a third weight needs a third kind)."""


def holdout_cells(matrix: sp.csr_matrix, fraction: float, seed: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """``(kept, held)``: a random ``fraction`` of the stored cells moves to ``held`` (same shape)."""
    if not 0.0 < fraction < 1.0:
        raise AnalysisError(f"the hold-out fraction must be in (0, 1), got {fraction}")
    coo = sp.coo_matrix(matrix)
    rng = np.random.default_rng(seed)
    held = np.zeros(coo.nnz, dtype=bool)
    held[rng.permutation(coo.nnz)[: round(fraction * coo.nnz)]] = True

    def part(mask: NDArray[np.bool_]) -> sp.csr_matrix:
        out = sp.csr_matrix((coo.data[mask], (coo.row[mask], coo.col[mask])), shape=coo.shape, dtype=np.float32)
        out.sort_indices()
        return out

    return part(~held), part(held)


def relevant_part(held: sp.csr_matrix, weights: InteractionWeights) -> sp.csr_matrix:
    """The held-out cells at least ``relevant_min`` strong, as a binary matrix."""
    out = sp.csr_matrix(held, dtype=np.float32, copy=True)
    out.data = (out.data >= weights.relevant_min).astype(np.float32)
    out.eliminate_zeros()
    return out


def recommend_lists(
    model: Model, matrix: sp.csr_matrix, users: NDArray[np.int64], k: int, *, block: int = 256
) -> NDArray[np.int64]:
    """Top-``k`` item indices (``-1`` padded) for ``users``, scored from their rows of ``matrix`` and ranked by
    :func:`top_k` with those rows excluded — the served path, one customer at a time."""
    out = np.full((len(users), k), -1, dtype=np.int64)
    for start in range(0, len(users), block):
        chunk = users[start : start + block]
        scores = model.scores(matrix[chunk])
        for j, user in enumerate(chunk):
            ranked = top_k(scores[j], k, matrix[user])
            out[start + j, : len(ranked)] = [item for item, _ in ranked]
    return out


def measure(model: Model, matrix: sp.csr_matrix, relevant: sp.csr_matrix, k: int) -> dict[str, float]:
    """Precision/Recall/NDCG/HitRate/MAP@k and coverage over the customers with a relevant item."""
    users = np.flatnonzero(np.diff(relevant.indptr) > 0).astype(np.int64)
    if len(users) == 0:
        raise AnalysisError("no customer has a relevant held-out item")
    started = time.perf_counter()
    lists = recommend_lists(model, matrix, users, k)
    metrics = ranking_metrics(lists, sp.csr_array(relevant), users)
    return {**metrics, "users": float(len(users)), "seconds": round(time.perf_counter() - started, 3)}


@dataclass
class KindResult:
    """The grid of one model kind on the validation split."""

    kind: str
    params: dict[str, Any] | None = None
    ndcg: float = float("-inf")
    grid: list[dict[str, Any]] = field(default_factory=list)
    refused: str | None = None
    model: Model | None = field(default=None, repr=False)


@dataclass
class Selection:
    """Per-kind best parameters on validation, and the winner."""

    kinds: dict[str, KindResult]
    k: int
    validation_counts: dict[str, int]

    @property
    def winner(self) -> KindResult:
        fitted = [r for r in self.kinds.values() if r.params is not None]
        if not fitted:
            raise AnalysisError("no candidate model could be fitted", details=self.summary())
        return max(fitted, key=lambda r: r.ndcg)

    def summary(self) -> dict[str, Any]:
        return {
            kind: {
                "params": r.params,
                "ndcg": r.ndcg if r.params is not None else None,
                "grid": r.grid,
                **({"refused": r.refused} if r.refused else {}),
            }
            for kind, r in self.kinds.items()
        }


def select(
    matrix: sp.csr_matrix,
    weights: InteractionWeights,
    kinds: Sequence[str] = DEFAULT_KINDS,
    *,
    seed: int = 123,
    k: int = 10,
    fraction: float = 0.2,
    grids: Mapping[str, list[dict[str, Any]]] = GRIDS,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    blends: bool = True,
) -> Selection:
    """Tune each kind on a validation split carved from ``matrix`` (a ``fraction`` of its cells, ``seed``),
    then blends of the best kinds (unless ``blends`` is false)."""
    fit_part, held = holdout_cells(matrix, fraction, seed)
    relevant = relevant_part(held, weights)
    results: dict[str, KindResult] = {}
    for kind in kinds:
        result = KindResult(kind)
        for params in grids.get(kind, [{}]):
            full = {**params, **(overrides or {}).get(kind, {})}
            if kind in ("als", "bpr"):
                full.setdefault("seed", seed)
            try:
                model = build(kind, full).fit(fit_part)
            except AnalysisError as exc:
                result.refused = exc.message
                break
            ndcg = measure(model, fit_part, relevant, k)["ndcg"]
            result.grid.append({"params": dict(model.params), "ndcg": ndcg})
            if ndcg > result.ndcg:
                result.params, result.ndcg, result.model = dict(model.params), ndcg, model
        results[kind] = result
    if blends:
        blended = _try_blends(results, fit_part, relevant, k)
        if blended is not None:
            results["blend"] = blended
    counts = {"fitCells": int(fit_part.nnz), "heldCells": int(held.nnz), "relevantCells": int(relevant.nnz)}
    return Selection(results, k, counts)


def _try_blends(
    results: Mapping[str, KindResult], matrix: sp.csr_matrix, relevant: sp.csr_matrix, k: int
) -> KindResult | None:
    """Blends of the best (non-popularity) kinds on the validation split, or None with fewer than two kinds."""
    ranked = sorted(
        (r for r in results.values() if r.model is not None and r.kind != "popularity"), key=lambda r: -r.ndcg
    )
    if len(ranked) < 2:
        return None
    result = KindResult("blend")
    for weights in BLEND_WEIGHTS:
        if len(weights) > len(ranked):
            continue
        parts = [r.model for r in ranked[: len(weights)] if r.model is not None]
        blend = Blend.of(parts, list(weights))
        ndcg = measure(blend, matrix, relevant, k)["ndcg"]
        result.grid.append({"params": dict(blend.params), "ndcg": ndcg})
        if ndcg > result.ndcg:
            result.params, result.ndcg = dict(blend.params), ndcg
    return result


__all__ = [
    "BLEND_WEIGHTS",
    "DEFAULT_KINDS",
    "GRIDS",
    "KindResult",
    "Selection",
    "holdout_cells",
    "measure",
    "recommend_lists",
    "relevant_part",
    "select",
]
