"""Journeys on the graph: columnar event reads, sessions written back, patterns, transitions, funnels,
attribution, one customer's journey and the Cypher path queries — on a demo graph loaded by the real loaders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import numpy as np
import pytest

from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.errors import NotFound
from graphengine.journeys import store as js
from graphengine.journeys.core import NAMED_PATTERNS, Transitions
from graphengine.journeys.core import channel_transitions as pure_transitions
from graphengine.store import Store

SINCE = "2026-02-15T00:00:00Z"


@pytest.fixture(scope="module")
def demo(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A 600-customer demo graph (loaded once for this module), its truth and each event's loaded session."""
    session_store.clear()
    data = tmp_path_factory.mktemp("journeys") / "data"
    truth = generate_demo(data, DemoSpec(customers=600, seed=7))
    load_demo(session_store, data, salt=settings.hash_salt.get_secret_value(), out_dir=data.parent / "out")
    source_session: dict[str, tuple[str, str]] = {}
    for line in (data / "events.jsonl").read_text().splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        source_session[event["eventId"]] = (event["customerId"], event.get("sessionId"))
    yield session_store, truth, source_session


def _count(store: Store, text: str) -> int:
    return int(store.run_text(text)[0]["n"])


def test_read_events_is_columnar_complete_and_batch_independent(demo: Any) -> None:
    store, _, _ = demo
    whole = js.read_events(store)
    assert len(whole) == _count(store, "MATCH (e:Event) RETURN count(e) AS n")
    assert whole.is_sorted()
    assert {"view", "search", "cart", "purchase"} <= set(whole.types)
    assert {"web", "app", "email"} <= set(whole.channels)
    assert (whole.result_count[np.asarray(whole.types)[whole.type] == "search"] >= 0).all()
    small = js.read_events(store, events_per_batch=500)  # many customer-range batches
    assert small.event_id.tolist() == whole.event_id.tolist()
    assert np.array_equal(small.ts, whole.ts)
    recent = js.read_events(store, since=SINCE)
    assert 0 < len(recent) < len(whole)
    assert recent.ts.min() >= datetime.fromisoformat(SINCE).timestamp()


def test_sessionize_writes_session_ids_with_an_analysis_run(demo: Any) -> None:
    store, _, source = demo
    first = js.sessionize_graph(store, timeout=1800.0, bot_min_gap=0.5)
    run_id = first["runId"]
    events = _count(store, "MATCH (e:Event) RETURN count(e) AS n")
    assert first["counts"]["events"] == events and first["counts"]["sessions"] > 600
    assert first["stats"]["customers"] == _count(
        store, "MATCH (c:Customer) WHERE (c)-[:PERFORMED]->() RETURN count(c) AS n"
    )
    rows = store.run_text(
        "MATCH (e:Event) RETURN e.eventId AS id, e.sessionId AS s, e.sourceSessionId AS src, e.sessionRunId AS run"
    )
    assert all(r["run"] == run_id and r["s"] for r in rows)
    assert all(r["src"] == source[r["id"]][1] for r in rows)  # the loaded session id is kept
    assert all(r["s"].startswith(source[r["id"]][0] + "#") for r in rows)
    run = store.run_text("MATCH (r:AnalysisRun {runId: $id}) RETURN r.status AS status, r.kind AS kind", {"id": run_id})
    assert run == [{"status": "finished", "kind": "sessions"}]
    again = js.sessionize_graph(store, timeout=1800.0)
    kept = store.run_text("MATCH (e:Event) RETURN e.eventId AS id, e.sourceSessionId AS src, e.sessionRunId AS run")
    assert all(r["src"] == source[r["id"]][1] and r["run"] == again["runId"] for r in kept)


def _recall(planted: set[tuple[str, str]], found: set[tuple[str, str]]) -> tuple[float, float]:
    hit = len(planted & found)
    return hit / len(planted), hit / max(len(found), 1)


@pytest.mark.parametrize("sessionized", [False, True], ids=["loaded-sessions", "sessionized"])
def test_planted_serious_shoppers_and_cart_abandonments_are_found(demo: Any, sessionized: bool) -> None:
    store, truth, source = demo
    if sessionized:
        js.sessionize_graph(store)
    else:  # put the loaded session ids back
        store.run_text("MATCH (e:Event) WHERE e.sourceSessionId IS NOT NULL SET e.sessionId = e.sourceSessionId")
    # listed matches are those of customers with profiling consent; the others are counted as withheld
    rows = store.run_text("MATCH (c:Customer) WHERE c.consentProfiling = true RETURN c.customerId AS id")
    consenting = {r["id"] for r in rows}
    serious = js.pattern_matches(store, "serious_shopper_abandonment", limit=100_000)
    found = {source[m["startEvent"]] for m in serious["matches"]}
    planted = {(c, s) for c, s in truth["seriousShoppers"] if c in consenting}
    recall, precision = _recall(planted, found)
    assert len(truth["seriousShoppers"]) >= 20 and len(planted) >= 10
    assert recall >= 0.9 and precision >= 0.9, (recall, precision)
    assert serious["withheld"] + len(serious["matches"]) == serious["total"]
    carts = js.pattern_matches(store, "cart_abandonment", limit=100_000)
    recall, _ = _recall(
        {(c, s) for c, s in truth["cartAbandonments"] if c in consenting},
        {source[m["startEvent"]] for m in carts["matches"]},
    )
    assert recall >= 0.9


