"""EASE^R: a closed-form shallow autoencoder (Steck 2019).

``P = (XᵀX + λI)⁻¹``, ``B = I − P · diag(1 / diag(P))`` with ``diag(B) = 0``; ``score(u) = x_u B``.

**Memory**: ``B`` is dense — ``8 · n_items²`` bytes in float64 (800 MB at 10,000 items), and the Gram matrix
and its inverse need two to three such matrices at the peak of the fit. The fit refuses catalogues larger
than ``max_items`` (default :data:`EASE_MAX_ITEMS`); the stored ``B`` is float32 (``4 · n_items²`` bytes).
"""

from __future__ import annotations

from typing import Self

import numpy as np
import scipy.sparse as sp

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import positive_part
from graphengine.recommend.models.base import ItemItemModel

EASE_MAX_ITEMS = 10_000


def ease_memory_bytes(n_items: int) -> int:
    """Peak bytes of the fit: about three dense float64 item × item matrices."""
    return 3 * 8 * n_items * n_items


class EASE(ItemItemModel):
    """Params: ``lam`` (λ, default 300), ``max_items`` (default :data:`EASE_MAX_ITEMS`)."""

    kind = "ease"

    def fit(self, matrix: sp.csr_matrix) -> Self:
        lam = float(self.params.setdefault("lam", 300.0))
        max_items = int(self.params.setdefault("max_items", EASE_MAX_ITEMS))
        n_items = matrix.shape[1]
        if n_items > max_items:
            raise AnalysisError(
                f"EASE needs about {ease_memory_bytes(n_items) / 2**30:.1f} GiB for {n_items} items "
                f"(8·n² bytes per dense matrix, ×3 while inverting); the limit is {max_items} items",
                details={"items": n_items, "max_items": max_items},
            )
        if lam <= 0:
            raise AnalysisError("EASE needs lam > 0")
        x = positive_part(matrix).astype(np.float64)
        gram = np.asarray((x.T @ x).toarray(), dtype=np.float64)
        gram[np.diag_indices(n_items)] += lam
        inverse = np.linalg.inv(gram)
        del gram
        b = inverse / (-np.diag(inverse))
        b[np.diag_indices(n_items)] = 0.0
        self.weights = np.ascontiguousarray(b, dtype=np.float32)
        self.n_items = n_items
        return self
