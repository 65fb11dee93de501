"""The reference backend: networkx, pure Python. Slow; for small graphs and for checking the others.

Nodes are the positions ``0..n-1`` (so isolated nodes are kept and results align by index). networkx has no
Leiden of its own (``nx.community.leiden_communities`` only dispatches to other backends), so
:meth:`NetworkxBackend.leiden` raises :class:`~graphengine.errors.AnalysisError` rather than quietly
running something else; use Louvain for a networkx reference partition.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any, ClassVar

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from graphengine.analytics.backends.base import Backend
from graphengine.analytics.graph import FloatArray, IntArray, ProjectedGraph
from graphengine.errors import AnalysisError

_GRAPHS: weakref.WeakKeyDictionary[ProjectedGraph, Any] = weakref.WeakKeyDictionary()


def to_networkx(graph: ProjectedGraph) -> Any:
    """A networkx (Di)Graph on nodes ``0..n-1`` with a ``weight`` attribute on every edge; cached."""
    cached = _GRAPHS.get(graph)
    if cached is None:
        cached = nx.DiGraph() if graph.directed else nx.Graph()
        cached.add_nodes_from(range(graph.n_nodes))
        cached.add_weighted_edges_from(
            zip(graph.src.tolist(), graph.dst.tolist(), graph.edge_weights().tolist(), strict=True)
        )
        _GRAPHS[graph] = cached
    return cached


def _by_position(values: dict[int, float], n_nodes: int) -> FloatArray:
    out = np.zeros(n_nodes, dtype=np.float64)
    if values:
        out[np.fromiter(values.keys(), dtype=np.int64)] = np.fromiter(values.values(), dtype=np.float64)
    return out


def _membership(communities: Iterable[Iterable[int]], n_nodes: int) -> IntArray:
    membership = np.full(n_nodes, -1, dtype=np.int64)
    for label, members in enumerate(communities):
        membership[np.fromiter(members, dtype=np.int64)] = label
    return membership


class NetworkxBackend(Backend):
    """networkx, the reference implementation every other backend is checked against."""

    name: ClassVar[str] = "networkx"

    def _pagerank(self, graph: ProjectedGraph, damping: float, weighted: bool) -> FloatArray:
        scores = nx.pagerank(
            to_networkx(graph), alpha=damping, weight="weight" if weighted else None, tol=1e-10, max_iter=1000
        )
        return _by_position(scores, graph.n_nodes)

    def _betweenness(self, graph: ProjectedGraph, sources: IntArray | None, weighted: bool) -> FloatArray:
        g = to_networkx(graph)
        weight = "weight" if weighted else None
        if sources is None:
            scores = nx.betweenness_centrality(g, normalized=False, weight=weight)
        else:
            scores = nx.betweenness_centrality_subset(g, sources.tolist(), list(g), normalized=False, weight=weight)
        return _by_position(scores, graph.n_nodes)

    def _eigenvector(self, graph: ProjectedGraph, weighted: bool) -> FloatArray:
        g = to_networkx(graph)
        if graph.directed and nx.is_directed_acyclic_graph(g):
            return np.zeros(graph.n_nodes, dtype=np.float64)
        try:
            scores = nx.eigenvector_centrality(g, max_iter=10_000, tol=1e-10, weight="weight" if weighted else None)
        except nx.PowerIterationFailedConvergence as exc:
            raise AnalysisError("eigenvector centrality did not converge", details={"graph": graph.name}) from exc
        return _by_position(scores, graph.n_nodes)

    def _harmonic(self, graph: ProjectedGraph) -> FloatArray:
        return _by_position(nx.harmonic_centrality(to_networkx(graph)), graph.n_nodes)

    def _louvain(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool
    ) -> list[NDArray[np.integer]]:
        levels = nx.community.louvain_partitions(
            to_networkx(graph), weight="weight" if weighted else None, resolution=resolution, seed=seed
        )
        return [_membership(level, graph.n_nodes) for level in levels]

    def _leiden(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool, n_iterations: int
    ) -> NDArray[np.integer]:
        raise AnalysisError(
            "the networkx backend has no Leiden implementation; use backend 'igraph' or algorithm 'louvain'",
            details={"backend": self.name, "algorithm": "leiden"},
        )

    def _label_propagation(self, graph: ProjectedGraph, seed: int | None, weighted: bool) -> NDArray[np.integer]:
        communities = nx.community.asyn_lpa_communities(
            to_networkx(graph), weight="weight" if weighted else None, seed=seed
        )
        return _membership(communities, graph.n_nodes)

    def _components(self, graph: ProjectedGraph) -> NDArray[np.integer]:
        return _membership(nx.connected_components(to_networkx(graph)), graph.n_nodes)


__all__ = ["NetworkxBackend", "to_networkx"]
