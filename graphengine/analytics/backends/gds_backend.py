"""The in-database backend: Neo4j Graph Data Science (GDS 2.13, installed into the project's server).

Each call turns the projected graph into an in-memory GDS graph (nodes are the positions ``0..n-1``, so the
answers come back aligned with ``graph.node_ids`` with no id lookups), runs the ``gds.*.stream`` procedure
and drops the in-memory graph again, also when the algorithm fails. The graph crosses the wire as three
flat lists in one query (``cypher/queries/gds/project_arrays.cypher``); the scores come back as two lists
in one record. Everything around it (normalisation, community numbering, write-back, AnalysisRun) is the
shared code in :class:`~graphengine.analytics.backends.base.Backend`, so ``--backend gds`` writes the same
properties as igraph and networkx.

Where GDS differs and how it is bridged:

* **Sampled betweenness**: GDS draws its own pivots (``samplingSize``, ``samplingSeed``), each node with
  probability degree / max degree, not uniformly, and does not scale the sum. The base class scales by
  ``n/k`` as for the other backends, but the estimate is biased towards high-degree sources, so no error
  bound is stated (``uniform_pivots = False``: the run summary says ``sampled-degree-biased`` with
  ``error_bound`` null). Use igraph for a bounded estimate. Sampled runs use one thread: GDS draws pivots per
  thread, and one thread keeps a seed to one answer.
* **Eigenvector on a directed acyclic graph** is zero here as on the other backends (GDS iterates on
  ``A + I`` and would return a non-zero, unconverged vector).
* **Weighted eigenvector** is refused: GDS scales every node's out-weights to sum 1 first, which is another
  measure. Unweighted eigenvector centrality is the same as elsewhere.
* **Harmonic closeness**: GDS divides by ``n - 1`` already (multiplied back here; the base class normalises).
* **Louvain** has no resolution parameter in GDS: anything but 1.0 is refused. Leiden's ``gamma`` is the
  resolution. ``n_iterations`` of Leiden maps to nothing in GDS (it iterates to ``maxLevels``).
* ``seed`` reaches Leiden (``randomSeed``) and the betweenness pivots; GDS Louvain and label propagation
  are deterministic for a given graph and ``concurrency=1``, which is what a seeded call uses.

Each step (project, stream, drop) is its own transaction, so the backend needs one server: a single
instance, or a ``bolt://`` URI to the cluster member that runs GDS (a ``neo4j://`` routing URI may send the
steps to members with different graph catalogs). Any database error becomes an :class:`AnalysisError`.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from neo4j.exceptions import ClientError, Neo4jError
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from graphengine.analytics.backends.base import Backend
from graphengine.analytics.graph import FloatArray, IntArray, ProjectedGraph
from graphengine.errors import AnalysisError
from graphengine.store import Store

COMMUNITY_EDITION_MAX_CONCURRENCY = 4  # GDS Community caps every algorithm at four threads
_COUNTER = itertools.count()


def _is_acyclic(graph: ProjectedGraph) -> bool:
    """A simple directed graph with no cycle: every strongly connected component is a single node."""
    adjacency = sp.csr_array((np.ones(graph.n_edges), (graph.src, graph.dst)), shape=(graph.n_nodes,) * 2)
    n_components, _ = connected_components(adjacency, directed=True, connection="strong")
    return bool(n_components == graph.n_nodes)


def default_concurrency() -> int:
    return max(1, min(os.cpu_count() or 1, COMMUNITY_EDITION_MAX_CONCURRENCY))


class GdsBackend(Backend):
    """GDS procedures run inside the Neo4j server that ``store`` talks to."""

    name: ClassVar[str] = "gds"
    uniform_pivots: ClassVar[bool] = False

    def __init__(self, store: Store, *, concurrency: int | None = None, max_iterations: int = 100) -> None:
        self.store = store
        self.concurrency = concurrency or default_concurrency()
        if not 1 <= self.concurrency <= COMMUNITY_EDITION_MAX_CONCURRENCY:
            raise AnalysisError("GDS Community runs with 1 to 4 threads", details={"concurrency": self.concurrency})
        self.max_iterations = max_iterations
        self.version = self._require_gds()

    def _require_gds(self) -> str:
        try:
            return str(self.store.query("store.get_gds_version")[0]["version"])
        except ClientError as exc:
            raise AnalysisError(
                "backend 'gds' needs the Graph Data Science plugin in the Neo4j server; "
                "`graphengine neo4j install` puts it into the project's server",
                details={"backend": "gds", "error": str(exc.message)},
            ) from exc

    # ----------------------------------------------------------------------------------------- plumbing
    @contextmanager
    def _projected(self, graph: ProjectedGraph, weighted: bool) -> Iterator[str]:
        """The in-memory GDS graph of ``graph``, dropped on exit."""
        name = f"graphengine-{os.getpid()}-{next(_COUNTER)}-{uuid.uuid4().hex[:8]}"
        params = {
            "graph": name,
            "n": graph.n_nodes,
            "src": graph.src.tolist(),
            "dst": graph.dst.tolist(),
            "weight": graph.edge_weights().tolist() if weighted else None,
            "undirected": not graph.directed,
        }
        try:
            self.store.query("gds.project_arrays", params)
            yield name
        finally:  # also when the projection itself failed half-way; dropping a missing graph is a no-op
            self.store.query("gds.drop_graph", {"graph": name})

    def _config(self, weighted: bool, **extra: Any) -> dict[str, Any]:
        config: dict[str, Any] = {"concurrency": self.concurrency, "logProgress": False, **extra}
        if weighted:
            config["relationshipWeightProperty"] = "weight"
        return config

    def _stream(
        self,
        query: str,
        graph: ProjectedGraph,
        config: dict[str, Any],
        *,
        weighted: bool = False,
        column: str = "scores",
    ) -> NDArray[Any]:
        """Run one ``gds.*.stream`` query on ``graph`` and return ``column`` aligned with node positions."""
        try:
            with self._projected(graph, weighted) as name:
                row = self.store.query(query, {"graph": name, "config": config})[0]
        except Neo4jError as exc:  # client errors, the server's memory guard, transient errors after retries
            raise AnalysisError(
                f"GDS failed in {query}", details={"backend": "gds", "error": str(exc.message)}
            ) from exc
        nodes = np.asarray(row["nodes"], dtype=np.int64)
        values = np.asarray(row[column])
        aligned = np.empty_like(values)
        aligned[nodes] = values
        return aligned

    def _seeded(self, seed: int | None) -> int:
        """Threads for a call: one when a seed asks for a reproducible answer."""
        return 1 if seed is not None else self.concurrency

    # ---------------------------------------------------------------------------------------- centrality
    def _pagerank(self, graph: ProjectedGraph, damping: float, weighted: bool) -> FloatArray:
        config = self._config(weighted, dampingFactor=damping, maxIterations=self.max_iterations, tolerance=1e-10)
        return self._stream("gds.stream_pagerank", graph, config, weighted=weighted).astype(np.float64)

    def _betweenness(self, graph: ProjectedGraph, sources: IntArray | None, weighted: bool) -> FloatArray:
        extra: dict[str, Any] = {}
        if sources is not None:
            # GDS draws its own pivots: seeded from ours, on one thread, so one seed gives one answer
            extra = {
                "samplingSize": int(sources.size),
                "samplingSeed": int(sources.sum() % (2**31)),
                "concurrency": 1,
            }
        config = self._config(weighted, **extra)
        return self._stream("gds.stream_betweenness", graph, config, weighted=weighted).astype(np.float64)

    def _eigenvector(self, graph: ProjectedGraph, weighted: bool) -> FloatArray:
        if weighted:
            raise AnalysisError(
                "GDS eigenvector centrality scales each node's out-weights to sum 1, a different measure from the "
                "weighted eigenvector of the other backends; run it unweighted or with igraph",
                details={"backend": "gds", "algorithm": "eigenvector"},
            )
        if graph.directed and _is_acyclic(graph):
            return np.zeros(graph.n_nodes, dtype=np.float64)
        config = self._config(weighted, maxIterations=max(self.max_iterations, 1000), tolerance=1e-10)
        scores = self._stream("gds.stream_eigenvector", graph, config, weighted=weighted).astype(np.float64)
        return np.nan_to_num(scores, nan=0.0)

    def _harmonic(self, graph: ProjectedGraph) -> FloatArray:
        scores = self._stream("gds.stream_harmonic", graph, self._config(False)).astype(np.float64)
        return np.nan_to_num(scores, nan=0.0) * max(graph.n_nodes - 1, 1)  # GDS gives NaN for a lone node

    # --------------------------------------------------------------------------------------- communities
    def _louvain(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool
    ) -> list[NDArray[np.integer]]:
        if resolution != 1.0:
            raise AnalysisError(
                "GDS Louvain has no resolution parameter; use Leiden (gamma) or another backend",
                details={"backend": "gds", "resolution": resolution},
            )
        config = self._config(weighted, includeIntermediateCommunities=True, concurrency=self._seeded(seed))
        levels = self._stream("gds.stream_louvain", graph, config, weighted=weighted, column="levels")
        return list(np.asarray(levels, dtype=np.int64).reshape(graph.n_nodes, -1).T)

    def _leiden(
        self, graph: ProjectedGraph, resolution: float, seed: int | None, weighted: bool, n_iterations: int
    ) -> NDArray[np.integer]:
        extra: dict[str, Any] = {"gamma": resolution, "concurrency": self._seeded(seed)}
        if seed is not None:
            extra["randomSeed"] = seed
        config = self._config(weighted, **extra)
        return self._stream("gds.stream_leiden", graph, config, weighted=weighted, column="communities")

    def _label_propagation(self, graph: ProjectedGraph, seed: int | None, weighted: bool) -> NDArray[np.integer]:
        config = self._config(weighted, concurrency=self._seeded(seed))
        return self._stream("gds.stream_label_propagation", graph, config, weighted=weighted, column="communities")

    def _components(self, graph: ProjectedGraph) -> NDArray[np.integer]:
        return self._stream("gds.stream_wcc", graph, self._config(False), column="communities")


__all__ = ["COMMUNITY_EDITION_MAX_CONCURRENCY", "GdsBackend", "default_concurrency"]
