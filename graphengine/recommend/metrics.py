"""Top-K ranking metrics with binary relevance, catalogue coverage, and AUC for link prediction.

Conventions (the usual ones of cornac, RecBole and Lü & Zhou):

* ``recs`` is an ``(n_users, k)`` integer array of distinct item indices per row, best first, padded
  with ``-1`` when fewer than ``k`` items were recommended; ``hits[u, r]`` is True when the item at
  rank ``r`` is relevant for user ``u``; ``n_relevant[u]`` counts all relevant items of ``u`` (≥ 1:
  users without relevant items are not evaluated).
* Precision@K = hits / K (K, not the number recommended); Recall@K = hits / n_relevant;
  HitRate@K = 1 if any hit.
* NDCG@K = DCG / IDCG with DCG = Σ_r hit_r / log2(r + 2) (r from 0) and IDCG the DCG of
  min(K, n_relevant) hits at the top — identical to scikit-learn's ``ndcg_score(…, k=K)`` for binary
  relevance without tied scores.
* MAP@K: AP@K = Σ_r Precision@(r+1) · hit_r / min(K, n_relevant), averaged over users; with K at least
  the catalogue size it equals scikit-learn's ``average_precision_score`` on the full ranking.
* Coverage = distinct recommended items / catalogue size.
* AUC = P(score of a held-out edge > score of a non-edge) + ½ P(tie) — the Mann–Whitney statistic,
  identical to ``roc_auc_score`` with held-out edges as positives.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import AnalysisError

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

METRIC_NAMES = ("precision", "recall", "ndcg", "hit_rate", "map")


def hits_at_k(recs: IntArray, relevant: sp.csr_array, users: IntArray) -> tuple[BoolArray, IntArray]:
    """``(hits, n_relevant)`` for the evaluated ``users`` (row ``j`` of ``recs`` belongs to ``users[j]``)."""
    recs = np.asarray(recs, dtype=np.int64)
    if recs.ndim != 2 or recs.shape[0] != len(users):
        raise AnalysisError("recs must be a 2-d array with one row per evaluated user")
    n_items = relevant.shape[1]
    rel = sp.csr_array(relevant)
    rel.sum_duplicates()
    rows = np.repeat(np.arange(rel.shape[0], dtype=np.int64), np.diff(rel.indptr))
    relevant_keys = np.sort(rows * n_items + rel.indices.astype(np.int64))
    query = np.asarray(users, dtype=np.int64)[:, None] * n_items + recs
    hits = np.isin(query, relevant_keys) & (recs >= 0)
    n_relevant = np.diff(rel.indptr)[users].astype(np.int64)
    return hits, n_relevant


def precision_at_k(hits: BoolArray, n_relevant: IntArray) -> FloatArray:
    """Per-user hits / K."""
    counts: FloatArray = np.asarray(hits.sum(axis=1), dtype=np.float64)
    out: FloatArray = counts / float(max(hits.shape[1], 1))
    return out


def recall_at_k(hits: BoolArray, n_relevant: IntArray) -> FloatArray:
    """Per-user hits / number of relevant items."""
    counts: FloatArray = np.asarray(hits.sum(axis=1), dtype=np.float64)
    out: FloatArray = counts / np.maximum(n_relevant, 1)
    return out


def hit_rate_at_k(hits: BoolArray, n_relevant: IntArray) -> FloatArray:
    """Per-user 1.0 when at least one relevant item is in the top K."""
    out: FloatArray = np.asarray(hits.any(axis=1), dtype=np.float64)
    return out


def ndcg_at_k(hits: BoolArray, n_relevant: IntArray) -> FloatArray:
    """Per-user normalised discounted cumulative gain with binary gains and log2(rank + 1) discounts."""
    k = hits.shape[1]
    discounts = 1.0 / np.log2(np.arange(k) + 2.0)
    dcg = hits.astype(np.float64) @ discounts
    ideal_cumulative = np.concatenate([[0.0], np.cumsum(discounts)])
    idcg = ideal_cumulative[np.minimum(n_relevant, k)]
    out: FloatArray = np.divide(dcg, idcg, out=np.zeros(len(hits)), where=idcg > 0)
    return out


def average_precision_at_k(hits: BoolArray, n_relevant: IntArray) -> FloatArray:
    """Per-user AP@K = Σ_r precision@(r+1)·hit_r / min(K, n_relevant)."""
    k = hits.shape[1]
    h = hits.astype(np.float64)
    precision_at_rank = np.cumsum(h, axis=1) / np.arange(1, k + 1)
    denominator = np.minimum(n_relevant, k).astype(np.float64)
    total = (precision_at_rank * h).sum(axis=1)
    out: FloatArray = np.divide(total, denominator, out=np.zeros(len(hits)), where=denominator > 0)
    return out


def catalogue_coverage(recs: IntArray, n_items: int) -> float:
    """Share of the catalogue that appears in at least one recommendation list."""
    if n_items <= 0:
        raise AnalysisError("n_items must be positive")
    recommended = np.unique(np.asarray(recs)[np.asarray(recs) >= 0])
    return float(len(recommended) / n_items)


def ranking_metrics(recs: IntArray, relevant: sp.csr_array, users: IntArray) -> dict[str, float]:
    """Mean Precision/Recall/NDCG/HitRate/MAP at K = ``recs.shape[1]`` over ``users``, plus coverage."""
    hits, n_relevant = hits_at_k(recs, relevant, users)
    if len(users) == 0:
        raise AnalysisError("no users to evaluate")
    if np.any(n_relevant == 0):
        raise AnalysisError("every evaluated user needs at least one relevant item")
    result = {
        "precision": float(precision_at_k(hits, n_relevant).mean()),
        "recall": float(recall_at_k(hits, n_relevant).mean()),
        "ndcg": float(ndcg_at_k(hits, n_relevant).mean()),
        "hit_rate": float(hit_rate_at_k(hits, n_relevant).mean()),
        "map": float(average_precision_at_k(hits, n_relevant).mean()),
        "coverage": catalogue_coverage(recs, relevant.shape[1]),
    }
    return result


def auc_score(positive_scores: FloatArray, negative_scores: FloatArray) -> float:
    """AUC of held-out edges (positives) against non-edges (negatives), ties counted as one half."""
    pos = np.asarray(positive_scores, dtype=np.float64)
    neg = np.asarray(negative_scores, dtype=np.float64)
    if len(pos) == 0 or len(neg) == 0:
        raise AnalysisError("AUC needs at least one positive and one negative score")
    from scipy.stats import rankdata  # here, not at module level: scipy.stats costs every CLI start half a second

    ranks = rankdata(np.concatenate([pos, neg]))  # average ranks handle ties
    u_statistic = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2.0
    return float(u_statistic / (len(pos) * len(neg)))
