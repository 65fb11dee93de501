"""Consensus clustering (Lancichinetti and Fortunato 2012): many seeded Leiden runs agree on one partition.

One Leiden run is one sample from many near-optimal partitions; on graphs with many small communities, or
with much mixing, different seeds merge different neighbours (modularity's resolution limit makes merging
small communities nearly free). Consensus keeps what the runs agree on:

1. run Leiden ``runs`` times with different seeds; weight each edge by the share of runs that put its two
   ends in one community;
2. drop the edges whose share is below ``threshold`` (0.5: most runs disagree);
3. repeat on the weighted graph of the kept edges until every kept edge is unanimous or ``rounds`` are done;

the communities are the connected components of the kept edges. Measured on LFR benchmark graphs, the demo's
planted communities and classic labelled graphs (``benchmarks/bench_community_quality.py``, RESULTS.md
"Community quality (LFR)"), it does better than one Leiden run where communities are small, but ``auto``
(:mod:`graphengine.analytics.auto_partition`) does better still and is the default; the consensus is what
``auto`` runs on backends without Infomap (GDS). It costs about ``runs`` Leiden runs (later rounds run on the
sparser kept-edge graph).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphengine.analytics.backends.base import CommunityOutput, canonical_membership
from graphengine.analytics.component_scope import component_labels
from graphengine.analytics.graph import IntArray, ProjectedGraph
from graphengine.errors import AnalysisError

Leiden = Callable[[ProjectedGraph, int | None, bool], IntArray]
"""``(graph, seed, weighted) -> membership``: one Leiden run (the backend's, at the caller's resolution)."""

CONSENSUS_RUNS = 10
CONSENSUS_THRESHOLD = 0.5
CONSENSUS_ROUNDS = 3


def _run_seed(seed: int | None, round_: int, run: int, runs: int) -> int | None:
    return None if seed is None else seed * 1000 + round_ * runs + run


def consensus_partition(
    graph: ProjectedGraph,
    leiden: Leiden,
    *,
    seed: int | None = None,
    weighted: bool = True,
    runs: int = CONSENSUS_RUNS,
    threshold: float = CONSENSUS_THRESHOLD,
    rounds: int = CONSENSUS_ROUNDS,
) -> CommunityOutput:
    """The consensus of ``runs`` Leiden partitions of ``graph`` (on its undirected view); see the module doc.
    ``seed`` makes it reproducible (run ``r`` of round ``k`` uses ``seed * 1000 + k * runs + r``)."""
    if runs < 1 or rounds < 1 or not 0.0 < threshold <= 1.0:
        raise AnalysisError(
            "consensus needs runs >= 1, rounds >= 1 and 0 < threshold <= 1",
            details={"runs": runs, "rounds": rounds, "threshold": threshold},
        )
    current = graph.undirected()
    use_weights = weighted and graph.weighted
    for round_ in range(rounds):
        together = np.zeros(current.n_edges, dtype=np.float64)
        for run in range(runs):
            membership = leiden(current, _run_seed(seed, round_, run, runs), use_weights)
            together += membership[current.src] == membership[current.dst]
        share = together / runs
        keep = share >= threshold
        current = ProjectedGraph(current.node_ids, current.src[keep], current.dst[keep], share[keep], directed=False)
        use_weights = True  # later rounds cluster the agreement graph, weighted by the share of runs
        if np.all(share[keep] == 1.0):
            break
    return CommunityOutput(canonical_membership(component_labels(current)[1]))


__all__ = ["CONSENSUS_ROUNDS", "CONSENSUS_RUNS", "CONSENSUS_THRESHOLD", "consensus_partition"]
