"""Offline evaluation of the recommendation strategies and link predictors on public data from PyPI wheels.

Protocol (cornac's published MovieLens-100k example): a random global 80/20 split of all ratings with
seed 123, test users/items unknown to train dropped, test ratings ≥ 4 are the relevant items, every
strategy sees all training ratings and never recommends an item the user already rated. Parameters and
blend weights are chosen on a validation split carved from the training part only (80/20, seed 124);
the test split is touched once, at the end. Link prediction: 10% of the edges of the largest connected
component held out, each held-out edge compared with 10 uniformly sampled non-edges, 10 repeats.

Run:  .venv/bin/python benchmarks/bench_recommend_eval.py [--json out.json] [--cache-dir DIR]
Reads the recbole 1.2.1 and graphdatascience 2.2 wheels (``pip download`` once into the cache).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graphengine.analytics import datasets
from graphengine.analytics._topk import mask_entries, top_k_dense
from graphengine.analytics.evaluation import evaluate, scorer_strategy
from graphengine.analytics.evaluation_runs import link_prediction_auc
from graphengine.analytics.interactions import Interactions
from graphengine.analytics.metrics import ranking_metrics
from graphengine.analytics.scoring import (
    Blend,
    ItemToItem,
    PathScorer,
    Popularity,
    Scorer,
    UserNeighbours,
    row_max_normalise,
)
from graphengine.analytics.splits import exclude_unknowns, random_split

K = 10
SEED = 123
BPR_CORNAC = {"precision": 0.111, "recall": 0.120, "ndcg": 0.150}


def matrices(train: Interactions, test: Interactions) -> tuple[sp.csr_array, sp.csr_array]:
    """Training ratings (all of them) and the relevant test items (ratings ≥ 4, known users and items)."""
    return train.to_csr(binary=False), exclude_unknowns(train, test).positives(4).to_csr()


class Validation:
    """Scores candidate scorers on the validation split; caches each scorer's per-user scores."""

    def __init__(self, train: sp.csr_array, relevant: sp.csr_array) -> None:
        self.train, self.relevant = train, relevant
        self.users = np.flatnonzero(np.diff(relevant.indptr) > 0)

    def parts(self, scorer: Scorer) -> np.ndarray:
        return row_max_normalise(scorer.fit(self.train).score(self.users))

    def ndcg(self, scores: np.ndarray) -> float:
        scores = np.array(scores)
        mask_entries(scores, sp.csr_array(self.train[self.users]))
        return ranking_metrics(top_k_dense(scores, K), self.relevant, self.users)["ndcg"]

    def best(self, candidates: dict[str, Callable[[], Scorer]]) -> tuple[str, float]:
        scored = {name: self.ndcg(self.parts(make())) for name, make in candidates.items()}
        name = max(scored, key=lambda n: scored[n])
        return name, scored[name]


