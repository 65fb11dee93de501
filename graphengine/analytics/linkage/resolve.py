"""Probabilistic identity resolution on the graph, beside the deterministic identifier rules.

One run links two customers when the deterministic rules do (a shared strong identifier, two shared weak ones)
**or** when the Fellegi–Sunter model scores their names, address, postcode, city, birth date and hashed
email/phone at a match weight ≥ ``threshold_weight``. Groups are the connected components of both kinds of
link, so a run is a superset of a deterministic run. Each member's ``RESOLVED_TO`` keeps the deterministic
rule when one applies and, for a scored link, its evidence: ``matchWeight`` (log2 odds), ``matchProbability``,
``comparisons`` (each field's level and weight, strongest first) of its best scored link; every scored pair is
also kept as ``(a)-[:MATCHED {runId, matchWeight, matchProbability, comparisons}]->(b)`` — what ``analyze
explain`` shows, and gone with either customer when one is erased. Runs supersede and are undone exactly like
deterministic ones (:func:`graphengine.analytics.identity.undo_resolution`, which also deletes the run's MATCHED).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from graphengine.analytics.identity import IdentityRules, Resolution, deterministic_resolution
from graphengine.analytics.linkage.model import Comparison, LinkageModel, Links, link_records
from graphengine.analytics.linkage.prepare import CUSTOMER_MODEL, customer_table
from graphengine.analytics.runs import analysis_run
from graphengine.analytics.subgraph import WHOLE_GRAPH, Scope
from graphengine.store import Store

DEFAULT_THRESHOLD = 4.0


@dataclass(frozen=True)
class LinkageRules:
    """When a scored pair links: its match weight (log2 odds, prior included) at or above ``threshold_weight``;
    EM trains m only from ``min_em_records`` records up (below that the documented priors stand)."""

    threshold_weight: float = DEFAULT_THRESHOLD
    min_em_records: int = 1_000
    seed: int = 42


def describe(comparisons: list[Comparison]) -> list[str]:
    """Readable comparisons, the most decisive (largest absolute weight) first; missing values left out."""
    kept = [c for c in comparisons if c.level != "missing"]
    return [f"{c.field}: {c.level} ({c.weight:+.2f})" for c in sorted(kept, key=lambda c: -abs(c.weight))]


def combine(deterministic: Resolution, links: Links, customers: list[str]) -> Resolution:
    """Groups over deterministic and scored links together; each member keeps its deterministic rule if any,
    and the evidence of its best scored link."""
    index = {c: k for k, c in enumerate(customers)}
    rows: list[int] = []
    cols: list[int] = []
    for group in deterministic.groups:
        rows += [index[group[0]]] * (len(group) - 1)
        cols += [index[c] for c in group[1:]]
    rows += [index[a] for a in links.left]
    cols += [index[b] for b in links.right]
    if not rows:
        return Resolution([], {}, 0)
    n = len(customers)
    matrix = sp.coo_array((np.ones(len(rows)), (np.array(rows), np.array(cols))), shape=(n, n))
    _, label = connected_components(matrix, directed=False)
    involved = np.unique(np.array(rows + cols))
    groups: dict[int, list[str]] = {}
    for k in involved.tolist():
        groups.setdefault(int(label[k]), []).append(customers[k])
    members = {key: dict(value) for key, value in deterministic.members.items()}
    best: dict[str, int] = {}
    for k, (a, b) in enumerate(zip(links.left, links.right, strict=True)):
        for key in (a, b):
            if key not in best or links.weights[k] > links.weights[best[key]]:
                best[key] = k
    for key, k in best.items():
        evidence = {
            "matchWeight": round(links.weights[k], 3),
            "matchProbability": round(links.probabilities[k], 6),
            "comparisons": describe(links.comparisons[k]),
        }
        if key not in members:
            members[key] = {
                "customerId": key,
                "confidence": evidence["matchProbability"],
                "rule": f"probabilistic match (weight {evidence['matchWeight']:.1f})",
                "kinds": [],
            }
        members[key].update(evidence)
    return Resolution(sorted(sorted(g) for g in groups.values()), members, deterministic.pairs + len(links))


def run_probabilistic_resolution(
    store: Store,
    *,
    rules: IdentityRules | None = None,
    linkage: LinkageRules | None = None,
    model: LinkageModel = CUSTOMER_MODEL,
    backend: str = "igraph",
    scope: Scope = WHOLE_GRAPH,
) -> dict[str, Any]:
    """Resolve identities by the deterministic rules and the Fellegi–Sunter model together; write Profiles and
    supersede the previous run's links. With a ``scope`` only the customers its identity projection reaches are
    compared and scored, and only their previous links are superseded (as a scoped deterministic run does)."""
    rules = rules or IdentityRules()
    linkage = linkage or LinkageRules()
    model = replace(model, min_em_records=linkage.min_em_records, seed=linkage.seed)
    params = {**rules.__dict__, **linkage.__dict__, "method": "probabilistic", "scope": scope.describe()}
    with analysis_run(store, "identity", "identifier rules + Fellegi-Sunter", backend, "identity", params) as run:
        with run.timed("project"):
            records = customer_table(store.query("identity.stream_linkage_records"))
        with run.timed("compute"):
            deterministic, customers = deterministic_resolution(store, rules, backend, scope)
            if not scope.whole:  # only the customers the scope reaches are compared
                records = records.filter(pc.is_in(records["unique_id"], pa.array(customers, pa.string())))
            links = link_records([records], model, threshold_weight=linkage.threshold_weight)
            known_links = _known(links, set(customers))
            result = combine(deterministic, known_links, customers)
        with run.timed("write"):
            if scope.whole:
                store.write("identity.supersede_links", {"runId": run.run_id})
            else:
                store.write("identity.supersede_scope_links", {"runId": run.run_id, "customers": customers})
            rows = [
                {"profileId": f"{run.run_id}:{group[0]}", "members": [_member(result.members[c]) for c in group]}
                for group in result.groups
            ]
            store.write_batches("identity.write_scored_profiles", rows, batch_size=2_000, runId=run.run_id)
            store.write_batches("identity.write_matches", _matches(known_links), batch_size=5_000, runId=run.run_id)
        run.params["training"] = links.trained_by
        run.counts.update(
            customers=len(customers),
            comparedRecords=records.num_rows,
            candidatePairs=links.candidate_pairs,
            deterministicPairs=deterministic.pairs,
            scoredLinks=len(links),
            pairs=result.pairs,
            profiles=len(result.groups),
            resolvedCustomers=sum(len(g) for g in result.groups),
            resolvedOnlyByScore=sum(len(g) for g in result.groups) - sum(len(g) for g in deterministic.groups),
        )
    # how the model was trained is known only now; the AnalysisRun keeps it with the other params
    store.write(
        "analytics.finish_run", {"runId": run.run_id, "props": {"params": json.dumps(run.params, sort_keys=True)}}
    )
    return run.summary()


def _known(links: Links, known: set[str]) -> Links:
    keep = [k for k, (a, b) in enumerate(zip(links.left, links.right, strict=True)) if a in known and b in known]
    return Links(
        [links.left[k] for k in keep],
        [links.right[k] for k in keep],
        [links.weights[k] for k in keep],
        [links.probabilities[k] for k in keep],
        [links.comparisons[k] for k in keep],
        links.trained_by,
        links.candidate_pairs,
        links.parameters,
    )


def _matches(links: Links) -> list[dict[str, Any]]:
    """The pairwise evidence, one row per scored pair (stored as MATCHED between the two customers)."""
    return [
        {
            "a": a,
            "b": b,
            "matchWeight": round(w, 3),
            "matchProbability": round(p, 6),
            "comparisons": describe(c),
        }
        for a, b, w, p, c in zip(
            links.left, links.right, links.weights, links.probabilities, links.comparisons, strict=True
        )
    ]


def _member(member: dict[str, Any]) -> dict[str, Any]:
    keys = ("matchWeight", "matchProbability", "comparisons")
    return {**{k: None for k in keys}, **member}


__all__ = ["DEFAULT_THRESHOLD", "LinkageRules", "combine", "describe", "run_probabilistic_resolution"]
