"""CDNOW: the 23,570 customers who first bought at the CDNOW music store in the first quarter of 1997, and
all their purchases until the end of June 1998 (Fader & Hardie's data set for BG/NBD and Pareto/NBD).

``CDNOW_master.txt`` ships inside the ``lifetimes`` 0.11.3 wheel on PyPI
(``lifetimes/datasets/CDNOW_master.txt``): whitespace-separated ``customer_id date(YYYYMMDD) number_of_cds
dollar_value``, one line per purchase record (69,659 lines). The wheel is fetched once with ``pip download
--no-deps`` into the datasets cache (``.graphengine/datasets/``) and read as a zip; nothing is installed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.value.transactions import Lines, holdout_counts
from graphengine.wheels import fetch_wheel, read_member

LIFETIMES = ("Lifetimes", "0.11.3")  # the wheel's file name is spelled with a capital L
CDNOW_MEMBER = "lifetimes/datasets/CDNOW_master.txt"
START = dt.date(1997, 1, 1)
EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the day numbers of :class:`Lines`)."""
    return (day - EPOCH).days


def parse_cdnow(text: str) -> Lines:
    """Parse ``CDNOW_master.txt``: every purchase record is a line (order id = customer + date)."""
    rows = [line.split() for line in text.splitlines() if line.strip()]
    if rows and not rows[0][0].isdigit():
        rows = rows[1:]  # the header line
    if not rows or any(len(row) != 4 for row in rows):
        raise AnalysisError("CDNOW_master.txt: every line needs customer, date, number of CDs and value")
    customers = np.array([row[0] for row in rows])
    stamps = np.array([row[1] for row in rows])
    try:
        dates = np.array([f"{s[:4]}-{s[4:6]}-{s[6:8]}" for s in stamps], dtype="datetime64[D]")
        amounts = np.array([float(row[3]) for row in rows])
    except ValueError as exc:
        raise AnalysisError(f"CDNOW_master.txt: {exc}") from None
    days = dates.astype(np.int64)
    orders = np.char.add(np.char.add(customers, ":"), stamps)
    return Lines(customers, orders, days, amounts)


def load_cdnow(cache_dir: Path | None = None, *, wheel: Path | None = None) -> Lines:
    """The CDNOW purchase lines from the lifetimes 0.11.3 wheel (fetched into ``cache_dir`` if needed)."""
    path = wheel or fetch_wheel(*LIFETIMES, cache_dir)
    return parse_cdnow(read_member(path, CDNOW_MEMBER).decode("ascii"))


# Measured with lifetimes 0.11.3 on the same split (freq="W"): the figures to beat.
REFERENCE = {
    "lifetimes BG/NBD": {"predicted": 16507.0, "error": -0.105, "mae": 0.784, "correlation": 0.637},
    "lifetimes Pareto/NBD": {"predicted": None, "error": -0.177, "mae": 0.743, "correlation": None},
}


def _scores(predicted: NDArray[np.float64], actual: NDArray[np.float64]) -> dict[str, float]:
    total = float(actual.sum())
    return {
        "predicted": round(float(predicted.sum()), 1),
        "actual": total,
        "error": round(float(predicted.sum()) / total - 1.0, 4),
        "mae": round(float(np.mean(np.abs(predicted - actual))), 4),
        "rmse": round(float(np.sqrt(np.mean((predicted - actual) ** 2))), 4),
        "correlation": round(float(np.corrcoef(predicted, actual)[0, 1]), 4),
    }


def evaluate_cdnow(
    lines: Lines | None = None, *, weeks: int = 39, period_days: int = 7, cache_dir: Path | None = None
) -> dict[str, Any]:
    """Calibration ``weeks`` from 1997-01-01, holdout the next ``weeks``; repeat purchases per distinct period.

    The lifetimes reference figures count distinct weeks (``freq="W"``, Monday-based): with ``period_days=7``
    the holdout holds 18,440 repeat transactions as theirs does (counting distinct days gives 19,684).
    Rows: BG/NBD and Pareto/NBD (this package's fits), the naive baseline (calibration repeat rate × holdout
    length), and the served forecast (:func:`graphengine.value.clv.forecast`, which ``value clv`` runs).
    """
    from graphengine.value.clv import forecast
    from graphengine.value.paretonbd import ParetoNBD

    data = lines if lines is not None else load_cdnow(cache_dir)
    start = day_number(START)
    calibration_end = start + 7 * weeks
    holdout_end = calibration_end + 7 * weeks
    horizon = 7 * weeks / period_days
    served = forecast(data, calibration_end, horizon, period_days=period_days)
    summary = served.summary
    actual = holdout_counts(data, summary.ids, calibration_end, holdout_end, period_days)
    pareto = ParetoNBD.fit(summary.frequency, summary.recency, summary.age)
    pareto_purchases = pareto.expected_purchases(horizon, summary.frequency, summary.recency, summary.age)
    naive = np.divide(summary.frequency, summary.age, out=np.zeros(len(actual)), where=summary.age > 0) * horizon
    rows = {
        "BG/NBD": _scores(served.mean_purchases, actual),
        "Pareto/NBD": _scores(pareto_purchases, actual),
        "naive": _scores(naive, actual),
        "served": _scores(served.expected_purchases, actual),
    }
    return {
        "dataset": "CDNOW (lifetimes 0.11.3 wheel)",
        "customers": len(summary.ids),
        "calibration": f"{START} + {weeks} weeks",
        "holdoutWeeks": weeks,
        "periodDays": period_days,
        "calibrationRepeats": float(summary.frequency.sum()),
        "results": rows,
        "reference": REFERENCE,
        "bgnbd": served.bgnbd.params(),
        "paretoNbd": pareto.params(),
        "gammaGamma": served.gamma_gamma.params() if served.gamma_gamma else None,
        "served": {"level": round(served.level, 1), "levelSource": served.level_source, "tau": round(served.tau, 4)},
        "beatsBgnbd": abs(rows["served"]["error"]) < abs(rows["BG/NBD"]["error"])
        and rows["served"]["mae"] < rows["BG/NBD"]["mae"],
    }
