"""Offline evaluation of the churn model: the served model against an RFM-only model and BG/NBD's P(alive).

The split is the served one moved back by a horizon: with ``E`` the day after the last purchase line, the model
is :func:`graphengine.value.churn.churn_model` scoring at ``E − horizon`` (so trained on the cutoff
``E − 2 × horizon``), and its scores are compared with what happened in ``[E − horizon, E)``: label 1 = no
purchase. Rows, all on the same customers (those who bought before ``E − horizon``, with profiling consent):

* **graph + transactions**: every feature (the served model);
* **transactions only**: RFM, tenure, recent orders, BG/NBD P(alive) and expected purchases, CLV, channel mix;
* **RFM only**: recency, frequency and monetary value, same learner;
* **1 − P(alive)**: BG/NBD fitted on the data before ``E − horizon``, used as a score without any training
  (P(alive) is 1 for a customer who never bought again, so on one-off buyers it points the wrong way);
* **P(no purchase)**: the same BG/NBD's probability of no purchase in the horizon (dead, or alive and quiet).

AUC (ROC) and average precision. The graph adds lift when the first row's AUC beats the second's by at least
``LIFT_MARGIN``; the result says so either way, and says when the data has no graph features at all (CDNOW).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.value.churn import churn_model, prepare
from graphengine.value.churn_features import ChurnData, churned

LIFT_MARGIN = 0.005
MODELS = (("graph + transactions", "full"), ("transactions only", "transactions"), ("RFM only", "rfm"))


def _metrics(labels: NDArray[np.int64], scores: NDArray[np.float64]) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    ok = ~np.isnan(scores)
    if len(np.unique(labels[ok])) < 2:
        raise AnalysisError("the evaluation window has only churners or only buyers: AUC is undefined")
    return {
        "auc": round(float(roc_auc_score(labels[ok], scores[ok])), 4),
        "averagePrecision": round(float(average_precision_score(labels[ok], scores[ok])), 4),
    }


def evaluate_churn(
    data: ChurnData, *, horizon_days: int = 90, end_day: int | None = None, seed: int = 0, dataset: str = ""
) -> dict[str, Any]:
    """AUC and average precision of each model on the last horizon of the data (see the module text)."""
    if len(data.lines) == 0:
        raise AnalysisError("no purchase lines to evaluate churn on")
    end = int(data.lines.days.max()) + 1 if end_day is None else end_day
    test_end = end - horizon_days
    rows: dict[str, dict[str, float]] = {}
    full = None
    prepared = prepare(data, test_end, horizon_days)
    for name, feature_set in MODELS:
        scores = churn_model(
            data, test_end, horizon_days, feature_set=feature_set, seed=seed, drivers=False, prepared=prepared
        )
        full = full or scores
        labels = churned(data.lines, scores.ids, test_end, end)
        rows[name] = _metrics(labels, scores.risk)
    assert full is not None
    labels = churned(data.lines, full.ids, test_end, end)
    keep = data.consenting(full.features.ids)
    alive = full.features.column("pAlive")[keep]
    rows["1 − P(alive) (BG/NBD)"] = _metrics(labels, 1.0 - alive)
    rows["P(no purchase) (BG/NBD)"] = _metrics(labels, full.features.column("pQuiet")[keep])
    graph = full.graph_features_present
    lift = rows["graph + transactions"]["auc"] - rows["transactions only"]["auc"]
    if not graph:
        del rows["graph + transactions"]
        note = "graph features absent in this data (transactions only): the full model is the transactions model"
    elif lift >= LIFT_MARGIN:
        note = f"the graph features add lift: AUC {lift:+.4f} over the transactions-only model"
    else:
        note = f"the graph features do NOT add lift here: AUC {lift:+.4f} against the transactions-only model"
    return {
        "dataset": dataset,
        "horizonDays": horizon_days,
        "trainCutoffDay": test_end - horizon_days,
        "testCutoffDay": test_end,
        "endDay": end,
        "customers": len(full.ids),
        "churnRate": round(float(labels.mean()), 4),
        "trainCustomers": full.train_customers,
        "graphFeatures": graph,
        "graphLift": round(lift, 4) if graph else None,
        "graphAddsLift": bool(graph) and lift >= LIFT_MARGIN,
        "note": note,
        "results": rows,
    }


__all__ = ["LIFT_MARGIN", "evaluate_churn"]
