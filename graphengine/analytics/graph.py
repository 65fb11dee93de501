"""The in-memory projected graph every analytics backend computes on, and its memory estimate.

A :class:`ProjectedGraph` is what a projection out of Neo4j (or a test fixture) produces: the external node
keys in a fixed order, and the edges as two integer arrays indexing into that order. Every score a backend
returns is a numpy array aligned with ``node_ids``: ``scores[i]`` belongs to ``node_ids[i]``.

Conventions, shared by all backends so that their answers agree:

* An edge ``src[k] -> dst[k]`` of a social projection reads "src follows dst": followers are in-edges.
* Backends compute on :meth:`ProjectedGraph.simple`: self-loops dropped, parallel edges merged with their
  weights summed (for undirected graphs ``u-v`` and ``v-u`` are the same edge).
* Community detection uses :meth:`ProjectedGraph.undirected`: a reciprocal pair of follows becomes one edge
  whose weight is the sum of both.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from graphengine.errors import AnalysisError

if TYPE_CHECKING:
    import networkx as nx

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ProjectedGraph:
    """Nodes (external keys), edges as index arrays, optional weights, and a direction flag.

    Build one with :meth:`from_edges` (keys) or directly from index arrays; the constructor validates shapes
    and index ranges and normalises dtypes (``src``/``dst`` to int64, ``weight`` to float64).
    """

    node_ids: NDArray[Any]
    src: IntArray
    dst: IntArray
    weight: FloatArray | None = None
    directed: bool = True
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        node_ids = np.asarray(self.node_ids)
        src = np.asarray(self.src, dtype=np.int64).reshape(-1)
        dst = np.asarray(self.dst, dtype=np.int64).reshape(-1)
        if node_ids.ndim != 1:
            raise AnalysisError("node_ids must be one-dimensional", details={"shape": list(node_ids.shape)})
        if src.shape != dst.shape:
            raise AnalysisError("src and dst must have the same length", details={"src": src.size, "dst": dst.size})
        n = node_ids.size
        if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
            raise AnalysisError("edge endpoints must index into node_ids", details={"n_nodes": n})
        weight = None
        if self.weight is not None:
            weight = np.asarray(self.weight, dtype=np.float64).reshape(-1)
            if weight.shape != src.shape:
                raise AnalysisError("weight must have one value per edge", details={"weight": weight.size})
            if not np.all(np.isfinite(weight)) or (weight.size and weight.min() < 0):
                raise AnalysisError("edge weights must be finite and non-negative")
        object.__setattr__(self, "node_ids", node_ids)
        object.__setattr__(self, "src", src)
        object.__setattr__(self, "dst", dst)
        object.__setattr__(self, "weight", weight)

    # ----------------------------------------------------------------------------------------- construction
    @classmethod
    def from_edges(
        cls,
        src_keys: ArrayLike,
        dst_keys: ArrayLike,
        *,
        weight: ArrayLike | None = None,
        nodes: ArrayLike | None = None,
        directed: bool = True,
        name: str = "",
    ) -> ProjectedGraph:
        """Build from edge endpoint keys. Without ``nodes`` the node order is the sorted unique keys
        (deterministic, so the id map is stable across runs); with ``nodes`` that order is kept and isolated
        nodes are included, and an endpoint missing from ``nodes`` raises :class:`AnalysisError`."""
        src_arr, dst_arr = np.asarray(src_keys).reshape(-1), np.asarray(dst_keys).reshape(-1)
        if src_arr.shape != dst_arr.shape:
            raise AnalysisError("src and dst must have the same length")
        if nodes is None:
            node_ids, inverse = np.unique(np.concatenate([src_arr, dst_arr]), return_inverse=True)
            src_idx, dst_idx = inverse[: src_arr.size], inverse[src_arr.size :]
            graph = cls(node_ids, src_idx, dst_idx, None if weight is None else np.asarray(weight), directed, name)
            return graph
        graph = cls(np.asarray(nodes), np.empty(0, np.int64), np.empty(0, np.int64), None, directed, name)
        return cls(
            graph.node_ids,
            graph.index_of(src_arr),
            graph.index_of(dst_arr),
            None if weight is None else np.asarray(weight),
            directed,
            name,
        )

    @classmethod
    def from_networkx(cls, nx_graph: nx.Graph, *, weight: str | None = None, name: str = "") -> ProjectedGraph:
        """Build from a networkx graph (tests and the reference path); node order is ``list(nx_graph)``."""
        node_ids = np.empty(nx_graph.number_of_nodes(), dtype=object)
        node_ids[:] = list(nx_graph)
        position = {node: i for i, node in enumerate(node_ids.tolist())}
        edges = list(nx_graph.edges(data=weight, default=1.0)) if weight else list(nx_graph.edges())
        src = np.fromiter((position[e[0]] for e in edges), dtype=np.int64, count=len(edges))
        dst = np.fromiter((position[e[1]] for e in edges), dtype=np.int64, count=len(edges))
        weights = np.fromiter((e[2] for e in edges), dtype=np.float64, count=len(edges)) if weight else None
        return cls(node_ids, src, dst, weights, nx_graph.is_directed(), name)

    # ----------------------------------------------------------------------------------------------- sizes
    @property
    def n_nodes(self) -> int:
        return int(self.node_ids.size)

    @property
    def n_edges(self) -> int:
        return int(self.src.size)

    @property
    def weighted(self) -> bool:
        return self.weight is not None

    def require_nodes(self) -> None:
        """Raise :class:`AnalysisError` when the projection is empty (no analysis is meaningful on it)."""
        if self.n_nodes == 0:
            raise AnalysisError("the projected graph is empty", details={"graph": self.name})

    # --------------------------------------------------------------------------------------------- id map
    @cached_property
    def id_map(self) -> dict[Any, int]:
        """External key -> position; built once on first use and used by :meth:`index_of` (string keys hash
        about 4x faster than a binary search over an object array)."""
        return {key: i for i, key in enumerate(self.node_ids.tolist())}

    def index_of(self, keys: ArrayLike) -> IntArray:
        """Positions of ``keys`` (hash lookups in :attr:`id_map`); unknown keys raise :class:`AnalysisError`."""
        key_list = np.asarray(keys).reshape(-1).tolist() if not isinstance(keys, list) else keys
        if not key_list:
            return np.empty(0, dtype=np.int64)
        positions = np.fromiter(
            map(self.id_map.get, key_list, itertools.repeat(-1)), dtype=np.int64, count=len(key_list)
        )
        missing = positions < 0
        if missing.any():
            unknown = [key_list[i] for i in np.flatnonzero(missing)[:5].tolist()]
            raise AnalysisError("unknown node keys", details={"missing": unknown})
        return positions

    # ------------------------------------------------------------------------------------ derived graphs
    def _coalesce(self, src: IntArray, dst: IntArray, weight: FloatArray, directed: bool) -> ProjectedGraph:
        keep = src != dst
        src, dst, weight = src[keep], dst[keep], weight[keep]
        if not directed:
            src, dst = np.minimum(src, dst), np.maximum(src, dst)
        keys, inverse = np.unique(src * max(self.n_nodes, 1) + dst, return_inverse=True)
        merged = np.bincount(inverse, weights=weight, minlength=keys.size).astype(np.float64)
        n = max(self.n_nodes, 1)
        result = ProjectedGraph(
            self.node_ids, keys // n, keys % n, merged if self.weighted else None, directed, self.name
        )
        # the result is already simple (and undirected when it is): derived views return it, so the backend
        # graph built for it (cached per object) is reused instead of rebuilt
        result.__dict__["_simple"] = result
        if not directed:
            result.__dict__["_undirected"] = result
        return result

    @cached_property
    def _simple(self) -> ProjectedGraph:
        return self._coalesce(self.src, self.dst, self.edge_weights(), self.directed)

    def simple(self) -> ProjectedGraph:
        """Self-loops dropped, parallel edges merged (weights summed), edges sorted by (src, dst)."""
        return self._simple

    @cached_property
    def _undirected(self) -> ProjectedGraph:
        return self._coalesce(self.src, self.dst, self.edge_weights(), False)

    def undirected(self) -> ProjectedGraph:
        """The undirected view used for communities: ``u->v`` and ``v->u`` merge into one edge."""
        return self._undirected

    def edge_weights(self) -> FloatArray:
        """The weights, or ones when the graph is unweighted."""
        return self.weight if self.weight is not None else np.ones(self.n_edges, dtype=np.float64)

    def adjacency(self, *, weighted: bool = True) -> sp.csr_array:
        """``A[i, j]`` = (summed) weight of edges ``i -> j``; symmetric for undirected graphs."""
        n = self.n_nodes
        data = self.edge_weights() if weighted else np.ones(self.n_edges, dtype=np.float64)
        rows, cols = self.src, self.dst
        if not self.directed:
            off = rows != cols
            rows, cols = np.concatenate([rows, cols[off]]), np.concatenate([cols, rows[off]])
            data = np.concatenate([data, data[off]])
        return sp.csr_array(sp.coo_array((data, (rows, cols)), shape=(n, n)))

    def in_degree(self) -> IntArray:
        """Number of in-edges per node (all edges of the projection, as stored)."""
        if not self.directed:
            return self.degree()
        return np.bincount(self.dst, minlength=self.n_nodes).astype(np.int64)

    def out_degree(self) -> IntArray:
        """Number of out-edges per node (all edges of the projection, as stored)."""
        if not self.directed:
            return self.degree()
        return np.bincount(self.src, minlength=self.n_nodes).astype(np.int64)

    def degree(self) -> IntArray:
        """Total degree per node (a self-loop counts twice)."""
        n = self.n_nodes
        return (np.bincount(self.src, minlength=n) + np.bincount(self.dst, minlength=n)).astype(np.int64)

    def induced_subgraph(self, nodes: ArrayLike) -> ProjectedGraph:
        """The subgraph on the node positions ``nodes`` (in that order), keeping edges between them."""
        idx = np.asarray(nodes, dtype=np.int64).reshape(-1)
        new_pos = np.full(self.n_nodes, -1, dtype=np.int64)
        new_pos[idx] = np.arange(idx.size, dtype=np.int64)
        keep = (new_pos[self.src] >= 0) & (new_pos[self.dst] >= 0)
        weight = None if self.weight is None else self.weight[keep]
        return ProjectedGraph(
            self.node_ids[idx], new_pos[self.src[keep]], new_pos[self.dst[keep]], weight, self.directed, self.name
        )


# ------------------------------------------------------------------------------------------ memory estimate
# Bytes per item, measured (RSS) on CPython 3.11 / numpy 2.4 / igraph 1.0 / networkx 3.6 with 200k nodes and
# 1M edges; benchmarks/bench_analytics_core.py prints the estimate next to the measured peaks.
_ARRAY_BYTES_PER_EDGE = 16  # src + dst as int64
_WEIGHT_BYTES_PER_EDGE = 8  # float64
_ID_BYTES_PER_NODE = 8  # object pointer
_ID_MAP_BYTES_PER_NODE = 50  # dict entry + int object of the id map index_of uses
# (per edge, per node, per weighted edge, transient per edge while the backend graph is built)
_BACKEND_BYTES = {
    # igraph: from/to/out-index/in-index int64 vectors (~46 B/edge measured), two index vectors per node; the
    # weights travel into the C core as a Python float list; building converts the edge array through Python
    # ints (~120 B/edge, freed afterwards).
    "igraph": (46, 16, 32, 120),
    # networkx: succ + pred adjacency dicts with a weight attribute dict per edge; three dicts per node.
    "networkx": (340, 700, 0, 0),
    # gds: the server's compressed in-memory graph (21.4 MB measured for 200k nodes and 2.76M relationships,
    # ~8 B/edge with the node mapping) plus a float per weighted edge; the edge lists travel as Python int
    # lists first (~100 B/edge, freed once sent). The server heap holds the graph, this process the lists.
    "gds": (8, 16, 8, 100),
}
_BACKEND_MODEL = {"igraph-c": "igraph", "igraph-leidenalg": "igraph"}


@dataclass(frozen=True)
class MemoryEstimate:
    """Estimated bytes a projection of ``n_nodes``/``n_edges`` needs in memory, by part."""

    n_nodes: int
    n_edges: int
    backend: str
    arrays_bytes: int
    ids_bytes: int
    backend_bytes: int
    build_peak_bytes: int = 0

    @property
    def total_bytes(self) -> int:
        """Resident once built."""
        return self.arrays_bytes + self.ids_bytes + self.backend_bytes

    @property
    def peak_bytes(self) -> int:
        """The high-water mark while the backend graph is being built."""
        return self.total_bytes + self.build_peak_bytes

    def describe(self) -> str:
        """One line to print before a big projection (sizes, parts, and the peak while building)."""
        return (
            f"projection of {self.n_nodes:,} nodes and {self.n_edges:,} edges needs about "
            f"{format_bytes(self.total_bytes)} ({self.backend}: arrays {format_bytes(self.arrays_bytes)}, "
            f"ids {format_bytes(self.ids_bytes)}, backend graph {format_bytes(self.backend_bytes)}; "
            f"peak while building {format_bytes(self.peak_bytes)})"
        )


def estimate_memory(
    n_nodes: int, n_edges: int, *, weighted: bool = False, backend: str = "igraph", key_bytes: int = 64
) -> MemoryEstimate:
    """Estimate the memory of a projection before building it (GDS users expect this before big runs).

    ``key_bytes`` is the average size of one external key object (a short Python ``str`` is ~60 bytes).
    The estimate covers the numpy arrays, the id map and the backend's own graph; algorithm working memory
    comes on top (PageRank and Leiden need a few more vectors of N floats, a negligible share).
    """
    if n_nodes < 0 or n_edges < 0:
        raise AnalysisError("node and edge counts must be non-negative")
    backend = _BACKEND_MODEL.get(backend, backend)
    if backend not in _BACKEND_BYTES:
        raise AnalysisError(f"no memory model for backend {backend!r}", details={"known": sorted(_BACKEND_BYTES)})
    per_edge, per_node, per_weight, transient = _BACKEND_BYTES[backend]
    arrays = n_edges * (_ARRAY_BYTES_PER_EDGE + (_WEIGHT_BYTES_PER_EDGE if weighted else 0))
    ids = n_nodes * (_ID_BYTES_PER_NODE + _ID_MAP_BYTES_PER_NODE + key_bytes)
    backend_bytes = n_edges * (per_edge + (per_weight if weighted else 0)) + n_nodes * per_node
    return MemoryEstimate(n_nodes, n_edges, backend, arrays, ids, backend_bytes, n_edges * transient)


def format_bytes(n_bytes: int) -> str:
    """Human-readable size with binary units (``512.0 MiB``)."""
    if n_bytes < 1024:
        return f"{n_bytes} B"
    value, unit = n_bytes / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"


__all__ = ["MemoryEstimate", "ProjectedGraph", "estimate_memory", "format_bytes"]