def test_pattern_matches_since_limit_and_json(demo: Any) -> None:
    store, _, _ = demo
    everything = js.pattern_matches(store, "cart_abandonment", limit=10_000)
    recent = js.pattern_matches(store, "cart_abandonment", since=SINCE, limit=5)
    assert recent["since"] == SINCE and len(recent["matches"]) == 5
    assert 5 < recent["total"] < everything["total"]
    assert all(m["startAt"] >= SINCE for m in recent["matches"])
    ends = [m["endAt"] for m in recent["matches"]]
    assert ends == sorted(ends, reverse=True)  # newest first
    json.dumps(recent)
    assert set(js.pattern_counts(store)) == set(NAMED_PATTERNS)
    with pytest.raises(NotFound):
        js.pattern_matches(store, "no_such_pattern")


def _cells(t: Transitions) -> dict[tuple[str, str], int]:
    return {(t.channels[a], t.channels[b]): int(t.counts[a, b]) for a, b in zip(*np.nonzero(t.counts), strict=True)}


@pytest.mark.parametrize("scope", ["customer", "session"])
def test_transitions_from_next_chains_equal_the_pure_matrix(demo: Any, scope: str) -> None:
    store, _, _ = demo
    from_graph = js.transitions_from_graph(store, scope=scope)
    pure = pure_transitions(js.read_events(store), scope=scope)
    assert _cells(from_graph) == _cells(pure) and len(_cells(pure)) > 3
    out = js.channel_transitions(store, scope=scope, skip_repeats=True)
    assert all(out["counts"][k][k] == 0 for k in range(len(out["channels"])))
    assert out["total"] == sum(t["count"] for t in out["transitions"])
    json.dumps(out)


def test_funnel_and_attribution_from_the_graph(demo: Any) -> None:
    store, _, _ = demo
    fun = js.funnel(store)
    reached = [s["reached"] for s in fun["steps"]]
    assert [s["step"] for s in fun["steps"]] == ["view", "cart", "purchase"]
    assert reached[0] >= reached[1] >= reached[2] > 0
    result = js.attribution(store)
    assert {"first_touch", "last_touch", "linear", "time_decay", "position_based", "markov_1", "markov_2"} <= set(
        result["models"]
    )
    for credits in result["models"].values():
        assert sum(c["conversions"] for c in credits.values()) == pytest.approx(result["totalConversions"])
        assert sum(c["value"] for c in credits.values()) == pytest.approx(result["totalValue"])
    assert result["totalConversions"] > 0 and result["totalValue"] > 0
    one = js.attribution(store, "linear", since=SINCE)
    assert list(one["models"]) == ["linear"] and one["totalConversions"] < result["totalConversions"]
    json.dumps(result)


def test_customer_journey_in_order_with_channels_products_and_patterns(demo: Any) -> None:
    store, truth, _ = demo
    customer, _ = truth["seriousShoppers"][0]
    journey = js.customer_journey(store, customer)
    times = [e["at"] for e in journey["events"]]
    assert times == sorted(times) and journey["customer"]["customerId"] == customer
    assert journey["returned"] == journey["customer"]["events"] and not journey["truncated"]
    views = [e for e in journey["events"] if e["type"] == "view"]
    assert views and all(e["product"]["productId"] and e["channel"]["channelId"] for e in views)
    assert journey["patterns"]["serious_shopper_abandonment"] >= 1
    short = js.customer_journey(store, customer, limit=2)
    assert short["returned"] == 2 and short["truncated"]
    json.dumps(journey)
    with pytest.raises(NotFound):
        js.customer_journey(store, "NO-SUCH-CUSTOMER")


def test_path_queries(demo: Any) -> None:
    store, truth, _ = demo
    star = truth["influencers"][0]
    owner = store.run_text(
        "MATCH (c:Customer)-[:OWNS]->(:SocialAccount)-[:FOLLOWS]->(:SocialAccount {accountId: $a}) "
        "RETURN c.customerId AS id ORDER BY id LIMIT 1",
        {"a": star},
    )[0]["id"]
    to_star = js.path_to_account(store, owner, star)["path"]
    assert to_star["hops"] == 2 and to_star["nodes"][0]["key"] == owner and to_star["nodes"][-1]["key"] == star
    assert [r["type"] for r in to_star["rels"]] == ["OWNS", "FOLLOWS"]
    assert js.path_to_account(store, owner, "NO-SUCH-ACCOUNT")["path"] is None
    product = store.run_text(
        "MATCH (:SocialAccount {accountId: $a})-[:MENTIONED]->(p) RETURN p.productId AS id LIMIT 1", {"a": star}
    )
    to_product = js.path_to_product(store, owner, product[0]["id"])["path"]
    assert to_product["nodes"][-1]["key"] == product[0]["id"] and to_product["hops"] <= 3
    community = store.run_text("MATCH (a:SocialAccount {accountId: $a}) RETURN a.communityId AS c", {"a": star})[0]["c"]
    if community is None:  # communities not computed in this module: label the star's community by hand
        store.run_text("MATCH (a:SocialAccount {accountId: $a}) SET a.communityId = 99", {"a": star})
        community = 99
    link = js.community_connection(store, owner, community)
    assert link["found"] and link["directTies"] >= 1 and link["path"]["hops"] <= 2
    journeys = js.abandonment_journeys(store, since=SINCE, limit=10)
    assert 0 < journeys["returned"] <= 10
    for j in journeys["journeys"]:
        types = [s["type"] for s in j["steps"]]
        last_cart = max(i for i, t in enumerate(types) if t == "cart")
        assert not {"purchase", "conversion"} & set(types[last_cart:])
        assert j["abandonedAt"] >= SINCE
    json.dumps(journeys)
