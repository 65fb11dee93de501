"""Training and fold-in scoring at scale, on a generated interaction matrix (no database).

The generated data has ``customers`` rows, ``products`` columns and about ``interactions`` cells: item popularity
follows a Zipf-like law (exponent 0.8), each customer draws most items from one of 50 taste groups, so there is
structure to learn. For each model (ALS, ItemKNN, RP3β, EASE^R — refused above its item limit, as the fit says)
it prints the fit time, the peak resident memory of the process so far, the artefact size, and the fold-in
request time (``model.scores`` on one customer's row + ``ranking.top_k``) over 200 customers. The full size of
the issue — 1M customers, 100k products, 10M interactions — is ``--scale 1``; smaller scales show how times grow.

Run:  .venv/bin/python benchmarks/bench_train.py [--scale 0.1] [--models als,itemknn,ease] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from graphengine.errors import AnalysisError
from graphengine.recommend import artefacts
from graphengine.recommend.interactions import InteractionWeights
from graphengine.recommend.models import build, item_popularity
from graphengine.recommend.ranking import top_k

FULL = {"customers": 1_000_000, "products": 100_000, "interactions": 10_000_000}
PARAMS: dict[str, dict[str, Any]] = {
    "als": {"factors": 64, "regularization": 10.0, "alpha": 1.0, "iterations": 15},
    "itemknn": {"neighbours": 100, "shrink": 10.0},
    "rp3beta": {"alpha": 0.8, "beta": 0.5, "neighbours": 100},
    "ease": {"lam": 300.0},
}


def generate(customers: int, products: int, interactions: int, seed: int = 1) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    groups = 50
    weight = 1.0 / np.arange(1, products + 1) ** 0.8
    item_group = rng.integers(0, groups, products)
    customer_group = rng.integers(0, groups, customers)
    rows = rng.integers(0, customers, interactions)
    global_pick = rng.choice(products, size=interactions, p=weight / weight.sum())
    # 60 % of the picks come from the customer's group: the same draw, moved to an item of that group
    by_group = [np.flatnonzero(item_group == g) for g in range(groups)]
    in_group = rng.random(interactions) < 0.6
    cols = global_pick.copy()
    for g in range(groups):
        mask = in_group & (customer_group[rows] == g)
        members = by_group[g]
        cols[mask] = members[global_pick[mask] % len(members)]
    matrix = sp.csr_matrix((np.ones(interactions, dtype=np.float32), (rows, cols)), shape=(customers, products))
    matrix.data[:] = 1.0
    return matrix


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def run(scale: float, kinds: list[str]) -> dict[str, Any]:
    sizes = {name: max(10, round(value * scale)) for name, value in FULL.items()}
    started = time.perf_counter()
    matrix = generate(sizes["customers"], sizes["products"], sizes["interactions"])
    report: dict[str, Any] = {
        "scale": scale,
        **sizes,
        "cells": int(matrix.nnz),
        "generate_s": round(time.perf_counter() - started, 2),
        "models": {},
    }
    sample = np.random.default_rng(2).choice(matrix.shape[0], 200, replace=False)
    with tempfile.TemporaryDirectory() as home:
        for kind in kinds:
            entry: dict[str, Any] = {"params": PARAMS.get(kind, {})}
            started = time.perf_counter()
            try:
                model = build(kind, PARAMS.get(kind, {})).fit(matrix)
            except AnalysisError as exc:
                entry["refused"] = exc.message
                report["models"][kind] = entry
                print(kind, "refused:", exc.message, flush=True)
                continue
            entry["fit_s"] = round(time.perf_counter() - started, 2)
            entry["peak_rss_gib"] = round(peak_rss_gib(), 2)
            meta = artefacts.ArtefactMeta(
                item_ids=np.asarray([f"p{i}" for i in range(matrix.shape[1])]),
                popularity=item_popularity(matrix),
                weights=InteractionWeights(),
            )
            version = artefacts.save(model, meta, Path(home))
            entry["artefact_mib"] = round(
                sum(f.stat().st_size for f in (Path(home) / "models" / version).iterdir()) / 2**20, 1
            )
            started = time.perf_counter()
            artefacts.load(Path(home), version)
            entry["load_s"] = round(time.perf_counter() - started, 3)
            timings = []
            for u in sample:
                row = matrix[u]
                t0 = time.perf_counter()
                top_k(model.scores(row)[0], 10, row)
                timings.append(time.perf_counter() - t0)
            entry["request_ms_p50"] = round(1000 * float(np.percentile(timings, 50)), 2)
            entry["request_ms_p99"] = round(1000 * float(np.percentile(timings, 99)), 2)
            report["models"][kind] = entry
            print(kind, entry, flush=True)
            del model
    report["peak_rss_gib"] = round(peak_rss_gib(), 2)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of 1M × 100k × 10M (1 = full size)")
    parser.add_argument("--models", default="als,itemknn,ease")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = run(args.scale, [m.strip() for m in args.models.split(",") if m.strip()])
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
