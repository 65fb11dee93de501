"""Basket rules on ≥ 1M synthetic order lines with planted pairs: time and peak RSS of
:func:`graphengine.value.basket.basket_rules`, beside a plain-Python pair counter in the same process
and (when ``--mlxtend-python`` names an interpreter with mlxtend installed) mlxtend's FP-growth in a child.

    python benchmarks/bench_basket.py --lines 1000000 [--mlxtend-python /path/to/python]

Orders draw 1–7 products from a Zipf-like popularity over the catalogue; ``--planted`` pairs are added to a
share of the orders that hold their first product. The run checks that every planted pair is among the rules
with the highest lift and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from graphengine.value.basket import basket_rules

MLXTEND_CHILD = """
import json, sys, time, resource
import numpy as np, pandas as pd, scipy.sparse as sp
from mlxtend.frequent_patterns import fpgrowth
data = np.load(sys.argv[1])
orders, products, min_support = data["orders"], data["products"], float(sys.argv[2])
started = time.perf_counter()
_, rows = np.unique(orders, return_inverse=True)
_, cols = np.unique(products, return_inverse=True)
matrix = sp.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)))
frame = pd.DataFrame.sparse.from_spmatrix(matrix).astype(pd.SparseDtype(bool, False))
itemsets = fpgrowth(frame, min_support=min_support, max_len=2)
pairs = int((itemsets["itemsets"].map(len) == 2).sum())
print(json.dumps({"seconds": time.perf_counter() - started, "pairs": pairs,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def generate(
    lines: int, products: int, planted: int, seed: int
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, products + 1) ** 0.8
    weights /= weights.sum()
    sizes = rng.integers(1, 8, lines // 3)
    sizes = sizes[np.cumsum(sizes) <= lines]
    order_of_line = np.repeat(np.arange(len(sizes)), sizes)
    product_of_line = rng.choice(products, size=len(order_of_line), p=weights)
    pairs = [(int(a), int(b)) for a, b in rng.choice(np.arange(20, 2000), size=(planted, 2), replace=False)]
    extra_orders, extra_products = [], []
    holders = {a for a, _ in pairs}
    has = np.isin(product_of_line, list(holders))
    for order, product in zip(order_of_line[has], product_of_line[has], strict=True):
        for a, b in pairs:
            if product == a and rng.random() < 0.6:
                extra_orders.append(order)
                extra_products.append(b)
    orders = np.concatenate([order_of_line, np.array(extra_orders, dtype=np.int64)])
    items = np.concatenate([product_of_line, np.array(extra_products, dtype=np.int64)])
    top_up = lines - len(orders)
    if top_up > 0:  # single-line orders until the line count is reached
        orders = np.concatenate([orders, np.arange(len(sizes), len(sizes) + top_up)])
        items = np.concatenate([items, rng.choice(products, size=top_up, p=weights)])
    return orders, items, pairs


def plain_python(orders: np.ndarray, products: np.ndarray) -> Counter[tuple[int, int]]:
    baskets: dict[int, set[int]] = {}
    for order, product in zip(orders.tolist(), products.tolist(), strict=True):
        baskets.setdefault(order, set()).add(product)
    counts: Counter[tuple[int, int]] = Counter()
    for basket in baskets.values():
        counts.update(itertools.combinations(sorted(basket), 2))
    return counts


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--planted", type=int, default=20)
    parser.add_argument("--min-support", type=float, default=0.0001)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mlxtend-python", default=None)
    args = parser.parse_args()

    orders, products, planted = generate(args.lines, args.products, args.planted, args.seed)
    print(
        f"{len(orders):,} lines, {len(np.unique(orders)):,} orders, {args.products:,} products, "
        f"{len(planted)} planted pairs; RSS after generation {rss_mib():.0f} MiB",
        flush=True,
    )
    results = []
    before = rss_mib()
    started = time.perf_counter()
    rules = basket_rules(orders.astype(str), products.astype(str), min_support=args.min_support)
    ours = time.perf_counter() - started
    ranked = {
        (a, c) for a, c in zip(rules.antecedent[: 4 * len(planted)], rules.consequent[: 4 * len(planted)], strict=True)
    }
    found = sum((str(a), str(b)) in ranked for a, b in planted)
    results.append(("basket_rules (scipy sparse XᵀX)", ours, rss_mib(), len(rules) // 2))
    print(
        f"rules: {len(rules):,}; planted pairs among the top {4 * len(planted)} by lift: {found}/{len(planted)}"
        f" (peak RSS before the run {before:.0f} MiB)",
        flush=True,
    )

    started = time.perf_counter()
    counts = plain_python(orders, products)
    threshold = max(2, int(np.ceil(args.min_support * len(np.unique(orders)))))
    frequent = sum(1 for n in counts.values() if n >= threshold)
    results.append(("plain Python pair Counter (same process)", time.perf_counter() - started, rss_mib(), frequent))

    if args.mlxtend_python:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "orders.npz"
            np.savez(path, orders=orders, products=products)
            done = subprocess.run(
                [args.mlxtend_python, "-c", MLXTEND_CHILD, str(path), str(args.min_support)],
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode == 0:
            child = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(
                ("mlxtend FP-growth max_len=2 (child process)", child["seconds"], child["rss"], child["pairs"])
            )
        else:
            print("mlxtend failed:", done.stderr[-1500:], file=sys.stderr)

    print("\n| implementation | seconds | peak RSS (MiB) | frequent pairs | × ours |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, rss, pairs in results:
        print(f"| {name} | {seconds:.2f} | {rss:.0f} | {pairs:,} | {seconds / ours:.1f} |")


if __name__ == "__main__":
    main()
