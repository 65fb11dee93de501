"""Identity resolution: customers that share identifiers are merged into unified Profile nodes.

Rules (pairwise, over the Customer–Identifier projection):

* one shared **strong** identifier (email, phone, loyalty card) links two customers — confidence 0.95;
* **weak** identifiers (device, cookie) need two shared — confidence 0.80 (0.90 with three or more);
* an identifier shared by more than ``max_shared`` customers (a shop's tablet, a NAT'd cookie) is ignored.

Linked customers form groups by connected components; each group of two or more becomes a
``Profile {profileId, runId, size, active}`` and each member gets
``RESOLVED_TO {confidence, rule, kinds, runId}`` (its best link). A new run supersedes the previous run's links
(they are kept, marked ``supersededBy``) and :func:`undo_resolution` deletes a run's profiles and reactivates
what it superseded. :func:`explain_pair` says why two customers do (or do not) share a profile.

After an erasure, :func:`reresolve_profiles` resolves the members left in each profile that lost one again, with
that run's rules over their identifiers: a link that went through the erased customer no longer holds them
together, each remaining group keeps a profile (with the rule and kinds of its own links) and a customer left
alone keeps none. A profile of one member is no profile.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import scipy.sparse as sp

from graphengine.analytics.backends import Backend, get_backend
from graphengine.analytics.graph import ProjectedGraph
from graphengine.analytics.projection import project_identity
from graphengine.analytics.runs import analysis_run
from graphengine.analytics.subgraph import WHOLE_GRAPH, Scope
from graphengine.errors import NotFound
from graphengine.model.customers import STRONG_IDENTIFIERS
from graphengine.store import Store
from graphengine.store.driver import QueryRunner

WEAK_IDENTIFIERS = frozenset({"device", "cookie"})


@dataclass(frozen=True)
class IdentityRules:
    strong_confidence: float = 0.95
    weak_two_confidence: float = 0.80
    weak_many_confidence: float = 0.90
    min_weak: int = 2
    max_shared: int = 20


@dataclass(frozen=True)
class Resolution:
    """Groups of customer keys (size ≥ 2) and, per member, its best link's confidence, rule and kinds."""

    groups: list[list[str]]
    members: dict[str, dict[str, Any]]
    pairs: int


def resolve(
    customers: np.ndarray[Any, Any],
    incidence: sp.csr_array,
    kinds: np.ndarray[Any, Any],
    rules: IdentityRules | None = None,
    *,
    backend: str | Backend = "igraph",
) -> Resolution:
    """Resolution on a customers × identifiers incidence matrix with each identifier's kind; the groups are
    the connected components of the linked pairs, computed by ``backend``."""
    rules = rules or IdentityRules()
    usable = np.asarray(incidence.sum(axis=0)).ravel() <= rules.max_shared
    strong = usable & np.isin(kinds, list(STRONG_IDENTIFIERS))
    weak = usable & np.isin(kinds, list(WEAK_IDENTIFIERS))
    b = sp.csc_array(incidence)
    shared_strong = sp.triu(sp.csr_array(b[:, strong] @ b[:, strong].T), k=1).tocoo()
    shared_weak = sp.triu(sp.csr_array(b[:, weak] @ b[:, weak].T), k=1).tocoo()
    best: dict[tuple[int, int], tuple[float, str]] = {}
    for i, j in zip(shared_strong.row.tolist(), shared_strong.col.tolist(), strict=True):
        best[(i, j)] = (rules.strong_confidence, "one strong identifier")
    for i, j, n in zip(shared_weak.row.tolist(), shared_weak.col.tolist(), shared_weak.data.tolist(), strict=True):
        if n >= rules.min_weak and (i, j) not in best:
            conf = rules.weak_many_confidence if n > rules.min_weak else rules.weak_two_confidence
            best[(i, j)] = (conf, f"{int(n)} weak identifiers")
    n = len(customers)
    if not best:
        return Resolution([], {}, 0)
    rows, cols = np.array([k[0] for k in best]), np.array([k[1] for k in best])
    links = ProjectedGraph(np.arange(n), rows, cols, None, False, "identity-links")
    label = get_backend(backend).weakly_connected_components(links).membership
    members: dict[str, dict[str, Any]] = {}
    for (i, j), (conf, rule) in best.items():
        shared_kinds = sorted(set(kinds[_shared_columns(b, i, j)].tolist()))
        for k in (i, j):
            key = str(customers[k])
            if key not in members or members[key]["confidence"] < conf:
                members[key] = {"customerId": key, "confidence": conf, "rule": rule, "kinds": shared_kinds}
    involved = np.unique(np.concatenate([rows, cols]))
    groups: dict[int, list[str]] = {}
    for k in involved.tolist():
        groups.setdefault(int(label[k]), []).append(str(customers[k]))
    return Resolution(sorted(sorted(g) for g in groups.values()), members, len(best))


