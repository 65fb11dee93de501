"""What every recommender model offers, and the shared machinery of the item-item models.

A model is fitted on an interaction matrix (customers × items, see
:mod:`graphengine.recommend.interactions`) and then scores customers **from their interaction rows only**:
``scores(rows)`` never looks a customer up in what it was fitted on, so a customer's newest purchase counts at
once (fold-in) and a customer unknown at training time is scored like any other. ``contributions(row, item)``
says which of the customer's items drove the score of ``item`` ("because you bought X"). ``arrays()`` and
``from_arrays`` carry the fitted state to and from an artefact file.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.interactions import positive_part
from graphengine.recommend.topk import prune_rows

Float32Array = NDArray[np.float32]
Arrays = dict[str, NDArray[Any]]


class Model(ABC):
    """A fitted (or fittable) recommender; ``params`` are the hyper-parameters it was built with."""

    kind: ClassVar[str]

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = dict(params)
        self.n_items = 0

    @abstractmethod
    def fit(self, matrix: sp.csr_matrix) -> Self:
        """Learn from a customers × items interaction matrix (its positive part)."""

    @abstractmethod
    def scores(self, rows: sp.csr_matrix) -> Float32Array:
        """``(n, n_items)`` float32 scores for ``n`` customers given by their interaction rows; higher is better."""

    @abstractmethod
    def contributions(self, row: sp.csr_matrix, item: int) -> list[tuple[int, float]]:
        """``(item_index, share)`` of the customer's items in the score of ``item``, largest share first."""

    @abstractmethod
    def arrays(self) -> Arrays:
        """The fitted state as named numpy arrays (for the artefact file)."""

    @classmethod
    @abstractmethod
    def from_arrays(cls, params: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> Self:
        """Rebuild a fitted model from ``params`` and :meth:`arrays`."""

    def defaults(self, **values: Any) -> dict[str, Any]:
        """Fill the parameters not given with ``values`` (so the saved parameters are complete); returns them."""
        for name, value in values.items():
            self.params.setdefault(name, value)
        return self.params

    def _rows(self, rows: sp.spmatrix | sp.sparray) -> sp.csr_matrix:
        if rows.shape[1] != self.n_items:
            raise AnalysisError(f"rows have {rows.shape[1]} items, the model {self.n_items}")
        return positive_part(rows)


def ranked_contributions(items: NDArray[np.int64], shares: NDArray[np.floating]) -> list[tuple[int, float]]:
    """Non-zero shares, largest first (ties: lower item index first)."""
    keep = shares != 0
    items, shares = items[keep], np.asarray(shares, dtype=np.float64)[keep]
    order = np.lexsort((items, -shares))
    return [(int(items[i]), float(shares[i])) for i in order]


def sparse_arrays(matrix: sp.csr_matrix, prefix: str) -> Arrays:
    return {
        f"{prefix}_data": matrix.data,
        f"{prefix}_indices": matrix.indices,
        f"{prefix}_indptr": matrix.indptr,
        f"{prefix}_shape": np.asarray(matrix.shape, dtype=np.int64),
    }


def sparse_from_arrays(arrays: Mapping[str, NDArray[Any]], prefix: str) -> sp.csr_matrix:
    shape = tuple(int(n) for n in arrays[f"{prefix}_shape"])
    return sp.csr_matrix(
        (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], arrays[f"{prefix}_indptr"]), shape=shape
    )


BLOCK_CELLS = 20_000_000
"""At most this many item × item cells are computed at once (a block of rows × all columns)."""


def blockwise_top_k(
    n_rows: int, block_rows: Callable[[slice], sp.csr_matrix], keep: int, *, block: int | None = None
) -> sp.csr_matrix:
    """An ``n_rows``-row (square) sparse matrix computed a block of rows at a time, each row pruned to its
    ``keep`` largest entries (never the diagonal) — memory bounded by :data:`BLOCK_CELLS` per block."""
    block = block or max(16, min(2048, BLOCK_CELLS // max(n_rows, 1)))
    parts = []
    for start in range(0, n_rows, block):
        rows = slice(start, min(start + block, n_rows))
        part = sp.csr_matrix(block_rows(rows), dtype=np.float32)
        coo = part.tocoo()
        off_diagonal = (coo.row + start != coo.col) & (coo.data > 0)
        part = sp.csr_matrix((coo.data[off_diagonal], (coo.row[off_diagonal], coo.col[off_diagonal])), shape=part.shape)
        parts.append(sp.csr_matrix(prune_rows(sp.csr_array(part), keep)))
    if not parts:
        return sp.csr_matrix((0, 0), dtype=np.float32)
    out = sp.csr_matrix(sp.vstack(parts, format="csr"), dtype=np.float32)
    out.sort_indices()
    return out


class ItemItemModel(Model):
    """``scores = rows @ W`` with an item × item matrix ``W`` (row = the customer's item, column = the scored
    item), sparse or dense; the contribution of item ``j`` to item ``i`` is ``row[j] · W[j, i]``."""

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.weights: sp.csr_matrix | Float32Array | None = None

    def _w(self) -> sp.csr_matrix | Float32Array:
        if self.weights is None:
            raise AnalysisError(f"{self.kind} is not fitted")
        return self.weights

    def scores(self, rows: sp.csr_matrix) -> Float32Array:
        x = self._rows(rows)
        product = x @ self._w()
        dense = product.toarray() if sp.issparse(product) else np.asarray(product)
        return np.ascontiguousarray(dense, dtype=np.float32)

    def contributions(self, row: sp.csr_matrix, item: int) -> list[tuple[int, float]]:
        x = self._rows(row)
        items = np.asarray(x.indices, dtype=np.int64)
        w = self._w()
        column = (w[items, item].toarray().ravel() if sp.issparse(w) else w[items, item]).astype(np.float32)
        return ranked_contributions(items, x.data * column)

    def arrays(self) -> Arrays:
        w = self._w()
        if sp.issparse(w):
            return sparse_arrays(sp.csr_matrix(w), "w")
        return {"w": np.asarray(w)}

    @classmethod
    def from_arrays(cls, params: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> Self:
        model = cls(**params)
        model.weights = np.asarray(arrays["w"], dtype=np.float32) if "w" in arrays else sparse_from_arrays(arrays, "w")
        model.n_items = int(model.weights.shape[1])
        return model


__all__ = [
    "Arrays",
    "Float32Array",
    "ItemItemModel",
    "Model",
    "blockwise_top_k",
    "ranked_contributions",
    "sparse_arrays",
    "sparse_from_arrays",
]
