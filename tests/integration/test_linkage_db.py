"""Probabilistic identity resolution on the real graph: customers with misspelt duplicates loaded through the
loaders, resolved beside the deterministic rules, explained, superseded and undone; and on the demo's planted
misspelt duplicates and household decoys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphengine.analytics.identity import explain_pair, run_identity_resolution, undo_resolution
from graphengine.analytics.linkage.resolve import LinkageRules, run_probabilistic_resolution
from graphengine.analytics.subgraph import Scope
from graphengine.api.erasure import erase_customer
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.load import LoadOptions, load_file
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv
from tests.unit.test_linkage import DECOYS, TRUE_LINKS, _labelled_rows

ACTIVE = (
    "MATCH (c:Customer)-[r:RESOLVED_TO]->(p:Profile) WHERE r.supersededBy IS NULL "
    "RETURN c.customerId AS c, p.profileId AS p, r.rule AS rule, r.matchWeight AS w, "
    "r.comparisons AS comparisons, r.runId AS run"
)


def _load(store: Store, settings: Settings, tmp_path: Path) -> None:
    """The labelled customers (misspelt duplicates, households sharing a family device) plus one pair that only
    a shared email links."""
    rows: list[dict[str, Any]] = [
        {k: v for k, v in r.items() if k in ("customerId", "name", "address", "postcode", "city", "birthDate")}
        for r in _labelled_rows(background=200)
    ]
    rows += [
        {"customerId": "f1", "name": "Robert Brown", "email": "rob@mail.example", "city": "Oslo"},
        {"customerId": "f2", "name": "Bob Braun", "email": " ROB@mail.example", "city": "Bergen"},
    ]
    devices = [{"customerId": c, "kind": "device", "value": f"family-{pair[0]}"} for pair in DECOYS for c in pair]
    options = LoadOptions(source="linkage-test", out_dir=tmp_path)
    salt = settings.hash_salt.get_secret_value()
    report = load_file(store, "customers", write_csv(tmp_path / "customers.csv", rows), options, salt=salt)
    assert report.loaded == len(rows) and report.quarantined == 0
    load_file(store, "identifiers", write_csv(tmp_path / "identifiers.csv", devices), options, salt=salt)


def _profiles(store: Store) -> dict[str, dict[str, Any]]:
    return {r["c"]: dict(r) for r in store.run_text(ACTIVE)}


def test_probabilistic_resolution_links_misspellings_explains_and_undoes(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _load(store, settings, tmp_path)
    deterministic = run_identity_resolution(store)
    assert deterministic["counts"]["profiles"] == 1  # only the shared email
    summary = run_probabilistic_resolution(store, linkage=LinkageRules(threshold_weight=4.0))
    counts = summary["counts"]
    assert counts["profiles"] == 4 and counts["resolvedCustomers"] == 8 and counts["resolvedOnlyByScore"] == 6
    assert counts["deterministicPairs"] == 1 and counts["scoredLinks"] == 3 and counts["comparedRecords"] == 212
    assert summary["params"]["method"] == "probabilistic" and summary["params"]["threshold_weight"] == 4.0
    stored = store.run_text("MATCH (r:AnalysisRun {runId: $r}) RETURN r.params AS p", {"r": summary["runId"]})
    assert json.loads(stored[0]["p"])["training"] == "priors (too few records for EM), u from random pairs"
    active = _profiles(store)
    assert len(active) == 8 and {r["run"] for r in active.values()} == {summary["runId"]}
    for a, b in TRUE_LINKS:
        assert active[a]["p"] == active[b]["p"]
        assert active[a]["w"] == active[b]["w"] >= 4.0
        assert active[a]["rule"].startswith("probabilistic match (weight")
        assert active[a]["comparisons"][0].split(":")[0] in ("residence", "birth", "surname", "given_name")
    assert active["f1"]["p"] == active["f2"]["p"] and active["f1"]["rule"] == "one strong identifier"
    assert active["f1"]["w"] is None and active["f1"]["comparisons"] is None
    assert not any(c in active for pair in DECOYS for c in pair)
    weights = store.run_text(
        "MATCH (:Customer {customerId: 'a1'})-[r:RESOLVED_TO]->() WHERE r.supersededBy IS NULL "
        "RETURN r.matchWeight AS w, r.matchProbability AS p, r.confidence AS c"
    )[0]
    assert weights["p"] == weights["c"] > 0.98 and weights["w"] > 4.0

    matched = store.run_text(
        "MATCH (a:Customer)-[m:MATCHED]->(b:Customer) RETURN a.customerId AS a, b.customerId AS b, m.runId AS run, "
        "m.matchWeight AS w, m.comparisons AS comparisons"
    )
    assert {tuple(sorted((m["a"], m["b"]))) for m in matched} == TRUE_LINKS
    assert all(m["run"] == summary["runId"] and m["w"] == active[m["a"]]["w"] for m in matched)
    why = explain_pair(store, "a1", "a2")
    assert why["sameProfile"] and why["matchWeight"] == active["a1"]["w"]
    assert "scored match" in why["explanation"] and "residence: same address and postcode" in why["explanation"]
    assert not explain_pair(store, "d1", "d2")["sameProfile"]
    assert "matchWeight" not in explain_pair(store, "f1", "f2")

    # erasing a matched customer takes its pairwise evidence along; its partner keeps no trace of its key
    erase_customer(store, "c2")
    assert store.run_text("MATCH ()-[m:MATCHED]-({customerId: 'c1'}) RETURN count(m) AS n") == [{"n": 0}]
    trace = store.run_text("MATCH ()-[r]->() WHERE any(k IN keys(r) WHERE r[k] = 'c2') RETURN r")
    assert trace == []
    assert "c1" not in _profiles(store)  # its profile, left with one member, went with the erasure

    undone = undo_resolution(store, summary["runId"])
    assert undone == {"deletedProfiles": 3, "restoredLinks": 2}
    assert store.run_text("MATCH ()-[m:MATCHED]->() RETURN count(m) AS n") == [{"n": 0}]
    back = _profiles(store)
    assert set(back) == {"f1", "f2"} and {r["run"] for r in back.values()} == {deterministic["runId"]}
    assert store.run_text("MATCH ()-[r:RESOLVED_TO]->() WHERE r.matchWeight IS NOT NULL RETURN count(r) AS n") == [
        {"n": 0}
    ]


def test_a_higher_threshold_links_fewer_and_the_cli_runs_and_explains(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _load(store, settings, tmp_path)
    strict = run_probabilistic_resolution(store, linkage=LinkageRules(threshold_weight=30.0))
    assert strict["counts"]["scoredLinks"] == 0 and strict["counts"]["profiles"] == 1
    done = run_graphengine(settings, "analyze", "identity", "--method", "probabilistic", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["counts"]["profiles"] == 4 and summary["params"]["threshold_weight"] == 4.0
    explained = run_graphengine(settings, "analyze", "explain", "b1", "b2", "--json")
    assert explained.returncode == 0 and json.loads(explained.stdout)["sameProfile"] is True
    wrong = run_graphengine(settings, "analyze", "identity", "--method", "guess")
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
    undo = run_graphengine(settings, "analyze", "undo", summary["runId"], "--json")
    assert undo.returncode == 0 and json.loads(undo.stdout)["deletedProfiles"] == 4


def test_demo_misspelt_duplicates_resolve_and_households_stay_apart(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    truth = generate_demo(tmp_path / "data", DemoSpec(customers=1000, seed=5))
    load_demo(store, tmp_path / "data", salt=settings.hash_salt.get_secret_value(), out_dir=tmp_path / "out")
    summary = run_probabilistic_resolution(store)
    group_of = {r["c"]: r["p"] for r in store.run_text(ACTIVE)}
    for a, b in truth["misspeltDuplicates"] + truth["duplicates"]:
        assert group_of.get(a) is not None and group_of.get(a) == group_of.get(b), (a, b)
    for a, b in truth["decoys"]:
        assert group_of.get(a) is None or group_of[a] != group_of.get(b), (a, b)
    expected = len(truth["misspeltDuplicates"]) + len(truth["duplicates"])
    assert summary["counts"]["profiles"] == expected and summary["counts"]["resolvedCustomers"] == 2 * expected


def test_a_scoped_probabilistic_run_compares_and_supersedes_only_the_scopes_customers(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _load(store, settings, tmp_path)
    whole = run_probabilistic_resolution(store)
    assert whole["counts"]["profiles"] == 4
    # the family devices reach only the household decoys: they are compared among themselves, nobody else
    devices = run_probabilistic_resolution(store, scope=Scope(edges=("device",)))
    household = sorted(c for pair in DECOYS for c in pair)
    assert devices["counts"]["customers"] == devices["counts"]["comparedRecords"] == len(household)
    assert devices["params"]["scope"]["edges"] == ["device"]
    assert devices["counts"]["deterministicPairs"] == 0  # one device each pair: a weak identifier alone links nobody
    active = _profiles(store)
    assert {r["run"] for r in active.values()} == {whole["runId"]}, "links outside the scope stay as they were"
    assert not any(c in active for c in household)
    # a scope that reaches linked customers supersedes only their links
    by_email = run_probabilistic_resolution(store, scope=Scope(edges=("email",)))
    assert by_email["counts"]["customers"] == 2 and by_email["counts"]["profiles"] == 1
    active = _profiles(store)
    assert active["f1"]["run"] == active["f2"]["run"] == by_email["runId"]
    assert {active[a]["run"] for a, _ in TRUE_LINKS} == {whole["runId"]}
    done = run_graphengine(settings, "analyze", "identity", "--method", "probabilistic", "--edges", "email", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["params"]["scope"]["edges"] == ["email"]
