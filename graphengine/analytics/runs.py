"""AnalysisRun records and write-back: every analysis result carries the runId that wrote it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graphengine.errors import AnalysisError
from graphengine.store import Store

WRITE_QUERIES = {
    "SocialAccount": "analytics.write_account_scores",
    "Customer": "analytics.write_customer_scores",
    "Product": "analytics.write_product_scores",
}


@dataclass
class Run:
    """A run in progress: ``counts``, ``metrics`` and ``seconds`` are stored on the AnalysisRun at the end."""

    run_id: str
    kind: str
    algorithm: str
    backend: str
    graph: str
    params: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "runId": self.run_id,
            "kind": self.kind,
            "algorithm": self.algorithm,
            "backend": self.backend,
            "graph": self.graph,
            "params": self.params,
            "counts": self.counts,
            "metrics": self.metrics,
            "seconds": {k: round(v, 4) for k, v in self.seconds.items()},
        }

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - started


def new_run_id(kind: str) -> str:
    return f"{kind}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


@contextmanager
def analysis_run(
    store: Store, kind: str, algorithm: str, backend: str, graph: str, params: Mapping[str, Any]
) -> Iterator[Run]:
    """Record an AnalysisRun around a block: status running → finished (or failed, with the error)."""
    run = Run(new_run_id(kind), kind, algorithm, backend, graph, dict(params))
    store.write(
        "analytics.merge_run",
        {
            "runId": run.run_id,
            "props": {
                "kind": kind,
                "algorithm": algorithm,
                "backend": backend,
                "graph": graph,
                "params": json.dumps(run.params, sort_keys=True, default=str),
                "status": "running",
            },
        },
    )
    try:
        with run.timed("total"):
            yield run
    except Exception as exc:
        store.write("analytics.finish_run", {"runId": run.run_id, "props": {"status": "failed", "error": str(exc)}})
        raise
    store.write(
        "analytics.finish_run",
        {
            "runId": run.run_id,
            "props": {
                "status": "finished",
                "counts": json.dumps(run.counts),
                "metrics": json.dumps(run.metrics),
                "seconds": json.dumps({k: round(v, 4) for k, v in run.seconds.items()}),
            },
        },
    )


def write_node_properties(
    store: Store,
    label: str,
    ids: Any,
    columns: Mapping[str, Any],
    *,
    run_id: str,
    run_property: str,
    batch_size: int = 10_000,
    workers: int = 2,
) -> int:
    """Set ``columns`` (name → array aligned with ``ids``) and ``run_property = run_id`` on nodes of ``label``.

    Each batch sends the keys and one list per column (no map per row), and ``workers`` batches are written
    at once: the nodes of two batches never overlap, so concurrent transactions do not wait on each other.
    Returns the number of nodes written (keys that match no node are skipped, as before).
    """
    if label not in WRITE_QUERIES:
        raise AnalysisError(f"cannot write results to {label!r}; one of {', '.join(WRITE_QUERIES)}")
    names = list(columns)
    values = [_plain(columns[name]) for name in names]
    keys = _plain(ids)
    if any(len(column) != len(keys) for column in values):
        raise AnalysisError("every column needs one value per node", details={"nodes": len(keys)})

    def write(start: int) -> int:
        params = {
            "ids": keys[start : start + batch_size],
            "names": names,
            "columns": [column[start : start + batch_size] for column in values],
            "runProperty": run_property,
            "runId": run_id,
        }
        return int(store.write(WRITE_QUERIES[label], params)[0]["written"])

    starts = range(0, len(keys), batch_size)
    if workers <= 1 or len(starts) <= 1:
        return sum(write(start) for start in starts)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(write, starts))


def _plain(values: Any) -> list[Any]:
    return values.tolist() if hasattr(values, "tolist") else list(values)


def list_runs(store: Store, *, limit: int = 20, kind: str | None = None) -> list[dict[str, Any]]:
    rows = store.query("analytics.list_runs", {"limit": limit, "kind": kind})
    for row in rows:
        for key in ("params", "counts", "metrics", "seconds"):
            if isinstance(row.get(key), str):
                row[key] = json.loads(row[key])
    return rows


__all__ = ["Run", "analysis_run", "list_runs", "new_run_id", "write_node_properties"]