def tune(validation: Validation) -> dict[str, Any]:
    """Choose each component's parameters, then the blend weights, by validation NDCG@10."""
    rp3 = {
        f"alpha={a},beta={b},min_rating={r}": (a, b, r)
        for a, b, r in itertools.product((0.3, 0.5, 0.7, 1.0), (0.0, 0.3, 0.5, 0.6, 0.7), (None, 4))
    }
    rp3_name, rp3_ndcg = validation.best(
        {n: (lambda a=a, b=b, r=r: PathScorer("ra", alpha=a, beta=b, min_rating=r)) for n, (a, b, r) in rp3.items()}
    )
    users = {f"neighbours={n},min_rating={r}": (n, r) for n, r in itertools.product((20, 50, 100, 200), (None, 4))}
    users_name, users_ndcg = validation.best(
        {n: (lambda k=k, r=r: UserNeighbours(neighbours=k, min_rating=r)) for n, (k, r) in users.items()}
    )
    cos = {f"alpha={a},min_rating={r}": (a, r) for a, r in itertools.product((0.5, 0.7), (None, 4))}
    cos_name, cos_ndcg = validation.best(
        {n: (lambda a=a, r=r: ItemToItem("cosine", alpha=a, min_rating=r)) for n, (a, r) in cos.items()}
    )
    lift = {f"min_support={m}": m for m in (1, 2, 5, 10, 20)}
    lift_name, lift_ndcg = validation.best(
        {n: (lambda m=m: ItemToItem("lift", min_support=m)) for n, m in lift.items()}
    )
    chosen = {"rp3": rp3[rp3_name], "users": users[users_name], "cosine": cos[cos_name], "lift": lift[lift_name]}
    components = component_factories(chosen)
    parts = {name: validation.parts(make()) for name, make in components.items()}
    trials = []
    grid_users, grid_cos, grid_pop = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0), (0.0, 0.25, 0.5, 1.0), (0.0, 0.05, 0.1, 0.2)
    for w_users, w_cos, w_pop in itertools.product(grid_users, grid_cos, grid_pop):
        weights = {"rp3": 1.0, "users": w_users, "cosine": w_cos, "popularity": w_pop}
        total = sum(w * parts[n] for n, w in weights.items() if w)
        trials.append((validation.ndcg(np.asarray(total)), weights))
    blend_ndcg, weights = max(trials, key=lambda t: t[0])
    return {
        "chosen": chosen,
        "weights": weights,
        "validation_ndcg": {
            "rp3": rp3_ndcg,
            "users": users_ndcg,
            "cosine": cos_ndcg,
            "lift": lift_ndcg,
            "blend": blend_ndcg,
            "popularity": validation.ndcg(validation.parts(Popularity())),
        },
        "names": {"rp3": rp3_name, "users": users_name, "cosine": cos_name, "lift": lift_name},
    }


def component_factories(chosen: dict[str, Any]) -> dict[str, Callable[[], Scorer]]:
    a, b, r = chosen["rp3"]
    n, ur = chosen["users"]
    ca, cr = chosen["cosine"]
    return {
        "rp3": lambda: PathScorer("ra", alpha=a, beta=b, min_rating=r),
        "users": lambda: UserNeighbours(neighbours=n, min_rating=ur),
        "cosine": lambda: ItemToItem("cosine", alpha=ca, min_rating=cr),
        "popularity": Popularity,
    }


def blend_factory(tuned: dict[str, Any]) -> Callable[[], Scorer]:
    components = component_factories(tuned["chosen"])

    def make() -> Scorer:
        return Blend([(components[name](), w) for name, w in tuned["weights"].items() if w])

    return make


def strategies(tuned: dict[str, Any]) -> dict[str, Callable[[sp.csr_array, np.ndarray, int], np.ndarray]]:
    comps = component_factories(tuned["chosen"])
    support = tuned["chosen"]["lift"]
    plain: dict[str, Callable[[], Scorer]] = {
        "co-purchase count": lambda: ItemToItem("count"),
        "co-purchase cosine": lambda: ItemToItem("cosine"),
        "co-purchase jaccard": lambda: ItemToItem("jaccard"),
        "co-purchase lift": lambda: ItemToItem("lift"),
        f"co-purchase lift (min_support={support})": lambda: ItemToItem("lift", min_support=support),
        "paths CN": lambda: PathScorer("cn"),
        "paths Adamic-Adar": lambda: PathScorer("aa"),
        "paths resource allocation": lambda: PathScorer("ra"),
        "paths RA tuned (RP3beta)": comps["rp3"],
        "customers like you (tuned)": comps["users"],
        "co-purchase cosine (tuned)": comps["cosine"],
        "blend (tuned)": blend_factory(tuned),
    }
    return {name: scorer_strategy(make) for name, make in plain.items()}


