"""Centrality, backend-independent, and the influencer views built on it (ranking and advocate pyramid).

``compute_centrality(graph, ["pagerank", "betweenness"])`` returns one ``float64`` array per algorithm,
aligned with ``graph.node_ids``, plus a JSON-ready run summary (backend, parameters, timings, and for
betweenness whether it was exact or sampled, with the stated error bound). The algorithms and their
conventions are documented in :mod:`graphengine.analytics.backends.base`; in a follower projection an edge
``a -> b`` means "a follows b", so followers are in-edges and every score rewards being followed.

Betweenness is exact up to ``betweenness_exact_max_nodes`` nodes; above that (or when
``betweenness_samples`` is given) it is the pivot-sampling estimate, whose additive error on the normalised
scale is at most ``betweenness_error_bound(n, k, delta)`` for every node with probability ``1 - delta``.

:func:`influencer_ranking` and :func:`advocate_pyramid` are pure functions on these arrays.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from graphengine.analytics.backends import DEFAULT_BACKEND, Backend, betweenness_error_bound, get_backend
from graphengine.analytics.graph import FloatArray, IntArray, ProjectedGraph
from graphengine.errors import AnalysisError

CENTRALITY_ALGORITHMS = ("pagerank", "betweenness", "eigenvector", "in_degree", "out_degree", "harmonic")
EXACT_BETWEENNESS_MAX_NODES = 5_000
DEFAULT_BETWEENNESS_SAMPLES = 256


@dataclass(frozen=True)
class CentralityResult:
    """Scores per algorithm (arrays aligned with ``node_ids``) and the run summary."""

    node_ids: NDArray[Any]
    scores: dict[str, FloatArray]
    summary: dict[str, Any] = field(default_factory=dict)

    def top(self, algorithm: str, k: int = 10) -> list[tuple[Any, float]]:
        """The ``k`` highest-scoring nodes for ``algorithm`` as (key, score), best first."""
        if algorithm not in self.scores:
            raise AnalysisError(f"{algorithm!r} was not computed", details={"computed": sorted(self.scores)})
        values = self.scores[algorithm]
        order = np.lexsort((np.arange(values.size), -values))[:k]
        return list(zip(self.node_ids[order].tolist(), values[order].tolist(), strict=True))


def compute_centrality(
    graph: ProjectedGraph,
    algorithms: Sequence[str] = ("pagerank",),
    backend: str | Backend = DEFAULT_BACKEND,
    *,
    damping: float = 0.85,
    weighted: bool = True,
    betweenness_samples: int | None = None,
    betweenness_exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    seed: int | None = None,
    delta: float = 0.05,
) -> CentralityResult:
    """Run each of ``algorithms`` (names from :data:`CENTRALITY_ALGORITHMS`) on ``backend``.

    ``weighted`` uses edge weights where the algorithm has a weighted form (PageRank, eigenvector, weighted
    degree); betweenness and harmonic closeness count hops. ``seed`` fixes the betweenness pivots.
    Raises :class:`AnalysisError` for an unknown algorithm or backend, or an empty graph.
    """
    unknown = [name for name in algorithms if name not in CENTRALITY_ALGORITHMS]
    if unknown or not algorithms:
        raise AnalysisError(
            "unknown or no centrality algorithm", details={"unknown": unknown, "known": list(CENTRALITY_ALGORITHMS)}
        )
    impl = get_backend(backend)
    graph.require_nodes()
    n = graph.n_nodes
    samples = betweenness_samples
    if samples is None and n > betweenness_exact_max_nodes:
        samples = DEFAULT_BETWEENNESS_SAMPLES
    if samples is not None and samples >= n:
        samples = None
    scores: dict[str, FloatArray] = {}
    seconds: dict[str, float] = {}
    for name in dict.fromkeys(algorithms):
        started = time.perf_counter()
        if name == "pagerank":
            scores[name] = impl.pagerank(graph, damping=damping, weighted=weighted)
        elif name == "betweenness":
            scores[name] = impl.betweenness(graph, samples=samples, seed=seed)
        elif name == "eigenvector":
            scores[name] = impl.eigenvector(graph, weighted=weighted)
        elif name == "in_degree":
            scores[name] = impl.in_degree(graph)
        elif name == "out_degree":
            scores[name] = impl.out_degree(graph)
        else:
            scores[name] = impl.harmonic(graph)
        seconds[name] = time.perf_counter() - started
    summary: dict[str, Any] = {
        "algorithms": list(scores),
        "backend": impl.name,
        "graph": graph.name,
        "n_nodes": n,
        "n_edges": graph.n_edges,
        "directed": graph.directed,
        "params": {"damping": damping, "weighted": weighted and graph.weighted, "seed": seed},
        "seconds": seconds,
        "total_seconds": sum(seconds.values()),
    }
    if "betweenness" in scores:
        bounded = samples is None or impl.uniform_pivots
        summary["betweenness"] = {
            "mode": "exact" if samples is None else ("sampled" if bounded else "sampled-degree-biased"),
            "samples": n if samples is None else samples,
            "error_bound": (
                0.0 if samples is None else betweenness_error_bound(n, samples, delta=delta) if bounded else None
            ),
            "delta": delta,
        }
    result = CentralityResult(graph.node_ids, scores, summary)
    summary["top"] = {name: result.top(name, 5) for name in scores}
    return result


# --------------------------------------------------------------------------------------------- influencers
def two_hop_reach(graph: ProjectedGraph, nodes: ArrayLike) -> IntArray:
    """Distinct nodes that reach each of ``nodes`` in one or two hops along edges (followers and followers of
    followers; neighbours within two hops when undirected), the node itself excluded. Sparse products
    restricted to the requested columns, so asking for the top 100 of a million-node graph stays cheap."""
    targets = np.asarray(nodes, dtype=np.int64).reshape(-1)
    if targets.size == 0:
        return np.empty(0, dtype=np.int64)
    adjacency = graph.simple().adjacency(weighted=False)
    direct = sp.csc_array(adjacency[:, targets])
    reach = sp.coo_array(direct + adjacency @ direct)
    rows, cols = reach.row.astype(np.int64), reach.col.astype(np.int64)
    counts = np.bincount(cols, minlength=targets.size)
    self_hits = np.bincount(cols[rows == targets[cols]], minlength=targets.size)
    return (counts - self_hits).astype(np.int64)


@dataclass(frozen=True)
class InfluencerTable:
    """Ranked influencers (best first); every array has one entry per listed node."""

    rank: IntArray
    node_index: IntArray
    node_ids: NDArray[Any]
    score: FloatArray
    followers: IntArray
    reach_2hop: IntArray
    community: IntArray
    community_rank: IntArray
    engagement: FloatArray

    def __len__(self) -> int:
        return int(self.rank.size)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per influencer, JSON-ready (for the API and ``--json``)."""
        columns = {
            "rank": self.rank.tolist(),
            "nodeId": self.node_ids.tolist(),
            "score": self.score.tolist(),
            "followers": self.followers.tolist(),
            "reach2hop": self.reach_2hop.tolist(),
            "communityId": self.community.tolist(),
            "communityRank": self.community_rank.tolist(),
            "engagement": self.engagement.tolist(),
        }
        return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _aligned(values: ArrayLike | None, n: int, name: str, fill: float) -> NDArray[np.float64]:
    if values is None:
        return np.full(n, fill, dtype=np.float64)
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if array.size != n:
        raise AnalysisError(f"{name} must have one value per node", details={"expected": n, "got": array.size})
    if not np.all(np.isfinite(array)):
        raise AnalysisError(f"{name} must be finite")
    return array


