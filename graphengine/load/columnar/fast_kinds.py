"""Vectorised validation of whole purchase and event tables (source text, one string column per source column).

:func:`fast_params` returns, per row, whether it is certainly valid (:mod:`graphengine.load.columnar.fast_rules`)
and the parameter table the row path (``kind.params(model_validate(row))``) would give it, in the fact schemas of
:mod:`graphengine.load.columnar.schemas`. Rows that are not certainly valid, and test rows, take the row path.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from graphengine.load.columnar import fast_rules as fr
from graphengine.load.columnar.schemas import SCHEMAS
from graphengine.load.test_rows import TEST_KEY_PREFIXES, TEST_MARKER_COLUMNS
from graphengine.model.events import EVENT_TYPES
from graphengine.model.rules import MAX_AMOUNT, MAX_QUANTITY, ValueRules

Check = Callable[[pa.Array | None, int, ValueRules], tuple[pa.Array, pa.Array]]


def _key(col: pa.Array | None, n: int, rules: ValueRules) -> tuple[pa.Array, pa.Array]:
    return fr.key(_present(col))


def _text(col: pa.Array | None, n: int, rules: ValueRules) -> tuple[pa.Array, pa.Array]:
    return fr.optional_text(col, n)


def _money(col: pa.Array | None, n: int, rules: ValueRules) -> tuple[pa.Array, pa.Array]:
    return fr.money(_present(col), MAX_AMOUNT)


def _quantity(col: pa.Array | None, n: int, rules: ValueRules) -> tuple[pa.Array, pa.Array]:
    return fr.quantity(col, n, MAX_QUANTITY)


def _signed(col: pa.Array | None, n: int, rules: ValueRules) -> tuple[pa.Array, pa.Array]:
    return fr.optional_signed(col, n, MAX_AMOUNT)


def _count(col: pa.Array | None, n: int, rules: ValueRules) -> tuple[pa.Array, pa.Array]:
    return fr.optional_count(col, n)


def _event_type(col: pa.Array | None, n: int, rules: ValueRules) -> tuple[pa.Array, pa.Array]:
    return fr.one_of(_present(col), EVENT_TYPES)


# The check of every field each kind's model reads (``at`` is checked by fast_rules.timestamp), in schema order.
CHECKS: dict[str, dict[str, Check]] = {
    "purchases": {
        "lineId": _text,
        "orderId": _key,
        "customerId": _key,
        "productId": _key,
        "quantity": _quantity,
        "amount": _money,
        "channelId": _text,
    },
    "events": {
        "eventId": _key,
        "customerId": _key,
        "type": _event_type,
        "channelId": _key,
        "sessionId": _text,
        "productId": _text,
        "value": _signed,
        "query": _text,
        "resultCount": _count,
    },
}
FIRST_KEY = {"purchases": "lineId", "events": "eventId"}


def _present(col: pa.Array | None) -> pa.Array:
    """A column the kind requires (the loader has checked that the source has it)."""
    if col is None:
        raise ValueError("a required column is missing")
    return col


def _col(table: pa.Table, name: str) -> pa.Array | None:
    return table.column(name).combine_chunks() if name in table.column_names else None


def _not_test(table: pa.Table, first_key: str) -> pa.Array:
    """False for rows the row path quarantines as test rows (a marker column set, or a test id prefix): any
    non-empty marker takes the row path, which judges it."""
    keep = pa.array([True] * table.num_rows, pa.bool_())
    for marker in TEST_MARKER_COLUMNS:
        col = _col(table, marker)
        if col is not None:
            keep = pc.and_(keep, pc.equal(col, ""))
    col = _col(table, first_key)
    if col is not None:
        lowered = pc.utf8_lower(col)
        for prefix in TEST_KEY_PREFIXES:
            keep = pc.and_(keep, pc.invert(pc.starts_with(lowered, prefix)))
    return pc.fill_null(keep, False)


def _all(masks: list[pa.Array]) -> pa.Array:
    out = masks[0]
    for mask in masks[1:]:
        out = pc.and_(out, mask)
    return out


def _purchase_rules(values: dict[str, pa.Array]) -> pa.Array | None:
    """A line without lineId is keyed ``orderId:productId``."""
    default = pc.binary_join_element_wise(values["orderId"], values["productId"], ":")
    values["lineId"] = pc.coalesce(values["lineId"], default)
    return None


def _event_rules(values: dict[str, pa.Array]) -> pa.Array | None:
    """A view or cart event must name a product."""
    needs_product = pc.fill_null(pc.is_in(values["type"], value_set=pa.array(["view", "cart"])), False)
    return pc.or_(pc.invert(needs_product), pc.is_valid(values["productId"]))


ROW_RULES: dict[str, Callable[[dict[str, pa.Array]], pa.Array | None]] = {
    "purchases": _purchase_rules,
    "events": _event_rules,
}


def fast_params(kind: str, table: pa.Table, rules: ValueRules, source: str) -> tuple[pa.Array, pa.Table]:
    """``(ok, params)`` for every row of ``table`` (see the module docstring)."""
    n = table.num_rows
    masks, values = [], {}
    for name, check in CHECKS[kind].items():
        ok, values[name] = check(_col(table, name), n, rules)
        masks.append(ok)
    ok, values["at"], values["_at"] = fr.timestamp(_present(_col(table, "at")), rules)
    masks.append(ok)
    extra = ROW_RULES[kind](values)
    if extra is not None:
        masks.append(extra)
    masks.append(_not_test(table, FIRST_KEY[kind]))
    values["source"] = pa.array([source] * n, pa.string())
    schema = SCHEMAS[kind]
    return _all(masks), pa.Table.from_arrays([values[f.name] for f in schema], schema=schema)


__all__ = ["CHECKS", "fast_params"]
