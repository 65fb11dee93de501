"""The value rules every input record obeys, in every reader (CSV, JSONL, Parquet) and the API alike.

Numbers
    every float is finite (no NaN or ±Infinity, also not spelt as text); money (``amount``, ``price``) lies in
    ``0 … MAX_AMOUNT``, an event's ``value`` in ``±MAX_AMOUNT``, a ``quantity`` is a whole number in
    ``1 … MAX_QUANTITY``, counts (``followers``, ``resultCount``) in ``0 … MAX_COUNT``.
Times
    ISO-8601 text, a date, or a datetime (Parquet); between ``earliest`` (default 1900-01-01) and ``latest``
    (default 2100-01-01, exclusive); a UTC offset of at most ±18:00 (what Neo4j stores); a time without a zone is
    read in ``timezone`` (an IANA name, default UTC). Epoch numbers are refused unless ``epoch`` says they are
    seconds (``s``) or milliseconds (``ms``) — then they are accepted from every reader, as numbers or digits.

The rules travel as pydantic validation context (``model_validate(row, context={"rules": ValueRules(...)})``);
without a context the defaults apply (the API's case).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationInfo

MAX_AMOUNT = 1_000_000_000.0
MAX_QUANTITY = 100_000
MAX_COUNT = 1_000_000_000_000
MAX_OFFSET = dt.timedelta(hours=18)
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
Epoch = Literal["s", "ms"]
_DIGITS = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _zone(name: str) -> dt.tzinfo:
    if name.upper() in ("UTC", "Z"):
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as UTC or Europe/Stockholm") from None


@dataclass(frozen=True)
class ValueRules:
    """How times are read; see the module docstring."""

    timezone: str = "UTC"
    epoch: Epoch | None = None
    earliest: dt.datetime = EARLIEST
    latest: dt.datetime = LATEST
    zone: dt.tzinfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", _zone(self.timezone))
        if self.epoch not in (None, "s", "ms"):
            raise ValueError(f"epoch is 's' or 'ms', not {self.epoch!r}")
        if self.earliest.tzinfo is None or self.latest.tzinfo is None or self.earliest >= self.latest:
            raise ValueError("the accepted time range needs two zone-aware ends, earliest before latest")

    def describe(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "epoch": self.epoch,
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
        }


DEFAULT_RULES = ValueRules()


def rules_of(info: ValidationInfo | None) -> ValueRules:
    context = info.context if info is not None else None
    rules = context.get("rules") if isinstance(context, dict) else None
    return rules if isinstance(rules, ValueRules) else DEFAULT_RULES


def finite(value: Any) -> Any:
    """Refuse NaN and ±Infinity, given as numbers or as text ("inf", "NaN", "1e309"), and true/false (JSON and
    Parquet booleans are not numbers, as in a CSV)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    number = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value  # not a number: the field's own type check words the reason
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError("must be a finite number (not NaN or Infinity)")
    return value


def _from_epoch(value: float, rules: ValueRules) -> dt.datetime:
    if rules.epoch is None:
        raise ValueError(
            f"epoch number {value!r} given where a timestamp is expected; use ISO-8601, or say the unit (--epoch s|ms)"
        )
    seconds = value / 1000 if rules.epoch == "ms" else value
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"epoch {rules.epoch} out of range: {value!r}") from None


def _parse_text(text: str, rules: ValueRules) -> dt.datetime:
    text = text.strip()
    if _DIGITS.match(text) and (rules.epoch is not None or len(text) > 8):
        return _from_epoch(float(text), rules)
    try:  # offsets beyond ±18:00 (Python takes up to ±23:59) are refused by the caller
        return dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
    except ValueError:
        raise ValueError(f"not an ISO-8601 timestamp: {text!r}") from None


def timestamp(value: Any, info: ValidationInfo | None) -> Any:
    """Any accepted spelling of a time → a zone-aware datetime inside the accepted range (see the module)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    rules = rules_of(info)
    if isinstance(value, bool):
        raise ValueError("a timestamp cannot be true/false")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("a timestamp cannot be NaN or Infinity")
        value = _from_epoch(float(value), rules)
    elif isinstance(value, str):
        value = _parse_text(value, rules)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, dt.datetime):
        raise ValueError(f"not a timestamp: {value!r}")
    if value.tzinfo is None:
        try:
            value = value.replace(tzinfo=rules.zone)
            value.utcoffset()
        except (OverflowError, ValueError):
            raise ValueError(f"time {value!r} cannot be placed in zone {rules.timezone}") from None
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValueError(f"UTC offset {offset} is beyond ±18:00")
    try:
        inside = rules.earliest <= value < rules.latest
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError(
            f"time {value.isoformat()} is outside the accepted range "
            f"{rules.earliest.date().isoformat()} … {rules.latest.date().isoformat()}"
        )
    return value


__all__ = [
    "DEFAULT_RULES",
    "EARLIEST",
    "LATEST",
    "MAX_AMOUNT",
    "MAX_COUNT",
    "MAX_QUANTITY",
    "Epoch",
    "ValueRules",
    "finite",
    "rules_of",
    "timestamp",
]
