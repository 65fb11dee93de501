"""Customer lifetime value: the served purchase forecast, P(alive) and CLV per customer.

The forecast of repeat purchases over a horizon has two parts, both fitted on the observed period only:

1. **Level** — how many repeat purchases all customers together will make. A gradient-boosting rate model
   (scikit-learn, Poisson loss) is trained *inside* the observed period: features from everything before the
   last ``label_days`` days (BG/NBD rate and P(alive) fitted on that earlier window, repeat frequency,
   purchases in the last 28 and 91 days, mean spend), label = repeat periods per period in the last
   ``label_days``. Applied to the same features of the whole observed period, it gives each customer's rate;
   rate × horizon summed is the level. No data after the observed period is used.
2. **Allocation** — each customer's number. BG/NBD's predictive distribution of the customer's purchase count
   (alive with P(alive), then Poisson with the posterior Gamma rate: a negative binomial) is read at one
   quantile level τ for everybody, interpolated continuously between counts, with τ chosen so the forecasts
   sum to the level. A quantile is the best single number under absolute error; the shared τ keeps the total.

``expectedPurchases`` is that forecast; ``pAlive`` is BG/NBD's P(alive); ``clv`` = forecast × Gamma-Gamma
expected spend per purchase (undiscounted, in the currency of the amounts). When the observed period is too
short to hold a label window (or nobody bought in it), the level falls back to BG/NBD's expected total
(the run records which).
:func:`forecast` is the one function both ``graphengine value clv`` and the CDNOW evaluation call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, stats

from graphengine.analytics.runs import analysis_run, write_node_properties
from graphengine.errors import AnalysisError
from graphengine.store import Store
from graphengine.value.bgnbd import BGNBD, GammaGamma
from graphengine.value.transactions import Lines, RepeatSummary, holdout_counts, read_lines, repeat_summary

Array = NDArray[np.float64]
RECENT_DAYS = (28, 91)
CHUNK = 20_000


@dataclass
class Forecast:
    """Per customer (``summary.ids`` order): the served forecast and its parts; the fitted models."""

    summary: RepeatSummary
    horizon: float
    expected_purchases: Array
    mean_purchases: Array
    p_alive: Array
    spend: Array
    clv: Array
    bgnbd: BGNBD
    gamma_gamma: GammaGamma | None
    level: float
    level_source: str
    tau: float


def _features(lines: Lines, end_day: int, horizon: float, period_days: int) -> tuple[RepeatSummary, Array, BGNBD]:
    summary = repeat_summary(lines, end_day, period_days)
    model = BGNBD.fit(summary.frequency, summary.recency, summary.age)
    rate = model.expected_purchases(horizon, summary.frequency, summary.recency, summary.age) / horizon
    alive = model.p_alive(summary.frequency, summary.recency, summary.age)
    recent = [holdout_counts(lines, summary.ids, end_day - days, end_day, period_days) for days in RECENT_DAYS]
    columns = [np.log(rate + 1e-12), np.log1p(summary.frequency), np.log(alive + 1e-12)]
    columns += [np.log1p(r) for r in recent] + [np.log1p(summary.monetary)]
    return summary, np.column_stack(columns), model


def _level(
    lines: Lines, end_day: int, horizon: float, period_days: int, label_days: int, features: Array, seed: int
) -> float | None:
    """Σ rate × horizon from the boosting rate model trained on an in-period split; None if no split fits."""
    label_periods = max(1, label_days // period_days)
    split = end_day - label_periods * period_days
    earlier = lines.before(split)
    if len(np.unique(earlier.customers)) < 2 or np.all(earlier.days == earlier.days.min(initial=0)):
        return None
    from sklearn.ensemble import HistGradientBoostingRegressor

    try:
        train_summary, train_features, _ = _features(lines, split, float(label_periods), period_days)
    except AnalysisError:
        return None
    labels = holdout_counts(lines, train_summary.ids, split, end_day, period_days) / label_periods
    if labels.sum() <= 0:
        return None  # no repeat purchase in the label window: nothing to learn a rate from
    booster = HistGradientBoostingRegressor(loss="poisson", max_iter=200, learning_rate=0.05, random_state=seed)
    booster.fit(train_features, labels)
    return float(np.sum(booster.predict(features)) * horizon)


def _quantile_forecast(
    model: BGNBD, summary: RepeatSummary, horizon: float, alive: Array, level: float
) -> tuple[Array, float]:
    """Continuous quantiles at one shared level τ of each customer's predictive count, summing to ``level``."""
    x, age = summary.frequency, summary.age
    success = (model.alpha + age) / (model.alpha + age + horizon)
    shape = model.r + x
    top = int(np.max(stats.nbinom.ppf(0.9999, shape, success), initial=0)) + 2

    def chunks() -> Any:
        counts = np.arange(top)
        for start in range(0, len(x), CHUNK):
            part = slice(start, start + CHUNK)
            pmf = alive[part, None] * stats.nbinom.pmf(counts[None, :], shape[part, None], success[part, None])
            pmf[:, 0] += 1.0 - alive[part]
            yield part, pmf, np.cumsum(pmf, axis=1)

    def at(tau: float, out: Array | None = None) -> float:
        total = 0.0
        for part, pmf, cdf in chunks():
            values = np.clip((tau - cdf[:, :-1]) / np.maximum(pmf[:, 1:], 1e-300), 0.0, 1.0).sum(axis=1)
            total += float(values.sum())
            if out is not None:
                out[part] = values
        return total

    if level <= 0:
        return np.zeros(len(x)), 0.0
    high = 1.0 - 1e-9
    tau = high if at(high) <= level else float(optimize.brentq(lambda t: at(t) - level, 0.0, high, xtol=1e-9))
    result = np.zeros(len(x))
    at(tau, result)
    return result, tau


