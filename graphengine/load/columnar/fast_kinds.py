"""Vectorised validation of whole purchase and event tables (source text, one string column per source column).

:func:`fast_params` returns, per row, whether it is certainly valid (:mod:`graphengine.load.columnar.fast_rules`)
and the parameter table the row path (``kind.params(model_validate(row))``) would give it, in the fact schemas of
:mod:`graphengine.load.columnar.schemas`. Rows that are not certainly valid, and test rows, take the row path.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from graphengine.load.columnar import fast_rules as fr
from graphengine.load.columnar.schemas import EVENT_SCHEMA, LINE_SCHEMA
from graphengine.model.events import EVENT_TYPES
from graphengine.model.rules import MAX_AMOUNT, MAX_QUANTITY, ValueRules

TEST_MARKERS = ("isTest", "is_test", "test")
TEST_PREFIXES = ("test-", "test_", "dummy-", "dummy_")
FIELDS = {
    "purchases": ("orderId", "lineId", "customerId", "productId", "quantity", "amount", "at", "channelId"),
    "events": (
        "eventId",
        "customerId",
        "type",
        "at",
        "channelId",
        "sessionId",
        "productId",
        "value",
        "query",
        "resultCount",
    ),
}


def _col(table: pa.Table, name: str) -> pa.Array | None:
    return table.column(name).combine_chunks() if name in table.column_names else None


def _required(table: pa.Table, name: str) -> pa.Array:
    """A column the kind requires (the loader has checked that the source has it)."""
    column = _col(table, name)
    if column is None:
        raise KeyError(name)
    return column


def _not_test(table: pa.Table, first_key: str) -> pa.Array:
    """False for rows the row path quarantines as test rows (a marker column set, or a test id prefix): any
    non-empty marker takes the row path, which judges it."""
    keep = pa.array([True] * table.num_rows, pa.bool_())
    for marker in TEST_MARKERS:
        col = _col(table, marker)
        if col is not None:
            keep = pc.and_(keep, pc.equal(col, ""))
    col = _col(table, first_key)
    if col is not None:
        lowered = pc.utf8_lower(col)
        for prefix in TEST_PREFIXES:
            keep = pc.and_(keep, pc.invert(pc.starts_with(lowered, prefix)))
    return pc.fill_null(keep, False)


def _all(masks: list[pa.Array]) -> pa.Array:
    out = masks[0]
    for mask in masks[1:]:
        out = pc.and_(out, mask)
    return out


def _purchases(table: pa.Table, rules: ValueRules, source: str) -> tuple[pa.Array, pa.Table]:
    n = table.num_rows
    order_ok, order = fr.key(_required(table, "orderId"))
    customer_ok, customer = fr.key(_required(table, "customerId"))
    product_ok, product = fr.key(_required(table, "productId"))
    line_ok, line = fr.optional_text(_col(table, "lineId"), n)
    quantity_ok, quantity = fr.quantity(_col(table, "quantity"), n, MAX_QUANTITY)
    amount_ok, amount = fr.money(_required(table, "amount"), MAX_AMOUNT)
    at_ok, at, instant = fr.timestamp(_required(table, "at"), rules)
    channel_ok, channel = fr.optional_text(_col(table, "channelId"), n)
    default_line = pc.binary_join_element_wise(order, product, ":")
    line = pc.coalesce(line, default_line)
    ok = _all([order_ok, customer_ok, product_ok, line_ok, quantity_ok, amount_ok, at_ok, channel_ok])
    ok = pc.and_(ok, _not_test(table, "lineId"))
    out = pa.Table.from_arrays(
        [line, order, customer, product, quantity, amount, at, channel, pa.array([source] * n, pa.string()), instant],
        schema=LINE_SCHEMA,
    )
    return ok, out


def _events(table: pa.Table, rules: ValueRules, source: str) -> tuple[pa.Array, pa.Table]:
    n = table.num_rows
    event_ok, event = fr.key(_required(table, "eventId"))
    customer_ok, customer = fr.key(_required(table, "customerId"))
    channel_ok, channel = fr.key(_required(table, "channelId"))
    type_ok, kind = fr.one_of(_required(table, "type"), EVENT_TYPES)
    at_ok, at, instant = fr.timestamp(_required(table, "at"), rules)
    session_ok, session = fr.optional_text(_col(table, "sessionId"), n)
    product_ok, product = fr.optional_text(_col(table, "productId"), n)
    value_ok, value = fr.optional_signed(_col(table, "value"), n, MAX_AMOUNT)
    query_ok, query = fr.optional_text(_col(table, "query"), n)
    count_ok, count = fr.optional_count(_col(table, "resultCount"), n)
    needs_product = pc.is_in(kind, value_set=pa.array(["view", "cart"]))
    product_named = pc.or_(pc.invert(pc.fill_null(needs_product, False)), pc.is_valid(product))
    ok = _all([event_ok, customer_ok, channel_ok, type_ok, at_ok, session_ok, product_ok, value_ok, query_ok, count_ok])
    ok = pc.and_(pc.and_(ok, product_named), _not_test(table, "eventId"))
    out = pa.Table.from_arrays(
        [
            event,
            customer,
            kind,
            at,
            channel,
            session,
            product,
            value,
            query,
            count,
            pa.array([source] * n, pa.string()),
            instant,
        ],
        schema=EVENT_SCHEMA,
    )
    return ok, out


FAST = {"purchases": _purchases, "events": _events}


def fast_params(kind: str, table: pa.Table, rules: ValueRules, source: str) -> tuple[pa.Array, pa.Table]:
    """``(ok, params)`` for every row of ``table`` (see the module docstring)."""
    return FAST[kind](table, rules, source)


__all__ = ["FAST", "FIELDS", "TEST_MARKERS", "fast_params"]
