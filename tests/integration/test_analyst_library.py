"""The analyst library (cypher/analyst/NN_<question>.cypher): header rules hold, and every file returns rows on
the demo graph with its own `:param` examples, evaluated on the server as Neo4j Browser does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graphengine.analytics.influence import run_influencers
from graphengine.analytics.segments import run_communities
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.report.analyst import analyst_queries, analyst_query, evaluate_params, problems, run_analyst
from graphengine.store import Store
from graphengine.value import basket, clv, rfm

QUERIES = analyst_queries()
IDS = [q.path.stem for q in QUERIES]


@pytest.fixture(scope="module")
def demo(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A 600-customer demo graph with influencers and communities computed (module-scoped)."""
    session_store.clear()
    data = tmp_path_factory.mktemp("analyst") / "data"
    truth = generate_demo(data, DemoSpec(customers=600, seed=7))
    load_demo(session_store, data, salt=settings.hash_salt.get_secret_value(), out_dir=data.parent / "out")
    run_influencers(session_store)
    run_communities(session_store)
    rfm.run_rfm(session_store)  # the customer-value questions (31–33) read these results
    clv.run_clv(session_store)
    basket.run_basket(session_store)
    yield session_store, truth


def test_the_library_has_at_least_fifteen_numbered_questions() -> None:
    assert len(QUERIES) >= 15
    numbers = [q.number for q in QUERIES]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_header_rules(query: Any) -> None:
    assert problems(query) == [], query.path.name
    assert query.params, f"{query.path.name}: give at least one :param example"
    assert query.path.read_text().lstrip().startswith(f"// {query.number} ")


@pytest.mark.parametrize("query", QUERIES, ids=IDS)
def test_every_analyst_file_returns_rows_on_the_demo_graph(demo: Any, query: Any) -> None:
    store, _ = demo
    rows = run_analyst(store, query)
    assert rows, f"{query.path.name} returned no rows with its :param examples"


def test_params_are_evaluated_like_browser_does(demo: Any) -> None:
    store, _ = demo
    values = evaluate_params(store, analyst_query("04"))
    assert values["days"] == 30 and values["asOf"].year == 2026  # datetime('…') comes back as a DateTime
    assert evaluate_params(store, analyst_query("06"))["strongKinds"] == ["email", "phone", "loyalty"]


def test_serious_shopper_question_finds_the_planted_sessions(demo: Any) -> None:
    store, truth = demo
    rows = run_analyst(store, analyst_query("05"), {"limit": 10_000})
    found = {(r["customerId"], r["sessionId"]) for r in rows}  # the loaded session ids (not sessionized here)
    opted_out = set(truth["noProfilingConsent"])  # customers without profiling consent are not listed
    planted = {(c, s) for c, s in truth["seriousShoppers"] if c not in opted_out}
    assert not {c for c, _ in found} & opted_out
    assert len(planted & found) / len(planted) >= 0.9


def test_duplicate_clusters_tell_duplicates_from_household_devices(demo: Any) -> None:
    store, truth = demo
    rows = run_analyst(store, analyst_query("06"), {"limit": 10_000})
    by_pair = {tuple(r["members"]): r["evidence"] for r in rows if r["records"] == 2}
    strong = [tuple(sorted(p)) for k, p in enumerate(truth["duplicates"]) if k % 2 == 0]  # shared email
    weak = [tuple(sorted(p)) for k, p in enumerate(truth["duplicates"]) if k % 2 == 1]  # device + cookie
    assert all(by_pair.get(p, "").startswith("same person") for p in strong)
    assert all(by_pair.get(p, "").startswith("likely") for p in weak)
    assert all(by_pair.get(tuple(sorted(p)), "").startswith("one weak") for p in truth["decoys"])


def test_campaign_audience_respects_consent_and_the_contact_cap(demo: Any) -> None:
    store, _ = demo
    query = analyst_query("07")
    rows = run_analyst(store, query, {"limit": 100_000, "maxContacts": 1})
    assert rows
    ids = [r["customerId"] for r in rows]
    consent = store.run_text(
        "MATCH (c:Customer) WHERE c.customerId IN $ids RETURN count(c) AS n, sum(CASE WHEN c.consentEmail THEN 1 "
        "ELSE 0 END) AS ok",
        {"ids": ids},
    )[0]
    assert consent["n"] == consent["ok"] == len(ids)
    assert all(r["recentContacts"] < 1 for r in rows)
    community = run_analyst(store, query, {"limit": 100_000, "community": 0})
    assert community and all(r["community"] == 0 for r in community)
