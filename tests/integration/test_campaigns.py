"""Campaigns on a tiny graph: consent, the contact-pressure cap across campaigns, the hold-out, served offers,
responses against a hand-computed example, re-runs, and erasure of a contacted customer.

Customers c01…c12: e-mail consent c01–c10 (c11 refused it, c12 never said); profiling consent c01–c08 (c09
refused, c10–c12 never said). Purchases in January 2026 (c08 and c10–c12 bought nothing). Send time T0 =
2026-03-01 09:00 UTC. The recommender is ItemKNN trained on those purchases and promoted in a test home.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from graphengine.api.erasure import erase_customer
from graphengine.campaign.build import BuildResult, build_campaign, list_campaigns
from graphengine.campaign.export import read_rows
from graphengine.campaign.options import Audience, CampaignSpec, Cap
from graphengine.campaign.results import campaign_report, load_results
from graphengine.config import Settings
from graphengine.errors import ConfigError, ValidationFailed
from graphengine.load import LoadOptions, load_file
from graphengine.load.quarantine import quarantine_files, read_quarantine
from graphengine.load.readers import ColumnMap
from graphengine.recommend.model_holder import ModelHolder
from graphengine.recommend.serving import Recommender
from graphengine.report.analyst import analyst_query, run_analyst
from graphengine.store import Store
from graphengine.value.rfm import run_rfm
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv
from tests.integration._recommender import train_and_promote

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
CUSTOMERS = [f"c{i:02d}" for i in range(1, 13)]
EMAIL = CUSTOMERS[:10]
PURCHASES = {
    "c01": ["p1", "p2"],
    "c02": ["p1", "p3"],
    "c03": ["p2", "p4"],
    "c04": ["p1", "p5"],
    "c05": ["p3", "p5"],
    "c06": ["p2"],
    "c07": ["p1", "p2", "p3"],
    "c09": ["p1"],
}


def _load(store: Store, tmp: Path, kind: str, rows: Sequence[Mapping[str, object]], name: str = "") -> None:
    options = LoadOptions(source="test", out_dir=tmp / "out")
    path = write_csv(tmp / f"{name or kind}.csv", [dict(r) for r in rows])
    report = load_file(store, kind, path, options, salt="s")
    assert report.loaded == len(rows), report.to_dict()


def _purchases(store: Store, tmp: Path, lines: Mapping[str, Sequence[str]], day: str, name: str) -> None:
    rows = [
        {"orderId": f"{name}-{c}-{i}", "customerId": c, "productId": p, "amount": 10, "at": day}
        for c, products in lines.items()
        for i, p in enumerate(products)
    ]
    _load(store, tmp, "purchases", rows, name)


@pytest.fixture
def graph(store: Store, tmp_path: Path) -> tuple[Store, Path]:
    """The tiny graph and a promoted model home."""
    email = {c: "true" for c in EMAIL} | {"c11": "false", "c12": ""}
    profiling = {c: "true" for c in CUSTOMERS[:8]} | {"c09": "false"}
    customers = [
        {"customerId": c, "name": c.upper(), "consentEmail": email[c], "consentProfiling": profiling.get(c, "")}
        for c in CUSTOMERS
    ]
    _load(store, tmp_path, "customers", customers)
    products = [{"productId": f"p{i}", "name": f"Product {i}", "price": 10 * i} for i in range(1, 6)]
    _load(store, tmp_path, "products", products)
    _purchases(store, tmp_path, PURCHASES, "2026-01-05T10:00:00Z", "january")
    home = tmp_path / "home"
    train_and_promote(store, home, "itemknn", {"neighbours": 100, "shrink": 0.0})
    return store, home


def _build(graph: tuple[Store, Path], out: Path, **kwargs: Any) -> BuildResult:
    store, home = graph
    dry_run = kwargs.pop("dry_run", False)
    spec = CampaignSpec(**{"channel": "email", "items": 2, "at": T0, **kwargs})
    return build_campaign(store, spec, out, home=home, dry_run=dry_run)


def _count(store: Store, pattern: str) -> int:
    return int(store.run_text(f"MATCH {pattern} RETURN count(*) AS n")[0]["n"])


def _ids(path: Path) -> list[str]:
    return [row.customer_id for row in read_rows(path)]


def test_only_customers_with_channel_consent_and_profiling_consent_for_profiling_options(
    graph: tuple[Store, Path], tmp_path: Path
) -> None:
    store, _ = graph
    result = _build(graph, tmp_path / "all.csv")
    assert _ids(tmp_path / "all.csv") == EMAIL  # not c11 (refused) nor c12 (never said)
    assert result.to_dict()["counts"]["contacted"] == 10
    assert _count(store, "(:Customer)-[:CONTACTED {channel: 'email'}]->(:Campaign)") == 10
    assert _build(graph, tmp_path / "sms.csv", channel="sms").contacted == 0  # nobody consented to SMS

    with pytest.raises(ConfigError, match="churnRisk"):  # never computed on this graph: a clear error
        _build(graph, tmp_path / "churn.csv", audience=Audience(min_churn_risk=0.5))
    run_rfm(store)
    segment = store.run_text("MATCH (c:Customer {customerId: 'c01'}) RETURN c.rfmSegment AS s")[0]["s"]
    expected = store.run_text(
        "MATCH (c:Customer {rfmSegment: $s}) WHERE c.consentEmail AND c.consentProfiling "
        "RETURN c.customerId AS id ORDER BY id",
        {"s": segment},
    )
    _build(graph, tmp_path / "segment.csv", audience=Audience(segment=segment), cap=Cap(5, 7))
    assert _ids(tmp_path / "segment.csv") == [r["id"] for r in expected]
    assert "c09" not in _ids(tmp_path / "segment.csv")  # segment selection is profiling: c09 refused it


def test_the_cap_holds_across_consecutive_campaigns(graph: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = graph
    first = _build(graph, tmp_path / "1.csv", holdout=0.5, seed=3, cap=Cap(1, 7))
    contacted = set(_ids(tmp_path / "1.csv"))
    held = sorted(set(EMAIL) - contacted)
    assert len(contacted) == 5 and first.held_out == 5

    dry = _build(graph, tmp_path / "dry.csv", at=T0 + dt.timedelta(days=1), cap=Cap(1, 7), dry_run=True)
    assert dry.contacted == 5 and _count(store, "()-[:CONTACTED]->()") == 5  # a dry run records nothing

    second = _build(graph, tmp_path / "2.csv", at=T0 + dt.timedelta(days=2), cap=Cap(1, 7))
    assert _ids(tmp_path / "2.csv") == held  # those at the cap (1 contact in 7 days) are left out
    assert second.at_cap == 5 and second.matched == 10

    # 8 days after T0 the first campaign's contacts are out of the window, the second's (T0 + 2 d) are not
    _build(graph, tmp_path / "3.csv", at=T0 + dt.timedelta(days=8), cap=Cap(1, 7))
    assert _ids(tmp_path / "3.csv") == sorted(contacted)
    # a looser cap lets everyone in: 1 contact each in the 7 days before T0 + 8 d
    fourth = _build(graph, tmp_path / "4.csv", at=T0 + dt.timedelta(days=8), cap=Cap(3, 7))
    assert fourth.contacted == 10 and fourth.at_cap == 0
    counts = store.run_text(
        "MATCH (c:Customer)-[r:CONTACTED]->() WHERE r.at > $since AND r.at <= $at "
        "RETURN c.customerId AS id, count(r) AS n ORDER BY n DESC LIMIT 1",
        {"since": T0 + dt.timedelta(days=1), "at": T0 + dt.timedelta(days=8)},
    )
    assert counts[0]["n"] <= 3  # nobody over the cap


def test_the_holdout_is_recorded_seeded_and_never_exported(graph: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = graph
    _build(graph, tmp_path / "dry.parquet", holdout=0.3, seed=11, dry_run=True)
    result = _build(graph, tmp_path / "send.parquet", holdout=0.3, seed=11)
    exported = _ids(tmp_path / "send.parquet")
    assert len(exported) == 7 and result.held_out == 3
    held = store.run_text(
        "MATCH (c:Customer)-[:HELD_OUT {campaignId: $id}]->(:Campaign {campaignId: $id}) "
        "RETURN c.customerId AS id ORDER BY id",
        {"id": result.campaign_id},
    )
    held_ids = [r["id"] for r in held]
    assert len(held_ids) == 3 and not set(held_ids) & set(exported)
    assert sorted(held_ids + exported) == EMAIL
    assert _ids(tmp_path / "dry.parquet") == exported  # the same seed draws the same hold-out
    other = _build(graph, tmp_path / "other.csv", holdout=0.3, seed=12, dry_run=True)
    assert other.contacted == 7 and _ids(tmp_path / "other.csv") != exported


def test_offers_are_what_the_served_recommender_answers(graph: tuple[Store, Path], tmp_path: Path) -> None:
    store, home = graph
    _build(graph, tmp_path / "offers.csv", items=2)
    served = Recommender(store, ModelHolder(store, home))
    rows = read_rows(tmp_path / "offers.csv")
    assert len(rows) == 10
    for row in rows:
        answer = served.recommend(row.customer_id, limit=2)
        assert row.offers == tuple(item.product_id for item in answer.items), row.customer_id
        assert len(row.offers) == 2
    by_id = {row.customer_id: row for row in rows}
    assert "p1" not in by_id["c01"].offers and "p2" not in by_id["c01"].offers  # bought already
    assert "next-best products from the recommender (itemknn" in by_id["c01"].reason
    assert "not personalised: the customer opted out of profiling" in by_id["c09"].reason
    assert "not personalised: no profiling consent on record" in by_id["c10"].reason
    assert by_id["c09"].offers == by_id["c10"].offers  # the popularity list everybody gets
    assert "consented to email (consentEmail)" in by_id["c01"].reason


def _results_file(tmp: Path, contacted: list[str], held: list[str], name: str = "responses") -> Path:
    flags = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 0)]
    rows: list[dict[str, object]] = [
        {"customer": c, "opened": o, "clicked": k, "bought": b} for c, (o, k, b) in zip(contacted, flags, strict=False)
    ]
    rows += [
        {"customer": held[0], "opened": 1, "clicked": 0, "bought": 0},  # held out: not contacted
        {"customer": "zz", "opened": 0, "clicked": 0, "bought": 0},  # unknown customer
        {"customer": contacted[4], "opened": "maybe", "clicked": 0, "bought": 0},  # not a flag
    ]
    return write_csv(tmp / f"{name}.csv", rows)


def test_results_rates_against_a_hand_computed_example_and_a_rerun_counts_once(
    graph: tuple[Store, Path], tmp_path: Path
) -> None:
    store, _ = graph
    sent = _build(graph, tmp_path / "send.csv", holdout=0.3, seed=11)
    contacted = _ids(tmp_path / "send.csv")
    held = sorted(set(EMAIL) - set(contacted))
    # purchases in the 14-day window: the first contacted and the first held-out customer; one outside it
    _purchases(store, tmp_path, {contacted[0]: ["p4"], held[0]: ["p4"]}, "2026-03-04T10:00:00Z", "window")
    _purchases(store, tmp_path, {held[1]: ["p4"]}, "2026-03-20T10:00:00Z", "later")
    path = _results_file(tmp_path, contacted, held)

    def load() -> Any:
        return load_results(
            store, path, mapping=_map(), campaign=sent.campaign_id, quarantine_dir=tmp_path / "q", salt="s"
        )

    first = load()
    assert (first.read, first.loaded, first.quarantined) == (7, 4, 3)
    assert first.campaigns == [sent.campaign_id]
    reasons = {r["line"]: r["reasons"] for r in read_quarantine(Path(str(first.quarantine_file)))}
    assert reasons[6][0].startswith("customerId: held out of campaign")  # line 1 is the header
    assert reasons[7] == ["customerId: no customer zz"] and reasons[8][0].startswith("opened: not a yes/no flag")

    report = campaign_report(store, sent.campaign_id, window_days=14)
    c, h = report["contacted"], report["heldOut"]
    assert (c["customers"], c["responded"], c["opened"], c["clicked"], c["bought"], c["purchased"]) == (
        7,
        4,
        3,
        2,
        1,
        1,
    )
    assert c["openedRate"] == round(3 / 7, 4) and c["clickedRate"] == round(2 / 7, 4)
    assert c["boughtRate"] == round(1 / 7, 4)
    assert (h["customers"], h["responded"], h["purchased"]) == (3, 0, 1)
    assert h["purchasedRate"] == round(1 / 3, 4) and report["purchaseLift"] == round(1 / 7 - 1 / 3, 4)
    assert sum(s["customers"] for s in report["segments"]) == 7

    second = load()  # the same file again: nothing counts twice
    assert (second.loaded, second.quarantined) == (4, 3)
    assert _count(store, "()-[:RESPONDED]->()") == 4
    assert campaign_report(store, sent.campaign_id, window_days=14) == report


def test_erasing_a_contacted_customer_removes_their_campaign_data(graph: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = graph
    sent = _build(graph, tmp_path / "send.csv", holdout=0.3, seed=11)
    contacted = _ids(tmp_path / "send.csv")
    held = sorted(set(EMAIL) - set(contacted))
    folder = tmp_path / "quarantine"
    path = _results_file(tmp_path, contacted, held)
    load_results(store, path, mapping=_map(), campaign=sent.campaign_id, quarantine_dir=folder, salt="s")
    target, held_target = contacted[0], held[0]  # responded; and a held-out one with a quarantined response row

    receipt = erase_customer(store, target, quarantine_dir=folder)
    erase_customer(store, held_target, quarantine_dir=folder)
    assert receipt["removed"]["customers"] == 1
    for customer in (target, held_target):
        assert _count(store, f"(:Customer {{customerId: '{customer}'}})") == 0
    [row] = [r for r in list_campaigns(store) if r["campaignId"] == sent.campaign_id]
    assert (row["contacted"], row["heldOut"], row["responded"]) == (6, 2, 3)  # derived: one less each
    assert _count(store, "()-[:CONTACTED|HELD_OUT|RESPONDED]->()") == 11
    dump = json.dumps(store.run_text("MATCH (k:Campaign) RETURN properties(k) AS p"), default=str)
    assert f'"{target}"' not in dump and f'"{held_target}"' not in dump
    for file in quarantine_files(folder):
        assert all(r["row"].get("customerId") != held_target for r in read_quarantine(file))
    assert campaign_report(store, sent.campaign_id)["contacted"]["customers"] == 6


def _map() -> ColumnMap:
    return ColumnMap(rename={"customer": "customerId"})


def test_cli_errors_are_clear_and_quarantine_exits_10(
    graph: tuple[Store, Path], settings: Settings, tmp_path: Path
) -> None:
    run = run_graphengine(
        settings, "campaign", "build", "--channel", "email", "--out", str(tmp_path / "x.csv"), "--min-churn-risk", "0.5"
    )
    assert run.returncode == 3 and "churnRisk" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.csv").exists()
    sent = _build(graph, tmp_path / "send.csv")
    rows = [{"customerId": "c01", "campaignId": sent.campaign_id, "opened": 1, "clicked": 0, "bought": 0}]
    rows.append({"customerId": "c11", "campaignId": sent.campaign_id, "opened": 1, "clicked": 0, "bought": 0})
    path = write_csv(tmp_path / "r.csv", rows)
    answer = run_graphengine(settings, "campaign", "results", str(path), "--json", "--out-dir", str(tmp_path / "o"))
    assert answer.returncode == 10, answer.stderr
    body = json.loads(answer.stdout)
    assert body["load"]["loaded"] == 1 and body["load"]["quarantined"] == 1
    assert body["campaigns"][0]["contacted"]["opened"] == 1


def test_analyst_questions_count_the_campaign_contacts(graph: tuple[Store, Path], tmp_path: Path) -> None:
    store, _ = graph
    _build(graph, tmp_path / "send.csv", holdout=0.3, seed=11)
    pressure = run_analyst(store, analyst_query("34"), {"asOf": T0, "days": 7, "maxContacts": 1})
    email = [
        (r["consented"], r["contacts"], r["customers"], r["atOrOverCap"]) for r in pressure if r["channel"] == "email"
    ]
    assert email == [(True, 0, 3, False), (True, 1, 7, True)]
    later = T0 + dt.timedelta(days=1)
    audience = run_analyst(store, analyst_query("07"), {"asOf": later, "maxContacts": 1, "minGapDays": 0})
    assert len(audience) == 3  # the seven contacted are at the cap of one contact in 30 days
    assert all(r["recentContacts"] == 0 for r in audience)


def test_a_campaign_recorded_meanwhile_takes_the_last_allowed_contact(
    graph: tuple[Store, Path], tmp_path: Path
) -> None:
    """B selects its audience, then A is built and recorded while B scores its offers; when B records, the
    re-count under the customer locks refuses everyone A took (and B's file holds nobody over the cap)."""
    store, home = graph
    first: list[BuildResult] = []

    def meanwhile(_: int) -> None:
        if not first:
            first.append(_build(graph, tmp_path / "a.csv", cap=Cap(1, 7)))

    spec = CampaignSpec(channel="email", items=2, at=T0, cap=Cap(1, 7))
    second = build_campaign(store, spec, tmp_path / "b.csv", home=home, on_progress=meanwhile)
    assert first[0].contacted == 10 and second.matched == 10 and second.at_cap == 0
    assert second.refused == 10 and second.contacted == 0 and _ids(tmp_path / "b.csv") == []
    most = store.run_text("MATCH (c:Customer)-[r:CONTACTED]->() RETURN c, count(r) AS n ORDER BY n DESC LIMIT 1")
    assert most[0]["n"] == 1 and _count(store, "()-[:CONTACTED]->()") == 10


def test_a_responses_file_without_a_flag_column_is_refused_and_bad_rows_are_quarantined(
    graph: tuple[Store, Path], tmp_path: Path
) -> None:
    store, _ = graph
    sent = _build(graph, tmp_path / "send.csv")
    missing = write_csv(tmp_path / "missing.csv", [{"customerId": "c01", "opened": 1, "clicked": 0}])
    with pytest.raises(ValidationFailed, match="bought"):
        load_results(store, missing, campaign=sent.campaign_id, quarantine_dir=tmp_path / "q")
    rows = [
        {"customerId": "c" * 5000, "opened": 1, "clicked": 0, "bought": 0},
        {"customerId": "c02", "opened": "nan", "clicked": 0, "bought": 0},
        {"customerId": "", "opened": 1, "clicked": 0, "bought": 0},
        {"customerId": "c03", "opened": "YES", "clicked": "no", "bought": ""},
        {"customerId": "c03", "opened": "0", "clicked": "0", "bought": "1"},  # the later row corrects the first
    ]
    report = load_results(
        store, write_csv(tmp_path / "r.csv", rows), campaign=sent.campaign_id, quarantine_dir=tmp_path / "q"
    )
    assert (report.read, report.loaded, report.quarantined, report.repeated) == (5, 2, 3, 1)
    assert set(report.reasons) == {
        "customerId: longer than 1000 characters",
        "opened: not a yes/no flag (…)",
        "customerId: missing",
    }
    flags = store.run_text("MATCH ()-[r:RESPONDED]->() RETURN r.opened AS o, r.clicked AS k, r.bought AS b")
    assert flags == [{"o": False, "k": False, "b": True}]
