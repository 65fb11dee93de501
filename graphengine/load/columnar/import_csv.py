"""The facts as ``neo4j-admin import`` CSVs, written and read back column by column.

:func:`write_fact_csvs` derives the PURCHASED aggregates (a group-by of the final lines), the event links and the
NEXT chains (a sort), and writes one CSV per label and type straight from the tables. :func:`check_fact_csv` reads
a written file back with the types its header declares — what the import tool will read — and refuses a record
that does not parse, a non-finite number or an empty id, before the server is stopped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from graphengine.errors import ValidationFailed
from graphengine.load.columnar.facts import FactStore

AMOUNT_DIGITS = 6  # sums in any order agree to the micro-unit, as the queries round them


def _rounded(sums: np.ndarray) -> pa.Array:
    """Sums rounded to :data:`AMOUNT_DIGITS` decimals as Python's correctly rounded ``round`` does. Scaled, rounded
    to a whole number and scaled back, a sum lands on the same double unless its scaled value is within a hair of
    a half; those few are rounded by ``round`` itself."""
    scale = 10.0**AMOUNT_DIGITS
    scaled = sums * scale
    out = np.rint(scaled) / scale
    near_half = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    for i in near_half.tolist():
        out[i] = round(float(sums[i]), AMOUNT_DIGITS)
    return pa.array(out, pa.float64())


PURCHASED_COLUMNS = {
    ":START_ID(Customer)": pa.string(),
    ":END_ID(Product)": pa.string(),
    "count:long": pa.int64(),
    "quantity:long": pa.int64(),
    "amount:double": pa.float64(),
    "firstAt:datetime": pa.string(),
    "lastAt:datetime": pa.string(),
    "orders:long": pa.int64(),
}


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Integer codes of a string column (in order of first appearance) and the distinct values."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary


def purchased(lines: pa.Table) -> pa.Table:
    """PURCHASED of every (customer, product) pair, from its lines: count, quantity, amount, orders, firstAt,
    lastAt (the times as the earliest and latest line wrote them). Pairs and orders are grouped as integer codes
    with numpy (a sort and segment sums), which keeps memory near the size of the lines."""
    n = lines.num_rows
    if n == 0:
        return pa.table({name: pa.array([], kind) for name, kind in PURCHASED_COLUMNS.items()})
    customer, customers = _codes(lines.column("customerId"))
    product, products = _codes(lines.column("productId"))
    order, _ = _codes(lines.column("orderId"))
    pair = customer * max(len(products), 1) + product
    at = lines.column("_at").combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    by_time = np.lexsort((at, pair))  # stable: equal times keep file order
    sorted_pair = pair[by_time]
    starts = np.flatnonzero(np.r_[True, sorted_pair[1:] != sorted_pair[:-1]])
    ends = np.r_[starts[1:], n] - 1
    quantity = lines.column("quantity").combine_chunks().to_numpy(zero_copy_only=False)[by_time]
    amount = lines.column("amount").combine_chunks().to_numpy(zero_copy_only=False)[by_time]
    by_order = np.lexsort((order, pair))
    pair_o, order_o = pair[by_order], order[by_order]
    new_order = np.r_[True, (pair_o[1:] != pair_o[:-1]) | (order_o[1:] != order_o[:-1])]
    at_text = lines.column("at").combine_chunks()
    first_pair = sorted_pair[starts]
    return pa.table(
        {
            ":START_ID(Customer)": customers.take(pa.array(first_pair // max(len(products), 1))),
            ":END_ID(Product)": products.take(pa.array(first_pair % max(len(products), 1))),
            "count:long": pa.array(np.diff(np.r_[starts, n]), pa.int64()),
            "quantity:long": pa.array(np.add.reduceat(quantity, starts), pa.int64()),
            "amount:double": _rounded(np.add.reduceat(amount, starts)),
            "firstAt:datetime": at_text.take(pa.array(by_time[starts])),
            "lastAt:datetime": at_text.take(pa.array(by_time[ends])),
            "orders:long": pa.array(np.add.reduceat(new_order.astype(np.int64), starts), pa.int64()),
        }
    )


def next_links(events: pa.Table) -> pa.Table:
    """NEXT between each customer's consecutive events in (at, eventId) order."""
    ordered = events.select(["customerId", "_at", "eventId"]).sort_by(
        [("customerId", "ascending"), ("_at", "ascending"), ("eventId", "ascending")]
    )
    n = ordered.num_rows
    if n < 2:
        return pa.table({":START_ID(Event)": pa.array([], pa.string()), ":END_ID(Event)": pa.array([], pa.string())})
    customers, ids = ordered.column("customerId"), ordered.column("eventId")
    same = pc.equal(customers.slice(0, n - 1), customers.slice(1))
    return pa.table({":START_ID(Event)": ids.slice(0, n - 1).filter(same), ":END_ID(Event)": ids.slice(1).filter(same)})


