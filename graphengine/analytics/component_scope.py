"""Run a community algorithm on each connected component on its own, and put the memberships back together.

Modularity compares a community's internal edges with what the *whole* graph's degrees predict, so on one
projection holding unrelated data (a second platform, another brand, a test import) the expected share of
every community shrinks with the total edge count, and the optimum merges communities (the resolution limit).
A component shares no edge with the others, so its best partition should not depend on them: each component
is clustered against its own edges. Components below ``min_size`` nodes are one community each (for two
nodes, splitting can never raise modularity); isolated nodes are their own community.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from graphengine.analytics.backends.base import CommunityOutput, canonical_membership
from graphengine.analytics.graph import IntArray, ProjectedGraph

Algorithm = Callable[[ProjectedGraph], CommunityOutput]


def component_labels(graph: ProjectedGraph) -> tuple[int, IntArray]:
    """The number of weakly connected components and each node's component (scipy, no backend needed)."""
    n = graph.n_nodes
    adjacency = coo_array((np.ones(graph.src.size, dtype=np.int8), (graph.src, graph.dst)), shape=(n, n)).tocsr()
    count, labels = connected_components(adjacency, directed=True, connection="weak")
    return int(count), labels.astype(np.int64)


def _levels_for(output: CommunityOutput, depth: int) -> IntArray:
    """A component's partition at hierarchy depth ``depth`` (its coarsest one when it has fewer levels)."""
    if not output.levels:
        return output.membership
    return output.levels[min(depth, len(output.levels) - 1)]


def per_component(graph: ProjectedGraph, algorithm: Algorithm, *, min_size: int = 3) -> tuple[CommunityOutput, int]:
    """Apply ``algorithm`` to every component with at least ``min_size`` nodes; returns the joined, canonical
    partition (and hierarchy levels, aligned by depth) and the number of components."""
    count, labels = component_labels(graph)
    if count == 1:
        return algorithm(graph), 1
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    results: list[tuple[IntArray, CommunityOutput | None]] = []
    for c in range(count):
        nodes = order[bounds[c] : bounds[c + 1]]
        if nodes.size >= min_size:
            results.append((nodes, algorithm(graph.induced_subgraph(nodes))))
        else:
            results.append((nodes, None))
    depth = max((len(out.levels) for _, out in results if out is not None), default=0)
    joined = []
    for level in range(max(depth, 1)):
        labels_at = np.empty(graph.n_nodes, dtype=np.int64)
        offset = 0
        for nodes, out in results:
            local = np.zeros(nodes.size, dtype=np.int64) if out is None else _levels_for(out, level)
            labels_at[nodes] = local + offset
            offset += int(local.max()) + 1
        joined.append(canonical_membership(labels_at))
    levels = tuple(joined) if depth else ()
    return CommunityOutput(joined[-1], levels), count


__all__ = ["component_labels", "per_component"]
