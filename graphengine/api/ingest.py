"""Writes for ``POST /events``: events and purchase lines through the loaders' own registered queries.

The records arrive validated (``EventIn``/``PurchaseIn``); here every reference (customer, channel, product)
is checked first, so a batch naming an unknown node is refused whole (``ValidationFailed`` with each rejected
row and its reasons) before anything is written. Then the rows go through ``load.merge_purchases`` and
``load.merge_events`` exactly as a file load would send them, and the touched customers' event chains are
re-linked in time order. Every write is a MERGE keyed by ``lineId``/``eventId``, so re-sending a batch after
a failure is safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphengine.errors import ValidationFailed
from graphengine.load import get_kind
from graphengine.model import EventIn, PurchaseIn
from graphengine.store import Store

_REFS: tuple[tuple[str, str, str], ...] = (
    ("customerId", "Customer", "load.find_missing_customers"),
    ("channelId", "Channel", "load.find_missing_channels"),
    ("productId", "Product", "load.find_missing_products"),
)


def _missing(store: Store, records: Sequence[EventIn | PurchaseIn]) -> dict[str, set[str]]:
    """Unknown ids per reference field (a purchase's channelId is informational and not checked)."""
    out: dict[str, set[str]] = {}
    for field, _, query in _REFS:
        ids = {
            value
            for r in records
            if (value := getattr(r, field, None)) is not None
            and not (field == "channelId" and isinstance(r, PurchaseIn))
        }
        if ids:
            out[field] = set(store.query(query, {"ids": sorted(ids)})[0]["missing"])
    return out


def _rejections(records: Sequence[EventIn | PurchaseIn], missing: dict[str, set[str]]) -> list[dict[str, Any]]:
    rejected = []
    for index, record in enumerate(records):
        kind = "events" if isinstance(record, EventIn) else "purchases"
        reasons = [
            f"{field}: unknown {label} {value!r}"
            for field, label, _ in _REFS
            if (value := getattr(record, field, None)) in missing.get(field, set())
            and not (field == "channelId" and kind == "purchases")
        ]
        if reasons:
            rejected.append({"kind": kind, "index": index, "reasons": reasons})
    return rejected


def write_events(
    store: Store, events: Sequence[EventIn], purchases: Sequence[PurchaseIn], *, source: str, salt: str
) -> dict[str, Any]:
    """Write events and purchase lines; returns counts and the customers touched."""
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
    if purchases:
        kind = get_kind("purchases")
        store.write("load.merge_source", {"source": source, "party": "first", "kind": kind.name})
        store.write(kind.query, {"rows": [kind.params(p, salt) for p in purchases], "source": source})
    relinked = 0
    if events:
        kind = get_kind("events")
        store.write("load.merge_source", {"source": source, "party": "first", "kind": kind.name})
        store.write(kind.query, {"rows": [kind.params(e, salt) for e in events], "source": source})
        customer_ids = sorted({e.customerId for e in events})
        relinked = int(store.write("load.relink_event_chains", {"customerIds": customer_ids})[0]["customers"])
    return {
        "source": source,
        "events": len(events),
        "purchases": len(purchases),
        "customers": sorted({r.customerId for r in records}),
        "relinkedCustomers": relinked,
    }


__all__ = ["write_events"]
