"""Writes for ``POST /events``: events and purchase lines through the loaders' own registered queries.

The records arrive validated (``EventIn``/``PurchaseIn``); here every reference (customer, channel, product)
is checked first, so a batch naming an unknown node is refused whole (``ValidationFailed`` with each rejected
row and its reasons) before anything is written. Then the rows go through ``load.merge_purchases`` and
``load.merge_events`` exactly as a file load would send them, in one transaction: an event that belongs to
another customer refuses the whole batch (``Conflict``, 409). Afterwards the touched customers' event chains are
re-linked in time order. Every write is a MERGE keyed by ``lineId``/``eventId``, so re-sending a batch after
a failure is safe, and a re-send with other values is a correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphengine.errors import Conflict, ValidationFailed
from graphengine.load import get_kind
from graphengine.load.chains import relink_event_chains
from graphengine.model import EventIn, PurchaseIn
from graphengine.store import Store
from graphengine.store.driver import QueryRunner

_REFS: tuple[tuple[str, str], ...] = (("customerId", "Customer"), ("channelId", "Channel"), ("productId", "Product"))


def _missing(store: Store, records: Sequence[EventIn | PurchaseIn]) -> dict[str, set[str]]:
    """Unknown ids per reference field, in one query (a purchase's channelId is informational and not checked)."""
    ids: dict[str, set[str]] = {field: set() for field, _ in _REFS}
    for r in records:
        for field, _ in _REFS:
            value = getattr(r, field, None)
            if value is not None and not (field == "channelId" and isinstance(r, PurchaseIn)):
                ids[field].add(value)
    params = {f"{field}s": sorted(values) for field, values in ids.items()}
    row = store.query("load.find_missing_references", params)[0]
    return {field: set(row[field]) for field, _ in _REFS}


def _rejections(records: Sequence[EventIn | PurchaseIn], missing: dict[str, set[str]]) -> list[dict[str, Any]]:
    rejected = []
    for index, record in enumerate(records):
        kind = "events" if isinstance(record, EventIn) else "purchases"
        reasons = [
            f"{field}: unknown {label} {value!r}"
            for field, label in _REFS
            if (value := getattr(record, field, None)) in missing.get(field, set())
            and not (field == "channelId" and kind == "purchases")
        ]
        if reasons:
            rejected.append({"kind": kind, "index": index, "reasons": reasons})
    return rejected


def _rows(kind_name: str, records: Sequence[EventIn | PurchaseIn], salt: str) -> list[dict[str, Any]]:
    kind = get_kind(kind_name)
    return [{**kind.params(r, salt), "_i": index} for index, r in enumerate(records)]


def _refused(kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"kind": kind, "index": r["i"], "reasons": [r["reason"]]} for r in rows]


def write_events(
    store: Store, events: Sequence[EventIn], purchases: Sequence[PurchaseIn], *, source: str, salt: str
) -> dict[str, Any]:
    """Write events and purchase lines in one transaction; returns counts and the customers touched.

    Raises ``ValidationFailed`` (unknown references, checked first) or ``Conflict`` (an eventId that belongs to
    another customer); either way nothing of the batch is kept."""
    records: list[EventIn | PurchaseIn] = [*events, *purchases]
    rejected = _rejections(records, _missing(store, records))
    if rejected:
        # indexes are per list, so renumber purchases from 0
        for row in rejected:
            if row["kind"] == "purchases":
                row["index"] -= len(events)
        raise ValidationFailed(
            f"{len(rejected)} of {len(records)} rows name unknown customers, channels or products; nothing was written",
            rejected=rejected,
            details={"rejected": rejected},
        )
    purchase_rows, event_rows = _rows("purchases", purchases, salt), _rows("events", events, salt)

    for kind_name, rows in (("purchases", purchase_rows), ("events", event_rows)):
        if rows:  # provenance in its own short transaction: a node every request touches is never held long
            store.write("load.merge_source", {"source": source, "party": "first", "kind": kind_name})
    customer_ids = sorted({r.customerId for r in records})

    def work(run: QueryRunner) -> None:
        run("load.lock_customers", {"customerIds": customer_ids})  # all of them, in one order, before anything
        refused: list[dict[str, Any]] = []
        for kind_name, rows in (("purchases", purchase_rows), ("events", event_rows)):
            if rows:
                refused += _refused(
                    kind_name, run(get_kind(kind_name).query, {"rows": rows, "source": source})[0]["rejected"]
                )
        if not refused:
            return
        claimed = [r for r in refused if any("belongs to another customer" in reason for reason in r["reasons"])]
        names = ", ".join(repr(event_rows[r["index"]]["eventId"]) for r in claimed)
        if claimed:
            raise Conflict(
                f"event(s) {names} belong to another customer; an event keeps the customer that first sent it; "
                "nothing was written",
                details={"rejected": refused},
            )
        raise ValidationFailed(
            f"{len(refused)} rows name unknown customers, channels or products; nothing was written",
            rejected=refused,
            details={"rejected": refused},
        )

    store.write_together(work)
    relinked = relink_event_chains(store, {e.customerId for e in events}) if events else 0
    return {
        "source": source,
        "events": len(events),
        "purchases": len(purchases),
        "customers": customer_ids,
        "relinkedCustomers": relinked,
    }


__all__ = ["write_events"]
