"""Named projections of the Neo4j graph into in-memory :class:`ProjectedGraph` objects.

Each projection streams node keys and edge endpoints as a few large lists (one record per query, so the
driver decodes columns, not millions of records) and maps keys to dense indices with numpy.

* ``social``     SocialAccount -FOLLOWS-> SocialAccount, directed.
* ``purchases``  Customer–Product bipartite (weights = purchase counts), undirected; node keys are
                 prefixed ``c:`` / ``p:`` so the two id spaces cannot collide.
* ``customers``  Customer–Customer, weighted by the number of shared products plus referrals; built as a
                 sparse product B·Bᵀ of the purchase matrix (never an all-pairs query), pruned to each
                 customer's ``top_k`` strongest ties.
* ``identity``   Customer–Identifier bipartite, with the identifier kinds.
* ``custom``     two analyst queries: one returning ``id`` per node, one returning ``source``, ``target`` and
                 optionally ``weight`` per edge.

Every named projection takes a :class:`~graphengine.analytics.subgraph.Scope` (platform, time window, edge
kinds); edges whose ends fall outside the scope's node set are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from graphengine.analytics.graph import MemoryEstimate, ProjectedGraph, estimate_memory
from graphengine.analytics.subgraph import WHOLE_GRAPH, Scope
from graphengine.errors import AnalysisError
from graphengine.store import Store

PROJECTIONS = ("social", "purchases", "customers", "identity")


def _one(store: Store, name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    rows = store.query(name, params)
    return rows[0] if rows else {}


def _positions(keys: np.ndarray[Any, Any], wanted: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Index of each ``wanted`` key in ``keys``; -1 for keys that are not there (out of scope)."""
    if keys.size == 0:
        return np.full(wanted.size, -1, dtype=np.int64)
    sorter = np.argsort(keys)
    at = np.searchsorted(keys, wanted, sorter=sorter)
    found = sorter[np.minimum(at, keys.size - 1)]
    return np.where((at < keys.size) & (keys[found] == wanted), found, -1).astype(np.int64)


def _customer_ids(store: Store, scope: Scope) -> np.ndarray[Any, Any]:
    return np.asarray(_one(store, "analytics.stream_customer_ids", {"platform": scope.platform})["ids"], dtype=object)


def project_social(store: Store, scope: Scope = WHOLE_GRAPH) -> ProjectedGraph:
    scope.edges_for("social")
    ids = _one(store, "analytics.stream_account_ids", {"platform": scope.platform})["ids"]
    edges = _one(store, "analytics.stream_follow_edges", scope.params())
    return ProjectedGraph.from_edges(
        np.asarray(edges["src"], dtype=object),
        np.asarray(edges["dst"], dtype=object),
        nodes=np.asarray(ids, dtype=object),
        directed=True,
        name="social",
    )


def _purchase_matrix(
    store: Store, scope: Scope = WHOLE_GRAPH, *, with_purchases: bool = True
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], sp.csr_array]:
    """Customers in scope × the products they bought in scope (purchase counts, or lines in the time window)."""
    customers = _customer_ids(store, scope)
    if not with_purchases:
        return customers, np.empty(0, dtype=object), sp.csr_array((len(customers), 0))
    if scope.timed:
        edges = _one(store, "analytics.stream_purchase_lines_between", {"since": scope.since, "until": scope.until})
    else:
        edges = _one(store, "analytics.stream_purchase_edges")
    c_index = _positions(customers, np.asarray(edges.get("src") or [], dtype=object))
    keep = c_index >= 0
    products, p_index = np.unique(np.asarray(edges.get("dst") or [], dtype=object)[keep], return_inverse=True)
    weight = np.asarray(edges.get("weight") or [], dtype=np.float64)[keep]
    matrix = sp.csr_array((weight, (c_index[keep], p_index)), shape=(len(customers), len(products)))
    return customers, products, matrix


def project_purchases(store: Store, scope: Scope = WHOLE_GRAPH) -> ProjectedGraph:
    scope.edges_for("purchases")
    customers, products, matrix = _purchase_matrix(store, scope)
    coo = matrix.tocoo()
    nodes = np.concatenate([np.char.add("c:", customers.astype(str)), np.char.add("p:", products.astype(str))])
    return ProjectedGraph(
        nodes.astype(object),
        coo.row.astype(np.int64),
        coo.col.astype(np.int64) + len(customers),
        coo.data.astype(np.float64),
        directed=False,
        name="purchases",
    )


def project_customers(
    store: Store, scope: Scope = WHOLE_GRAPH, *, top_k: int = 20, referral_weight: float = 2.0
) -> ProjectedGraph:
    kinds = scope.edges_for("customers")
    customers, _, matrix = _purchase_matrix(store, scope, with_purchases="PURCHASED" in kinds)
    binary = (matrix > 0).astype(np.float64)
    shared = sp.csr_array(binary @ binary.T)
    shared.setdiag(0)
    shared.eliminate_zeros()
    coo = _top_k_per_row(shared, top_k).tocoo()
    upper = coo.row < coo.col  # the pruned matrix is symmetric: one undirected edge per pair
    src, dst = coo.row[upper].astype(np.int64), coo.col[upper].astype(np.int64)
    weight = coo.data[upper].astype(np.float64)
    refs = (
        _one(store, "analytics.stream_referral_edges", {"since": scope.since, "until": scope.until})
        if "REFERRED" in kinds
        else {}
    )
    if refs.get("src"):
        r_src = _positions(customers, np.asarray(refs["src"], dtype=object))
        r_dst = _positions(customers, np.asarray(refs["dst"], dtype=object))
        inside = (r_src >= 0) & (r_dst >= 0)
        r_src, r_dst = r_src[inside], r_dst[inside]
        src, dst = np.concatenate([src, r_src]), np.concatenate([dst, r_dst])
        weight = np.concatenate([weight, np.full(len(r_src), referral_weight)])
    return ProjectedGraph(customers, src, dst, weight, directed=False, name="customers")


