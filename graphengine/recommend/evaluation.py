"""``graphengine evaluate recommend``: every candidate model side by side with the model that would be served.

Protocol: a hold-out split of a data set (MovieLens-100k random 80/20 with seed 123 — cornac's published
protocol — or a temporal split, the latest 20 % of each customer's ratings; the Last.fm listening data; or the
loaded graph, 20 % of its cells at random). Test rows of customers or items unknown to the training part are
dropped; the **relevant** test items are ratings ≥ the rating threshold (4) for rated data, every held-out
listen or purchase for implicit data, and held-out cells at least ``relevant_min`` strong for the graph.

The training part is weighed with the same :class:`InteractionWeights` as the graph; model selection carves a
validation split out of it (:func:`graphengine.recommend.selection.select`), each kind's best parameters are
refitted on the whole training part and measured once on the test split — through ``model.scores`` and
:func:`graphengine.recommend.ranking.top_k`, the path serving takes. ``served`` is the validation winner: the
model ``recommender train`` would save and serve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from graphengine.errors import AnalysisError
from graphengine.recommend import datasets
from graphengine.recommend.interactions import Interactions, InteractionWeights, project_interactions
from graphengine.recommend.log import InteractionLog
from graphengine.recommend.selection import DEFAULT_KINDS, holdout_cells, relevant_part
from graphengine.recommend.splits import exclude_unknowns, random_split, temporal_split
from graphengine.recommend.training import compare
from graphengine.store import Store

DATASETS = ("movielens", "lastfm", "graph")
SERVED_METRICS = ("precision", "recall", "ndcg", "hit_rate", "map", "coverage")


def _log_split(
    log: InteractionLog, split: str, seed: int, weights: InteractionWeights, prefixes: tuple[str, str]
) -> tuple[Interactions, sp.csr_matrix]:
    if split == "random":
        train, test = random_split(log, 0.2, seed=seed)
    elif split == "temporal":
        if log.timestamps is None:
            raise AnalysisError("this data set has no timestamps; use the random split")
        train, test = temporal_split(log, 0.2, seed=seed)
    else:
        raise AnalysisError("split is random or temporal")
    known = exclude_unknowns(train, test)
    if log.signal == "rating":
        known = known.positives(weights.rating_threshold)
    relevant = sp.csr_matrix(known.to_csr(), dtype=np.float32)
    interactions = train.to_interactions(weights)
    ids = (
        np.char.add(prefixes[0], interactions.customer_ids) if prefixes[0] else interactions.customer_ids,
        np.char.add(prefixes[1], interactions.item_ids) if prefixes[1] else interactions.item_ids,
    )
    return Interactions(interactions.matrix, *ids), relevant


def _graph_split(
    store: Store, split: str, seed: int, weights: InteractionWeights
) -> tuple[Interactions, sp.csr_matrix]:
    if split != "random":
        raise AnalysisError("the graph is evaluated on a random split of its interaction cells")
    data = project_interactions(store, weights)
    if data.n_interactions == 0:
        raise AnalysisError("the graph has no interactions to evaluate on")
    kept, held = holdout_cells(data.matrix, 0.2, seed)
    return Interactions(kept, data.customer_ids, data.item_ids), relevant_part(held, weights)


def evaluate_recommendations(
    *,
    dataset: str = "movielens",
    split: str = "random",
    k: int = 10,
    seed: int = 123,
    weights: InteractionWeights | None = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    store: Store | None = None,
) -> dict[str, Any]:
    """Metrics@k of each candidate (tuned on validation) and of the served winner; see the module docstring."""
    weights = weights or InteractionWeights()
    if dataset == "movielens":
        # the ids MovieLens customers and movies get in the graph (loaders/movielens.py), same order
        train, relevant = _log_split(datasets.load_movielens_100k(), split, seed, weights, ("ml-u", "ml-m"))
    elif dataset == "lastfm":
        train, relevant = _log_split(datasets.load_lastfm_listens(), split, seed, weights, ("", ""))
    elif dataset == "graph":
        if store is None:
            raise AnalysisError("dataset 'graph' needs a store")
        train, relevant = _graph_split(store, split, seed, weights)
    else:
        raise AnalysisError(f"unknown dataset {dataset!r}; one of {', '.join(DATASETS)}")
    selection, results = compare(train, relevant, weights, kinds, seed=seed, k=k)
    winner = selection.winner
    served = {name: results[winner.kind][name] for name in SERVED_METRICS}
    return {
        "dataset": dataset,
        "split": split,
        "k": k,
        "seed": seed,
        "weights": weights.model_dump(),
        "counts": {
            "customers": int(train.matrix.shape[0]),
            "items": int(train.matrix.shape[1]),
            "train": int(train.matrix.nnz),
            "relevant": int(relevant.nnz),
            "validation": selection.validation_counts,
        },
        "served": {"model": winner.kind, "params": winner.params, **served},
        "validation": selection.summary(),
        "results": results,
    }


__all__ = ["DATASETS", "SERVED_METRICS", "evaluate_recommendations"]
