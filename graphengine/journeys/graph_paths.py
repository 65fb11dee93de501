"""Path questions answered in Cypher (``cypher/queries/journeys/find_*``, ``list_abandonment_journeys``).

Shortest paths are ``ANY SHORTEST`` path patterns over a fixed set of relationship types, either direction,
with a hop bound written in the query (Cypher takes no parameter there). Each function returns a JSON-ready
dict; a missing node or no path within the bound gives ``"path": None`` rather than an error, since "not
connected" is an answer.
"""

from __future__ import annotations

from typing import Any

from graphengine.errors import AnalysisError
from graphengine.journeys.event_stream import When, as_datetime, iso
from graphengine.store import Store


def _path(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows or rows[0].get("hops") is None:
        return None
    row = rows[0]
    return {"hops": int(row["hops"]), "nodes": row["nodes"], "rels": row["rels"]}


def path_to_account(store: Store, customer_id: str, account_id: str) -> dict[str, Any]:
    """A shortest path (≤ 6 hops over OWNS, FOLLOWS, REFERRED) from a customer to a social account."""
    rows = store.query("journeys.find_account_path", {"customerId": customer_id, "accountId": account_id})
    return {"customerId": customer_id, "accountId": account_id, "path": _path(rows)}


def path_to_product(store: Store, customer_id: str, product_id: str) -> dict[str, Any]:
    """A shortest path (≤ 6 hops over OWNS, FOLLOWS, MENTIONED, PURCHASED, REFERRED) to a product."""
    rows = store.query("journeys.find_product_path", {"customerId": customer_id, "productId": product_id})
    return {"customerId": customer_id, "productId": product_id, "path": _path(rows)}


def community_connection(store: Store, customer_id: str, community_id: int) -> dict[str, Any]:
    """How a customer connects to a community: its own community, direct follow ties into it and a shortest
    path (≤ 5 hops) to the nearest member account."""
    rows = store.query("journeys.find_community_path", {"customerId": customer_id, "communityId": community_id})
    if not rows:
        return {"customerId": customer_id, "communityId": community_id, "found": False, "path": None}
    row = rows[0]
    return {
        "customerId": customer_id,
        "communityId": community_id,
        "found": True,
        "customerCommunity": row["customerCommunity"],
        "member": row["customerCommunity"] == community_id,
        "directTies": int(row["directTies"]),
        "path": _path(rows),
    }


def abandonment_journeys(store: Store, since: When = None, limit: int = 100) -> dict[str, Any]:
    """Sessions that end in cart abandonment (a cart and no purchase after it in the session), newest first,
    each with its steps in order."""
    if limit < 0:
        raise AnalysisError("limit must be >= 0")
    moment = as_datetime(since)
    rows = store.query("journeys.list_abandonment_journeys", {"since": moment, "limit": limit})
    return {"since": iso(moment), "returned": len(rows), "journeys": rows}


__all__ = ["abandonment_journeys", "community_connection", "path_to_account", "path_to_product"]
