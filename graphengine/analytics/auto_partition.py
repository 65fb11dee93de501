"""``auto`` communities: several methods propose a partition, the map equation chooses among them.

No single objective finds planted communities well everywhere (``benchmarks/bench_community_quality.py``,
RESULTS.md "Community quality (LFR)"): modularity merges small communities (its resolution limit), Surprise
and CPM split large ones, Infomap finds nothing once communities mix strongly. Each of them is right somewhere,
so on each connected component ``auto`` runs them all:

* Infomap (igraph, two trials), modularity-Leiden at resolutions 1, 1.5 and 2, Leiden on Surprise, and
  Leiden on CPM at ``gamma = 0.02`` times the mean edge weight (:data:`CANDIDATES`);

and keeps one partition by a criterion none of them optimises directly except Infomap:

1. the **map equation** (:mod:`graphengine.analytics.map_equation`): the partition that describes a random
   walk in the fewest bits, when it saves at least :data:`WEAK_STRUCTURE` (1 %) of the one-module description,
   or when Infomap (the map equation's own optimiser) found modules at all;
2. otherwise the walk has little modular structure, the map equation's own optimiser returned one module, and
   the partition with the highest **Surprise** (the statistical improbability of that
   many edges inside communities) is kept, when it is **significant**: at least :data:`NULL_MARGIN` times the
   Surprise that Leiden reaches on a degree-preserving rewiring of the component (a graph with the same degrees
   and no communities, where any optimiser still finds some). Otherwise the component stays one community: a
   random graph has none, though every optimiser of a quality function reports some.

Partitions with one community are never chosen; when every method returns one, so does ``auto``. The choice
per component is reported (``candidate``, ``rule``, ``compression``; components under three nodes are one
community each and are not counted). Weights are scaled to mean 1 first (Surprise reads them as edge counts;
the other criteria do not depend on scale). Components under :data:`SMALL_COMPONENT` nodes get Infomap and one
modularity run and stay whole unless the map equation finds modules in them.

Known weak spots, found by attacking it: on weighted graphs whose weights are heavy-tailed noise (unrelated to
the communities), Infomap isolates the heaviest edges and wins by the map equation, so ``auto`` fragments
communities that ``leiden_consensus`` keeps; and the thresholds apply to a whole component, so a random part
attached to a structured one by an edge can be cut up along with it. The selection is only as good as the
proposals. It costs the six runs plus their
scoring: about 5-20 s on a 10,000-node, 100,000-edge component on the 2-core reference machine, the cost of
``leiden_consensus``. The 1 % threshold was set on the 10,000-node LFR graphs; on 2,000-node ones it misjudges
some rows (RESULTS.md says which).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import leidenalg
import numpy as np

from graphengine.analytics.backends.base import Backend, CommunityOutput, canonical_membership
from graphengine.analytics.backends.igraph_backend import seeded, to_igraph
from graphengine.analytics.component_scope import component_labels
from graphengine.analytics.graph import IntArray, ProjectedGraph
from graphengine.analytics.map_equation import codelength, one_module_codelength
from graphengine.errors import AnalysisError

WEAK_STRUCTURE = 0.01
"""The map equation decides when its best partition saves at least this share of the one-module codelength."""
NULL_MARGIN = 1.15
"""Under weak structure, the kept Surprise must exceed the rewired graph's by this factor (measured: 1.3-2.6 on
LFR graphs at mixing 0.5-0.6, 0.999-1.06 on Erdős–Rényi and Barabási–Albert graphs)."""
REWIRES_PER_EDGE = 10
SMALL_COMPONENT = 10
"""Components with fewer nodes get Infomap and one modularity run only, and stay whole unless the map equation
finds modules (many tiny components would otherwise cost six methods and a rewiring each)."""
CPM_GAMMA = 0.02
"""CPM's density threshold (times the mean edge weight): the value with the best mean NMI on separate LFR
graphs of both regimes (the benchmark's calibration)."""
INFOMAP_TRIALS = 2

Proposer = Callable[[ProjectedGraph, int | None, bool], IntArray]
NullSurprise = Callable[[], float]
"""The Surprise Leiden reaches on a rewired copy of the component (computed only when the rule needs it)."""


@dataclass(frozen=True)
class Choice:
    """Which candidate one component kept, by which rule, and its map-equation compression."""

    candidate: str
    rule: str
    compression: float
    nodes: int


def _infomap(part: ProjectedGraph, seed: int | None, weighted: bool) -> IntArray:
    with seeded(seed):
        clustering = to_igraph(part).community_infomap(
            edge_weights=part.edge_weights().tolist() if weighted else None, trials=INFOMAP_TRIALS
        )
    return np.asarray(clustering.membership, dtype=np.int64)


def _leidenalg(kind: type, part: ProjectedGraph, seed: int | None, weighted: bool, **options: float) -> IntArray:
    weights = part.edge_weights().tolist() if weighted else None
    partition = leidenalg.find_partition(to_igraph(part), kind, weights=weights, seed=seed, **options)
    return np.asarray(partition.membership, dtype=np.int64)


def _surprise(part: ProjectedGraph, seed: int | None, weighted: bool) -> IntArray:
    return _leidenalg(leidenalg.SurpriseVertexPartition, part, seed, weighted)


def _cpm(part: ProjectedGraph, seed: int | None, weighted: bool) -> IntArray:
    gamma = CPM_GAMMA * (float(part.edge_weights().mean()) if weighted else 1.0)
    return _leidenalg(leidenalg.CPMVertexPartition, part, seed, weighted, resolution_parameter=gamma)


def surprise_quality(part: ProjectedGraph, membership: IntArray, *, weighted: bool = True) -> float:
    """leidenalg's Surprise of ``membership`` on the undirected ``part`` (higher: less likely by chance)."""
    weights = part.edge_weights().tolist() if weighted else None
    scored = leidenalg.SurpriseVertexPartition(to_igraph(part), initial_membership=membership.tolist(), weights=weights)
    return float(scored.quality())


def rewired_surprise(part: ProjectedGraph, seed: int | None, weighted: bool) -> float:
    """Leiden's Surprise on ``part`` with its edges rewired (degrees kept, ``REWIRES_PER_EDGE`` swaps per edge)."""
    copy = to_igraph(part).copy()
    with seeded(seed):
        copy.rewire(n=REWIRES_PER_EDGE * copy.ecount())
    weights = part.edge_weights().tolist() if weighted else None  # each weight stays with its (moved) edge
    found = leidenalg.find_partition(copy, leidenalg.SurpriseVertexPartition, weights=weights, seed=seed)
    return float(found.quality())


def candidates(backend: Backend) -> dict[str, Proposer]:
    """The proposing methods, in the order ties are broken."""

    def modularity(resolution: float) -> Proposer:
        def run(part: ProjectedGraph, seed: int | None, weighted: bool) -> IntArray:
            return backend.leiden(part, resolution=resolution, seed=seed, weighted=weighted).membership

        return run

    return {
        "infomap": _infomap,
        "modularity r=1": modularity(1.0),
        "modularity r=1.5": modularity(1.5),
        "modularity r=2": modularity(2.0),
        "surprise": _surprise,
        "cpm": _cpm,
    }


def choose(
    graph: ProjectedGraph,
    proposals: dict[str, IntArray],
    *,
    weighted: bool,
    weak: float = WEAK_STRUCTURE,
    null: NullSurprise | None = None,
    surprise: bool = True,
) -> tuple[IntArray, Choice]:
    """The proposal the rule keeps (see the module doc) for one connected ``graph`` (undirected view); ``null``
    gives the rewired graph's Surprise for the significance check (no check without it); ``surprise=False``
    keeps one module where the map equation does not decide."""
    whole = np.zeros(graph.n_nodes, dtype=np.int64), Choice("none", "one module", 0.0, graph.n_nodes)
    split = {name: m for name, m in proposals.items() if m.size and int(m.max()) != int(m.min())}
    if not split:
        return whole
    base = one_module_codelength(graph, weighted=weighted)
    lengths = {name: codelength(graph, m, weighted=weighted) for name, m in split.items()}
    best = min(lengths, key=lambda name: lengths[name])
    saved = (base - lengths[best]) / base if base > 0 else 0.0
    if saved >= weak or "infomap" in split:  # the map equation's own optimiser found modules: it decides
        return split[best], Choice(best, "map equation", saved, graph.n_nodes)
    if not surprise:
        return whole
    scores = {name: surprise_quality(graph, m, weighted=weighted) for name, m in split.items()}
    kept = max(scores, key=lambda name: scores[name])
    if scores[kept] <= 0 or (null is not None and scores[kept] < NULL_MARGIN * null()):
        return whole
    return split[kept], Choice(kept, "surprise", (base - lengths[kept]) / base if base > 0 else 0.0, graph.n_nodes)


def auto_partition(
    graph: ProjectedGraph,
    backend: Backend,
    *,
    seed: int | None = None,
    weighted: bool = True,
    weak: float = WEAK_STRUCTURE,
) -> tuple[CommunityOutput, Choice]:
    """``auto`` on one graph (run it per connected component): every candidate proposes, :func:`choose` keeps."""
    if not backend.name.startswith("igraph"):
        raise AnalysisError(
            "auto communities need the igraph backend (Infomap, Leiden, Surprise and CPM run there); "
            "choose --algorithm louvain or leiden on this backend",
            details={"backend": backend.name, "algorithm": "auto"},
        )
    undirected = graph.undirected()
    if undirected.n_edges == 0:
        return CommunityOutput(np.arange(graph.n_nodes, dtype=np.int64)), Choice("none", "no edges", 0.0, graph.n_nodes)
    # weights are finite and non-negative (ProjectedGraph checks); all zero carries no flow, so count edges then
    weights = undirected.edge_weights()
    use_weights = weighted and graph.weighted and float(weights.max(initial=0.0)) > 0
    if use_weights:  # to mean 1: every criterion but Surprise is scale-free, and no sum can overflow
        weights = weights / weights.max()
        undirected = ProjectedGraph(
            undirected.node_ids, undirected.src, undirected.dst, weights / weights.mean(), directed=False
        )
    proposing = candidates(backend)
    small = undirected.n_nodes < SMALL_COMPONENT
    if small:  # a handful of nodes: the map equation's own pick or one community (no Surprise, no rewiring)
        proposing = {name: proposing[name] for name in ("infomap", "modularity r=1")}
    proposals = {name: run(undirected, seed, use_weights) for name, run in proposing.items()}
    membership, choice = choose(
        undirected,
        proposals,
        weighted=use_weights,
        weak=weak,
        null=None if small else lambda: rewired_surprise(undirected, seed, use_weights),
        surprise=not small,
    )
    if choice.candidate == "none":  # one community per connected component (a whole-graph scope may hold several)
        membership = component_labels(undirected)[1]
    return CommunityOutput(canonical_membership(membership)), choice


def choice_summary(choices: list[Choice]) -> dict[str, object]:
    """How many components each candidate and rule won, for the run's summary."""
    largest = max(choices, key=lambda choice: choice.nodes, default=None)
    return {
        "chosen": dict(Counter(choice.candidate for choice in choices)),
        "rules": dict(Counter(choice.rule for choice in choices)),
        "largest_component": None
        if largest is None
        else {
            "nodes": largest.nodes,
            "candidate": largest.candidate,
            "rule": largest.rule,
            "compression": round(largest.compression, 4),
        },
    }


__all__ = [
    "CPM_GAMMA",
    "NULL_MARGIN",
    "SMALL_COMPONENT",
    "WEAK_STRUCTURE",
    "Choice",
    "auto_partition",
    "candidates",
    "choice_summary",
    "choose",
    "rewired_surprise",
    "surprise_quality",
]
