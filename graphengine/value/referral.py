"""Customer referral value (CRV): the value of the customers each customer brought in.

A customer's own value is the total amount of their purchase lines. Over ``(Customer)-[:REFERRED]->(Customer)``
edges, ``referralValueDirect`` sums the value of the customers a customer referred; ``referralValue`` adds the
customers those referred in turn, each level down weighted by ``decay`` (``decay^(d-1)`` at depth d, up to
``max_depth``). A customer reached along several paths counts once, at its shortest depth; a customer never counts
towards their own referral value (cycles are ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.analytics.runs import analysis_run, write_node_properties
from graphengine.errors import AnalysisError
from graphengine.store import Store
from graphengine.value.transactions import read_lines


@dataclass(frozen=True)
class ReferralValue:
    """Per referrer (sorted ids): referred customers (all depths), direct and decayed referral value."""

    ids: NDArray[np.str_]
    referred: NDArray[np.int64]
    direct: NDArray[np.float64]
    total: NDArray[np.float64]


def referral_value(
    sources: NDArray[Any],
    targets: NDArray[Any],
    value_ids: NDArray[Any],
    values: NDArray[np.float64],
    *,
    decay: float = 0.5,
    max_depth: int = 3,
) -> ReferralValue:
    """Referral values over edges ``sources[i] → targets[i]``; ``values`` per customer of ``value_ids``
    (customers absent there are worth 0). Only customers who referred somebody are returned."""
    if not 0.0 <= decay <= 1.0 or max_depth < 1:
        raise AnalysisError("decay is between 0 and 1 and max_depth at least 1")
    ids, index = np.unique(np.concatenate([np.asarray(sources, str), np.asarray(targets, str)]), return_inverse=True)
    n = len(ids)
    src, dst = index[: len(sources)], index[len(sources) :]
    own = np.zeros(n)
    value_ids = np.asarray(value_ids, str)
    if len(value_ids):
        at = np.minimum(np.searchsorted(ids, value_ids), max(n - 1, 0))
        known = ids[at] == value_ids if n else np.zeros(len(value_ids), bool)
        np.add.at(own, at[known], np.asarray(values, np.float64)[known])
    adjacency = _binary(sp.csr_array((np.ones(len(src)), (src, dst)), shape=(n, n)))
    seen = sp.csr_array(sp.identity(n, format="csr"))  # a customer never counts towards themself
    frontier = _unseen(adjacency, seen)
    direct = frontier @ own
    total = direct.copy()
    referred = np.asarray(frontier.sum(axis=1)).ravel()
    for depth in range(2, max_depth + 1):
        seen = _binary(seen + frontier)
        frontier = _unseen(frontier @ adjacency, seen)
        if frontier.nnz == 0:
            break
        total += decay ** (depth - 1) * (frontier @ own)
        referred += np.asarray(frontier.sum(axis=1)).ravel()
    referrers = np.unique(src)
    return ReferralValue(ids[referrers], referred[referrers].astype(np.int64), direct[referrers], total[referrers])


def _binary(matrix: Any) -> sp.csr_array:
    result = sp.csr_array(matrix, dtype=np.float64)
    result.eliminate_zeros()
    result.data[:] = 1.0
    return result


def _unseen(reach: Any, seen: sp.csr_array) -> sp.csr_array:
    """The entries of ``reach`` (as 0/1) that are not in ``seen``."""
    reach = _binary(reach)
    return _binary(reach - reach.multiply(seen))


def run_referral(store: Store, *, decay: float = 0.5, max_depth: int = 3) -> dict[str, Any]:
    """Referral value over the graph's REFERRED edges; writes referralValue, referralValueDirect,
    referredCustomers and referralRunId on each referrer."""
    params = {"decay": decay, "maxDepth": max_depth, "value": "total purchase amount"}
    with analysis_run(store, "referral", "decayed-referral-value", "python", "referrals", params) as run:
        with run.timed("read"):
            edges = store.query("analytics.stream_referral_edges", {"since": None, "until": None})[0]
            lines = read_lines(store)
        customers, index = np.unique(lines.customers, return_inverse=True)
        spent = np.bincount(index, weights=lines.amounts, minlength=len(customers)).astype(np.float64)
        with run.timed("value"):
            result = referral_value(
                np.asarray(edges["src"], str),
                np.asarray(edges["dst"], str),
                customers,
                spent,
                decay=decay,
                max_depth=max_depth,
            )
        with run.timed("write"):
            written = write_node_properties(
                store,
                "Customer",
                result.ids,
                {
                    "referralValue": result.total,
                    "referralValueDirect": result.direct,
                    "referredCustomers": result.referred,
                },
                run_id=run.run_id,
                run_property="referralRunId",
            )
        run.counts.update({"referrers": len(result.ids), "written": written, "edges": len(edges["src"])})
        summary = run.summary()
    order = np.lexsort((result.ids, -result.total))[:10]
    summary["top"] = [
        {
            "customerId": str(result.ids[i]),
            "referredCustomers": int(result.referred[i]),
            "referralValueDirect": round(float(result.direct[i]), 2),
            "referralValue": round(float(result.total[i]), 2),
        }
        for i in order
    ]
    return summary
