"""Aggregates are derived from facts: check the PURCHASED aggregates against their OrderLine facts, and rebuild
them from scratch (in bounded transactions, so any graph size works)."""

from __future__ import annotations

from typing import Any

from graphengine.store import Store


def check_purchase_aggregates(store: Store) -> dict[str, int]:
    """``{"pairs": pairs with lines, "stale": aggregates that differ from their lines, lack them, or are missing}``."""
    row = store.query("load.count_stale_purchases")[0]
    return {"pairs": int(row["pairs"]), "stale": int(row["stale"])}


def rebuild_purchase_aggregates(store: Store, batch: int = 5_000) -> dict[str, Any]:
    """Recompute every PURCHASED from the lines and delete those without lines; returns counts and a check."""
    removed = store.run_batched("load.delete_orphan_purchases", {"batch": batch})[0]["removed"]
    pairs = store.run_batched("load.rebuild_purchases", {"batch": batch})[0]["pairs"]
    return {"pairs": int(pairs), "removed": int(removed), **{"after": check_purchase_aggregates(store)}}


__all__ = ["check_purchase_aggregates", "rebuild_purchase_aggregates"]
