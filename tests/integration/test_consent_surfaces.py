"""Profiling consent on every surface that shows a person: people-you-may-know (scored and popular fallback),
influencer lists (API and CLI), community profiles (API and CLI), the analyst library and the HTML report.

The demo graph has customers without profiling consent (``consentProfiling`` false or absent, about 15 %) who own
social accounts. None of them, their accounts or their handles may appear in those outputs; counts that include
them are allowed. Accounts with no owning customer are not customers and stay (checked on a tiny graph).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from graphengine.analytics.influence import list_influencers, run_influencers
from graphengine.analytics.segments import community_profile, run_communities
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.journeys.core import NAMED_PATTERNS
from graphengine.journeys.store import pattern_matches
from graphengine.load import LoadOptions, load_file
from graphengine.recommend.links.online import people_you_may_know
from graphengine.report import collect_report, render_report
from graphengine.report.analyst import analyst_queries, run_analyst
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv
from tests.integration.test_api_harness import API_KEY, base_url

KEY = {"X-API-Key": API_KEY}
# analyst files that list customers on purpose without profiling consent (they profile no one):
EXEMPT_ANALYST = {
    "06": "duplicate identity records, for data quality and erasure requests (record linkage, not profiling)",
    "07": "a contact audience chosen by channel consent and contact counts; with a community it asks profiling consent",
}


class Withheld:
    """Who must not be shown: customers without profiling consent, their accounts and handles."""

    def __init__(self, store: Store) -> None:
        rows = store.run_text(
            "MATCH (c:Customer) WHERE coalesce(c.consentProfiling, false) <> true "
            "OPTIONAL MATCH (c)-[:OWNS]->(a:SocialAccount) "
            "RETURN c.customerId AS id, collect(a.accountId) AS accounts, collect(a.handle) AS handles"
        )
        self.customers = {r["id"] for r in rows}
        self.accounts = {a for r in rows for a in r["accounts"]}
        self.handles = {h for r in rows for h in r["handles"]}
        self.tokens = self.customers | self.accounts | self.handles

    def found_in(self, value: Any) -> set[str]:
        """Withheld ids and handles among the strings (and words of strings) anywhere in ``value``."""
        text = json.dumps(value, default=str)
        words = set(re.findall(r"@?[\w-]+", text))
        return words & self.tokens


@pytest.fixture(scope="module")
def demo(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Withheld:
    """A 400-customer demo graph with influencers and communities computed (module-scoped)."""
    session_store.clear()
    data = tmp_path_factory.mktemp("consent") / "data"
    generate_demo(data, DemoSpec(customers=400, products=60, communities=3, influencers=6, seed=11))
    load_demo(session_store, data, salt=settings.hash_salt.get_secret_value(), out_dir=data.parent / "out")
    run_influencers(session_store)
    run_communities(session_store)
    withheld = Withheld(session_store)
    assert len(withheld.customers) > 30 and len(withheld.accounts) > 20  # the demo has opt-outs with accounts
    return withheld


@pytest.fixture(scope="module")
def client(demo: Withheld, keyed_server: uvicorn.Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url(keyed_server), timeout=60, headers=KEY) as client:
        yield client


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _scored(store: Store, demo: Withheld) -> dict[str, int]:
    """Accounts with a PageRank: all, shown (not withheld), withheld; shown accounts with an advocate tier."""
    return store.run_text(
        "MATCH (a:SocialAccount) WHERE a.pagerank IS NOT NULL WITH a, a.accountId IN $withheld AS w "
        "RETURN count(a) AS all, count(CASE WHEN NOT w THEN 1 END) AS shown, count(CASE WHEN w THEN 1 END) AS withheld,"
        " count(CASE WHEN NOT w AND a.advocateLevel IS NOT NULL THEN 1 END) AS shownTiers",
        {"withheld": sorted(demo.accounts)},
    )[0]


def _consenting_with_accounts(store: Store, n: int) -> list[str]:
    rows = store.run_text(
        "MATCH (c:Customer {consentProfiling: true}) WHERE EXISTS { (c)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]-() } "
        "RETURN c.customerId AS id ORDER BY id LIMIT $n",
        {"n": n},
    )
    return [r["id"] for r in rows]


def test_people_you_may_know_suggests_no_one_without_consent(
    client: httpx.Client, session_store: Store, demo: Withheld
) -> None:
    suggested = 0
    for customer in _consenting_with_accounts(session_store, 30):
        body = _ok(client.get(f"/customers/{customer}/people-you-may-know", params={"limit": 100}))
        assert body["personalized"], customer
        suggested += len(body["items"])
        assert demo.found_in(body["items"]) == set(), customer  # not the account, its owner, nor a "via" handle
        for method in ("cn", "pa"):
            served = people_you_may_know(session_store, customer, limit=100, method=method)
            assert demo.found_in([(p.account_id, p.customer_id, p.handle, p.reason) for p in served.items]) == set()
    assert suggested > 500  # still plenty of suggestions


def test_popular_accounts_fallback_shows_no_one_without_consent(
    client: httpx.Client, session_store: Store, demo: Withheld
) -> None:
    row = session_store.run_text(
        "MATCH (c:Customer {consentProfiling: true}) WHERE NOT EXISTS { (c)-[:OWNS]->() } "
        "RETURN c.customerId AS id ORDER BY id LIMIT 1"
    )
    body = _ok(client.get(f"/customers/{row[0]['id']}/people-you-may-know", params={"limit": 100}))
    assert not body["personalized"] and len(body["items"]) == 100
    assert demo.found_in(body["items"]) == set()


def test_influencer_lists_leave_out_customers_without_consent(
    client: httpx.Client, session_store: Store, demo: Withheld, settings: Settings
) -> None:
    items = _ok(client.get("/influencers", params={"limit": 100}))["items"]
    assert len(items) == 100 and demo.found_in(items) == set()
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    every = list_influencers(session_store, limit=100_000)
    scored = _scored(session_store, demo)
    assert (len(every), len(every) + scored["withheld"]) == (scored["shown"], scored["all"])  # listed or withheld
    for community in {i["communityId"] for i in items}:
        listed = _ok(client.get("/influencers", params={"limit": 100, "community_id": community}))["items"]
        assert listed and demo.found_in(listed) == set()
    cli = run_graphengine(settings, "analyze", "influencers", "--no-recompute", "--limit", "100", "--json")
    assert cli.returncode == 0, cli.stderr
    listed = json.loads(cli.stdout)
    assert [i["accountId"] for i in listed["influencers"]] == [i["accountId"] for i in items]
    assert listed["withheld"] == scored["withheld"]
    table = run_graphengine(settings, "analyze", "influencers", "--no-recompute", "--limit", "100")
    assert table.returncode == 0 and demo.found_in(table.stdout) == set()
    assert f"{scored['withheld']:,} accounts of customers without profiling consent left out" in table.stdout


def test_community_profiles_show_no_one_without_consent(
    client: httpx.Client, session_store: Store, demo: Withheld, settings: Settings
) -> None:
    communities = _ok(client.get("/communities"))["items"]
    assert len(communities) >= 2
    for c in communities:
        profile = _ok(client.get(f"/communities/{c['communityId']}"))
        assert profile["influencers"] and demo.found_in(profile) == set()
        served = community_profile(session_store, c["communityId"])
        assert [i["accountId"] for i in profile["influencers"]] == [i["accountId"] for i in served["influencers"]]
        # counts include everyone: the customers without consent are counted, not shown
        everyone = session_store.run_text(
            "MATCH (a:SocialAccount {communityId: $c}) OPTIONAL MATCH (o:Customer)-[:OWNS]->(a) "
            "RETURN count(a) AS accounts, count(DISTINCT o) AS customers",
            {"c": c["communityId"]},
        )[0]
        assert (profile["size"], profile["customers"]) == (everyone["accounts"], everyone["customers"])
    first = communities[0]["communityId"]
    cli = run_graphengine(settings, "analyze", "community", str(first), "--json")
    assert cli.returncode == 0, cli.stderr
    assert demo.found_in(json.loads(cli.stdout)) == set()


@pytest.mark.parametrize("query", analyst_queries(), ids=[q.path.stem for q in analyst_queries()])
def test_analyst_files_list_no_one_without_consent(session_store: Store, demo: Withheld, query: Any) -> None:
    overrides = {p: 10_000 for p in ("limit", "top", "topInfluencers") if p in query.params}
    rows = run_analyst(session_store, query, overrides)
    if query.number in EXEMPT_ANALYST:
        return
    assert demo.found_in(rows) == set(), query.path.name
    if "customerId" in query.params:  # a question about one person without consent answers nothing
        person = session_store.run_text(
            "MATCH (c:Customer)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]-() WHERE c.customerId IN $ids "
            "AND EXISTS { (c)-[:PERFORMED]->() } RETURN c.customerId AS id ORDER BY id LIMIT 1",
            {"ids": sorted(demo.customers)},
        )[0]["id"]
        assert run_analyst(session_store, query, {**overrides, "customerId": person}) == [], query.path.name


def test_report_shows_no_one_without_consent(session_store: Store, demo: Withheld) -> None:
    data = collect_report(session_store, top=50)
    assert len(data["influence"]["top"]) == 50
    assert demo.found_in(data) == set()
    assert demo.found_in(render_report(data)) == set()
    scored = _scored(session_store, demo)
    assert (data["influence"]["accounts"], data["influence"]["withheld"]) == (scored["shown"], scored["withheld"])
    assert sum(data["pyramid"].values()) == scored["shownTiers"]
    assert f"{scored['withheld']:,} accounts of customers without profiling consent left out" in render_report(data)


# --------------------------------------------------------------------------- accounts without an owning customer
def _tiny(store: Store, settings: Settings, tmp: Path) -> None:
    """u owns A_u; n (opted out) owns A_n; z (consent not recorded) owns A_z; A_pub and A_far belong to no one.
    A_u follows A_hub; A_hub is followed by A_n, A_z, A_pub; A_far is followed by A_n only."""
    store.clear()

    def load(kind: str, rows: list[dict[str, Any]]) -> None:
        path = write_csv(tmp / f"{kind}.csv", rows)
        report = load_file(
            store,
            kind,
            path,
            LoadOptions(source="test", out_dir=tmp / "out"),
            salt=settings.hash_salt.get_secret_value(),
        )
        assert report.loaded == len(rows), report.to_dict()

    load(
        "customers",
        [
            {"customerId": "u", "consentProfiling": "true"},
            {"customerId": "n", "consentProfiling": "false"},
            {"customerId": "z", "consentProfiling": ""},
        ],
    )
    accounts = [("A_u", "u"), ("A_n", "n"), ("A_z", "z"), ("A_hub", ""), ("A_pub", "")]
    load(
        "accounts", [{"accountId": a, "platform": "x", "handle": f"@{a.lower()}", "customerId": c} for a, c in accounts]
    )
    follows = [("A_u", "A_hub"), ("A_n", "A_hub"), ("A_z", "A_hub"), ("A_pub", "A_hub"), ("A_n", "A_pub")]
    load("follows", [{"follower": a, "followee": b} for a, b in follows])
    run_influencers(store)


def test_journey_pattern_matches_list_no_one_without_consent(
    client: httpx.Client, session_store: Store, demo: Withheld
) -> None:
    withheld = 0
    for name in NAMED_PATTERNS:
        every = pattern_matches(session_store, name, limit=1_000_000)
        assert demo.found_in([m["customer"] for m in every["matches"]]) == set(), name
        assert len(every["matches"]) + every["withheld"] == every["total"], name
        withheld += every["withheld"]
        body = _ok(client.get(f"/journeys/patterns/{name}", params={"limit": 100}))
        assert demo.found_in([m["customer"] for m in body["matches"]]) == set(), name
        assert body["matches"] == every["matches"][:100] and body["withheld"] == every["withheld"], name
    assert withheld > 0, "the demo's opted-out customers match patterns too: the filter was exercised"


def test_social_reranking_names_no_account_of_a_customer_without_consent(session_store: Store, demo: Withheld) -> None:
    named = 0
    for customer in _consenting_with_accounts(session_store, 60):
        row = session_store.query(
            "recommend.get_serving_customer", {"customerId": customer, "maxFollowees": 200, "rankFloor": 0.01}
        )[0]
        signals = row["social"]
        named += len(signals)
        assert demo.found_in([(s["accountId"], s["handle"]) for s in signals]) == set(), customer
    assert named > 0


def test_accounts_nobody_owns_stay_and_both_kinds_of_missing_consent_are_withheld(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _tiny(store, settings, tmp_path)
    people = people_you_may_know(store, "u", limit=10, method="cn")
    assert people.personalized and [p.account_id for p in people.items] == ["A_pub"]
    assert people.items[0].customer_id is None
    listed = [(i["accountId"], i["customerId"]) for i in list_influencers(store, limit=10)]
    assert sorted(listed) == [("A_hub", None), ("A_pub", None), ("A_u", "u")]