def influencer_ranking(
    graph: ProjectedGraph,
    scores: ArrayLike,
    *,
    communities: ArrayLike | None = None,
    engagement: ArrayLike | None = None,
    top: int | None = 100,
) -> InfluencerTable:
    """Rank nodes by ``scores`` (ties: more followers first, then node order) and describe the ``top``.

    ``followers`` is the in-degree (distinct followers), ``reach_2hop`` the distinct accounts within two
    follow hops (:func:`two_hop_reach`), ``community`` the given membership (-1 when none) and
    ``community_rank`` the node's rank among the members of its own community (1 = its top influencer).
    """
    n = graph.n_nodes
    score = _aligned(scores, n, "scores", 0.0)
    community = _aligned(communities, n, "communities", -1.0).astype(np.int64)
    engaged = _aligned(engagement, n, "engagement", 0.0)
    simple = graph.simple()
    followers = np.bincount(simple.dst, minlength=n) if simple.directed else simple.degree()
    order = np.lexsort((np.arange(n), -followers, -score))
    # rank inside each community: a stable sort of the global order by community keeps the score order
    by_community = order[np.argsort(community[order], kind="stable")]
    sorted_comm = community[by_community]
    starts = np.flatnonzero(np.r_[True, sorted_comm[1:] != sorted_comm[:-1]]) if n else np.empty(0, np.int64)
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    community_rank = np.empty(n, dtype=np.int64)
    community_rank[by_community] = np.arange(n) - group_start + 1
    chosen = order if top is None else order[: max(top, 0)]
    return InfluencerTable(
        rank=np.arange(1, chosen.size + 1, dtype=np.int64),
        node_index=chosen.astype(np.int64),
        node_ids=graph.node_ids[chosen],
        score=score[chosen],
        followers=followers[chosen].astype(np.int64),
        reach_2hop=two_hop_reach(graph, chosen),
        community=community[chosen],
        community_rank=community_rank[chosen],
        engagement=engaged[chosen],
    )


