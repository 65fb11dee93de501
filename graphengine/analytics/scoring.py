"""Batch recommendation scorers on a sparse user × item matrix (the purchase/rating graph).

Every scorer is fitted on a binary CSR matrix ``X`` (users × items) and scores blocks of users at once
with sparse matrix products — no Python loop over user–item pairs. :func:`recommend` turns scores into
top-K lists that leave out the items a user already has (configurable).

Strategies (``d_i`` = number of users of item ``i``, ``d_v`` = number of items of user ``v``,
``C = XᵀX`` the co-purchase counts):

* :class:`ItemToItem` — "customers who bought X also bought Y": ``score(u, i) = Σ_{j ∈ u} sim(j, i)``
  with ``sim`` from ``C`` normalised so that blockbusters do not win everything:

  - ``count``:   ``C_ji`` (no normalisation — the blockbuster baseline);
  - ``cosine``:  ``C_ji / (d_j^α · d_i^(1-α))`` (α = ½ is the usual cosine; larger α damps popular sources);
  - ``jaccard``: ``C_ji / (d_j + d_i - C_ji)``;
  - ``lift``:    ``C_ji · n_users / (d_j · d_i)`` (observed over expected co-purchases).

* :class:`PathScorer` — customer→product link prediction over paths user u – item j – user v – item i:
  ``score(u, i) = Σ_paths w(j) · w(v)`` with ``w = 1`` (common neighbours: the number of paths),
  ``1 / log d`` (Adamic–Adar) or ``1 / d`` (resource allocation, the "ProbS" mass diffusion of Zhou et
  al. 2007) — for ``ra`` generalised to ``1 / d^α`` (α = 1 by default) — times ``d_i^-β`` (β = 0 by
  default; α and β together give the popularity-damped RP³β walk of Paudel et al. 2016). The product
  is an item × item matrix ``W_I Xᵀ W_U X`` computed once in :meth:`PathScorer.fit`.
* :class:`Popularity` — number of users per item, the same for everyone (cold start).
* :class:`Blend` — a weighted sum of scorers whose per-user scores are first divided by the user's
  maximum, so each component contributes on the same 0–1 scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.analytics._topk import mask_entries, prune_rows, top_k_dense
from graphengine.errors import AnalysisError

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Similarity = Literal["count", "cosine", "jaccard", "lift"]
PathMethod = Literal["cn", "aa", "ra"]


class Scorer(Protocol):
    """Anything that can be fitted on a user × item matrix and score blocks of users."""

    def fit(self, train: sp.csr_array) -> Self: ...

    def score(self, users: IntArray) -> FloatArray:
        """Dense ``(len(users), n_items)`` scores; higher is better."""
        ...


def binarise(matrix: sp.csr_array | sp.csr_matrix, min_rating: float | None = None) -> sp.csr_array:
    """A binary copy (1.0 for every stored non-zero, or for entries ≥ ``min_rating``) with sorted indices."""
    binary = sp.csr_array(matrix, dtype=np.float64, copy=True)
    if min_rating is not None:
        binary.data[binary.data < min_rating] = 0.0
    binary.eliminate_zeros()
    binary.data[:] = 1.0
    binary.sort_indices()
    return binary


def _require_fitted(matrix: sp.csr_array | None, name: str) -> sp.csr_array:
    if matrix is None:
        raise AnalysisError(f"{name} is not fitted")
    return matrix


class _ItemItem:
    """Shared machinery: ``score = X[users] @ S`` for an item × item matrix ``S`` built by ``_build``."""

    neighbours: int | None = None
    min_rating: float | None = None

    def __init__(self) -> None:
        self._train: sp.csr_array | None = None
        self._item_matrix: sp.csr_array | None = None

    def _build(self, x: sp.csr_array) -> sp.csr_array:
        raise NotImplementedError

    def fit(self, train: sp.csr_array) -> Self:
        x = binarise(train, self.min_rating)
        coo = sp.csr_array(self._build(x)).tocoo()
        keep = (coo.row != coo.col) & (coo.data != 0)
        matrix = sp.coo_array((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=coo.shape).tocsr()
        matrix.sort_indices()
        if self.neighbours is not None:
            matrix = prune_rows(matrix, self.neighbours)
        self._train, self._item_matrix = x, matrix
        return self

    @property
    def item_matrix(self) -> sp.csr_array:
        """The fitted item × item matrix ``S`` (row = source item, column = recommended item)."""
        return _require_fitted(self._item_matrix, type(self).__name__)

    def score(self, users: IntArray) -> FloatArray:
        x = _require_fitted(self._train, type(self).__name__)
        return np.asarray((x[np.asarray(users)] @ self.item_matrix).toarray(), dtype=np.float64)

    def similar(self, items: IntArray, k: int) -> IntArray:
        """The ``k`` items with the highest ``S[item, ·]`` for each item (never the item itself)."""
        rows = np.asarray(self.item_matrix[np.asarray(items)].toarray(), dtype=np.float64)
        rows[rows <= 0] = -np.inf
        return top_k_dense(rows, k)


class ItemToItem(_ItemItem):
    """Co-purchase ("bought together") item similarity with a normalisation; see the module docstring."""

    def __init__(
        self,
        similarity: Similarity = "cosine",
        *,
        alpha: float = 0.5,
        neighbours: int | None = None,
        min_support: int = 1,
        min_rating: float | None = None,
    ) -> None:
        super().__init__()
        if similarity not in ("count", "cosine", "jaccard", "lift"):
            raise AnalysisError(f"unknown similarity {similarity!r}")
        self.similarity: Similarity = similarity
        self.alpha = alpha
        self.neighbours = neighbours
        self.min_support = min_support
        self.min_rating = min_rating

    def _build(self, x: sp.csr_array) -> sp.csr_array:
        co = sp.csr_array(x.T @ x).tocoo()
        keep = co.data >= self.min_support
        i, j, c = co.row[keep], co.col[keep], co.data[keep]
        degree = np.asarray(x.sum(axis=0)).ravel()
        di, dj = degree[i], degree[j]
        if self.similarity == "count":
            values = c
        elif self.similarity == "cosine":
            values = c / (di**self.alpha * dj ** (1.0 - self.alpha))
        elif self.similarity == "jaccard":
            values = c / (di + dj - c)
        else:
            values = c * x.shape[0] / (di * dj)
        return sp.coo_array((values, (i, j)), shape=co.shape).tocsr()


def _degree_weights(degree: FloatArray, method: PathMethod, alpha: float = 1.0) -> FloatArray:
    if method == "cn":
        return np.ones_like(degree)
    if method == "aa":
        # a node of degree 1 lies on no path between two *different* nodes; log(2) keeps it finite
        return 1.0 / np.log(np.maximum(degree, 2.0))
    return np.power(degree, -alpha, out=np.zeros_like(degree), where=degree > 0)


class PathScorer(_ItemItem):
    """User→item link prediction over user–item–user–item paths (CN, Adamic–Adar, resource allocation)."""

    def __init__(
        self,
        method: PathMethod = "ra",
        *,
        alpha: float = 1.0,
        beta: float = 0.0,
        neighbours: int | None = None,
        min_rating: float | None = None,
    ) -> None:
        super().__init__()
        if method not in ("cn", "aa", "ra"):
            raise AnalysisError(f"unknown path method {method!r}")
        self.method: PathMethod = method
        self.alpha = alpha
        self.beta = beta
        self.neighbours = neighbours
        self.min_rating = min_rating

    def _build(self, x: sp.csr_array) -> sp.csr_array:
        item_degree = np.asarray(x.sum(axis=0), dtype=np.float64).ravel()
        user_degree = np.asarray(x.sum(axis=1), dtype=np.float64).ravel()
        w_items = sp.diags_array(_degree_weights(item_degree, self.method, self.alpha))
        w_users = sp.diags_array(_degree_weights(user_degree, self.method, self.alpha))
        matrix = sp.csr_array(w_items @ x.T @ w_users @ x)
        if self.beta:
            damp = np.power(item_degree, -self.beta, out=np.zeros_like(item_degree), where=item_degree > 0)
            matrix = sp.csr_array(matrix @ sp.diags_array(damp))
        return matrix


class UserNeighbours:
    """ "Customers like you": ``score(u, i) = Σ_{v ∈ top-n(u)} sim(u, v) · x_vi`` over user co-purchases.

    ``sim(u, v) = |items(u) ∩ items(v)| / (d_u^α · d_v^(1-α))`` (cosine at α = ½), keeping each user's
    ``neighbours`` most similar customers — the common-neighbour path count u–j–v–i restricted to them.
    """

    def __init__(self, *, neighbours: int = 50, alpha: float = 0.5, min_rating: float | None = None) -> None:
        self.neighbours = neighbours
        self.alpha = alpha
        self.min_rating = min_rating
        self._train: sp.csr_array | None = None
        self._user_matrix: sp.csr_array | None = None

    def fit(self, train: sp.csr_array) -> Self:
        x = binarise(train, self.min_rating)
        co = sp.csr_array(x @ x.T).tocoo()
        degree = np.asarray(x.sum(axis=1), dtype=np.float64).ravel()
        keep = co.row != co.col
        u, v, c = co.row[keep], co.col[keep], co.data[keep]
        values = c / (degree[u] ** self.alpha * degree[v] ** (1.0 - self.alpha))
        sim = sp.coo_array((values, (u, v)), shape=co.shape).tocsr()
        self._train, self._user_matrix = x, prune_rows(sim, self.neighbours)
        return self

    def score(self, users: IntArray) -> FloatArray:
        x = _require_fitted(self._train, "UserNeighbours")
        sim = _require_fitted(self._user_matrix, "UserNeighbours")
        return np.asarray((sim[np.asarray(users)] @ x).toarray(), dtype=np.float64)


class Popularity:
    """Items ranked by their number of users in the training matrix — the same list for everyone."""

    def __init__(self) -> None:
        self._counts: FloatArray | None = None

    def fit(self, train: sp.csr_array) -> Self:
        self._counts = np.asarray(binarise(train).sum(axis=0), dtype=np.float64).ravel()
        return self

    def score(self, users: IntArray) -> FloatArray:
        if self._counts is None:
            raise AnalysisError("Popularity is not fitted")
        return np.tile(self._counts, (len(users), 1))


def row_max_normalise(scores: FloatArray) -> FloatArray:
    """Each row divided by its maximum (rows whose maximum is ≤ 0 become zeros) — the blend's scaling."""
    peak = scores.max(axis=1, keepdims=True) if scores.shape[1] else np.zeros((len(scores), 1))
    out: FloatArray = np.divide(scores, peak, out=np.zeros_like(scores), where=peak > 0)
    return out


