"""Influencers, communities and identity resolution on graphs loaded through our own loaders."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graphengine.analytics.identity import explain_pair, run_identity_resolution, undo_resolution
from graphengine.analytics.influence import list_influencers, run_centrality, run_influencers
from graphengine.analytics.runs import list_runs
from graphengine.analytics.segments import community_profile, list_communities, run_communities
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.load import LoadOptions, load_file
from graphengine.store import Store
from tests.integration._files import write_csv


def _load_social(store: Store, settings: Settings, graph: nx.Graph, tmp_path: Path) -> None:
    """An undirected graph becomes mutual follows between accounts named after the nodes."""
    name = lambda n: str(n).replace(" ", "_")  # noqa: E731
    accounts = [{"accountId": name(n), "platform": "test"} for n in graph]
    follows = [{"follower": name(a), "followee": name(b)} for u, v in graph.edges for a, b in ((u, v), (v, u))]
    options = LoadOptions(source="reference", out_dir=tmp_path)
    salt = settings.hash_salt.get_secret_value()
    load_file(store, "accounts", write_csv(tmp_path / "accounts.csv", accounts), options, salt=salt)
    load_file(store, "follows", write_csv(tmp_path / "follows.csv", follows), options, salt=salt)


def test_karate_factions_and_modularity(store: Store, settings: Settings, tmp_path: Path) -> None:
    karate = nx.karate_club_graph()
    _load_social(store, settings, karate, tmp_path)
    summary = run_communities(store, algorithm="leiden", seed=1)
    assert summary["metrics"]["modularity"] >= 0.41
    rows = store.run_text("MATCH (a:SocialAccount) RETURN a.accountId AS id, a.communityId AS c, a.communityRunId AS r")
    assert len(rows) == 34 and all(r["r"] == summary["runId"] for r in rows)
    two = run_communities(store, algorithm="leiden", resolution=0.5, seed=1)
    membership = {
        r["id"]: r["c"] for r in store.run_text("MATCH (a:SocialAccount) RETURN a.accountId AS id, a.communityId AS c")
    }
    club = {str(n): karate.nodes[n]["club"] for n in karate}
    agree = sum((membership[a] == membership[b]) == (club[a] == club[b]) for a in club for b in club if a < b)
    pairs = 34 * 33 // 2
    assert agree / pairs >= 0.85, "the two factions are recovered"
    assert two["runId"] != summary["runId"]
    louvain = run_communities(store, algorithm="louvain", seed=3)
    assert louvain["metrics"]["modularity"] >= 0.38


def test_florentine_medici_betweenness_and_backends_agree(store: Store, settings: Settings, tmp_path: Path) -> None:
    _load_social(store, settings, nx.florentine_families_graph(), tmp_path)
    ig = run_centrality(store, algorithms=("pagerank", "betweenness"), backend="igraph")
    got = {
        r["id"]: r
        for r in store.run_text("MATCH (a:SocialAccount) RETURN a.accountId AS id, a.betweenness AS b, a.pagerank AS p")
    }
    top = max(got.values(), key=lambda r: r["b"])
    assert top["id"] == "Medici"
    # mutual follows double every path; normalised directed betweenness equals the undirected figure
    assert top["b"] == pytest.approx(0.522, abs=0.002)
    ref = nx.pagerank(nx.florentine_families_graph())
    for node, value in ref.items():
        assert got[node]["p"] == pytest.approx(value, abs=1e-4)
    nx_run = run_centrality(store, algorithms=("pagerank", "betweenness"), backend="networkx")
    again = {
        r["id"]: r
        for r in store.run_text(
            "MATCH (a:SocialAccount) RETURN a.accountId AS id, a.betweenness AS b, a.centralityRunId AS run"
        )
    }
    assert all(again[k]["b"] == pytest.approx(got[k]["b"], abs=1e-9) for k in got)
    assert {r["run"] for r in again.values()} == {nx_run["runId"]}
    runs = list_runs(store, kind="centrality")
    assert [r["runId"] for r in runs[:2]] == [nx_run["runId"], ig["runId"]]
    assert runs[0]["status"] == "finished" and runs[0]["counts"]["nodes"] == 15


def test_lesmis_top_pagerank_matches_networkx(store: Store, settings: Settings, tmp_path: Path) -> None:
    lesmis = nx.les_miserables_graph()
    _load_social(store, settings, lesmis, tmp_path)
    run_centrality(store, algorithms=("pagerank",))
    top = list_influencers(store, limit=1) or store.run_text(
        "MATCH (a:SocialAccount) RETURN a.accountId AS accountId ORDER BY a.pagerank DESC LIMIT 1"
    )
    reference = max(nx.pagerank(lesmis).items(), key=lambda kv: kv[1])[0]
    assert top[0]["accountId"] == reference.replace(" ", "_")


@pytest.fixture(scope="module")
def demo_truth(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("demo")
    session_store.clear()
    truth = generate_demo(folder / "data", DemoSpec(customers=1500, seed=4))
    load_demo(session_store, folder / "data", salt=settings.hash_salt.get_secret_value(), out_dir=folder / "out")
    return truth


def test_demo_influencers_and_communities_are_recovered(session_store: Store, demo_truth: dict) -> None:
    store = session_store
    influence = run_influencers(store)
    assert influence["counts"]["nodes"] > 500
    top = [r["accountId"] for r in list_influencers(store, limit=20)]
    planted = set(demo_truth["influencers"])
    assert len(planted & set(top)) >= 10, "the planted influencers lead the list"
    leader = list_influencers(store, limit=1)[0]
    assert leader["reach2"] >= leader["followers"] > 0 and leader["advocateLevel"] in ("organizer", "leader")
    run_communities(store, algorithm="leiden", seed=7)
    rows = store.run_text(
        "MATCH (c:Customer) WHERE c.communityId IS NOT NULL RETURN c.customerId AS id, c.communityId AS c"
    )
    assert len(rows) > 500
    planted_comm = demo_truth["communities"]
    nmi = normalized_mutual_info_score([planted_comm[r["id"]] for r in rows], [r["c"] for r in rows])
    assert nmi >= 0.8, nmi
    communities = list_communities(store)
    profile = community_profile(store, communities[0]["communityId"])
    assert profile["size"] == communities[0]["size"] and profile["influencers"] and profile["products"]
    assert 0.0 <= profile["consentShare"] <= 1.0
    by_platform = list_influencers(store, limit=5, platform="tiktok")
    assert by_platform and all(r["platform"] == "tiktok" for r in by_platform)
    in_comm = list_influencers(store, limit=5, community_id=communities[0]["communityId"])
    assert all(r["communityId"] == communities[0]["communityId"] for r in in_comm)


def test_demo_identity_resolution_merges_duplicates_only(session_store: Store, demo_truth: dict) -> None:
    store = session_store
    before = store.query("identity.count_active_profiles")[0]
    first = run_identity_resolution(store)
    profile_of = {
        r["c"]: r["p"]
        for r in store.run_text(
            "MATCH (c:Customer)-[r:RESOLVED_TO]->(p:Profile) WHERE r.supersededBy IS NULL "
            "RETURN c.customerId AS c, p.profileId AS p"
        )
    }
    for a, b in demo_truth["duplicates"]:
        assert profile_of.get(a) is not None and profile_of.get(a) == profile_of.get(b), (a, b)
    for a, b in demo_truth["decoys"]:
        assert profile_of.get(a) is None or profile_of.get(a) != profile_of.get(b), (a, b)
    assert first["counts"]["profiles"] == len(demo_truth["duplicates"])
    a, b = demo_truth["duplicates"][1]
    why = explain_pair(store, a, b)
    assert why["sameProfile"] and sorted(why["sharedKinds"]) == ["cookie", "device"] and "weak" in why["explanation"]
    d1, d2 = demo_truth["decoys"][0]
    assert not explain_pair(store, d1, d2)["sameProfile"]
    # a re-run supersedes, undo restores the state before it
    second = run_identity_resolution(store)
    assert store.query("identity.count_active_profiles")[0]["profiles"] == first["counts"]["profiles"]
    undo = undo_resolution(store, second["runId"])
    assert undo["deletedProfiles"] == first["counts"]["profiles"]
    restored = {
        r["c"]: r["p"]
        for r in store.run_text(
            "MATCH (c:Customer)-[r:RESOLVED_TO]->(p:Profile) WHERE r.supersededBy IS NULL "
            "RETURN c.customerId AS c, p.profileId AS p"
        )
    }
    assert restored == profile_of
    undo_resolution(store, first["runId"])
    assert store.query("identity.count_active_profiles")[0] == before
    for backend in ("gds", "networkx"):  # the components step on another backend: the same profiles
        other = run_identity_resolution(store, backend=backend)
        assert other["backend"] == backend and other["counts"] == first["counts"]
        undo_resolution(store, other["runId"])
    assert json.dumps(list_runs(store, kind="identity"), default=str)
    assert np.isfinite(first["seconds"]["total"])


def test_memory_estimates_match_the_projections_they_precede(session_store: Store, demo_truth: dict) -> None:
    from graphengine.analytics.projection import PROJECTIONS, estimate, project

    for name in PROJECTIONS:
        predicted = estimate(session_store, name)
        built = project(session_store, name)
        if name == "customers":  # an upper bound: each customer keeps at most top_k ties
            assert predicted.n_nodes == built.n_nodes and predicted.n_edges >= built.n_edges
        elif name == "purchases":  # an upper bound: products nobody bought are not projected
            assert predicted.n_nodes >= built.n_nodes and predicted.n_edges == built.n_edges
        else:
            assert (predicted.n_nodes, predicted.n_edges) == (built.n_nodes, built.n_edges), name
        assert predicted.total_bytes > 0 and "needs about" in predicted.describe()
