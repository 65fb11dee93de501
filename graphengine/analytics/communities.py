"""Community detection, backend-independent: one call, a membership per node, modularity and sizes.

``detect_communities(graph, algorithm="leiden")`` runs the algorithm on the undirected view of the graph
(see :mod:`graphengine.analytics.graph`) with the chosen backend and reports:

* ``membership``: ``int64`` per node, communities numbered ``0..k-1`` from the largest;
* ``levels``: the Louvain hierarchy (finest first; written back as ``communityLevel``), else empty;
* ``modularity``: computed here, the same way for every backend and algorithm, on the undirected weighted
  view with the run's resolution (``Q = sum_c [w_in(c)/m - resolution * (d_c / 2m)^2]``);
* ``sizes`` and a JSON-ready ``summary`` for the AnalysisRun node and ``--json`` output.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from graphengine.analytics.backends import DEFAULT_BACKEND, Backend, CommunityOutput, get_backend
from graphengine.analytics.graph import IntArray, ProjectedGraph
from graphengine.errors import AnalysisError

COMMUNITY_ALGORITHMS = ("leiden", "louvain", "label_propagation", "wcc")


@dataclass(frozen=True)
class CommunityResult:
    """One community detection run; arrays are aligned with ``node_ids``."""

    node_ids: NDArray[Any]
    membership: IntArray
    modularity: float
    sizes: IntArray
    levels: tuple[IntArray, ...] = ()
    level_modularity: tuple[float, ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def n_communities(self) -> int:
        return int(self.sizes.size)

    def members(self, community: int) -> NDArray[Any]:
        """The node keys of one community."""
        if not 0 <= community < self.n_communities:
            raise AnalysisError("no such community", details={"community": community})
        return np.asarray(self.node_ids[self.membership == community])


def community_sizes(membership: ArrayLike) -> IntArray:
    """Members per community id ``0..k-1`` (largest first for canonical memberships)."""
    labels = np.asarray(membership, dtype=np.int64).reshape(-1)
    if labels.size and labels.min() < 0:
        raise AnalysisError("community ids must be non-negative")
    return np.bincount(labels).astype(np.int64)


def modularity(
    graph: ProjectedGraph, membership: ArrayLike, *, resolution: float = 1.0, weighted: bool = True
) -> float:
    """Newman modularity of ``membership`` on the undirected view of ``graph`` (0 when it has no edges)."""
    labels = np.asarray(membership, dtype=np.int64).reshape(-1)
    if labels.size != graph.n_nodes:
        raise AnalysisError("membership must have one entry per node", details={"n_nodes": graph.n_nodes})
    undirected = graph.undirected()
    weights = undirected.edge_weights() if weighted else np.ones(undirected.n_edges, dtype=np.float64)
    total = float(weights.sum())
    if total == 0:
        return 0.0
    if labels.size and labels.min() < 0:
        raise AnalysisError("community ids must be non-negative")
    k = int(labels.max()) + 1
    src_c, dst_c = labels[undirected.src], labels[undirected.dst]
    inside = np.bincount(src_c[src_c == dst_c], weights=weights[src_c == dst_c], minlength=k)
    strength = np.bincount(src_c, weights=weights, minlength=k) + np.bincount(dst_c, weights=weights, minlength=k)
    return float(np.sum(inside / total - resolution * (strength / (2.0 * total)) ** 2))


def _run(
    backend: Backend,
    graph: ProjectedGraph,
    algorithm: str,
    resolution: float,
    seed: int | None,
    weighted: bool,
    n_iterations: int,
) -> CommunityOutput:
    if algorithm == "leiden":
        return backend.leiden(graph, resolution=resolution, seed=seed, weighted=weighted, n_iterations=n_iterations)
    if algorithm == "louvain":
        return backend.louvain(graph, resolution=resolution, seed=seed, weighted=weighted)
    if algorithm == "label_propagation":
        return backend.label_propagation(graph, seed=seed, weighted=weighted)
    return backend.weakly_connected_components(graph)


def detect_communities(
    graph: ProjectedGraph,
    algorithm: str = "leiden",
    *,
    resolution: float = 1.0,
    seed: int | None = None,
    backend: str | Backend = DEFAULT_BACKEND,
    weighted: bool = True,
    n_iterations: int = 5,
) -> CommunityResult:
    """Detect communities with ``algorithm`` (one of :data:`COMMUNITY_ALGORITHMS`) on ``backend``.

    ``resolution`` > 1 gives more, smaller communities (Leiden, Louvain; modularity is reported at this
    resolution). ``seed`` makes randomised algorithms reproducible. Raises :class:`AnalysisError` for an
    unknown algorithm or backend, an empty graph, or an algorithm the backend does not have (networkx Leiden).
    """
    if algorithm not in COMMUNITY_ALGORITHMS:
        raise AnalysisError(
            f"unknown community algorithm {algorithm!r}",
            details={"algorithm": algorithm, "known": list(COMMUNITY_ALGORITHMS)},
        )
    impl = get_backend(backend)
    graph.require_nodes()
    started = time.perf_counter()
    output = _run(impl, graph, algorithm, resolution, seed, weighted, n_iterations)
    seconds = time.perf_counter() - started
    use_weights = weighted and graph.weighted
    q = modularity(graph, output.membership, resolution=resolution, weighted=use_weights)
    level_q = tuple(modularity(graph, level, resolution=resolution, weighted=use_weights) for level in output.levels)
    sizes = community_sizes(output.membership)
    summary: dict[str, Any] = {
        "algorithm": algorithm,
        "backend": impl.name,
        "params": {"resolution": resolution, "seed": seed, "weighted": use_weights, "n_iterations": n_iterations},
        "graph": graph.name,
        "n_nodes": graph.n_nodes,
        "n_edges": graph.n_edges,
        "n_communities": int(sizes.size),
        "modularity": q,
        "largest_sizes": sizes[:10].tolist(),
        "singletons": int(np.count_nonzero(sizes == 1)),
        "levels": len(output.levels),
        "level_modularity": list(level_q),
        "seconds": seconds,
    }
    return CommunityResult(graph.node_ids, output.membership, q, sizes, output.levels, level_q, summary)


__all__ = ["COMMUNITY_ALGORITHMS", "CommunityResult", "community_sizes", "detect_communities", "modularity"]