# Fact table column → import CSV header (the key column is the node's id; an event's sources are a list).
LINE_HEADERS = {
    "lineId": "lineId:ID(OrderLine)",
    "orderId": "orderId:string",
    "customerId": "customerId:string",
    "productId": "productId:string",
    "quantity": "quantity:long",
    "amount": "amount:double",
    "at": "at:datetime",
    "channelId": "channelId:string",
    "source": "source:string",
}
EVENT_HEADERS = {
    "eventId": "eventId:ID(Event)",
    "type": "type:string",
    "sessionId": "sessionId:string",
    "query": "query:string",
    "resultCount": "resultCount:long",
    "value": "value:double",
    "at": "at:datetime",
    "customerId": "customerId:string",
    "channelId": "channelId:string",
    "productId": "productId:string",
    "source": "sources:string[]",
}


def _with_headers(table: pa.Table, headers: dict[str, str]) -> pa.Table:
    return pa.table({header: table.column(name) for name, header in headers.items()})


def _link(events: pa.Table, start: tuple[str, str], end: tuple[str, str]) -> pa.Table:
    table = events.filter(pc.is_valid(events.column(end[1])))
    return pa.table({f":START_ID({start[0]})": table.column(start[1]), f":END_ID({end[0]})": table.column(end[1])})


def write_fact_csvs(facts: FactStore, folder: Path) -> tuple[list[str], list[str]]:
    """Write the fact CSVs into ``folder``; returns the ``--nodes``/``--relationships`` arguments."""
    lines, events = facts.final_lines(), facts.final_events()
    nodes = {"OrderLine": _with_headers(lines, LINE_HEADERS), "Event": _with_headers(events, EVENT_HEADERS)}
    rels = {
        "PURCHASED": purchased(lines),
        "PERFORMED": _link(events, ("Customer", "customerId"), ("Event", "eventId")),
        "VIA": _link(events, ("Event", "eventId"), ("Channel", "channelId")),
        "ABOUT": _link(events, ("Event", "eventId"), ("Product", "_about")),
        "NEXT": next_links(events),
    }
    node_args, rel_args = [], []
    for label, table in nodes.items():
        if table.num_rows:
            path = folder / f"nodes-{label}.csv"
            pacsv.write_csv(table, path)
            node_args.append(f"--nodes={label}={path}")
    for rel_type, table in rels.items():
        if table.num_rows:
            path = folder / f"rels-{rel_type}.csv"
            pacsv.write_csv(table, path)
            rel_args.append(f"--relationships={rel_type}={path}")
    return node_args, rel_args


_TYPES = {"long": pa.int64(), "double": pa.float64(), "datetime": pa.timestamp("us", tz="UTC"), "boolean": pa.bool_()}


def _refuse(path: Path, column: str, problem: str) -> ValidationFailed:
    return ValidationFailed(
        f"import file {path.name}, column {column}: {problem}. The import was stopped before the server was; "
        "nothing was changed.",
        details={"file": str(path), "column": column, "problem": problem},
    )


def check_fact_csv(path: Path) -> int:
    """Read a fact CSV back with its header's types; returns the record count (see the module docstring)."""
    try:
        header = pacsv.open_csv(path).schema.names
    except (pa.ArrowInvalid, OSError) as exc:
        raise _refuse(path, "*", f"not readable as CSV ({exc})") from None
    types = {name: _TYPES.get(name.rpartition(":")[2], pa.string()) for name in header}
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise _refuse(path, "*", f"not readable with its declared types ({exc})") from None
    for name in header:
        column = table.column(name)
        kind = name.rpartition(":")[2]
        if "ID(" in kind and (column.null_count or pc.any(pc.equal(column, "")).as_py()):
            raise _refuse(path, name, "an id is empty")
        if kind == "double" and pc.all(pc.is_finite(column)).as_py() is False:
            raise _refuse(path, name, "a number is not finite")
    return int(table.num_rows)


__all__ = ["check_fact_csv", "next_links", "purchased", "write_fact_csvs"]
