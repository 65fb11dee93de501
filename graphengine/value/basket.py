"""Basket rules: which products are bought in the same order, as association rules with support, confidence
and lift, computed with sparse matrices.

Orders are the rows and products the columns of a binary matrix X (a product bought twice in an order counts
once). ``X^T X`` holds, for every pair of products, the number of orders with both (its diagonal: the orders with
each product). For a pair bought together in ``n_ab`` of ``N`` orders, with ``n_a`` and ``n_b`` orders holding
each: support = n_ab / N, confidence(a → b) = n_ab / n_a, lift = n_ab · N / (n_a · n_b). Every pair gives two
rules (one per direction; support and lift are symmetric, confidence is not). Rules are kept when the pair
has at least ``min_count`` orders and ``min_support`` support and the rule ``min_confidence`` confidence.

Rules are stored as ``(:Product)-[:BOUGHT_WITH {support, confidence, lift, orders, runId}]->(:Product)``; a new
run replaces the rules of earlier runs. :func:`rules_for_product` reads one product's rules back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.analytics.runs import analysis_run
from graphengine.errors import AnalysisError, NotFound
from graphengine.store import Store


@dataclass(frozen=True)
class Rules:
    """Association rules ``antecedent → consequent`` (product ids), best lift first."""

    antecedent: NDArray[np.str_]
    consequent: NDArray[np.str_]
    orders: NDArray[np.int64]
    support: NDArray[np.float64]
    confidence: NDArray[np.float64]
    lift: NDArray[np.float64]
    n_orders: int

    def __len__(self) -> int:
        return len(self.antecedent)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "antecedent": str(a),
                "consequent": str(c),
                "orders": int(n),
                "support": float(s),
                "confidence": float(k),
                "lift": float(li),
            }
            for a, c, n, s, k, li in zip(
                self.antecedent, self.consequent, self.orders, self.support, self.confidence, self.lift, strict=True
            )
        ]


def basket_rules(
    orders: NDArray[Any],
    products: NDArray[Any],
    *,
    min_support: float = 0.001,
    min_confidence: float = 0.0,
    min_count: int = 2,
) -> Rules:
    """Rules from parallel arrays of (order id, product id), one entry per order line."""
    if not (0.0 <= min_support <= 1.0 and 0.0 <= min_confidence <= 1.0):
        raise AnalysisError("min_support and min_confidence are fractions between 0 and 1")
    if len(orders) != len(products):
        raise AnalysisError("order and product arrays need one value per line")
    order_ids, rows = np.unique(np.asarray(orders), return_inverse=True)
    product_ids, cols = np.unique(np.asarray(products).astype(str), return_inverse=True)
    n = len(order_ids)
    if n == 0:
        return _empty(0)
    matrix = sp.csr_array(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, len(product_ids)), dtype=np.int32
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1  # an order holds a product once, however many lines name it
    # Products below the support threshold cannot be in a frequent pair: drop them before the product.
    per_product = np.asarray(matrix.sum(axis=0)).ravel()
    threshold = max(min_count, int(np.ceil(min_support * n)))
    keep = np.flatnonzero(per_product >= threshold)
    reduced = matrix[:, keep]
    both = sp.triu(reduced.T @ reduced, k=1).tocoo()
    frequent = both.data >= threshold
    a, b, n_ab = keep[both.row[frequent]], keep[both.col[frequent]], both.data[frequent].astype(np.int64)
    ante = np.concatenate([a, b])
    cons = np.concatenate([b, a])
    count = np.concatenate([n_ab, n_ab])
    support = count / n
    confidence = count / per_product[ante]
    lift = count * n / (per_product[ante].astype(np.float64) * per_product[cons])
    chosen = confidence >= min_confidence
    ante, cons, count = ante[chosen], cons[chosen], count[chosen]
    support, confidence, lift = support[chosen], confidence[chosen], lift[chosen]
    order = np.lexsort((product_ids[cons], product_ids[ante], -confidence, -lift))
    return Rules(
        product_ids[ante][order],
        product_ids[cons][order],
        count[order],
        support[order],
        confidence[order],
        lift[order],
        n,
    )


def _empty(n: int) -> Rules:
    text = np.zeros(0, dtype=str)
    return Rules(text, text, np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0), n)


def run_basket(
    store: Store,
    *,
    min_support: float = 0.001,
    min_confidence: float = 0.0,
    min_count: int = 2,
    batch_size: int = 10_000,
) -> dict[str, Any]:
    """Rules over every order of the graph, written as BOUGHT_WITH edges (earlier runs' edges removed)."""
    params = {"minSupport": min_support, "minConfidence": min_confidence, "minCount": min_count}
    with analysis_run(store, "basket", "pair-rules-sparse", "python", "orders", params) as run:
        with run.timed("read"):
            row = store.query("value.stream_order_products")[0]
        with run.timed("rules"):
            rules = basket_rules(
                np.asarray(row["orders"], dtype=str),
                np.asarray(row["products"], dtype=str),
                min_support=min_support,
                min_confidence=min_confidence,
                min_count=min_count,
            )
        with run.timed("write"):
            rows = [{"a": r["antecedent"], "b": r["consequent"], **r} for r in rules.rows()]
            for start in range(0, len(rows), batch_size):
                store.write("value.merge_bought_with", {"rows": rows[start : start + batch_size], "runId": run.run_id})
            removed = store.run_batched("value.delete_bought_with", {"runId": run.run_id, "batch": batch_size})
        run.counts.update(
            {
                "orders": rules.n_orders,
                "rules": len(rules),
                "removed": int(removed[0]["deleted"]) if removed else 0,
            }
        )
        summary = run.summary()
    summary["top"] = rules.rows()[:10]
    return summary


def rules_for_product(store: Store, product_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The stored rules ``product_id → other`` (best lift first); NotFound when the product does not exist."""
    rows = store.query("value.list_product_rules", {"productId": product_id, "limit": limit})
    if not rows:
        raise NotFound(f"no product {product_id!r}")
    return [r for r in rows if r.get("productId") is not None]
