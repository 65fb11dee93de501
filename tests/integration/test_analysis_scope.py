"""Scoped graph analyses: a platform, a time window, a choice of edges; only the scope's nodes are written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphengine.analytics.identity import run_identity_resolution
from graphengine.analytics.influence import run_centrality, run_influencers
from graphengine.analytics.segments import run_communities
from graphengine.analytics.subgraph import Scope
from graphengine.config import Settings
from graphengine.errors import AnalysisError
from graphengine.load import LoadOptions, load_file
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv


def _load(store: Store, settings: Settings, tmp_path: Path, kind: str, rows: list[dict[str, object]]) -> None:
    options = LoadOptions(source="scope-test", out_dir=tmp_path)
    report = load_file(
        store, kind, write_csv(tmp_path / f"{kind}.csv", rows), options, salt=settings.hash_salt.get_secret_value()
    )
    assert report.quarantined == 0, report


@pytest.fixture
def two_platforms(store: Store, settings: Settings, tmp_path: Path) -> Store:
    """Platform `a`: a star around a0 (old follows, 2025) plus a triangle a1-a2-a3 (2026); platform `b`: a ring."""
    accounts = [{"accountId": f"a{i}", "platform": "a"} for i in range(8)]
    accounts += [{"accountId": f"b{i}", "platform": "b"} for i in range(6)]
    follows = [{"follower": f"a{i}", "followee": "a0", "since": "2025-03-01T00:00:00Z"} for i in range(4, 8)]
    follows += [
        {"follower": x, "followee": y, "since": "2026-02-01T00:00:00Z"}
        for x, y in (("a1", "a2"), ("a2", "a3"), ("a3", "a1"), ("a2", "a1"), ("a3", "a2"), ("a1", "a3"))
    ]
    follows += [{"follower": f"b{i}", "followee": f"b{(i + 1) % 6}", "since": "2026-02-01T00:00:00Z"} for i in range(6)]
    _load(store, settings, tmp_path, "accounts", accounts)
    _load(store, settings, tmp_path, "follows", follows)
    return store


def _props(store: Store, prop: str) -> dict[str, object]:
    rows = store.run_text(f"MATCH (a:SocialAccount) RETURN a.accountId AS id, a.{prop} AS v")
    return {r["id"]: r["v"] for r in rows}


def test_centrality_on_one_platform_writes_only_its_accounts(two_platforms: Store) -> None:
    store = two_platforms
    summary = run_centrality(store, scope=Scope(platform="a"))
    assert summary["counts"] == {"nodes": 8, "edges": 10}
    runs = _props(store, "centralityRunId")
    assert all(runs[f"a{i}"] == summary["runId"] for i in range(8))
    assert all(runs[f"b{i}"] is None for i in range(6)), "accounts outside the scope are not touched"
    recorded = store.run_text("MATCH (r:AnalysisRun {runId: $id}) RETURN r.params AS p", {"id": summary["runId"]})
    assert json.loads(recorded[0]["p"])["scope"]["platform"] == "a"


def test_a_time_window_keeps_only_the_relationships_inside_it(two_platforms: Store) -> None:
    store = two_platforms
    recent = Scope.parse("a", since="2026-01-01T00:00:00Z")
    summary = run_communities(store, algorithm="leiden", seed=1, scope=recent)
    assert summary["counts"]["edges"] == 6 and summary["counts"]["nodes"] == 8
    c = _props(store, "communityId")
    assert c["a1"] == c["a2"] == c["a3"]
    # a0's star is older than the window: a0 and its followers are isolated, each its own community
    assert len({c[f"a{i}"] for i in (0, 4, 5, 6, 7)}) == 5
    old = run_centrality(store, scope=Scope.parse("a", until="2026-01-01T00:00:00Z"))
    assert old["counts"]["edges"] == 4
    pr = _props(store, "pagerank")
    assert pr["a0"] == max(pr[f"a{i}"] for i in range(8))


def test_influencers_on_a_platform(two_platforms: Store) -> None:
    summary = run_influencers(two_platforms, scope=Scope(platform="b"))
    assert summary["counts"]["nodes"] == 6
    runs = _props(two_platforms, "influenceRunId")
    assert {k for k, v in runs.items() if v == summary["runId"]} == {f"b{i}" for i in range(6)}


def test_customer_graph_with_a_chosen_edge_kind_and_identity_by_kind(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    customers = [
        {"customerId": "C1", "email": "one@example.org", "phone": "+46701111111"},
        {"customerId": "C2", "email": "two@example.org", "phone": "+46701111111"},  # shares C1's phone
        {"customerId": "C3", "email": "three@example.org"},
        {"customerId": "C4", "email": "three@example.org"},  # shares C3's e-mail
    ]
    _load(store, settings, tmp_path, "customers", customers)
    _load(
        store, settings, tmp_path, "referrals", [{"referrerId": "C1", "referredId": "C3", "at": "2026-01-05T00:00:00Z"}]
    )
    only_referrals = run_communities(store, graph="customers", seed=1, scope=Scope(edges=("REFERRED",)))
    assert only_referrals["counts"]["edges"] == 1
    with pytest.raises(AnalysisError, match="not allowed for the customers projection"):
        run_communities(store, graph="customers", scope=Scope(edges=("FOLLOWS",)))
    by_email = run_identity_resolution(store, scope=Scope(edges=("email",)))
    assert by_email["counts"]["profiles"] == 1 and by_email["counts"]["resolvedCustomers"] == 2
    both = run_identity_resolution(store)
    assert both["counts"]["profiles"] == 2
    active = store.run_text(
        "MATCH (c:Customer)-[r:RESOLVED_TO]->(p:Profile) WHERE r.supersededBy IS NULL "
        "RETURN p.profileId AS profile, p.runId AS run, collect(c.customerId) AS members"
    )
    assert all(r["run"] == both["runId"] for r in active) and len(active) == 2
    # a scoped run re-resolves the customers its scope reaches (those with an e-mail link) and leaves the others'
    # links alone: C5 and C6 share only a phone
    phones = [{"customerId": c, "phone": "+46702222222"} for c in ("C5", "C6")]
    _load(store, settings, tmp_path, "customers", phones)
    third = run_identity_resolution(store)
    again = run_identity_resolution(store, scope=Scope(edges=("email",)))
    active = store.run_text(
        "MATCH (c:Customer)-[r:RESOLVED_TO]->(p:Profile) WHERE r.supersededBy IS NULL "
        "RETURN c.customerId AS customer, p.runId AS run ORDER BY customer"
    )
    assert [(r["customer"], r["run"]) for r in active] == [
        ("C3", again["runId"]),
        ("C4", again["runId"]),
        ("C5", third["runId"]),
        ("C6", third["runId"]),
    ]


def test_cli_scope_options_and_their_errors(two_platforms: Store, settings: Settings) -> None:
    done = run_graphengine(settings, "analyze", "centrality", "--platform", "b", "--since", "2026-01-01Z", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["counts"] == {"nodes": 6, "edges": 6}
    assert summary["params"]["scope"]["since"] == "2026-01-01T00:00:00+00:00"
    bad = run_graphengine(settings, "analyze", "communities", "--graph", "customers", "--edges", "FOLLOWS")
    assert bad.returncode == 8 and "not allowed" in bad.stderr and "Traceback" not in bad.stderr
    backwards = run_graphengine(settings, "analyze", "centrality", "--since", "2026-02-01Z", "--until", "2026-01-01Z")
    assert backwards.returncode == 8 and "before --until" in backwards.stderr
    garbage = run_graphengine(settings, "analyze", "centrality", "--since", "yesterday")
    assert garbage.returncode == 8 and "ISO-8601" in garbage.stderr and "--since" in garbage.stderr
