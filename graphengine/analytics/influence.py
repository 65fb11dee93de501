"""Influencer analytics on the graph in Neo4j: centrality written back, influencer lists, advocate pyramid.

``run_centrality`` projects a graph (``social`` by default), computes the chosen centralities with a backend
and writes them as properties (``pagerank``, ``betweenness``, ``eigenvector``, ``inDegree``, ``outDegree``,
``harmonic``) plus ``centralityRunId`` on the projected nodes. ``run_influencers`` adds, on the social graph,
PageRank and betweenness, 2-hop reach (``reach2``), engagement (``mentions``) and the advocate pyramid tier
(``advocateLevel``: follower → supporter → organizer → leader, rules in :class:`PyramidRules`), and the list
is read back ranked by :func:`list_influencers`, per platform and per community.

Consent: scores are computed on the whole follow graph, but a list never shows an account owned by a customer
without profiling consent (``consentProfiling`` false or absent); :func:`count_withheld_accounts` says how many
were left out. Accounts no customer owns are not customers and are listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphengine.analytics.backends import get_backend
from graphengine.analytics.centrality import (
    PYRAMID_TIERS,
    PyramidRules,
    advocate_pyramid,
    compute_centrality,
    two_hop_reach,
)
from graphengine.analytics.graph import ProjectedGraph
from graphengine.analytics.projection import project
from graphengine.analytics.runs import analysis_run, write_node_properties
from graphengine.analytics.subgraph import WHOLE_GRAPH, Scope
from graphengine.errors import AnalysisError
from graphengine.store import Store

PROPERTY_NAMES = {
    "pagerank": "pagerank",
    "betweenness": "betweenness",
    "eigenvector": "eigenvector",
    "in_degree": "inDegree",
    "out_degree": "outDegree",
    "harmonic": "harmonic",
}
LABELS = {"social": "SocialAccount", "customers": "Customer"}


def _label(graph: ProjectedGraph) -> str:
    if graph.name not in LABELS:
        raise AnalysisError(f"centrality is written back for the {' and '.join(LABELS)} projections only")
    return LABELS[graph.name]


def run_centrality(
    store: Store,
    *,
    graph: str = "social",
    algorithms: Sequence[str] = ("pagerank",),
    backend: str = "igraph",
    damping: float = 0.85,
    betweenness_samples: int | None = None,
    seed: int = 42,
    projected: ProjectedGraph | None = None,
    scope: Scope = WHOLE_GRAPH,
) -> dict[str, Any]:
    """Compute centralities on a projection of ``scope`` and write them back; returns the run summary."""
    params = {
        "algorithms": list(algorithms),
        "damping": damping,
        "betweennessSamples": betweenness_samples,
        "seed": seed,
        "scope": scope.describe(),
    }
    with analysis_run(store, "centrality", ",".join(algorithms), backend, graph, params) as run:
        with run.timed("project"):
            g = projected if projected is not None else project(store, graph, scope)
        label = _label(g)
        with run.timed("compute"):
            result = compute_centrality(
                g,
                algorithms,
                backend=get_backend(backend, store=store),
                damping=damping,
                betweenness_samples=betweenness_samples,
                seed=seed,
            )
        with run.timed("write"):
            columns = {PROPERTY_NAMES[name]: scores for name, scores in result.scores.items()}
            write_node_properties(store, label, g.node_ids, columns, run_id=run.run_id, run_property="centralityRunId")
        run.counts.update(nodes=g.n_nodes, edges=g.n_edges)
        run.metrics.update({f"top_{k}": float(v.max()) if v.size else 0.0 for k, v in result.scores.items()})
        bound = result.summary.get("betweenness", {}).get("error_bound")
        if bound is not None:  # no bound is stated for degree-biased pivots (GDS)
            run.metrics["betweennessErrorBound"] = float(bound)
    top = {k: [[str(n), float(s)] for n, s in result.top(k, 10)] for k in result.scores}
    sampling = {"betweenness": result.summary["betweenness"]} if "betweenness" in result.summary else {}
    return run.summary() | {"top": top} | sampling


def run_influencers(
    store: Store,
    *,
    backend: str = "igraph",
    damping: float = 0.85,
    seed: int = 42,
    rules: PyramidRules | None = None,
    scope: Scope = WHOLE_GRAPH,
) -> dict[str, Any]:
    """PageRank + betweenness + reach + engagement + advocate pyramid on the social graph (of ``scope``)."""
    params = {"damping": damping, "seed": seed, "scope": scope.describe()}
    with analysis_run(store, "influencers", "pagerank,betweenness", backend, "social", params) as run:
        with run.timed("project"):
            g = project(store, "social", scope)
        if g.n_nodes == 0:
            where = "" if scope.whole else " in this scope"
            raise AnalysisError(f"the social graph is empty{where}: load accounts and follows first")
        with run.timed("compute"):
            result = compute_centrality(
                g,
                ("pagerank", "betweenness", "in_degree", "out_degree"),
                backend=get_backend(backend, store=store),
                damping=damping,
                seed=seed,
            )
            reach = two_hop_reach(g, np.arange(g.n_nodes))
            engagement = _engagement(store, g, scope)
            pyramid = advocate_pyramid(result.scores["pagerank"], engagement, rules=rules)
        with run.timed("write"):
            columns: dict[str, Any] = {PROPERTY_NAMES[k]: v for k, v in result.scores.items()}
            columns.update(
                reach2=reach,
                mentions=engagement.astype(np.int64),
                advocateLevel=np.asarray(PYRAMID_TIERS, dtype=object)[pyramid.tier],
            )
            write_node_properties(
                store, "SocialAccount", g.node_ids, columns, run_id=run.run_id, run_property="influenceRunId"
            )
        run.counts.update(nodes=g.n_nodes, edges=g.n_edges, **{f"tier_{k}": int(v) for k, v in pyramid.counts.items()})
    return run.summary() | {"pyramid": {"counts": pyramid.counts, "thresholds": pyramid.thresholds}}


def _engagement(store: Store, g: ProjectedGraph, scope: Scope) -> np.ndarray[Any, np.dtype[np.float64]]:
    rows = store.query("analytics.stream_account_engagement", scope.params())[0]
    mentions = np.zeros(g.n_nodes, dtype=np.float64)
    if rows["ids"]:
        mentions[g.index_of(np.asarray(rows["ids"], dtype=object))] = np.asarray(rows["mentions"], dtype=np.float64)
    return mentions


def list_influencers(
    store: Store, *, limit: int = 20, platform: str | None = None, community_id: int | None = None
) -> list[dict[str, Any]]:
    """Accounts ranked by PageRank, with reach, community, engagement, pyramid tier and owner. Accounts owned by a
    customer without profiling consent are left out (:func:`count_withheld_accounts` counts them)."""
    return store.query(
        "analytics.list_influencers", {"limit": limit, "platform": platform, "communityId": community_id}
    )


def count_withheld_accounts(store: Store, *, platform: str | None = None, community_id: int | None = None) -> int:
    """How many scored accounts :func:`list_influencers` leaves out for lack of their owner's profiling consent."""
    rows = store.query("analytics.count_withheld_accounts", {"platform": platform, "communityId": community_id})
    return int(rows[0]["accounts"])


__all__ = ["count_withheld_accounts", "list_influencers", "run_centrality", "run_influencers"]
