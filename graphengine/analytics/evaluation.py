"""The offline evaluation harness: strategies against held-out data, always beside two baselines.

:func:`evaluate` runs recommendation strategies on a train matrix and scores their top-K lists against
the relevant items of a test matrix (users with at least one relevant test item are evaluated). The
popularity and random baselines are always evaluated in the same run, so every number comes with its
floor. :func:`evaluate_link_prediction` measures AUC of pair scorers on a graph: a random fraction of
edges is held out, the rest forms the training graph, and held-out edges are compared with an equal
number (by default) of node pairs that are not edges of the full graph.

Both return plain dicts of ``str``/``int``/``float`` — ready for ``json.dumps``.

The splits (:mod:`graphengine.analytics.splits`) and metrics (:mod:`graphengine.analytics.metrics`) live in
their own modules and are re-exported here, so one import gives the whole harness.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.analytics.metrics import (
    auc_score,
    average_precision_at_k,
    catalogue_coverage,
    hit_rate_at_k,
    hits_at_k,
    ndcg_at_k,
    precision_at_k,
    ranking_metrics,
    recall_at_k,
)
from graphengine.analytics.pair_scoring import PAIR_METHODS, PairMethod, score_pairs, symmetric_adjacency
from graphengine.analytics.scoring import Popularity, Scorer, recommend
from graphengine.analytics.splits import (
    exclude_unknowns,
    random_split,
    sample_non_edges,
    split_edges,
    temporal_split,
)
from graphengine.errors import AnalysisError

__all__ = [
    "BASELINES",
    "RandomScorer",
    "Strategy",
    "auc_score",
    "average_precision_at_k",
    "catalogue_coverage",
    "evaluate",
    "evaluate_link_prediction",
    "exclude_unknowns",
    "hit_rate_at_k",
    "hits_at_k",
    "ndcg_at_k",
    "precision_at_k",
    "random_split",
    "ranking_metrics",
    "recall_at_k",
    "sample_non_edges",
    "scorer_strategy",
    "split_edges",
    "temporal_split",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Strategy = Callable[[sp.csr_array, IntArray, int], IntArray]
"""``strategy(train, users, k)`` → an ``(len(users), k)`` array of item indices, best first, ``-1`` padded."""

BASELINES = ("popularity", "random")


class RandomScorer:
    """Uniformly random scores — the floor every strategy must clear."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = np.random.default_rng(seed)
        self._n_items = 0

    def fit(self, train: sp.csr_array) -> RandomScorer:
        self._n_items = train.shape[1]
        return self

    def score(self, users: IntArray) -> FloatArray:
        return self._rng.random((len(users), self._n_items))


def scorer_strategy(make: Callable[[], Scorer], *, exclude_seen: bool = True) -> Strategy:
    """A strategy that fits ``make()`` on the train matrix and recommends, leaving out seen items."""

    def run(train: sp.csr_array, users: IntArray, k: int) -> IntArray:
        scorer = make().fit(train)
        return recommend(scorer, users, k, exclude=train if exclude_seen else None)

    return run


def _baselines(seed: int) -> dict[str, Strategy]:
    return {"popularity": scorer_strategy(Popularity), "random": scorer_strategy(lambda: RandomScorer(seed))}


def evaluate(
    strategy: Strategy | Mapping[str, Strategy],
    train: sp.csr_array,
    test: sp.csr_array,
    k: int = 10,
    *,
    name: str = "strategy",
    seed: int = 0,
) -> dict[str, Any]:
    """Precision/Recall/NDCG/HitRate/MAP@k and coverage for each strategy, popularity and random.

    ``train`` is what the strategies may use (and what counts as seen); ``test`` holds the relevant
    items (e.g. test ratings ≥ 4). Both are user × item matrices of the same shape.
    """
    if train.shape != test.shape:
        raise AnalysisError(f"train {train.shape} and test {test.shape} must have the same shape")
    if k <= 0:
        raise AnalysisError("k must be positive")
    test = sp.csr_array(test)
    test.eliminate_zeros()
    users = np.flatnonzero(np.diff(test.indptr) > 0).astype(np.int64)
    if len(users) == 0:
        raise AnalysisError("the test matrix has no relevant items")
    strategies = dict(strategy) if isinstance(strategy, Mapping) else {name: strategy}
    for baseline, run in _baselines(seed).items():
        strategies.setdefault(baseline, run)
    results: dict[str, dict[str, float]] = {}
    for label, run in strategies.items():
        started = time.perf_counter()
        recs = run(sp.csr_array(train), users, k)
        elapsed = time.perf_counter() - started
        results[label] = {**ranking_metrics(recs, test, users), "seconds": round(elapsed, 4)}
    return {
        "k": k,
        "n_users": int(train.shape[0]),
        "n_items": int(train.shape[1]),
        "n_train": int(sp.csr_array(train).nnz),
        "n_test_relevant": int(test.nnz),
        "n_users_evaluated": len(users),
        "results": results,
    }


def evaluate_link_prediction(
    sources: IntArray,
    targets: IntArray,
    n_nodes: int,
    methods: Sequence[PairMethod] = PAIR_METHODS,
    *,
    test_fraction: float = 0.1,
    negatives_per_positive: float = 1.0,
    repeats: int = 1,
    seed: int = 123,
) -> dict[str, Any]:
    """AUC of each pair scorer (and a random baseline), averaged over ``repeats`` seeded edge splits.

    Held-out edges are positives; negatives are distinct non-adjacent pairs of the *full* graph drawn
    uniformly (Lü & Zhou 2011). Scores are computed on the training graph only.
    """
    if repeats < 1:
        raise AnalysisError("repeats must be at least 1")
    per_method: dict[str, list[float]] = {m: [] for m in (*methods, "random")}
    n_test = n_negative = 0
    for repeat in range(repeats):
        split_seed = seed + repeat
        (train_s, train_t), (test_s, test_t) = split_edges(sources, targets, test_fraction, seed=split_seed)
        n_test = len(test_s)
        n_negative = max(1, round(negatives_per_positive * n_test))
        neg_s, neg_t = sample_non_edges(sources, targets, n_nodes, n_negative, seed=split_seed)
        adjacency = symmetric_adjacency(train_s, train_t, n_nodes)
        for method in methods:
            positive = score_pairs(adjacency, test_s, test_t, method)
            negative = score_pairs(adjacency, neg_s, neg_t, method)
            per_method[method].append(auc_score(positive, negative))
        rng = np.random.default_rng(split_seed)
        per_method["random"].append(auc_score(rng.random(n_test), rng.random(n_negative)))
    return {
        "n_nodes": int(n_nodes),
        "n_edges": len(sources),
        "n_test_edges": n_test,
        "n_negative_pairs": n_negative,
        "repeats": repeats,
        "test_fraction": test_fraction,
        "auc": {m: float(np.mean(v)) for m, v in per_method.items()},
        "auc_std": {m: float(np.std(v)) for m, v in per_method.items()},
    }
