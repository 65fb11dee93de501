"""Purchase lines as arrays, and the per-customer repeat-purchase summary the lifetime models use.

Repeat transactions are counted per distinct day: the lines of one customer on one (UTC) day are one
transaction whose value is the sum of their amounts. For a customer first seen on day ``f`` and an
observation end ``E`` (exclusive), ``frequency`` = transaction days − 1, ``recency`` = last day − ``f`` and
``age`` (T) = ``E − f`` in days; ``monetary`` is the mean value of the repeat transactions (0 without any).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.store import Store

DAY_MS = 86_400_000


@dataclass(frozen=True)
class Lines:
    """Purchase lines: customer id, order id, UTC day number (days since 1970-01-01) and amount per line."""

    customers: NDArray[np.str_]
    orders: NDArray[np.str_]
    days: NDArray[np.int64]
    amounts: NDArray[np.float64]

    def __post_init__(self) -> None:
        n = len(self.customers)
        if not (len(self.orders) == len(self.days) == len(self.amounts) == n):
            raise AnalysisError("purchase-line arrays must have one value per line")
        if n and not np.all(np.isfinite(self.amounts)):
            raise AnalysisError("purchase lines with a non-finite amount")

    def __len__(self) -> int:
        return len(self.customers)

    def before(self, day: int) -> Lines:
        """The lines on days before ``day``."""
        keep = self.days < day
        return Lines(self.customers[keep], self.orders[keep], self.days[keep], self.amounts[keep])


def read_lines(store: Store) -> Lines:
    """Every OrderLine of the graph (a line without an amount counts 0; a line without a time is skipped)."""
    row = store.query("value.stream_purchase_lines")[0]
    return Lines(
        np.asarray(row["customers"], dtype=str),
        np.asarray(row["orders"], dtype=str),
        np.asarray(row["atMs"], dtype=np.int64) // DAY_MS,
        np.asarray(row["amounts"], dtype=np.float64),
    )


def period_of(days: NDArray[np.int64] | int, period_days: int) -> NDArray[np.int64]:
    """The period number of day numbers: the day itself, or the Monday-based week when ``period_days`` is 7."""
    if period_days not in (1, 7):
        raise AnalysisError(f"the repeat-purchase period is 1 (day) or 7 (week) days, not {period_days}")
    return np.asarray((np.asarray(days, dtype=np.int64) + (3 if period_days == 7 else 0)) // period_days)


@dataclass(frozen=True)
class RepeatSummary:
    """Per customer (sorted ids): repeat frequency, recency and age in periods, and mean repeat value."""

    ids: NDArray[np.str_]
    frequency: NDArray[np.float64]
    recency: NDArray[np.float64]
    age: NDArray[np.float64]
    monetary: NDArray[np.float64]
    period_days: int


def repeat_summary(lines: Lines, end_day: int, period_days: int = 1) -> RepeatSummary:
    """The summary of the lines before ``end_day`` (customers with no line before it are absent).

    ``age`` runs to the period of the last day observed (``end_day - 1``), as in ``lifetimes``."""
    lines = lines.before(end_day)
    ids, cust = np.unique(lines.customers, return_inverse=True)
    periods = period_of(lines.days, period_days)
    base = int(periods.min(initial=0))
    span = np.int64(int(periods.max(initial=0)) - base + 1)
    # One transaction per (customer, period): value = the period's total.
    keys = cust.astype(np.int64) * span + (periods - base)
    period_keys, period_of_line = np.unique(keys, return_inverse=True)
    values = np.bincount(period_of_line, weights=lines.amounts, minlength=len(period_keys))
    owner = (period_keys // span).astype(np.int64)
    when = (period_keys % span).astype(np.int64) + base
    n = len(ids)
    count = np.bincount(owner, minlength=n)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, owner, when)
    last = np.zeros(n, dtype=np.int64)
    np.maximum.at(last, owner, when)
    total = np.bincount(owner, weights=values, minlength=n)
    first_value = np.zeros(n)
    is_first = when == first[owner]
    first_value[owner[is_first]] = values[is_first]
    frequency = (count - 1).astype(np.float64)
    monetary = np.divide(total - first_value, frequency, out=np.zeros(n), where=frequency > 0)
    end_period = int(period_of(end_day - 1, period_days))
    return RepeatSummary(
        ids,
        frequency,
        (last - first).astype(np.float64),
        (end_period - first).astype(np.float64),
        monetary,
        period_days,
    )


def holdout_counts(
    lines: Lines, ids: NDArray[np.str_], start_day: int, end_day: int, period_days: int = 1
) -> NDArray[np.float64]:
    """Distinct periods with a purchase on days ``[start_day, end_day)`` for each of ``ids`` (sorted; 0 for a
    customer without any)."""
    keep = (lines.days >= start_day) & (lines.days < end_day)
    customers, periods = lines.customers[keep], period_of(lines.days[keep], period_days)
    index = np.minimum(np.searchsorted(ids, customers), max(len(ids) - 1, 0))
    known = (ids[index] == customers) if len(ids) else np.zeros(len(customers), dtype=bool)
    pairs = np.unique(np.stack([index[known], periods[known]]), axis=1)
    return np.bincount(pairs[0], minlength=len(ids)).astype(np.float64)