def _shared_columns(b: sp.csc_array, i: int, j: int) -> np.ndarray[Any, Any]:
    rows = sp.csr_array(b)
    a_cols, b_cols = rows[[i], :].indices, rows[[j], :].indices
    return np.intersect1d(a_cols, b_cols)


def run_identity_resolution(
    store: Store, *, rules: IdentityRules | None = None, backend: str = "igraph", scope: Scope = WHOLE_GRAPH
) -> dict[str, Any]:
    """Resolve identities over the graph (or ``scope``), write Profiles and supersede the previous run's links
    (of the profiles with a member in the scope, for a scoped run)."""
    rules = rules or IdentityRules()
    params = {**rules.__dict__, "scope": scope.describe()}
    with analysis_run(store, "identity", "shared-identifier components", backend, "identity", params) as run:
        with run.timed("project"):
            customers, incidence, kinds = identity_incidence(store, scope)
            n_customers = len(customers)
        with run.timed("compute"):
            result = resolve(customers, incidence, kinds, rules, backend=get_backend(backend, store=store))
        with run.timed("write"):
            if scope.whole:
                store.write("identity.supersede_links", {"runId": run.run_id})
            else:
                in_scope = reached(customers, incidence)
                store.write("identity.supersede_scope_links", {"runId": run.run_id, "customers": in_scope})
            rows = [
                {"profileId": f"{run.run_id}:{group[0]}", "members": [result.members[c] for c in group]}
                for group in result.groups
            ]
            store.write_batches("identity.write_profiles", rows, batch_size=2_000, runId=run.run_id)
        run.counts.update(
            customers=n_customers,
            identifiers=len(kinds),
            pairs=result.pairs,
            profiles=len(result.groups),
            resolvedCustomers=sum(len(g) for g in result.groups),
        )
    return run.summary()


def identity_incidence(
    store: Store, scope: Scope = WHOLE_GRAPH
) -> tuple[np.ndarray[Any, Any], sp.csr_array, np.ndarray[Any, Any]]:
    """Customer keys, the customers × identifiers incidence matrix and each identifier's kind (of ``scope``)."""
    graph, kinds = project_identity(store, scope)
    n_customers = graph.n_nodes - len(kinds)
    incidence = sp.csr_array(
        (np.ones(graph.n_edges), (graph.src, graph.dst - n_customers)), shape=(n_customers, len(kinds))
    )
    return graph.node_ids[:n_customers], incidence, kinds


def deterministic_resolution(
    store: Store, rules: IdentityRules, backend: str, scope: Scope = WHOLE_GRAPH
) -> tuple[Resolution, list[str]]:
    """The deterministic rules' resolution over the graph or ``scope`` (nothing written) and every customer key
    in it."""
    customers, incidence, kinds = identity_incidence(store, scope)
    result = resolve(customers, incidence, kinds, rules, backend=get_backend(backend, store=store))
    return result, [str(c) for c in customers] if scope.whole else reached(customers, incidence)


def reached(customers: np.ndarray[Any, Any], incidence: sp.csr_array) -> list[str]:
    """The customers a scoped identity projection reaches: those with at least one identifier link in it (a
    scoped run compares, writes and supersedes only these)."""
    return [str(c) for c in customers[np.diff(incidence.indptr) > 0]]


