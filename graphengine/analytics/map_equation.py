"""The two-level map equation: how many bits a random walk's description takes with a given partition.

A random walker on the undirected (weighted) graph visits node ``a`` with stationary probability
``p_a = s_a / 2W`` (its strength over twice the total edge weight) and leaves module ``i`` with probability
``q_i`` (the weight of the edges crossing its border over ``2W``). Describing the walk with one codebook per
module and an index codebook for the moves between modules takes, per step (Rosvall and Bergstrom 2008),

    L = plogp(sum q_i) - 2 sum plogp(q_i) - sum plogp(p_a) + sum plogp(q_i + sum_{a in i} p_a)

bits, with ``plogp(x) = x log2 x``. One module for everything costs the node entropy ``H(p)``; a partition
that follows the graph's modules compresses the walk below that, one that cuts across them costs more. Lower
is better, and the measure has no resolution parameter, so it can compare partitions of any granularity,
whichever method found them (see :mod:`graphengine.analytics.auto_partition`). igraph's Infomap reports the
same number for the partition it finds (a unit test compares them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from graphengine.analytics.graph import FloatArray, ProjectedGraph
from graphengine.errors import AnalysisError


def _plogp(values: FloatArray) -> FloatArray:
    out = np.zeros_like(values)
    positive = values > 0
    out[positive] = values[positive] * np.log2(values[positive])
    return out


def _flow(graph: ProjectedGraph, weighted: bool) -> tuple[ProjectedGraph, FloatArray, FloatArray, float]:
    undirected = graph.undirected()
    weights = undirected.edge_weights() if weighted else np.ones(undirected.n_edges, dtype=np.float64)
    twice = 2.0 * float(weights.sum())
    if twice <= 0:
        raise AnalysisError("the map equation needs a graph with edges", details={"n_edges": graph.n_edges})
    strength = np.bincount(undirected.src, weights=weights, minlength=graph.n_nodes) + np.bincount(
        undirected.dst, weights=weights, minlength=graph.n_nodes
    )
    return undirected, weights, strength / twice, twice


def one_module_codelength(graph: ProjectedGraph, *, weighted: bool = True) -> float:
    """Bits per step with every node in one module: the entropy of the walk's stationary distribution."""
    _, _, visits, _ = _flow(graph, weighted)
    return float(-_plogp(visits).sum())


def codelength(graph: ProjectedGraph, membership: ArrayLike, *, weighted: bool = True) -> float:
    """Bits per step of the two-level map equation for ``membership`` (one entry per node; see module doc)."""
    labels = np.asarray(membership, dtype=np.int64).reshape(-1)
    if labels.size != graph.n_nodes:
        raise AnalysisError("membership must have one entry per node", details={"n_nodes": graph.n_nodes})
    if labels.size and labels.min() < 0:
        raise AnalysisError("community ids must be non-negative")
    undirected, weights, visits, twice = _flow(graph, weighted)
    k = int(labels.max()) + 1
    src, dst = labels[undirected.src], labels[undirected.dst]
    crossing = src != dst
    exits = (
        np.bincount(src[crossing], weights=weights[crossing], minlength=k)
        + np.bincount(dst[crossing], weights=weights[crossing], minlength=k)
    ) / twice
    inside = np.bincount(labels, weights=visits, minlength=k)
    return float(
        _plogp(np.asarray([exits.sum()]))[0]
        - 2.0 * _plogp(exits).sum()
        - _plogp(visits).sum()
        + _plogp(exits + inside).sum()
    )


def compression(graph: ProjectedGraph, membership: ArrayLike, *, weighted: bool = True) -> float:
    """The share of the one-module codelength that ``membership`` saves: ``(H(p) - L) / H(p)``; 0 or below
    means the partition describes the walk no better than no partition at all."""
    base = one_module_codelength(graph, weighted=weighted)
    if base <= 0:
        return 0.0
    return (base - codelength(graph, membership, weighted=weighted)) / base


__all__ = ["codelength", "compression", "one_module_codelength"]