class Blend:
    """A weighted sum of scorers, each scaled per user to a maximum of 1 before weighting."""

    def __init__(self, components: Sequence[tuple[Scorer, float]]) -> None:
        if not components:
            raise AnalysisError("a blend needs at least one component")
        if any(weight < 0 for _, weight in components):
            raise AnalysisError("blend weights must be non-negative")
        self.components = list(components)

    def fit(self, train: sp.csr_array) -> Self:
        for scorer, _ in self.components:
            scorer.fit(train)
        return self

    def score(self, users: IntArray) -> FloatArray:
        total: FloatArray | None = None
        for scorer, weight in self.components:
            if weight == 0:
                continue
            part = weight * row_max_normalise(scorer.score(users))
            total = part if total is None else total + part
        if total is None:
            raise AnalysisError("all blend weights are zero")
        return total


def recommend(
    scorer: Scorer,
    users: IntArray,
    k: int,
    *,
    exclude: sp.csr_array | None = None,
    batch_size: int = 512,
) -> IntArray:
    """Top-``k`` item indices per user (``-1`` padded), leaving out the items stored in ``exclude[user]``.

    Pass the training matrix as ``exclude`` to drop what each customer already bought, or ``None`` to
    keep it. Users are scored in blocks of ``batch_size`` to bound memory.
    """
    users = np.asarray(users, dtype=np.int64)
    blocks: list[IntArray] = []
    for start in range(0, len(users), batch_size):
        block = users[start : start + batch_size]
        scores = np.array(scorer.score(block), dtype=np.float64)
        if exclude is not None:
            mask_entries(scores, sp.csr_array(exclude[block]))
        blocks.append(top_k_dense(scores, k))
    return np.vstack(blocks) if blocks else np.zeros((0, k), dtype=np.int64)
