"""The import's facts: order lines and events as tables, with the semantics of the ``load.*`` queries.

* An order line is keyed by ``lineId``; a later row of the same line replaces it (a correction, also to another
  pair). PURCHASED ``{count, quantity, amount, orders, firstAt, lastAt}`` of every pair is derived from the final
  lines by a group-by, as the online path recomputes it from the pair's lines.
* An event belongs to the customer that first sent it: a later row naming another customer is refused (its
  position comes back from :meth:`FactStore.add_events`); a re-send by the owner corrects it — properties it
  gives replace the old ones, properties it leaves out stay, and its VIA and ABOUT links are the ones it names.
  PERFORMED, VIA and ABOUT follow from the final events; NEXT links each customer's events in ``(at, eventId)``
  order, as ``load.relink_event_chains`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graphengine.load.columnar.schemas import EVENT_SCHEMA, LINE_SCHEMA

_EVENT_PROPS = ("type", "at", "channelId", "sessionId", "productId", "value", "query", "resultCount", "_at")


@dataclass
class FactStore:
    """Order lines and events added in load order (see the module docstring)."""

    lines: list[pa.Table] = field(default_factory=list)
    events: list[pa.Table] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)  # eventId → the customer that first sent it

    def add_lines(self, table: pa.Table) -> None:
        if table.num_rows:
            self.lines.append(table.cast(LINE_SCHEMA))

    def add_events(self, table: pa.Table) -> list[int]:
        """Add events; returns the positions of rows refused because their eventId belongs to another customer."""
        owners = self.owners
        refused = []
        ids = table.column("eventId").to_pylist()
        customers = table.column("customerId").to_pylist()
        for position, (event_id, customer) in enumerate(zip(ids, customers, strict=True)):
            if owners.setdefault(event_id, customer) != customer:
                refused.append(position)
        table = without(table, refused)
        if table.num_rows:
            self.events.append(table.cast(EVENT_SCHEMA))
        return refused

    def sources(self) -> list[str]:
        """The source names the events name (an event keeps the list of them)."""
        return sorted({s for t in self.events for s in pc.unique(t.column("source")).to_pylist()})

    # ------------------------------------------------------------------------------------ final state
    def final_lines(self) -> pa.Table:
        """Every line once, with the values of its last row."""
        table = pa.concat_tables(self.lines) if self.lines else LINE_SCHEMA.empty_table()
        return _last_per_key(table, "lineId")

    def final_events(self) -> pa.Table:
        """Every event once, the owner's rows folded in load order (see the module docstring), with ``_about``
        (the product its ABOUT link names, which a re-send without a product drops while the property stays)."""
        table = pa.concat_tables(self.events) if self.events else EVENT_SCHEMA.empty_table()
        table = table.append_column("_seq", pa.array(range(table.num_rows), pa.int64()))
        table = table.append_column("_about", table.column("productId"))
        counts = table.group_by("eventId").aggregate([("eventId", "count")])
        repeated = counts.filter(pc.greater(counts.column("eventId_count"), 1)).column("eventId")
        if len(repeated) == 0:
            return table.drop_columns(["_seq"])
        is_repeated = pc.is_in(table.column("eventId"), value_set=repeated)
        single = table.filter(pc.invert(is_repeated))
        folded = _fold_events(table.filter(is_repeated).sort_by([("_seq", "ascending")]).to_pylist())
        merged = pa.concat_tables([single, pa.Table.from_pylist(folded, schema=table.schema)])
        return merged.sort_by([("_seq", "ascending")]).drop_columns(["_seq"])


def without(table: pa.Table, positions: list[int]) -> pa.Table:
    """``table`` without the rows at ``positions``."""
    if not positions:
        return table
    rows = pa.array(range(table.num_rows), pa.int64())
    return table.filter(pc.invert(pc.is_in(rows, value_set=pa.array(positions, pa.int64()))))


def _last_per_key(table: pa.Table, key: str) -> pa.Table:
    """The last row of each ``key``, in the order of each key's first row (as a dict keeps its keys)."""
    positions = pa.array(range(table.num_rows), pa.int64())
    marked = table.append_column("_pos", positions)
    spans = marked.group_by(key, use_threads=False).aggregate([("_pos", "min"), ("_pos", "max")])
    order = pc.sort_indices(spans.column("_pos_min"))
    return table.take(pc.take(spans.column("_pos_max"), order))


def _fold_events(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fold the rows of repeated events (in load order) into one row each, at the place of its first row: given
    properties replace, absent ones stay; sources accumulate; ABOUT is the last row's product."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        event = out.get(row["eventId"])
        if event is None:
            out[row["eventId"]] = {**row, "source": [row["source"]]}
            continue
        event.update({k: row[k] for k in _EVENT_PROPS if row[k] is not None})
        if row["source"] not in event["source"]:
            event["source"].append(row["source"])
        event["_about"] = row["productId"]
    for event in out.values():
        event["source"] = ";".join(event["source"])
    return list(out.values())


__all__ = ["FactStore", "without"]