def link_prediction(cache_dir: Path | None) -> dict[str, Any]:
    graphs = [datasets.load_lastfm_friends(cache_dir), datasets.load_imdb_coacting(cache_dir)]
    karate = nx.karate_club_graph()
    edges = np.array(list(karate.edges()), dtype=np.int64)
    graphs.append(datasets.EdgeList.from_pairs("karate (networkx)", edges[:, 0], edges[:, 1]))
    out = {}
    for graph in graphs:
        started = time.perf_counter()
        result = link_prediction_auc(graph, seed=SEED, repeats=10)
        result["seconds"] = round(time.perf_counter() - started, 3)
        out[result["dataset"]] = result
    return out


def table(results: dict[str, dict[str, float]], popularity_ndcg: float) -> str:
    head = "| strategy | P@10 | R@10 | NDCG@10 | HR@10 | MAP@10 | coverage | NDCG / popularity | seconds |"
    lines = [head, "|---|---|---|---|---|---|---|---|---|"]
    for name, m in results.items():
        lines.append(
            f"| {name} | {m['precision']:.4f} | {m['recall']:.4f} | {m['ndcg']:.4f} | {m['hit_rate']:.4f} | "
            f"{m['map']:.4f} | {m['coverage']:.3f} | {m['ndcg'] / popularity_ndcg:.3f}x | {m['seconds']:.2f} |"
        )
    lines.append(
        f"| BPR (cornac, published) | {BPR_CORNAC['precision']:.3f} | {BPR_CORNAC['recall']:.3f} | "
        f"{BPR_CORNAC['ndcg']:.3f} | | | | {BPR_CORNAC['ndcg'] / popularity_ndcg:.3f}x | |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write all results to this JSON file")
    parser.add_argument("--cache-dir", type=Path, default=None, help="wheel cache (default .graphengine/datasets)")
    args = parser.parse_args()
    started = time.perf_counter()

    data = datasets.load_movielens_100k(args.cache_dir)
    train, test = random_split(data, 0.2, seed=SEED)
    inner, held = random_split(train, 0.2, seed=SEED + 1)
    tuned = tune(Validation(*matrices(inner, held)))
    print("validation NDCG@10:", {k: round(v, 4) for k, v in tuned["validation_ndcg"].items()})
    print("chosen:", tuned["names"], "blend weights:", tuned["weights"])

    train_matrix, relevant = matrices(train, test)
    report = evaluate(strategies(tuned), train_matrix, relevant, K, seed=SEED)
    popularity_ndcg = report["results"]["popularity"]["ndcg"]
    print(
        f"\nMovieLens-100k, {report['n_users_evaluated']} test users, {report['n_test_relevant']} relevant test "
        f"ratings, {report['n_train']} training ratings\n"
    )
    print(table(report["results"], popularity_ndcg))

    robustness = {}
    for seed in (1, 2, 3):
        other_train, other_test = random_split(data, 0.2, seed=seed)
        other = evaluate({"blend (tuned)": scorer_strategy(blend_factory(tuned))}, *matrices(other_train, other_test))
        robustness[seed] = {name: other["results"][name]["ndcg"] for name in ("blend (tuned)", "popularity")}
    print("\nother split seeds, NDCG@10 (same weights):")
    for seed, r in robustness.items():
        print(
            f"  seed {seed}: blend {r['blend (tuned)']:.4f}, popularity {r['popularity']:.4f}, "
            f"ratio {r['blend (tuned)'] / r['popularity']:.2f}x"
        )

    links = link_prediction(args.cache_dir)
    print("\nlink prediction AUC (mean ± std over 10 splits, 10% held out, 10 non-edges per held-out edge)\n")
    print("| graph | nodes | edges | CN | Adamic-Adar | RA | Jaccard | PA | random |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in links.items():
        cells = " | ".join(
            f"{r['auc'][m]:.3f} ± {r['auc_std'][m]:.3f}" for m in ("cn", "aa", "ra", "jaccard", "pa", "random")
        )
        print(f"| {name} | {r['n_nodes']} | {r['n_edges']} | {cells} |")
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    if args.json:
        payload = {"tuning": tuned, "movielens": report, "robustness": robustness, "link_prediction": links}
        args.json.write_text(json.dumps(payload, indent=2, default=str))


if __name__ == "__main__":
    main()
