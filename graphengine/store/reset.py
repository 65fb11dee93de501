"""Empty a graph of any size: relationships first, then nodes, each in bounded server-side transactions.

``DETACH DELETE`` on nodes alone puts every relationship of a node into the transaction that deletes it, so a
supernode with a million relationships needs one huge transaction and runs out of transaction memory. Deleting
relationships in batches of ``batch`` rows first bounds every transaction, whatever the shape of the graph.
Constraints, indexes and the ``SchemaVersion`` bookkeeping nodes are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphengine.store.driver import Store

RESET_BATCH = 10_000


@dataclass(frozen=True)
class GraphCounts:
    """Nodes (schema bookkeeping excluded) and relationships in the database."""

    nodes: int
    relationships: int

    @property
    def empty(self) -> bool:
        return self.nodes == 0 and self.relationships == 0

    def __str__(self) -> str:
        return f"{self.nodes:,} nodes and {self.relationships:,} relationships"


def data_counts(store: Store) -> GraphCounts:
    """What a reset would delete (from the count store: instant on any size)."""
    row = store.query("store.count_data")[0]
    return GraphCounts(nodes=int(row["nodes"]), relationships=int(row["relationships"]))


def reset_graph(store: Store, *, batch: int = RESET_BATCH) -> GraphCounts:
    """Delete every relationship, then every node but ``SchemaVersion``, in transactions of ``batch`` rows.

    Returns what was deleted. Each statement runs in an auto-commit transaction (``IN TRANSACTIONS`` needs one),
    so an interrupted reset leaves a smaller graph and a re-run finishes it."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    relationships = store.run_batched("store.delete_relationships", {"batch": batch})
    nodes = store.run_batched("store.delete_nodes", {"batch": batch})
    return GraphCounts(nodes=int(nodes[0]["deleted"]), relationships=int(relationships[0]["deleted"]))


__all__ = ["RESET_BATCH", "GraphCounts", "data_counts", "reset_graph"]
