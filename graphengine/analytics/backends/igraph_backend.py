"""The default backend: igraph (C core) for centrality, Louvain, Leiden and label propagation.

Leiden runs through igraph's own C implementation, optimising modularity with a resolution parameter (the RB
configuration model). ``IgraphBackend(leiden_implementation="leidenalg")`` (backend ``igraph-leidenalg``)
runs the same objective through ``leidenalg`` instead: the same partition quality on every graph measured
(karate optimum, planted partitions, 0.813 on the 1M-edge benchmark graph), about 10x slower on large graphs
(see benchmarks/RESULTS_analytics.md).

The igraph graph is built once per projected graph (index arrays straight into the C core) and cached
against it, so several algorithms on one projection pay the conversion once. igraph draws random numbers
from a Python generator; a ``seed`` installs a private ``random.Random(seed)`` for the duration of one call
and restores the previous generator afterwards, so runs are reproducible without touching global state.
"""

from __future__ import annotations

import random
import warnings
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, Literal

import igraph as ig
import leidenalg
import numpy as np
from numpy.typing import NDArray

from graphengine.analytics.backends.base import Backend
from graphengine.analytics.graph import FloatArray, IntArray, ProjectedGraph
from graphengine.errors import AnalysisError

_GRAPHS: weakref.WeakKeyDictionary[ProjectedGraph, Any] = weakref.WeakKeyDictionary()


def to_igraph(graph: ProjectedGraph) -> Any:
    """The igraph ``Graph`` for ``graph`` (same vertex order, same edge order), built once and cached."""
    cached = _GRAPHS.get(graph)
    if cached is None:
        # a list of int pairs is igraph's fastest input (about 2x faster than passing a numpy array)
        edges = list(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
        cached = ig.Graph(n=graph.n_nodes, edges=edges, directed=graph.directed)
        _GRAPHS[graph] = cached
    return cached


def _weights(graph: ProjectedGraph, weighted: bool) -> list[float] | None:
    return graph.edge_weights().tolist() if weighted else None


@contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run igraph with ``random.Random(seed)`` as its generator (the module default when seed is None)."""
    if seed is None:
        yield
        return
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


class IgraphBackend(Backend):
    """igraph (and optionally leidenalg). Fast, in C; the backend every CLI command uses unless told otherwise."""

    name: ClassVar[str] = "igraph"

    def __init__(self, *, leiden_implementation: Literal["leidenalg", "igraph"] = "igraph") -> None:
        if leiden_implementation not in ("leidenalg", "igraph"):
            raise AnalysisError("leiden_implementation must be 'leidenalg' or 'igraph'")
        self.leiden_implementation = leiden_implementation

    def _pagerank(self, graph: ProjectedGraph, damping: float, weighted: bool) -> FloatArray:
        g = to_igraph(graph)
        scores = g.pagerank(directed=graph.directed, damping=damping, weights=_weights(graph, weighted))
        return np.asarray(scores, dtype=np.float64)

    def _betweenness(self, graph: ProjectedGraph, sources: IntArray | None, weighted: bool) -> FloatArray:
        g = to_igraph(graph)
        weights = _weights(graph, weighted)
        if sources is None:
            scores = g.betweenness(directed=graph.directed, weights=weights)
        else:
            scores = g.betweenness(directed=graph.directed, weights=weights, sources=sources.tolist())
        return np.asarray(scores, dtype=np.float64)

    def _eigenvector(self, graph: ProjectedGraph, weighted: bool) -> FloatArray:
        g = to_igraph(graph)
        if graph.directed and g.is_dag():
            return np.zeros(graph.n_nodes, dtype=np.float64)
        # directed=True is ignored on undirected graphs; igraph 1.0 rejects directed=False there ("Invalid mode").
        # igraph warns on disconnected graphs; the documented contract already says the scores of components
        # other than the dominant one are (near) zero, so that warning carries no news for our callers.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*eigenvector centralit", category=RuntimeWarning)
            scores = g.eigenvector_centrality(directed=True, weights=_weights(graph, weighted))
        return np.asarray(scores, dtype=np.float64)

    def _harmonic(self, graph: ProjectedGraph) -> FloatArray:
        g = to_igraph(graph)
        scores = g.harmonic_centrality(mode="in" if graph.directed else "all", normalized=False)
        return np.asarray(scores, dtype=np.float64)

    def _louvain(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool
    ) -> list[NDArray[np.integer]]:
        g = to_igraph(graph)
        with seeded(seed):
            levels = g.community_multilevel(
                weights=_weights(graph, weighted), return_levels=True, resolution=resolution
            )
        return [np.asarray(level.membership, dtype=np.int64) for level in levels]

    def _leiden(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool, n_iterations: int
    ) -> NDArray[np.integer]:
        if self.leiden_implementation == "igraph":
            with seeded(seed):
                clustering = to_igraph(graph).community_leiden(
                    objective_function="modularity",
                    weights=_weights(graph, weighted),
                    resolution=resolution,
                    n_iterations=n_iterations,
                )
            return np.asarray(clustering.membership, dtype=np.int64)
        partition = leidenalg.find_partition(
            to_igraph(graph),
            leidenalg.RBConfigurationVertexPartition,
            weights=_weights(graph, weighted),
            resolution_parameter=resolution,
            n_iterations=n_iterations,
            seed=seed,
        )
        return np.asarray(partition.membership, dtype=np.int64)

    def _label_propagation(self, graph: ProjectedGraph, seed: int | None, weighted: bool) -> NDArray[np.integer]:
        g = to_igraph(graph)
        with seeded(seed):
            clustering = g.community_label_propagation(weights=_weights(graph, weighted))
        return np.asarray(clustering.membership, dtype=np.int64)

    def _components(self, graph: ProjectedGraph) -> NDArray[np.integer]:
        clustering = to_igraph(graph).connected_components(mode="weak")
        return np.asarray(clustering.membership, dtype=np.int64)


__all__ = ["IgraphBackend", "seeded", "to_igraph"]
