"""RFM: recency, frequency and monetary value per customer from purchase lines, quantile scores and segments.

* **recency** = days from the customer's last purchase line to the reference day (default: the day of the
  latest line in the data, so a run is reproducible; a line on the reference day has recency 0);
* **frequency** = distinct orders (``orderId``; a line without one is its own order);
* **monetary** = total amount of all lines (``monetary="total"``, the default) or mean amount per order
  (``monetary="mean"``).

Scores run from 1 to ``bins`` (higher is better; recency is scored on its negation, so the most recent buyers
score highest). A customer's score is ``1 + floor(bins × below / n)`` where ``below`` is the number of customers
with a strictly worse value: equal values always get equal scores, whatever their order in the data, and the
worst value scores 1. With many ties a score can be skipped (a quantile with no customer of its own).

Segments come from a fixed grid on the recency score R and FM = the rounded-down mean of the frequency and
monetary scores, both first mapped to five levels (level = ceil(5 × score / bins)); see :data:`SEGMENT_GRID`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.analytics.runs import analysis_run, write_node_properties
from graphengine.errors import AnalysisError
from graphengine.store import Store
from graphengine.value.transactions import Lines, read_lines

# Rows: R level 5 (most recent) … 1; columns: FM level 1 … 5.
SEGMENT_GRID: dict[int, tuple[str, str, str, str, str]] = {
    5: ("new", "potential loyalist", "potential loyalist", "champions", "champions"),
    4: ("promising", "potential loyalist", "potential loyalist", "loyal", "champions"),
    3: ("about to sleep", "about to sleep", "needs attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at risk", "at risk", "cannot lose them"),
    1: ("lost", "lost", "hibernating", "at risk", "cannot lose them"),
}
SEGMENTS = sorted({name for row in SEGMENT_GRID.values() for name in row})


@dataclass(frozen=True)
class Rfm:
    """Per customer (sorted ids): raw values, scores 1…bins and the segment name."""

    ids: NDArray[np.str_]
    recency: NDArray[np.float64]
    frequency: NDArray[np.float64]
    monetary: NDArray[np.float64]
    r: NDArray[np.int64]
    f: NDArray[np.int64]
    m: NDArray[np.int64]
    segment: NDArray[np.str_]


def quantile_scores(values: NDArray[np.float64], bins: int) -> NDArray[np.int64]:
    """``1 + floor(bins × (number of strictly smaller values) / n)``: ties share a score, order-independent."""
    if bins < 2:
        raise AnalysisError(f"RFM needs at least 2 bins, not {bins}")
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    below = np.searchsorted(np.sort(values), values, side="left")
    return (1 + (bins * below) // len(values)).astype(np.int64)


def segment_of(r: NDArray[np.int64], fm: NDArray[np.int64], bins: int) -> NDArray[np.str_]:
    """The grid's segment for recency scores ``r`` and FM scores ``fm`` on a 1…``bins`` scale."""
    rl = np.ceil(5 * np.asarray(r) / bins).astype(int)
    fl = np.ceil(5 * np.asarray(fm) / bins).astype(int)
    table = np.array([SEGMENT_GRID[level] for level in (1, 2, 3, 4, 5)])
    return np.asarray(table[rl - 1, fl - 1], dtype=str)


def rfm(lines: Lines, *, bins: int = 5, monetary: str = "total", as_of_day: int | None = None) -> Rfm:
    """Recency (days), frequency (orders), monetary (total or mean per order), scores and segments."""
    if monetary not in ("total", "mean"):
        raise AnalysisError(f"monetary is total or mean, not {monetary!r}")
    if len(lines) == 0:
        raise AnalysisError("no purchase lines: RFM needs at least one purchase")
    ids, customer = np.unique(lines.customers, return_inverse=True)
    n = len(ids)
    reference = int(lines.days.max()) if as_of_day is None else as_of_day
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, customer, lines.days)
    recency = np.maximum(reference - last, 0).astype(np.float64)
    _, order = np.unique(lines.orders, return_inverse=True)
    distinct = np.unique(customer.astype(np.int64) * (int(order.max(initial=0)) + 1) + order)
    frequency = np.bincount(distinct // (int(order.max(initial=0)) + 1), minlength=n).astype(np.float64)
    total = np.bincount(customer, weights=lines.amounts, minlength=n).astype(np.float64)
    value = total if monetary == "total" else total / frequency
    r = quantile_scores(-recency, bins)
    f = quantile_scores(frequency, bins)
    m = quantile_scores(value, bins)
    fm = (f + m) // 2
    return Rfm(ids, recency, frequency, value, r, f, m, segment_of(r, fm, bins))


def run_rfm(store: Store, *, bins: int = 5, monetary: str = "total", as_of_day: int | None = None) -> dict[str, Any]:
    """RFM over every OrderLine; writes rfmRecency/rfmFrequency/rfmMonetary (scores), rfmSegment and rfmRunId."""
    params = {"bins": bins, "monetary": monetary, "asOfDay": as_of_day}
    with analysis_run(store, "rfm", "rfm-quantiles", "python", "purchases", params) as run:
        with run.timed("read"):
            lines = read_lines(store)
        with run.timed("score"):
            result = rfm(lines, bins=bins, monetary=monetary, as_of_day=as_of_day)
        with run.timed("write"):
            written = write_node_properties(
                store,
                "Customer",
                result.ids,
                {
                    "rfmRecency": result.r,
                    "rfmFrequency": result.f,
                    "rfmMonetary": result.m,
                    "rfmSegment": result.segment,
                },
                run_id=run.run_id,
                run_property="rfmRunId",
            )
        names, counts = np.unique(result.segment, return_counts=True)
        run.counts.update({"customers": len(result.ids), "written": written, "lines": len(lines)})
        run.counts.update({f"segment:{k}": int(v) for k, v in zip(names, counts, strict=True)})
        return run.summary()
