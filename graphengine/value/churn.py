"""Churn propensity: the probability that a customer makes no purchase in the next ``horizon`` days.

**Model.** scikit-learn's ``HistGradientBoostingClassifier`` on the features of
:mod:`graphengine.value.churn_features`. To score at day ``E`` (exclusive: the data up to the as-of day),
it is trained with a temporal holdout: features from the data before ``E − horizon``, label = no purchase in
``[E − horizon, E)``. The trained model is then applied to the features from all data before ``E``. Nothing after
a cutoff enters the features computed at that cutoff.

**Consent.** Only customers with ``consentProfiling = true`` are trained on, scored and written; a run also takes
the churn scores off customers who no longer have that consent. Features of a consenting customer may count
their neighbours' purchase behaviour in aggregate (the share of followed customers who lapsed); no score or
feature of a non-consenting customer is stored.

**Drivers.** For each scored customer and feature, the change in predicted risk when that feature alone is set
to its median over the scored customers: ``effect = risk(x) − risk(x with feature := median)``. The three
features with the largest effect (the ones that push this customer's risk up the most) are ``churnDrivers``,
their effects ``churnDriverEffects``. This is a one-feature-at-a-time counterfactual, not an additive
decomposition: effects do not sum to the risk.

:func:`churn_model` is the one function both ``graphengine value churn`` and ``graphengine evaluate churn`` call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.analytics.runs import analysis_run, write_node_properties
from graphengine.errors import AnalysisError
from graphengine.store import Store
from graphengine.value.churn_features import (
    FEATURE_SETS,
    GRAPH_FEATURES,
    ChurnData,
    Features,
    churn_features,
    churned,
    read_churn_data,
)

Array = NDArray[np.float64]
TOP_DRIVERS = 3
MIN_TRAIN = 20


@dataclass(frozen=True)
class ChurnScores:
    """Scores of the customers who bought before ``score_end`` (and consented), with their top drivers."""

    ids: NDArray[np.str_]
    risk: Array
    drivers: list[list[str]]
    effects: list[list[float]]
    features: Features
    train_customers: int
    train_churn_rate: float
    feature_set: str
    graph_features_present: list[str]


def _booster(seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=100,
        learning_rate=0.05,
        max_leaf_nodes=8,
        min_samples_leaf=50,
        l2_regularization=1.0,
        random_state=seed,
    )


def top_drivers(model: Any, matrix: Array, names: tuple[str, ...], top: int = TOP_DRIVERS) -> tuple[Any, Any]:
    """Per row, the ``top`` features whose reset to the median lowers the predicted risk most, and by how much."""
    risk = model.predict_proba(matrix)[:, 1]
    medians = np.nanmedian(matrix, axis=0) if len(matrix) else np.zeros(len(names))
    effects = np.empty_like(matrix)
    for k in range(len(names)):
        moved = matrix.copy()
        moved[:, k] = medians[k]
        effects[:, k] = risk - model.predict_proba(moved)[:, 1]
    order = np.argsort(-effects, axis=1, kind="stable")[:, :top]
    return np.asarray(names)[order], np.take_along_axis(effects, order, axis=1)


def _present(features: Features) -> list[str]:
    """The graph features that vary between customers (the others carry no information here)."""
    present = []
    for name in GRAPH_FEATURES:
        column = features.column(name)
        finite = column[~np.isnan(column)]
        if len(finite) and np.ptp(finite) > 0:
            present.append(name)
    return present


def prepare(data: ChurnData, score_end: int, horizon_days: int, *, period_days: int = 7) -> tuple[Features, Features]:
    """The features at the training cutoff ``score_end − horizon_days`` and at ``score_end``."""
    train = churn_features(data, score_end - horizon_days, horizon_days, period_days=period_days)
    return train, churn_features(data, score_end, horizon_days, period_days=period_days)


def churn_model(
    data: ChurnData,
    score_end: int,
    horizon_days: int,
    *,
    feature_set: str = "full",
    period_days: int = 7,
    seed: int = 0,
    drivers: bool = True,
    prepared: tuple[Features, Features] | None = None,
) -> ChurnScores:
    """Train on the cutoff ``score_end − horizon_days`` and score the consenting customers at ``score_end``.

    ``prepared`` passes the features at both cutoffs (:func:`prepare`) when several models share them."""
    if feature_set not in FEATURE_SETS:
        raise AnalysisError(f"feature set is one of {', '.join(FEATURE_SETS)}, not {feature_set!r}")
    names = FEATURE_SETS[feature_set]
    train_end = score_end - horizon_days
    train, scored = prepared or prepare(data, score_end, horizon_days, period_days=period_days)
    labels = churned(data.lines, train.ids, train_end, score_end)
    allowed = data.consenting(train.ids)
    if allowed.sum() < MIN_TRAIN or len(np.unique(labels[allowed])) < 2:
        raise AnalysisError(
            "too little history to train the churn model: need customers who bought before the training cutoff, "
            "some who bought again within the horizon and some who did not",
            details={"trainCustomers": int(allowed.sum()), "trainCutoffDay": train_end},
        )
    fitted = train.select(names).matrix[allowed]
    empty = np.all(np.isnan(fitted), axis=0)  # a feature this data lacks altogether (no graph): a constant 0
    fitted[:, empty] = 0.0
    model = _booster(seed)
    model.fit(fitted, labels[allowed])
    keep = data.consenting(scored.ids)
    matrix = scored.select(names).matrix[keep]
    matrix[:, empty] = 0.0
    risk = model.predict_proba(matrix)[:, 1] if len(matrix) else np.zeros(0)
    top_names, top_effects = np.zeros((len(matrix), 0), dtype=str), np.zeros((len(matrix), 0))
    if drivers and len(matrix):
        top_names, top_effects = top_drivers(model, matrix, names)
    return ChurnScores(
        scored.ids[keep],
        risk,
        top_names.tolist(),
        np.round(top_effects, 4).tolist(),
        scored,
        int(allowed.sum()),
        float(labels[allowed].mean()),
        feature_set,
        _present(train) if feature_set == "full" else [],
    )


def run_churn(store: Store, *, horizon_days: int = 90, as_of_day: int | None = None, seed: int = 0) -> dict[str, Any]:
    """Score churn risk on the graph and write ``churnRisk``, ``churnDrivers``, ``churnDriverEffects`` and
    ``churnRunId`` on each consenting customer who bought before the as-of day (default: the latest line's day)."""
    if horizon_days <= 0:
        raise AnalysisError(f"--horizon must be positive, not {horizon_days} days")
    params = {"horizonDays": horizon_days, "asOfDay": as_of_day, "model": "HistGradientBoostingClassifier"}
    with analysis_run(store, "churn", "gbm-temporal-holdout", "python", "customers", params) as run:
        with run.timed("read"):
            data = read_churn_data(store)
        if len(data.lines) == 0:
            raise AnalysisError("no purchase lines in the graph: load orders or purchases first")
        score_end = (int(data.lines.days.max()) if as_of_day is None else as_of_day) + 1
        with run.timed("fit"):
            scores = churn_model(data, score_end, horizon_days, seed=seed)
        with run.timed("write"):
            removed = int(store.write("value.remove_churn_scores")[0]["removed"])
            written = write_node_properties(
                store,
                "Customer",
                scores.ids,
                {"churnRisk": scores.risk, "churnDrivers": scores.drivers, "churnDriverEffects": scores.effects},
                run_id=run.run_id,
                run_property="churnRunId",
            )
        scored_all = len(scores.features.ids)
        run.counts.update(
            {
                "customers": scored_all,
                "scored": len(scores.ids),
                "withheld": scored_all - len(scores.ids),
                "written": written,
                "removed": removed,
                "trainCustomers": scores.train_customers,
            }
        )
        run.metrics.update(
            {"trainChurnRate": round(scores.train_churn_rate, 4), "meanRisk": round(float(scores.risk.mean()), 4)}
        )
        summary = run.summary()
    summary["graphFeatures"] = scores.graph_features_present
    order = np.lexsort((scores.ids, -scores.risk))[:10]
    summary["top"] = [
        {
            "customerId": str(scores.ids[i]),
            "churnRisk": round(float(scores.risk[i]), 3),
            "drivers": ", ".join(scores.drivers[i]),
        }
        for i in order
    ]
    return summary


__all__ = ["ChurnScores", "churn_model", "prepare", "run_churn", "top_drivers"]
