"""Community clustering on the graph in Neo4j: communities written back with their run, and their profiles.

``run_communities`` projects a graph, detects communities (by default the consensus of ten seeded Leiden
runs, chosen on planted truth; one Leiden run, Louvain, label propagation, weakly connected components) and
writes ``communityId`` (and ``communityLevel`` for hierarchical Louvain, the coarsest level's id being
``communityId``) with ``communityRunId``. Communities of the social graph are also
copied to the customers who own the accounts. Community ids are numbered by size (0 = largest).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphengine.analytics.backends import get_backend
from graphengine.analytics.communities import DEFAULT_ALGORITHM, detect_communities, effective_algorithm
from graphengine.analytics.graph import ProjectedGraph
from graphengine.analytics.projection import project
from graphengine.analytics.runs import analysis_run, write_node_properties
from graphengine.analytics.subgraph import WHOLE_GRAPH, Scope
from graphengine.errors import AnalysisError, NotFound
from graphengine.store import Store

LABELS = {"social": "SocialAccount", "customers": "Customer"}


def _by_size(membership: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Renumber communities so 0 is the largest (ties by first appearance): stable ids for people."""
    labels, inverse, counts = np.unique(membership, return_inverse=True, return_counts=True)
    order = np.lexsort((labels, -counts))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[inverse]


def run_communities(
    store: Store,
    *,
    graph: str = "social",
    algorithm: str = DEFAULT_ALGORITHM,
    resolution: float = 1.0,
    backend: str = "igraph",
    seed: int = 42,
    projected: ProjectedGraph | None = None,
    partition: str = "component",
    scope: Scope = WHOLE_GRAPH,
) -> dict[str, Any]:
    """Detect communities on a projection of ``scope`` and write them back; returns the run summary.
    ``partition`` is ``"component"`` (each connected component against its own edges, the default) or
    ``"graph"`` (one modularity over the projection)."""
    params = {"resolution": resolution, "seed": seed, "partition": partition, "scope": scope.describe()}
    ran = effective_algorithm(algorithm, backend)
    if ran != algorithm:
        params["requested"] = algorithm
    with analysis_run(store, "communities", ran, backend, graph, params) as run:
        with run.timed("project"):
            g = projected if projected is not None else project(store, graph, scope)
        if g.name not in LABELS:
            raise AnalysisError(f"communities are written back for the {' and '.join(LABELS)} projections only")
        with run.timed("compute"):
            impl = get_backend(backend, store=store)
            result = detect_communities(g, ran, resolution=resolution, seed=seed, backend=impl, scope=partition)
            membership = _by_size(result.membership)
        if "auto" in result.summary:  # which proposing method each component kept, and by which rule
            chosen = result.summary["auto"]
            run.counts.update({f"auto {name}": n for name, n in chosen["chosen"].items()})
            run.counts.update({f"auto rule {rule}": n for rule, n in chosen["rules"].items()})
        with run.timed("write"):
            columns: dict[str, Any] = {"communityId": membership}
            if result.levels:
                columns["communityLevel"] = np.full(g.n_nodes, len(result.levels) - 1)
            write_node_properties(
                store, LABELS[g.name], g.node_ids, columns, run_id=run.run_id, run_property="communityRunId"
            )
            if g.name == "social":
                run.counts["customers"] = int(
                    store.write("analytics.copy_account_communities", {"runId": run.run_id})[0]["customers"]
                )
        sizes = np.bincount(membership)
        run.counts.update(nodes=g.n_nodes, edges=g.n_edges, communities=int(sizes.size))
        run.counts["components"] = int(result.summary["components"])
        run.metrics.update(
            modularity=float(result.modularity),
            componentModularity=float(result.summary["component_modularity"]),
            largest=int(sizes.max(initial=0)),
        )
    return run.summary() | {"sizes": sizes[:20].tolist()}


def list_communities(store: Store, *, limit: int = 50) -> list[dict[str, Any]]:
    return store.query("analytics.list_communities", {"limit": limit})


def community_profile(store: Store, community_id: int, *, top: int = 5) -> dict[str, Any]:
    """Size, top influencers, top products, dominant channels and consent share of one community."""
    rows = store.query("analytics.get_community_profile", {"communityId": community_id, "top": top})
    if not rows or rows[0]["size"] == 0:
        raise NotFound(f"no community {community_id}", details={"communityId": community_id})
    return rows[0]


__all__ = ["community_profile", "list_communities", "run_communities"]
