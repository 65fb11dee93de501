"""GDPR erasure (Art. 17) of one customer: the graph forgets them, identity profiles are tidied, the quarantine side
files lose their rows, and the receipt says what went and what stays.

In one transaction, ``erasure.delete_customer`` removes the Customer node and every relationship it has, the events
they performed and their purchase lines, the identifiers and social accounts no other customer is linked to (with
the accounts' follows, mentions and derived scores), and identity profiles left with fewer than two members; then
:func:`~graphengine.analytics.identity.reresolve_profiles` resolves the members of every profile that kept two or
more again, so no profile claims a link that went through the erased customer. Afterwards no node or relationship
property holds the customer id or the hashed keys of the removed identifiers. Identifiers and accounts shared with
other customers stay (they are those customers' data too) and the receipt lists the customers that share
identifiers — likely the same person, to be erased on their own request as well.

First, though, the customer's rows leave the quarantine files of the loads
(:mod:`graphengine.load.quarantine_erasure`): if a running load holds one of them, Conflict is raised before
anything is erased. A customer known only from quarantined rows is erased there (the receipt counts no graph
nodes); one known nowhere is NotFound. The receipt also states the server's transaction-log retention: erased
data stays in those logs until they rotate out.

Not touched: source exports and load reports on disk, backups.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from graphengine.analytics.identity import reresolve_profiles
from graphengine.errors import GraphEngineError, NotFound
from graphengine.load.quarantine_erasure import QuarantineErasure, erase_quarantined
from graphengine.store import Store
from graphengine.store.driver import QueryRunner

RETENTION_SETTING = "db.tx_log.rotation.retention_policy"
QUARANTINE_WAIT_S = 10.0  # how long erasure waits for a load to release a quarantine file
NOTES = (
    "source exports, load reports and backups are not touched",
    "aggregate scores of other accounts (PageRank, communities) change on the next analysis run",
)
_REMOVED = ("customers", "events", "orderLines", "identifiers", "profiles", "relationships")
_KEPT = ("sharedIdentifiers", "sharedAccounts", "shrunkProfiles", "renamedProfiles", "linkedCustomers")


def erase_customer(store: Store, customer_id: str, *, quarantine_dir: Path | None = None) -> dict[str, Any]:
    """Erase ``customer_id`` from the graph and from the quarantine files in ``quarantine_dir`` (by default
    ``<loads_dir>/quarantine`` of the store's settings); returns the receipt. Raises NotFound when neither holds the
    customer, Conflict (before anything is erased) when a load is still writing a quarantine file."""
    folder = quarantine_dir if quarantine_dir is not None else store.settings.loads_dir / "quarantine"

    def work(run: QueryRunner) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        rows = run("erasure.delete_customer", {"customerId": customer_id})
        if not rows:
            return None
        return rows[0], reresolve_profiles(run, sorted(rows[0]["shrunk"]))

    # the files first: when a running load holds one, nothing is erased yet and the request can simply be repeated
    files = erase_quarantined(folder, customer_id, wait_s=QUARANTINE_WAIT_S)
    graph = store.write_together(work)
    if graph is None and files.rows_removed == 0:
        raise NotFound(f"no customer {customer_id!r}", details={"customerId": customer_id})
    return _receipt(customer_id, graph, files, tx_log_retention(store))


def tx_log_retention(store: Store) -> dict[str, Any]:
    """The server's transaction-log retention policy, and what it means for erased data."""
    try:
        rows = store.query("erasure.get_tx_log_retention", {"settings": [RETENTION_SETTING]})
    except GraphEngineError:
        rows = []
    policy = rows[0]["value"] if rows else None
    kept = f"under {RETENTION_SETTING}={policy}" if policy else "under the server's retention policy (not readable)"
    return {
        "setting": RETENTION_SETTING,
        "retentionPolicy": policy,
        "statement": f"erased data remains in Neo4j's transaction logs until they rotate out, {kept}; "
        "backups taken before the erasure still hold it",
    }


def _receipt(
    customer_id: str,
    graph: tuple[dict[str, Any], list[dict[str, Any]]] | None,
    files: QuarantineErasure,
    retention: dict[str, Any],
) -> dict[str, Any]:
    row, revised = graph if graph is not None else ({}, [])
    removed: dict[str, Any] = {k: row.get(k, 0) for k in _REMOVED}
    removed["socialAccounts"] = row.get("accounts", 0)
    removed["quarantinedRows"] = files.rows_removed
    kept: dict[str, Any] = {k: row.get(k, 0) for k in _KEPT}
    kept["linkedCustomers"] = row.get("linkedCustomers", [])
    return {
        "customerId": customer_id,
        "erasedAt": dt.datetime.now(dt.UTC).isoformat(),
        "removed": removed,
        "kept": kept,
        "profiles": {
            "removed": sorted(row.get("removedProfiles", [])),
            "leftAlone": sorted(set(row.get("alone", [])) | {c for r in revised for c in r["alone"]}),
            "reresolved": revised,
        },
        "quarantine": files.to_dict(),
        "transactionLog": retention,
        "notes": list(NOTES),
    }


__all__ = ["erase_customer", "tx_log_retention"]
