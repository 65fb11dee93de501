"""Link prediction on a unipartite (social) graph: "people you may know", likely future follows.

Scores for a node pair (a, b) of an undirected graph with symmetric binary adjacency ``A``, where
``Γ(x)`` is the neighbour set and ``d_x = |Γ(x)|``:

* ``cn``      common neighbours ``|Γ(a) ∩ Γ(b)|``;
* ``aa``      Adamic–Adar ``Σ_{z ∈ Γ(a) ∩ Γ(b)} 1 / log d_z``;
* ``ra``      resource allocation ``Σ_{z ∈ Γ(a) ∩ Γ(b)} 1 / d_z``;
* ``jaccard`` ``|Γ(a) ∩ Γ(b)| / |Γ(a) ∪ Γ(b)|``;
* ``pa``      preferential attachment ``d_a · d_b``.

:func:`score_pairs` scores given pairs (e.g. held-out edges and sampled non-edges for AUC);
:func:`two_hop_scores` and :func:`recommend_pairs` generate candidates only among nodes exactly two hops
away — the non-zeros of ``A·A`` that are not already linked — never all ``n²`` pairs. (The first four
scores are zero beyond two hops anyway; preferential attachment is restricted to the same candidates.)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.topk import top_k_dense

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
PairMethod = Literal["cn", "aa", "ra", "jaccard", "pa"]
PAIR_METHODS: tuple[PairMethod, ...] = ("cn", "aa", "ra", "jaccard", "pa")


def symmetric_adjacency(sources: IntArray, targets: IntArray, n_nodes: int) -> sp.csr_array:
    """Binary symmetric CSR adjacency of an undirected graph; self-loops and duplicates removed."""
    keep = sources != targets
    rows = np.concatenate([sources[keep], targets[keep]])
    cols = np.concatenate([targets[keep], sources[keep]])
    matrix = sp.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n_nodes, n_nodes)).tocsr()
    matrix.data[:] = 1.0
    matrix.sort_indices()
    return matrix


def _check(method: str) -> None:
    if method not in PAIR_METHODS:
        raise AnalysisError(f"unknown link prediction method {method!r}; use one of {PAIR_METHODS}")


def _node_weights(degree: FloatArray, method: str) -> FloatArray:
    if method == "aa":
        return 1.0 / np.log(np.maximum(degree, 2.0))  # a common neighbour has degree ≥ 2
    if method == "ra":
        return np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    return np.ones_like(degree)


def _degrees(adjacency: sp.csr_array) -> FloatArray:
    return np.asarray(np.diff(adjacency.indptr), dtype=np.float64)


def score_pairs(
    adjacency: sp.csr_array, a: IntArray, b: IntArray, method: PairMethod, *, batch_size: int = 20_000
) -> FloatArray:
    """Scores of the pairs ``(a[i], b[i])``, computed from row products of ``A`` in batches."""
    _check(method)
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if len(a) != len(b):
        raise AnalysisError("a and b must have the same length")
    degree = _degrees(adjacency)
    if method == "pa":
        return degree[a] * degree[b]
    weights = _node_weights(degree, method)
    out = np.zeros(len(a))
    for start in range(0, len(a), batch_size):
        sl = slice(start, start + batch_size)
        common = sp.csr_array(adjacency[a[sl]].multiply(adjacency[b[sl]]))
        out[sl] = common @ weights
    if method == "jaccard":
        union = degree[a] + degree[b] - out
        out = np.divide(out, union, out=np.zeros_like(out), where=union > 0)
    return out


def two_hop_scores(adjacency: sp.csr_array, nodes: IntArray, method: PairMethod) -> sp.csr_array:
    """``(len(nodes), n)`` sparse scores of every node two hops from each of ``nodes`` and not yet linked."""
    _check(method)
    nodes = np.asarray(nodes, dtype=np.int64)
    degree = _degrees(adjacency)
    rows = adjacency[nodes]
    weighted = rows @ sp.diags_array(_node_weights(degree, method)) if method in ("aa", "ra") else rows
    scores = sp.csr_array(weighted @ adjacency).tocoo()
    n = adjacency.shape[0]
    row_ids = np.repeat(np.arange(len(nodes), dtype=np.int64), np.diff(rows.indptr))
    linked = np.isin(scores.row.astype(np.int64) * n + scores.col, row_ids * n + rows.indices)
    keep = (scores.col != nodes[scores.row]) & ~linked & (scores.data > 0)
    r, c, v = scores.row[keep], scores.col[keep], scores.data[keep]
    if method == "jaccard":
        v = v / (degree[nodes[r]] + degree[c] - v)
    elif method == "pa":
        v = degree[nodes[r]] * degree[c]
    result = sp.coo_array((v, (r, c)), shape=(len(nodes), n)).tocsr()
    result.sort_indices()
    return result


def recommend_pairs(
    adjacency: sp.csr_array, nodes: IntArray, k: int, method: PairMethod = "ra", *, batch_size: int = 512
) -> IntArray:
    """Top-``k`` two-hop candidates per node by ``method`` (``-1`` padded when fewer exist)."""
    nodes = np.asarray(nodes, dtype=np.int64)
    blocks: list[IntArray] = []
    for start in range(0, len(nodes), batch_size):
        block = two_hop_scores(adjacency, nodes[start : start + batch_size], method)
        dense = np.full(block.shape, -np.inf)
        coo = block.tocoo()
        dense[coo.row, coo.col] = coo.data
        blocks.append(top_k_dense(dense, k))
    return np.vstack(blocks) if blocks else np.zeros((0, k), dtype=np.int64)