def forecast(
    lines: Lines,
    end_day: int,
    horizon: float,
    *,
    period_days: int = 7,
    label_days: int = 91,
    seed: int = 0,
) -> Forecast:
    """The served forecast for the customers with a line before ``end_day`` over ``horizon`` periods."""
    if not np.isfinite(horizon) or horizon <= 0:
        raise AnalysisError(f"the horizon must be a positive number of periods, not {horizon}")
    summary, features, model = _features(lines, end_day, horizon, period_days)
    x, t_x, age = summary.frequency, summary.recency, summary.age
    mean = model.expected_purchases(horizon, x, t_x, age)
    alive = model.p_alive(x, t_x, age)
    level = _level(lines, end_day, horizon, period_days, label_days, features, seed)
    source = "gradient-boosting rate model" if level is not None else "bgnbd expected total"
    level = float(mean.sum()) if level is None else level
    purchases, tau = _quantile_forecast(model, summary, horizon, alive, level)
    try:
        spend_model: GammaGamma | None = GammaGamma.fit(x, summary.monetary)
    except AnalysisError:
        spend_model = None
    if spend_model is not None and spend_model.q > 1:
        spend = spend_model.expected_spend(x, summary.monetary)
    else:
        repeat = summary.monetary[x > 0]
        spend = np.where(x > 0, summary.monetary, float(repeat.mean()) if len(repeat) else 0.0)
    return Forecast(
        summary, horizon, purchases, mean, alive, spend, purchases * spend, model, spend_model, level, source, tau
    )


def run_clv(
    store: Store,
    *,
    horizon_days: int = 365,
    period_days: int = 7,
    as_of_day: int | None = None,
    label_days: int = 91,
) -> dict[str, Any]:
    """Forecast from every OrderLine of the graph and write ``expectedPurchases``, ``pAlive``, ``clv`` and
    ``clvRunId`` on Customer. The observed period ends after ``as_of_day`` (default: the last line's day)."""
    if horizon_days <= 0:
        raise AnalysisError(f"--horizon-days must be positive, not {horizon_days}")
    params = {"horizonDays": horizon_days, "periodDays": period_days, "labelDays": label_days}
    with analysis_run(store, "clv", "bgnbd-quantile+gbm-level", "python", "purchases", params) as run:
        with run.timed("read"):
            lines = read_lines(store)
        if len(lines) == 0:
            raise AnalysisError("no purchase lines in the graph: load orders or purchases first")
        end_day = (int(lines.days.max()) if as_of_day is None else as_of_day) + 1
        with run.timed("fit"):
            result = forecast(
                lines, end_day, horizon_days / period_days, period_days=period_days, label_days=label_days
            )
        with run.timed("write"):
            written = write_node_properties(
                store,
                "Customer",
                result.summary.ids,
                {"expectedPurchases": result.expected_purchases, "pAlive": result.p_alive, "clv": result.clv},
                run_id=run.run_id,
                run_property="clvRunId",
            )
        run.counts.update({"customers": len(result.summary.ids), "written": written, "lines": len(lines)})
        run.metrics.update(
            {"level": result.level, "tau": result.tau, "totalClv": float(result.clv.sum()), **result.bgnbd.params()}
        )
        summary = run.summary()
    summary["levelSource"] = result.level_source
    summary["top"] = top_customers(result, 10)
    return summary


def top_customers(result: Forecast, limit: int) -> list[dict[str, Any]]:
    order = np.lexsort((result.summary.ids, -result.clv))[:limit]
    return [
        {
            "customerId": str(result.summary.ids[i]),
            "expectedPurchases": round(float(result.expected_purchases[i]), 3),
            "pAlive": round(float(result.p_alive[i]), 3),
            "clv": round(float(result.clv[i]), 2),
        }
        for i in order
    ]
