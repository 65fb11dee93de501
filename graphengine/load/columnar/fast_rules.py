"""Vectorised value checks for string columns, as the record models judge them, but only for plain spellings.

Each check takes a column of source text (a CSV cell each) and returns ``(ok, value)``: ``ok`` is true where the
cell is certainly accepted by the model's field and ``value`` is then exactly what the model makes of it. Where
``ok`` is false the row is not refused here: it goes through the model (pydantic) row by row, which accepts it or
words the reason. So the checks may be strict (a leading zero, a fraction of a second, an exotic number spelling
all take the row path) but never looser than the model.
"""

from __future__ import annotations

import datetime as dt
import sys

import pyarrow as pa
import pyarrow.compute as pc

from graphengine.model.rules import MAX_OFFSET, ValueRules

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# Python's whitespace (what ``str.strip`` removes, as the models do): a cell that starts or ends with any of it
# takes the row path.
_SPACE = "".join(f"\\x{{{c:04x}}}" for c in range(sys.maxunicode + 1) if chr(c).isspace())  # RE2 escapes
_EDGE_SPACE = f"^[{_SPACE}]|[{_SPACE}]$"
_MONEY = r"^[0-9]{1,10}(\.[0-9]{1,9})?$"
_SIGNED = r"^-?[0-9]{1,10}(\.[0-9]{1,9})?$"
_POSITIVE_INT = r"^[1-9][0-9]{0,5}$"
_COUNT = r"^(0|[1-9][0-9]{0,11})$"
# A date-time in the form Python's isoformat writes, seconds precision, with an offset (Z or ±HH:MM) or none.
_CANONICAL = r"^.{10}T.{8}[+-][0-9]{2}:[0-9]{2}$"  # already as Python's isoformat writes it
_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$"


def _true(n: int) -> pa.Array:
    return pa.array([True] * n, pa.bool_()) if n else pa.array([], pa.bool_())


def _fill(mask: pa.Array) -> pa.Array:
    return pc.fill_null(mask, False)


def plain_text(col: pa.Array) -> pa.Array:
    """True where a non-empty cell has no surrounding whitespace (so stripping changes nothing)."""
    return _fill(pc.and_(pc.invert(pc.match_substring_regex(col, _EDGE_SPACE)), pc.not_equal(col, "")))


def key(col: pa.Array, max_len: int = 200) -> tuple[pa.Array, pa.Array]:
    """A required id: 1…``max_len`` characters."""
    ok = pc.and_(plain_text(col), pc.less_equal(pc.utf8_length(col), max_len))
    return _fill(ok), col


def optional_text(col: pa.Array | None, n: int, max_len: int = 1000) -> tuple[pa.Array, pa.Array]:
    """An optional string: an empty cell is absent (null), anything else is kept if plain and short enough."""
    if col is None:
        return _true(n), pa.nulls(n, pa.string())
    empty = pc.equal(col, "")
    ok = pc.or_(empty, pc.and_(plain_text(col), pc.less_equal(pc.utf8_length(col), max_len)))
    value = pc.if_else(empty, pa.scalar(None, pa.string()), col)
    return _fill(ok), value


def _number(col: pa.Array, pattern: str, to: pa.DataType) -> tuple[pa.Array, pa.Array]:
    ok = _fill(pc.match_substring_regex(col, pattern))
    value = pc.cast(pc.if_else(ok, col, pa.scalar("0")), to)
    return ok, value


def money(col: pa.Array, maximum: float) -> tuple[pa.Array, pa.Array]:
    """A required amount in 0 … ``maximum``."""
    ok, value = _number(col, _MONEY, pa.float64())
    return _fill(pc.and_(ok, pc.less_equal(value, maximum))), value


def optional_signed(col: pa.Array | None, n: int, maximum: float) -> tuple[pa.Array, pa.Array]:
    """An optional number in ±``maximum``; an empty cell is absent."""
    if col is None:
        return _true(n), pa.nulls(n, pa.float64())
    empty = pc.equal(col, "")
    ok, value = _number(col, _SIGNED, pa.float64())
    ok = pc.or_(empty, pc.and_(ok, pc.less_equal(pc.abs(value), maximum)))
    return _fill(ok), pc.if_else(empty, pa.scalar(None, pa.float64()), value)


def quantity(col: pa.Array | None, n: int, maximum: int, default: int = 1) -> tuple[pa.Array, pa.Array]:
    """A whole number in 1 … ``maximum``; an empty cell (or no column) is ``default``."""
    if col is None:
        return _true(n), pa.array([default] * n, pa.int64())
    empty = pc.equal(col, "")
    ok, value = _number(col, _POSITIVE_INT, pa.int64())
    ok = pc.or_(empty, pc.and_(ok, pc.less_equal(value, maximum)))
    return _fill(ok), pc.if_else(empty, pa.scalar(default, pa.int64()), value)