def reresolve_profiles(run: QueryRunner, profile_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Resolve the remaining members of ``profile_ids`` again (in the caller's transaction, through ``run``) and
    replace each profile by the groups they still form. Returns, per old profile, ``{profileId, into, alone}``:
    the new profile ids and the customers left without a profile."""
    if not profile_ids:
        return []
    rows = run("identity.get_profile_evidence", {"profileIds": list(profile_ids)})
    replacements, revised = [], []
    for row in rows:
        rules = _rules_of(row["params"])
        customers = np.asarray(sorted(row["members"]), dtype=object)
        usable = [i for i in row["identifiers"] if i["holders"] <= rules.max_shared]
        keys = sorted({i["idKey"] for i in usable})
        kind_of = {i["idKey"]: i["kind"] for i in usable}
        index = {c: k for k, c in enumerate(customers.tolist())}
        column = {key: k for k, key in enumerate(keys)}
        incidence = sp.csr_array(
            (np.ones(len(usable)), ([index[i["customerId"]] for i in usable], [column[i["idKey"]] for i in usable])),
            shape=(len(customers), len(keys)),
        )
        result = resolve(customers, incidence, np.asarray([kind_of[k] for k in keys], dtype=object), rules)
        prefix = row["runId"] or "profile"
        groups = [{"profileId": f"{prefix}:{g[0]}", "members": [result.members[c] for c in g]} for g in result.groups]
        replacements.append({"profileId": row["profileId"], "groups": groups})
        grouped = {c for g in result.groups for c in g}
        revised.append(
            {
                "profileId": row["profileId"],
                "into": [g["profileId"] for g in groups],
                "alone": [c for c in customers.tolist() if c not in grouped],
            }
        )
    run("identity.replace_profiles", {"rows": replacements})
    return revised


def _rules_of(params: str | None) -> IdentityRules:
    """The rules a resolution run recorded (AnalysisRun.params); the defaults where it recorded none."""
    known = {f.name for f in fields(IdentityRules)}
    recorded = json.loads(params) if params else {}
    return IdentityRules(**{k: v for k, v in recorded.items() if k in known})


def undo_resolution(store: Store, run_id: str) -> dict[str, int]:
    """Delete a resolution run's profiles and reactivate the links it superseded."""
    runs = store.query("analytics.list_runs", {"limit": 1000, "kind": "identity"})
    if not any(r["runId"] == run_id for r in runs):
        raise NotFound(f"no identity resolution run {run_id!r}", details={"runId": run_id})
    deleted = int(store.write("identity.delete_run_profiles", {"runId": run_id})[0]["deleted"])
    restored = int(store.write("identity.restore_superseded", {"runId": run_id})[0]["restored"])
    store.write("identity.delete_run_matches", {"runId": run_id})  # a probabilistic run's pairwise evidence
    store.write("analytics.finish_run", {"runId": run_id, "props": {"status": "undone"}})
    return {"deletedProfiles": deleted, "restoredLinks": restored}


def explain_pair(store: Store, a: str, b: str) -> dict[str, Any]:
    """Why two customers share a profile (or not): shared identifier kinds, profiles, rules, confidence."""
    rows = store.query("identity.explain_pair", {"a": a, "b": b})
    if not rows:
        raise NotFound(f"customer {a!r} or {b!r} does not exist", details={"a": a, "b": b})
    row = rows[0]
    same = row["profileA"] is not None and row["profileA"] == row["profileB"]
    strong = [k for k in row["shared"] if k in STRONG_IDENTIFIERS]
    weak = [k for k in row["shared"] if k in WEAK_IDENTIFIERS]
    if same:
        because = f"same profile {row['profileA']}: {row['ruleA']} ({', '.join(row['kindsA'] or [])})"
    elif strong or len(weak) >= 2:
        because = "they share enough identifiers, but no resolution run has linked them yet"
    else:
        because = f"not linked: shared {', '.join(row['shared']) or 'no identifiers'} (weak ones need two)"
    result = {"a": a, "b": b, "sameProfile": same, "sharedKinds": row["shared"], "explanation": because, **row}
    from graphengine.analytics.linkage.explain import with_match_evidence  # scored links of probabilistic runs

    return with_match_evidence(store, result)


__all__ = [
    "IdentityRules",
    "Resolution",
    "deterministic_resolution",
    "explain_pair",
    "identity_incidence",
    "reresolve_profiles",
    "resolve",
    "run_identity_resolution",
    "undo_resolution",
]
