"""Community detection, backend-independent: one call, a membership per node, modularity and sizes.

``detect_communities(graph)`` runs the algorithm (:data:`DEFAULT_ALGORITHM` unless told: ``auto``, which
lets Infomap, modularity-Leiden at three resolutions, Surprise and CPM propose and keeps one partition by the
map equation, see :mod:`graphengine.analytics.auto_partition`; ``leiden_consensus`` is the consensus of ten
seeded Leiden runs, see :mod:`graphengine.analytics.consensus`) on the undirected view of the graph (see
:mod:`graphengine.analytics.graph`) with the chosen backend and reports:

* ``membership``: ``int64`` per node, communities numbered ``0..k-1`` from the largest;
* ``levels``: the Louvain hierarchy (finest first; written back as ``communityLevel``), else empty;
* ``modularity``: computed here, the same way for every backend and algorithm, on the undirected weighted
  view with the run's resolution (``Q = sum_c [w_in(c)/m - resolution * (d_c / 2m)^2]``);
* ``sizes`` and a JSON-ready ``summary`` for the AnalysisRun node and ``--json`` output.

``auto``, Leiden (and its consensus) and Louvain run per connected component by default (``scope="component"``, see
:mod:`graphengine.analytics.component_scope`): data that shares no edge with a component cannot change its
communities. ``scope="graph"`` optimises one modularity over the whole projection. The reported modularity is
the whole graph's; ``component_modularity`` in the summary is the edge-weighted mean of each component's own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from graphengine.analytics.auto_partition import Choice, auto_partition, choice_summary
from graphengine.analytics.backends import DEFAULT_BACKEND, Backend, CommunityOutput, get_backend
from graphengine.analytics.component_scope import component_labels, per_component
from graphengine.analytics.consensus import consensus_partition
from graphengine.analytics.graph import IntArray, ProjectedGraph
from graphengine.errors import AnalysisError

COMMUNITY_ALGORITHMS = ("auto", "leiden_consensus", "leiden", "louvain", "label_propagation", "wcc")
COMMUNITY_SCOPES = ("component", "graph")
DEFAULT_ALGORITHM = "auto"
"""The default, chosen on planted truth (benchmarks/bench_community_quality.py; RESULTS.md, "Community quality")."""
_PER_COMPONENT_ALGORITHMS = ("auto", "leiden_consensus", "leiden", "louvain")


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


def _scaled(weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weights over their maximum: modularity does not depend on scale, and no sum of huge weights overflows."""
    top = float(weights.max(initial=0.0))
    return weights / top if top > 0 else weights


def modularity(
    graph: ProjectedGraph, membership: ArrayLike, *, resolution: float = 1.0, weighted: bool = True
) -> float:
    """Newman modularity of ``membership`` on the undirected view of ``graph`` (0 when it has no edges)."""
    labels = np.asarray(membership, dtype=np.int64).reshape(-1)
    if labels.size != graph.n_nodes:
        raise AnalysisError("membership must have one entry per node", details={"n_nodes": graph.n_nodes})
    undirected = graph.undirected()
    weights = _scaled(undirected.edge_weights()) if weighted else np.ones(undirected.n_edges, dtype=np.float64)
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


def component_modularity(
    graph: ProjectedGraph, membership: ArrayLike, *, resolution: float = 1.0, weighted: bool = True
) -> float:
    """Each component's modularity against its own edges, averaged with the components' edge weights."""
    labels = np.asarray(membership, dtype=np.int64).reshape(-1)
    count, components = component_labels(graph)
    if count == 1:
        return modularity(graph, labels, resolution=resolution, weighted=weighted)
    undirected = graph.undirected()
    weights = _scaled(undirected.edge_weights()) if weighted else np.ones(undirected.n_edges, dtype=np.float64)
    total = float(weights.sum())
    if total == 0:
        return 0.0
    # per component c: sum over its communities of w_in/m_c - resolution * (d/2m_c)^2, with m_c its edge weight
    edge_component = components[undirected.src]
    m_c = np.bincount(edge_component, weights=weights, minlength=count)
    same = labels[undirected.src] == labels[undirected.dst]
    k = int(labels.max()) + 1 if labels.size else 0
    inside = np.bincount(labels[undirected.src][same], weights=weights[same], minlength=k)
    strength = np.bincount(labels[undirected.src], weights=weights, minlength=k) + np.bincount(
        labels[undirected.dst], weights=weights, minlength=k
    )
    community_component = np.zeros(k, dtype=np.int64)
    community_component[labels] = components
    m_of = m_c[community_component]
    safe = np.where(m_of > 0, m_of, 1.0)
    q_terms = np.where(m_of > 0, inside / safe - resolution * (strength / (2.0 * safe)) ** 2, 0.0)
    q_per_component = np.bincount(community_component, weights=q_terms, minlength=count)
    return float(np.sum(q_per_component * m_c) / total)


