"""The column layouts of the fact tables the import keeps (order lines and events), and row-path params in them.

``at`` is the ISO-8601 text the row path stores, ``_at`` the same instant in UTC (for ordering and ranges).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

INSTANT = pa.timestamp("us", tz="UTC")
LINE_SCHEMA = pa.schema(
    [
        ("lineId", pa.string()),
        ("orderId", pa.string()),
        ("customerId", pa.string()),
        ("productId", pa.string()),
        ("quantity", pa.int64()),
        ("amount", pa.float64()),
        ("at", pa.string()),
        ("channelId", pa.string()),
        ("source", pa.string()),
        ("_at", INSTANT),
    ]
)
EVENT_SCHEMA = pa.schema(
    [
        ("eventId", pa.string()),
        ("customerId", pa.string()),
        ("type", pa.string()),
        ("at", pa.string()),
        ("channelId", pa.string()),
        ("sessionId", pa.string()),
        ("productId", pa.string()),
        ("value", pa.float64()),
        ("query", pa.string()),
        ("resultCount", pa.int64()),
        ("source", pa.string()),
        ("_at", INSTANT),
    ]
)
SCHEMAS = {"purchases": LINE_SCHEMA, "events": EVENT_SCHEMA}


def instants(at: pa.Array) -> pa.Array:
    """ISO-8601 texts with offsets → UTC instants (Python reads the rare offsets with seconds that Arrow does not,
    e.g. a zone's local mean time before 1900)."""
    try:
        return pc.cast(at, INSTANT)
    except pa.ArrowInvalid:
        utc = [None if t is None else dt.datetime.fromisoformat(t).astimezone(dt.UTC) for t in at.to_pylist()]
        return pa.array(utc, INSTANT)


def params_table(kind: str, rows: list[dict[str, Any]], source: str) -> pa.Table:
    """Row-path params (``kind.params``) of ``kind`` as a fact table."""
    schema = SCHEMAS[kind]
    names = [f.name for f in schema if f.name not in ("source", "_at")]
    columns = {name: [row.get(name) for row in rows] for name in names}
    arrays = [pa.array(columns[name], schema.field(name).type) for name in names]
    at = arrays[names.index("at")]
    table = pa.Table.from_arrays([*arrays, pa.array([source] * len(rows), pa.string()), instants(at)], schema=schema)
    return table


__all__ = ["EVENT_SCHEMA", "INSTANT", "LINE_SCHEMA", "SCHEMAS", "instants", "params_table"]
