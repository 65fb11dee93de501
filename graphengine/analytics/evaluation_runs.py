"""Ready-made evaluations behind ``graphengine evaluate``: recommendation strategies on MovieLens-100k or on
the loaded purchase graph, and link prediction AUC on public social graphs or the loaded follower graph.

The strategy parameters are the ones chosen on a validation split (see ``benchmarks/RESULTS_recommend.md``):
RP3β paths (resource allocation, path weight ``1/d^0.7``, item damping ``d^-0.5``, ratings ≥ 4), customers
like you (100 neighbours, ratings ≥ 4), cosine co-purchase, and the blend 1.0 × RP3β + 0.5 × customers like you.
Popularity and random baselines are always evaluated beside them (:func:`evaluate`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphengine.analytics import datasets
from graphengine.analytics.evaluation import evaluate, evaluate_link_prediction, scorer_strategy
from graphengine.analytics.interactions import Interactions
from graphengine.analytics.scoring import Blend, ItemToItem, PathScorer, Scorer, UserNeighbours
from graphengine.analytics.splits import exclude_unknowns, random_split, temporal_split
from graphengine.errors import AnalysisError
from graphengine.store import Store


def _rp3() -> Scorer:
    return PathScorer("ra", alpha=0.7, beta=0.5, min_rating=4)


def _users() -> Scorer:
    return UserNeighbours(neighbours=100, min_rating=4)


STRATEGIES: dict[str, Callable[[], Scorer]] = {
    "co-purchase cosine": lambda: ItemToItem("cosine"),
    "paths Adamic-Adar": lambda: PathScorer("aa"),
    "paths RP3beta": _rp3,
    "customers like you": _users,
    "blend": lambda: Blend([(_rp3(), 1.0), (_users(), 0.5)]),
}


def _purchase_interactions(store: Store) -> Interactions:
    rows = store.run_text(
        "MATCH (c:Customer)-[p:PURCHASED]->(x:Product) "
        "RETURN c.customerId AS u, x.productId AS i, p.lastAt.epochSeconds AS t"
    )
    if not rows:
        raise AnalysisError("the graph has no purchases to evaluate on")
    # every purchase counts as a positive (rating 5), its time is the last purchase of the pair
    return Interactions.from_ids(
        [r["u"] for r in rows], [r["i"] for r in rows], [5.0] * len(rows), [int(r["t"] or 0) for r in rows]
    )


def evaluate_recommendations(
    *, dataset: str = "movielens", store: Store | None = None, split: str = "random", k: int = 10, seed: int = 123
) -> dict[str, Any]:
    """Split 80/20 (random, or temporal per user), positives = ratings ≥ 4, and evaluate every strategy."""
    if dataset == "movielens":
        data = datasets.load_movielens_100k()
    elif dataset == "graph":
        if store is None:
            raise AnalysisError("dataset 'graph' needs a store")
        data = _purchase_interactions(store)
    else:
        raise AnalysisError(f"unknown dataset {dataset!r}; movielens or graph")
    if split == "random":
        train, test = random_split(data, 0.2, seed=seed)
    elif split == "temporal":
        train, test = temporal_split(data, 0.2, seed=seed)
    else:
        raise AnalysisError("split is random or temporal")
    relevant = exclude_unknowns(train, test).positives(4).to_csr()
    strategies = {name: scorer_strategy(make) for name, make in STRATEGIES.items()}
    result = evaluate(strategies, train.to_csr(binary=False), relevant, k, seed=seed)
    return {"dataset": dataset, "split": split, "k": k, "seed": seed, **result}


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
        rows = store.run_text(
            "MATCH (a:SocialAccount)-[:FOLLOWS]->(b:SocialAccount) RETURN a.accountId AS a, b.accountId AS b"
        )
        ids, inverse = np.unique(
            np.asarray([[r["a"], r["b"]] for r in rows], dtype=object).ravel().astype(str), return_inverse=True
        )
        pairs = inverse.reshape(-1, 2).astype(np.int64)
        graph = datasets.EdgeList.from_pairs("follows (loaded graph)", pairs[:, 0], pairs[:, 1])
        del ids
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


__all__ = ["STRATEGIES", "evaluate_links", "evaluate_recommendations", "link_prediction_auc"]