def _top_k_per_row(matrix: sp.csr_array, k: int) -> sp.csr_array:
    """Keep each row's ``k`` largest entries, then symmetrise (an edge kept by either end stays)."""
    indptr, data = matrix.indptr, matrix.data
    keep = np.zeros(data.size, dtype=bool)
    for row in np.flatnonzero(np.diff(indptr) > 0):
        lo, hi = indptr[row], indptr[row + 1]
        if hi - lo <= k:
            keep[lo:hi] = True
        else:
            keep[lo + np.argpartition(-data[lo:hi], k)[:k]] = True
    pruned = sp.csr_array((np.where(keep, data, 0.0), matrix.indices, indptr), shape=matrix.shape)
    pruned.eliminate_zeros()
    return sp.csr_array(pruned.maximum(pruned.T))


def project_identity(store: Store, scope: Scope = WHOLE_GRAPH) -> tuple[ProjectedGraph, np.ndarray[Any, Any]]:
    """Customer–Identifier bipartite graph (customers first) and the kind of each identifier node."""
    customers = _customer_ids(store, scope)
    edges = _one(
        store,
        "analytics.stream_identifier_edges",
        {"kinds": list(scope.edges_for("identity")), "since": scope.since, "until": scope.until},
    )
    c_index = _positions(customers, np.asarray(edges.get("src") or [], dtype=object))
    keep = c_index >= 0
    idents, i_index = np.unique(np.asarray(edges.get("dst") or [], dtype=object)[keep], return_inverse=True)
    kinds = np.empty(len(idents), dtype=object)
    kinds[i_index] = np.asarray(edges.get("kind") or [], dtype=object)[keep]
    nodes = np.concatenate([customers, idents]).astype(object)
    graph = ProjectedGraph(
        nodes,
        c_index[keep].astype(np.int64),
        i_index.astype(np.int64) + len(customers),
        None,
        directed=False,
        name="identity",
    )
    return graph, kinds


def project_custom(
    store: Store, nodes_query: str, edges_query: str, params: dict[str, Any] | None = None, *, directed: bool = True
) -> ProjectedGraph:
    """An analyst's projection: ``nodes_query`` returns ``id``; ``edges_query`` ``source``, ``target`` [``weight``]."""
    nodes = [r["id"] for r in store.run_text(nodes_query, params)]
    edges = store.run_text(edges_query, params)
    if edges and not {"source", "target"} <= set(edges[0]):
        raise AnalysisError("the edges query must return `source` and `target` columns")
    weight = [float(r["weight"]) for r in edges] if edges and "weight" in edges[0] else None
    return ProjectedGraph.from_edges(
        np.asarray([r["source"] for r in edges], dtype=object),
        np.asarray([r["target"] for r in edges], dtype=object),
        weight=weight,
        nodes=np.asarray(nodes, dtype=object),
        directed=directed,
        name="custom",
    )


def project(store: Store, name: str, scope: Scope = WHOLE_GRAPH) -> ProjectedGraph:
    """A named projection (``social``, ``purchases``, ``customers``, ``identity``) of the scope's subgraph."""
    if name == "social":
        return project_social(store, scope)
    if name == "purchases":
        return project_purchases(store, scope)
    if name == "customers":
        return project_customers(store, scope)
    if name == "identity":
        return project_identity(store, scope)[0]
    raise AnalysisError(f"unknown projection {name!r}; one of {', '.join(PROJECTIONS)}")


def estimate(store: Store, name: str, backend: str = "igraph", *, top_k: int = 20) -> MemoryEstimate:
    """The memory a projection will need, from the count store, before anything is streamed.

    ``customers`` and ``purchases`` are upper bounds (each customer keeps at most ``top_k`` ties, plus
    referrals; products nobody bought are not projected).
    """
    counts = _one(store, "analytics.count_projection_sizes")
    sizes = {
        "social": (counts["accounts"], counts["follows"], False),
        "purchases": (counts["customers"] + counts["products"], counts["purchases"], True),
        "customers": (counts["customers"], counts["customers"] * top_k + counts["referrals"], True),
        "identity": (counts["customers"] + counts["identifiers"], counts["identifierLinks"], False),
    }
    if name not in sizes:
        raise AnalysisError(f"unknown projection {name!r}; one of {', '.join(PROJECTIONS)}")
    n_nodes, n_edges, weighted = sizes[name]
    return estimate_memory(n_nodes, n_edges, weighted=weighted, backend=backend)


def describe(graph: ProjectedGraph, backend: str = "igraph") -> str:
    """One line with the projection's size and memory estimate (printed before big runs)."""
    return (
        f"{graph.name}: {graph.n_nodes:,} nodes, {graph.n_edges:,} edges; "
        + estimate_memory(graph.n_nodes, graph.n_edges, weighted=graph.weighted, backend=backend).describe()
    )


__all__ = [
    "PROJECTIONS",
    "describe",
    "estimate",
    "project",
    "project_custom",
    "project_customers",
    "project_identity",
    "project_purchases",
    "project_social",
]