def optional_count(col: pa.Array | None, n: int) -> tuple[pa.Array, pa.Array]:
    """An optional count ≥ 0 (at most 12 digits, inside the models' bound); an empty cell is absent."""
    if col is None:
        return _true(n), pa.nulls(n, pa.int64())
    empty = pc.equal(col, "")
    ok, value = _number(col, _COUNT, pa.int64())
    return _fill(pc.or_(empty, ok)), pc.if_else(empty, pa.scalar(None, pa.int64()), value)


def one_of(col: pa.Array, allowed: tuple[str, ...]) -> tuple[pa.Array, pa.Array]:
    return _fill(pc.is_in(col, value_set=pa.array(allowed, pa.string()))), col


def timestamp(col: pa.Array, rules: ValueRules) -> tuple[pa.Array, pa.Array, pa.Array]:
    """A required time → ``(ok, text, instant)``: ``text`` is the ISO-8601 form the row path stores
    (``YYYY-MM-DDTHH:MM:SS+HH:MM``), ``instant`` the UTC timestamp (for ranges and ordering). A time without an
    offset is only taken here when the rules read it in UTC; any other zone takes the row path."""
    shaped = _fill(pc.match_substring_regex(col, _TIME))
    safe = pc.if_else(shaped, col, pa.scalar("2000-01-01T00:00:00+00:00"))
    local_text = pc.replace_substring(pc.utf8_slice_codeunits(safe, 0, 19), " ", "T")
    local, real = _local_times(local_text)
    suffix = pc.utf8_slice_codeunits(safe, 19)
    zoned = pc.not_equal(suffix, "")
    if not _utc(rules):
        shaped = pc.and_(shaped, zoned)
    utc = pc.or_(pc.invert(zoned), pc.equal(suffix, "Z"))
    offset_text = pc.if_else(utc, pa.scalar("+00:00"), suffix)
    sign = pc.if_else(pc.starts_with(offset_text, "-"), pa.scalar(-1, pa.int64()), pa.scalar(1, pa.int64()))
    hours = pc.cast(pc.utf8_slice_codeunits(offset_text, 1, 3), pa.int64())
    minutes = pc.cast(pc.utf8_slice_codeunits(offset_text, 4, 6), pa.int64())
    offset_s = pc.multiply(sign, pc.add(pc.multiply(hours, 3600), pc.multiply(minutes, 60)))
    offset_ok = pc.and_(pc.less(minutes, 60), pc.less_equal(pc.abs(offset_s), int(MAX_OFFSET.total_seconds())))
    # "-00:00" is read as UTC and written "+00:00", as Python does
    offset_text = pc.if_else(pc.equal(offset_s, 0), pa.scalar("+00:00"), offset_text)
    rewrite = pc.or_(pc.invert(pc.match_substring_regex(safe, _CANONICAL)), pc.starts_with(suffix, "-00:00"))
    local_s = pc.cast(pc.cast(pc.fill_null(local, 0), pa.int64()), pa.int64())
    instant_s = pc.subtract(local_s, offset_s)
    instant_us = pc.multiply(instant_s, 1_000_000)
    lo, hi = (_micros(t) for t in (rules.earliest, rules.latest))
    inside = pc.and_(pc.greater_equal(instant_us, lo), pc.less(instant_us, hi))
    ok = _fill(pc.and_(pc.and_(shaped, real), pc.and_(offset_ok, inside)))
    if pc.any(rewrite).as_py():
        text = pc.if_else(rewrite, pc.binary_join_element_wise(local_text, offset_text, ""), safe)
    else:  # the usual case: every cell is already written as the row path writes it
        text = safe
    instant = pc.cast(instant_us, pa.timestamp("us", tz="UTC"))
    return ok, text, instant


def _local_times(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``YYYY-MM-DDTHH:MM:SS`` texts → (timestamps, real): Arrow's strict parse when every text is a real time;
    otherwise strptime, which rolls impossible dates over (Feb 30 → Mar 2), so only a round trip to the same
    text counts as real."""
    try:
        return pc.cast(text, pa.timestamp("s")), pa.array([True] * len(text), pa.bool_())
    except pa.ArrowException:
        local = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
        return local, _fill(pc.equal(pc.strftime(local, format="%Y-%m-%dT%H:%M:%S"), text))


def _micros(time: dt.datetime) -> int:
    """Microseconds since the epoch, exactly (no float rounding of a bound with a fraction of a second)."""
    return (time - EPOCH) // dt.timedelta(microseconds=1)


def _utc(rules: ValueRules) -> bool:
    return rules.zone is dt.UTC


__all__ = [
    "key",
    "money",
    "one_of",
    "optional_count",
    "optional_signed",
    "optional_text",
    "plain_text",
    "quantity",
    "timestamp",
]