# ------------------------------------------------------------------------------------------ advocate pyramid
PYRAMID_TIERS = ("follower", "supporter", "organizer", "leader")


@dataclass(frozen=True)
class PyramidRules:
    """Thresholds of the advocate pyramid. Quantiles of ``score`` are taken over all nodes, quantiles of
    ``engagement`` over the supporters (nodes that engaged at all), so a crowd of passive followers does not
    drag the engagement bar down to zero."""

    supporter_min_engagement: float = 1.0
    organizer_score_quantile: float = 0.80
    organizer_engagement_quantile: float = 0.50
    leader_score_quantile: float = 0.95
    leader_engagement_quantile: float = 0.75

    def validate(self) -> None:
        quantiles = (
            self.organizer_score_quantile,
            self.organizer_engagement_quantile,
            self.leader_score_quantile,
            self.leader_engagement_quantile,
        )
        if not all(0.0 <= q <= 1.0 for q in quantiles) or self.supporter_min_engagement <= 0:
            raise AnalysisError("pyramid quantiles must be in [0, 1] and supporter_min_engagement > 0")


@dataclass(frozen=True)
class AdvocatePyramid:
    """``tier[i]`` in 0..3 indexes :data:`PYRAMID_TIERS`; ``thresholds`` holds the cut-offs actually used."""

    tier: NDArray[np.int8]
    thresholds: dict[str, float]
    counts: dict[str, int]

    def labels(self) -> NDArray[np.str_]:
        """The tier name per node."""
        return np.asarray(PYRAMID_TIERS)[self.tier]


def advocate_pyramid(scores: ArrayLike, engagement: ArrayLike, *, rules: PyramidRules | None = None) -> AdvocatePyramid:
    """Assign every node a tier, followers -> supporters -> organizers -> leaders. The rules, in order:

    1. **follower**: every node of the projection (the audience).
    2. **supporter**: ``engagement >= supporter_min_engagement`` (mentioned, shared, bought: acted at least once).
    3. **organizer**: a supporter whose ``score`` is at or above the ``organizer_score_quantile`` of all scores
       and whose engagement is at or above the ``organizer_engagement_quantile`` of supporters' engagement.
    4. **leader**: an organizer at or above the ``leader_score_quantile`` of scores and the
       ``leader_engagement_quantile`` of supporters' engagement.

    A zero score never qualifies for organizer or leader. Tiers are nested: each leader is also an
    organizer, each organizer a supporter. ``scores`` is any centrality (PageRank by default upstream).
    """
    rules = rules or PyramidRules()
    rules.validate()
    score = np.asarray(scores, dtype=np.float64).reshape(-1)
    engaged = np.asarray(engagement, dtype=np.float64).reshape(-1)
    if score.shape != engaged.shape:
        raise AnalysisError("scores and engagement must be aligned", details={"scores": score.size})
    if not (np.all(np.isfinite(score)) and np.all(np.isfinite(engaged))) or (engaged.size and engaged.min() < 0):
        raise AnalysisError("scores must be finite and engagement finite and non-negative")
    supporter = engaged >= rules.supporter_min_engagement
    thresholds = {"supporter_engagement": rules.supporter_min_engagement}
    tier = supporter.astype(np.int8)
    if supporter.any():
        score_cut = np.quantile(score, [rules.organizer_score_quantile, rules.leader_score_quantile])
        eng_cut = np.quantile(
            engaged[supporter], [rules.organizer_engagement_quantile, rules.leader_engagement_quantile]
        )
        positive = score > 0
        organizer = supporter & positive & (score >= score_cut[0]) & (engaged >= eng_cut[0])
        leader = organizer & (score >= score_cut[1]) & (engaged >= eng_cut[1])
        tier = tier + organizer.astype(np.int8) + leader.astype(np.int8)
        thresholds |= {
            "organizer_score": float(score_cut[0]),
            "organizer_engagement": float(eng_cut[0]),
            "leader_score": float(score_cut[1]),
            "leader_engagement": float(eng_cut[1]),
        }
    counts = np.bincount(tier, minlength=len(PYRAMID_TIERS))
    return AdvocatePyramid(
        tier.astype(np.int8), thresholds, {name: int(c) for name, c in zip(PYRAMID_TIERS, counts, strict=True)}
    )


__all__ = [
    "CENTRALITY_ALGORITHMS",
    "PYRAMID_TIERS",
    "AdvocatePyramid",
    "CentralityResult",
    "InfluencerTable",
    "PyramidRules",
    "advocate_pyramid",
    "compute_centrality",
    "influencer_ranking",
    "two_hop_reach",
]