def _run(
    backend: Backend,
    graph: ProjectedGraph,
    algorithm: str,
    resolution: float,
    seed: int | None,
    weighted: bool,
    n_iterations: int,
    choices: list[Choice],
) -> CommunityOutput:
    if algorithm == "auto":
        output, choice = auto_partition(graph, backend, seed=seed, weighted=weighted)
        choices.append(choice)
        return output
    if algorithm == "leiden":
        return backend.leiden(graph, resolution=resolution, seed=seed, weighted=weighted, n_iterations=n_iterations)
    if algorithm == "leiden_consensus":

        def leiden(part: ProjectedGraph, run_seed: int | None, use_weights: bool) -> IntArray:
            output = backend.leiden(
                part, resolution=resolution, seed=run_seed, weighted=use_weights, n_iterations=n_iterations
            )
            return output.membership

        return consensus_partition(graph, leiden, seed=seed, weighted=weighted)
    if algorithm == "louvain":
        return backend.louvain(graph, resolution=resolution, seed=seed, weighted=weighted)
    if algorithm == "label_propagation":
        return backend.label_propagation(graph, seed=seed, weighted=weighted)
    return backend.weakly_connected_components(graph)


def effective_algorithm(algorithm: str, backend: str | Backend) -> str:
    """The algorithm that runs for ``algorithm`` on ``backend`` (an instance or its name): ``auto`` needs igraph
    (Infomap, Surprise and CPM run there only) and is ``leiden_consensus`` elsewhere; the rest are themselves."""
    name = backend if isinstance(backend, str) else backend.name
    return "leiden_consensus" if algorithm == "auto" and not name.startswith("igraph") else algorithm


def detect_communities(
    graph: ProjectedGraph,
    algorithm: str = DEFAULT_ALGORITHM,
    *,
    resolution: float = 1.0,
    seed: int | None = None,
    backend: str | Backend = DEFAULT_BACKEND,
    weighted: bool = True,
    n_iterations: int = 5,
    scope: str = "component",
) -> CommunityResult:
    """Detect communities with ``algorithm`` (one of :data:`COMMUNITY_ALGORITHMS`) on ``backend``.

    ``auto`` (the default, :data:`DEFAULT_ALGORITHM`) keeps one of six methods' partitions per component by the
    map equation (:mod:`graphengine.analytics.auto_partition`; ``resolution`` does not apply and the summary
    says which method each component kept). It needs igraph: on another backend ``auto`` runs
    ``leiden_consensus`` and the summary records ``requested: auto``. ``leiden_consensus`` is the consensus of ten
    seeded Leiden runs (:mod:`graphengine.analytics.consensus`); ``leiden`` is one run.

    ``resolution`` > 1 gives more, smaller communities (Leiden, Louvain; modularity is reported at this
    resolution). ``seed`` makes randomised algorithms reproducible. Raises :class:`AnalysisError` for an
    unknown algorithm or backend, an empty graph, or an algorithm the backend does not have (networkx Leiden).
    ``scope`` is ``"component"`` (Leiden/Louvain per connected component, the default) or ``"graph"``.
    """
    if algorithm not in COMMUNITY_ALGORITHMS:
        raise AnalysisError(
            f"unknown community algorithm {algorithm!r}",
            details={"algorithm": algorithm, "known": list(COMMUNITY_ALGORITHMS)},
        )
    if scope not in COMMUNITY_SCOPES:
        raise AnalysisError(f"unknown scope {scope!r}", details={"scope": scope, "known": list(COMMUNITY_SCOPES)})
    impl = get_backend(backend)
    graph.require_nodes()
    requested, algorithm = algorithm, effective_algorithm(algorithm, impl)
    started = time.perf_counter()
    choices: list[Choice] = []
    if scope == "component" and algorithm in _PER_COMPONENT_ALGORITHMS:
        output, components = per_component(
            graph, lambda part: _run(impl, part, algorithm, resolution, seed, weighted, n_iterations, choices)
        )
    else:
        output = _run(impl, graph, algorithm, resolution, seed, weighted, n_iterations, choices)
        components = component_labels(graph)[0]
    seconds = time.perf_counter() - started
    use_weights = weighted and graph.weighted
    q = modularity(graph, output.membership, resolution=resolution, weighted=use_weights)
    level_q = tuple(modularity(graph, level, resolution=resolution, weighted=use_weights) for level in output.levels)
    sizes = community_sizes(output.membership)
    summary: dict[str, Any] = {
        "algorithm": algorithm,
        "backend": impl.name,
        "params": {"resolution": resolution, "seed": seed, "weighted": use_weights, "n_iterations": n_iterations},
        "scope": scope,
        "components": components,
        "component_modularity": component_modularity(
            graph, output.membership, resolution=resolution, weighted=use_weights
        ),
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
    if algorithm == "auto":
        summary["auto"] = choice_summary(choices)
    if requested != algorithm:
        summary["requested"] = requested
    return CommunityResult(graph.node_ids, output.membership, q, sizes, output.levels, level_q, summary)


__all__ = [
    "COMMUNITY_ALGORITHMS",
    "COMMUNITY_SCOPES",
    "DEFAULT_ALGORITHM",
    "CommunityResult",
    "community_sizes",
    "component_modularity",
    "detect_communities",
    "effective_algorithm",
    "modularity",
]
