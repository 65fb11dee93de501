"""The default community method keeps the quality it was chosen for (benchmarks/bench_community_quality.py).

A 1,000-node LFR benchmark graph (networkx, fixed seed; small communities of 10-50 members, mixing mu = 0.3,
the regime where modularity's resolution limit shows first) and the default method with fixed seeds: measured
NMI 0.990 (seeds 1 and 2) against the planted communities, where one Leiden run reaches 0.922 and 0.938 and the
consensus of ten 0.947 and 0.934; the floor is 0.97.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graphengine.analytics.communities import DEFAULT_ALGORITHM, detect_communities
from graphengine.analytics.graph import ProjectedGraph

FLOOR = 0.97


@pytest.fixture(scope="module")
def lfr() -> tuple[ProjectedGraph, np.ndarray]:
    graph = nx.LFR_benchmark_graph(
        1000, 2.5, 1.5, 0.3, average_degree=15, max_degree=50, min_community=10, max_community=50, seed=4, max_iters=100
    )
    graph.remove_edges_from(nx.selfloop_edges(graph))
    truth = np.asarray([min(graph.nodes[v]["community"]) for v in graph], dtype=np.int64)
    return ProjectedGraph.from_networkx(graph), truth


@pytest.mark.parametrize("seed", [1, 2])
def test_default_method_recovers_lfr_communities(lfr: tuple[ProjectedGraph, np.ndarray], seed: int) -> None:
    graph, truth = lfr
    result = detect_communities(graph, seed=seed)  # the default, as the CLI and run_communities call it
    assert result.summary["algorithm"] == DEFAULT_ALGORITHM == "auto"
    assert normalized_mutual_info_score(truth, result.membership) >= FLOOR
