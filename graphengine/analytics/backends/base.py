"""The interface every analytics backend implements, and the parts all backends share.

A backend turns a :class:`~graphengine.analytics.graph.ProjectedGraph` into numpy arrays aligned with
``graph.node_ids``. The public methods here validate the input, call the backend's ``_``-prefixed
implementation and post-process the answer the same way for every backend (normalisation, sampling,
community numbering), so igraph, networkx and later GDS return the same shapes and the same conventions:

* every centrality (degrees too, which may be weighted) is a ``float64`` array of length ``n_nodes``;
* PageRank sums to 1 (dangling nodes teleport uniformly); eigenvector centrality has unit L2 norm and is
  computed from in-edges (a node is central when central nodes point to it); harmonic closeness is the mean
  inverse distance *from* the other nodes (in-paths), so both reward nodes that are followed;
* betweenness counts shortest paths (unweighted, or with weights read as lengths) and is normalised to
  [0, 1] like networkx (``1/((n-1)(n-2))`` directed, ``2/((n-1)(n-2))`` undirected);
* community memberships are ``int64`` arrays numbered ``0..k-1`` by decreasing community size (ties by the
  smallest member position), computed on the undirected view of the graph.

Sampled betweenness (pivot sampling, Brandes & Pich 2007): ``k`` source nodes ("pivots") are drawn uniformly
without replacement; their single-source dependencies are summed and scaled by ``n/k``, an unbiased estimator
of exact betweenness. On the normalised scale each pivot's scaled contribution lies in ``[0, n/(n-1)]``, so by
Hoeffding's inequality (which also holds for sampling without replacement) and a union bound over the ``n``
nodes, with probability at least ``1 - delta`` every node's estimate is within
``epsilon = n/(n-1) * sqrt(ln(2n/delta) / (2k))`` of its exact normalised betweenness
(:func:`betweenness_error_bound`; :func:`betweenness_sample_size` inverts it). The bound is worst-case;
observed errors on social graphs are one to two orders of magnitude smaller.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from graphengine.analytics.graph import FloatArray, IntArray, ProjectedGraph
from graphengine.errors import AnalysisError


@dataclass(frozen=True)
class CommunityOutput:
    """A partition: ``membership[i]`` is node i's community; ``levels`` are the hierarchical partitions
    (finest first, the last equals ``membership``) for algorithms that have them (Louvain), else empty."""

    membership: IntArray
    levels: tuple[IntArray, ...] = ()

    @property
    def n_communities(self) -> int:
        return int(self.membership.max()) + 1 if self.membership.size else 0


def canonical_membership(labels: NDArray[np.integer]) -> IntArray:
    """Renumber arbitrary community labels ``0..k-1`` by decreasing size, ties by smallest member index."""
    labels = np.asarray(labels).reshape(-1)
    if labels.size == 0:
        return np.empty(0, dtype=np.int64)
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    first = np.full(counts.size, labels.size, dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(labels.size, dtype=np.int64))
    order = np.lexsort((first, -counts))
    rank = np.empty(counts.size, dtype=np.int64)
    rank[order] = np.arange(counts.size, dtype=np.int64)
    return rank[inverse]


def betweenness_error_bound(n_nodes: int, samples: int, *, delta: float = 0.05) -> float:
    """Additive error on normalised betweenness that pivot sampling with ``samples`` sources keeps for all
    nodes at once with probability ``1 - delta`` (0 when every node is a pivot: the result is exact)."""
    if samples >= n_nodes or n_nodes < 3:
        return 0.0
    if samples < 1 or not 0 < delta < 1:
        raise AnalysisError("samples must be >= 1 and delta in (0, 1)")
    return n_nodes / (n_nodes - 1) * math.sqrt(math.log(2 * n_nodes / delta) / (2 * samples))


def betweenness_sample_size(n_nodes: int, epsilon: float, *, delta: float = 0.05) -> int:
    """Pivots needed so that :func:`betweenness_error_bound` is at most ``epsilon`` (capped at ``n_nodes``)."""
    if epsilon <= 0 or not 0 < delta < 1:
        raise AnalysisError("epsilon must be > 0 and delta in (0, 1)")
    if n_nodes < 3:
        return max(n_nodes, 0)
    scale = n_nodes / (n_nodes - 1)
    needed = math.ceil(scale**2 * math.log(2 * n_nodes / delta) / (2 * epsilon**2))
    return min(n_nodes, needed)


def sample_pivots(n_nodes: int, samples: int, seed: int | None) -> IntArray:
    """``samples`` distinct node positions drawn uniformly (sorted), reproducible for a given seed."""
    rng = np.random.default_rng(seed)
    return np.asarray(np.sort(rng.choice(n_nodes, size=samples, replace=False)), dtype=np.int64)


class Backend(ABC):
    """Same inputs, same outputs, whichever library computes them. Subclasses implement the ``_`` methods
    on :meth:`ProjectedGraph.simple` (centrality) or :meth:`ProjectedGraph.undirected` (communities)."""

    name: ClassVar[str]
    #: whether sampled betweenness uses the uniform pivots it is given (and so the stated error bound holds)
    uniform_pivots: ClassVar[bool] = True

    # ------------------------------------------------------------------------------------------ centrality
    def pagerank(self, graph: ProjectedGraph, *, damping: float = 0.85, weighted: bool = True) -> FloatArray:
        """PageRank with teleport probability ``1 - damping``; edge weights used when ``weighted``."""
        graph.require_nodes()
        if not 0 <= damping < 1:
            raise AnalysisError("damping must be in [0, 1)", details={"damping": damping})
        scores = self._pagerank(graph.simple(), damping, weighted and graph.weighted)
        return np.asarray(scores / scores.sum(), dtype=np.float64)

    def betweenness(
        self,
        graph: ProjectedGraph,
        *,
        normalized: bool = True,
        weighted: bool = False,
        samples: int | None = None,
        seed: int | None = None,
    ) -> FloatArray:
        """Exact betweenness, or the pivot-sampling estimate with ``samples`` sources (see module doc)."""
        graph.require_nodes()
        simple = graph.simple()
        n = simple.n_nodes
        sources: IntArray | None = None
        scale = 1.0
        if samples is not None:
            if samples < 1:
                raise AnalysisError("samples must be >= 1", details={"samples": samples})
            if samples < n:
                sources = sample_pivots(n, samples, seed)
                scale = n / samples
        raw = self._betweenness(simple, sources, weighted and graph.weighted) * scale
        if not normalized:
            return raw
        if n < 3:
            return np.zeros(n, dtype=np.float64)
        return raw * ((1.0 if simple.directed else 2.0) / ((n - 1) * (n - 2)))

    def eigenvector(self, graph: ProjectedGraph, *, weighted: bool = True) -> FloatArray:
        """Eigenvector centrality (in-edges), unit L2 norm; zeros when the graph has no cycle to carry it
        (no edges, or a directed acyclic graph). Meaningful on connected graphs."""
        graph.require_nodes()
        simple = graph.simple()
        if simple.n_edges == 0:
            return np.zeros(simple.n_nodes, dtype=np.float64)
        scores = np.abs(self._eigenvector(simple, weighted and graph.weighted))
        norm = float(np.linalg.norm(scores))
        return scores / norm if norm > 0 else scores

    def harmonic(self, graph: ProjectedGraph, *, normalized: bool = True) -> FloatArray:
        """Harmonic closeness: sum of ``1/d(v, u)`` over the other nodes v (in-paths), divided by ``n - 1``
        when ``normalized``. Unreachable pairs contribute 0, so it is defined on disconnected graphs."""
        graph.require_nodes()
        simple = graph.simple()
        scores = self._harmonic(simple)
        if normalized:
            return scores / (simple.n_nodes - 1) if simple.n_nodes > 1 else np.zeros(1, dtype=np.float64)
        return scores

    def in_degree(self, graph: ProjectedGraph, *, weighted: bool = False) -> FloatArray:
        """Distinct in-neighbours (followers) per node, or the summed in-edge weight when ``weighted``."""
        graph.require_nodes()
        simple = graph.simple()
        if not simple.directed:
            return self.out_degree(graph, weighted=weighted)
        weights = simple.edge_weights() if weighted else None
        return np.bincount(simple.dst, weights=weights, minlength=simple.n_nodes).astype(np.float64)

    def out_degree(self, graph: ProjectedGraph, *, weighted: bool = False) -> FloatArray:
        """Distinct out-neighbours (accounts followed) per node, or the summed out-edge weight."""
        graph.require_nodes()
        simple = graph.simple()
        weights = simple.edge_weights() if weighted else None
        n = simple.n_nodes
        degree = np.bincount(simple.src, weights=weights, minlength=n)
        if not simple.directed:
            degree = degree + np.bincount(simple.dst, weights=weights, minlength=n)
        return degree.astype(np.float64)

    # ----------------------------------------------------------------------------------------- communities
    def louvain(
        self, graph: ProjectedGraph, *, resolution: float = 1.0, seed: int | None = None, weighted: bool = True
    ) -> CommunityOutput:
        """Louvain modularity optimisation; ``levels`` holds every aggregation level (finest first)."""
        undirected = self._community_input(graph, resolution)
        levels = self._louvain(undirected, resolution, seed, weighted and graph.weighted)
        canonical = tuple(canonical_membership(level) for level in levels)
        if not canonical:
            canonical = (np.arange(undirected.n_nodes, dtype=np.int64),)
        return CommunityOutput(canonical[-1], canonical)

    def leiden(
        self,
        graph: ProjectedGraph,
        *,
        resolution: float = 1.0,
        seed: int | None = None,
        weighted: bool = True,
        n_iterations: int = 5,
    ) -> CommunityOutput:
        """Leiden (modularity with resolution, i.e. the RB configuration model) for ``n_iterations`` passes;
        ``n_iterations < 0`` runs until no further improvement. Five passes reach the karate optimum on every
        seed and the converged quality on the 1M-edge benchmark graph at a third of the converged run's time."""
        undirected = self._community_input(graph, resolution)
        membership = self._leiden(undirected, resolution, seed, weighted and graph.weighted, n_iterations)
        return CommunityOutput(canonical_membership(membership))

    def label_propagation(
        self, graph: ProjectedGraph, *, seed: int | None = None, weighted: bool = True
    ) -> CommunityOutput:
        """Asynchronous label propagation (Raghavan et al. 2007) on the undirected view."""
        undirected = self._community_input(graph, 1.0)
        labels = self._label_propagation(undirected, seed, weighted and graph.weighted)
        return CommunityOutput(canonical_membership(labels))

    def weakly_connected_components(self, graph: ProjectedGraph) -> CommunityOutput:
        """Weakly connected components (isolated nodes are components of their own)."""
        undirected = self._community_input(graph, 1.0)
        return CommunityOutput(canonical_membership(self._components(undirected)))

    @staticmethod
    def _community_input(graph: ProjectedGraph, resolution: float) -> ProjectedGraph:
        graph.require_nodes()
        if not resolution > 0:
            raise AnalysisError("resolution must be > 0", details={"resolution": resolution})
        return graph.undirected()

    # -------------------------------------------------------------------------------- backend implementation
    @abstractmethod
    def _pagerank(self, graph: ProjectedGraph, damping: float, weighted: bool) -> FloatArray: ...

    @abstractmethod
    def _betweenness(self, graph: ProjectedGraph, sources: IntArray | None, weighted: bool) -> FloatArray:
        """Unnormalised betweenness summed over ``sources`` (all nodes when None), undirected pairs once."""

    @abstractmethod
    def _eigenvector(self, graph: ProjectedGraph, weighted: bool) -> FloatArray: ...

    @abstractmethod
    def _harmonic(self, graph: ProjectedGraph) -> FloatArray:
        """Unnormalised harmonic closeness over in-paths."""

    @abstractmethod
    def _louvain(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool
    ) -> list[NDArray[np.integer]]: ...

    @abstractmethod
    def _leiden(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool, n_iterations: int
    ) -> NDArray[np.integer]: ...

    @abstractmethod
    def _label_propagation(self, graph: ProjectedGraph, seed: int | None, weighted: bool) -> NDArray[np.integer]: ...

    @abstractmethod
    def _components(self, graph: ProjectedGraph) -> NDArray[np.integer]: ...


__all__ = [
    "Backend",
    "CommunityOutput",
    "betweenness_error_bound",
    "betweenness_sample_size",
    "canonical_membership",
    "sample_pivots",
]
