"""Link prediction: AUC of pair scorers on held-out edges, on public social graphs or the loaded follows.

:func:`evaluate_link_prediction` holds out a random fraction of an undirected graph's edges, scores them and an
equal number (by default) of node pairs that are not edges of the full graph with each pair scorer on the
training graph (:mod:`graphengine.recommend.links.pair_scoring`), and reports the AUC — "people you may know" for
the social graph. :func:`evaluate_links` is what ``graphengine evaluate links`` runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.analytics.subgraph import WHOLE_GRAPH
from graphengine.errors import AnalysisError
from graphengine.recommend import datasets
from graphengine.recommend.links.pair_scoring import PAIR_METHODS, PairMethod, score_pairs, symmetric_adjacency
from graphengine.recommend.metrics import auc_score
from graphengine.recommend.splits import sample_non_edges, split_edges
from graphengine.store import Store

IntArray = NDArray[np.int64]


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


def evaluate_links(
    *, dataset: str = "lastfm", store: Store | None = None, seed: int = 123, repeats: int = 3
) -> dict[str, Any]:
    """AUC of CN, AA, RA, Jaccard and preferential attachment: held-out edges vs sampled non-edges."""
    if dataset == "lastfm":
        graph = datasets.load_lastfm_friends()
    elif dataset == "imdb":
        graph = datasets.load_imdb_coacting()
    elif dataset == "graph":
        if store is None:
            raise AnalysisError("dataset 'graph' needs a store")
        rows = store.query("analytics.stream_follow_edges", WHOLE_GRAPH.params())
        edges = rows[0] if rows else {"src": [], "dst": []}
        names = np.asarray(list(edges["src"]) + list(edges["dst"]), dtype=str)
        _, inverse = np.unique(names, return_inverse=True)
        half = len(edges["src"])
        graph = datasets.EdgeList.from_pairs(
            "follows (loaded graph)", inverse[:half].astype(np.int64), inverse[half:].astype(np.int64)
        )
    else:
        raise AnalysisError(f"unknown dataset {dataset!r}; lastfm, imdb or graph")
    return link_prediction_auc(graph, seed=seed, repeats=repeats)


def link_prediction_auc(graph: datasets.EdgeList, *, seed: int = 123, repeats: int = 3) -> dict[str, Any]:
    """AUC on the largest component: 10 % of edges held out, ten sampled non-edges per held-out edge."""
    component = graph.largest_component()
    result = evaluate_link_prediction(
        component.sources,
        component.targets,
        component.n_nodes,
        test_fraction=0.1,
        negatives_per_positive=10,
        repeats=repeats,
        seed=seed,
    )
    return {"dataset": component.name, "nodes": component.n_nodes, "edges": int(component.sources.size), **result}


__all__ = ["evaluate_link_prediction", "evaluate_links", "link_prediction_auc"]
