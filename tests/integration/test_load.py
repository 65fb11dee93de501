"""Loading through graphengine.load against the real Neo4j: provenance, privacy, idempotence, references."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphengine.config import Settings
from graphengine.errors import PrivacyViolation, ValidationFailed
from graphengine.load import ColumnMap, LoadOptions, LoadReport, load_file
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from tests.integration._files import write_csv, write_jsonl

CUSTOMERS = [
    {
        "customerId": "c1",
        "name": "Anna",
        "email": "Anna@Example.com",
        "phone": "+46 70 111 22 33",
        "consentEmail": "true",
        "consentProfiling": "false",
        "country": "SE",
    },
    {"customerId": "c2", "name": "Bram", "email": "bram@example.nl", "loyaltyId": "L-77", "consentEmail": "no"},
    {"customerId": "c3", "name": "Cleo", "email": "", "consentEmail": ""},
]
PRODUCTS = [
    {"productId": "p1", "name": "Kettle", "brand": "Acme", "category": "Kitchen", "price": "30"},
    {"productId": "p2", "name": "Mug", "brand": "Acme", "category": "Kitchen", "price": "5"},
    {"productId": "p3", "name": "Tent", "brand": "Trail", "category": "Outdoor", "price": "200"},
]


def _load(store: Store, settings: Settings, kind: str, path: Path, tmp_path: Path, **opts: object) -> LoadReport:
    options = LoadOptions(source=str(opts.pop("source", "crm")), out_dir=tmp_path / "out", **opts)  # type: ignore[arg-type]
    report = load_file(store, kind, path, options, salt=settings.hash_salt.get_secret_value())
    assert report.balanced, report.to_dict()
    return report


def _counts(store: Store) -> dict[str, int]:
    rows = store.run_text(
        "MATCH (n) WHERE NOT n:SchemaVersion RETURN labels(n)[0] AS label, count(*) AS n "
        "UNION ALL MATCH ()-[r]->() RETURN type(r) AS label, count(*) AS n"
    )
    return {r["label"]: r["n"] for r in rows}


def _find_text(store: Store, needles: list[str]) -> list[str]:
    """Every node or relationship whose properties (as JSON) contain one of ``needles``."""
    return [
        r["hit"]
        for r in store.run_text(
            "CALL () { MATCH (n) RETURN apoc.convert.toJson(properties(n)) AS json "
            "UNION ALL MATCH ()-[r]->() RETURN apoc.convert.toJson(properties(r)) AS json } "
            "WITH json WHERE any(x IN $needles WHERE json CONTAINS x) RETURN json AS hit",
            {"needles": needles},
        )
    ]


@pytest.fixture
def base_graph(store: Store, settings: Settings, tmp_path: Path) -> Store:
    _load(store, settings, "customers", write_csv(tmp_path / "customers.csv", CUSTOMERS), tmp_path)
    _load(store, settings, "products", write_csv(tmp_path / "products.csv", PRODUCTS), tmp_path, source="erp")
    channels = [
        {"channelId": "web", "kind": "web"},
        {"channelId": "store", "kind": "store"},
        {"channelId": "mail", "kind": "email"},
    ]
    _load(store, settings, "channels", write_csv(tmp_path / "channels.csv", channels), tmp_path)
    return store


def test_customers_products_and_provenance(base_graph: Store) -> None:
    counts = _counts(base_graph)
    assert counts["Customer"] == 3 and counts["Product"] == 3 and counts["Category"] == 2
    assert counts["Identifier"] == 4 and counts["HAS_IDENTIFIER"] == 4 and counts["IN_CATEGORY"] == 3
    anna = base_graph.run_text("MATCH (c:Customer {customerId: 'c1'}) RETURN c")[0]["c"]
    assert anna["consentEmail"] is True and anna["consentProfiling"] is False and anna["sources"] == ["crm"]
    assert "consentSms" not in anna, "a missing flag is not stored as a value"
    product = base_graph.run_text("MATCH (p:Product {productId: 'p1'}) RETURN p")[0]["p"]
    assert product["sources"] == ["erp"] and product["price"] == 30.0
    source = base_graph.run_text("MATCH (s:DataSource {name: 'erp'}) RETURN s.party AS party, s.kinds AS kinds")
    assert source == [{"party": "first", "kinds": ["products"]}]


def test_no_raw_email_or_phone_anywhere_in_the_graph(base_graph: Store, settings: Settings) -> None:
    raw = ["Anna@Example.com", "anna@example.com", "+46 70 111 22 33", "+46701112233", "bram@example.nl", "L-77"]
    assert _find_text(base_graph, raw) == []
    kinds = base_graph.run_text("MATCH (i:Identifier) RETURN i.kind AS kind ORDER BY kind")
    assert [k["kind"] for k in kinds] == ["email", "email", "loyalty", "phone"]


def test_load_twice_gives_identical_counts(base_graph: Store, settings: Settings, tmp_path: Path) -> None:
    before = _counts(base_graph)
    report = _load(base_graph, settings, "customers", write_csv(tmp_path / "customers.csv", CUSTOMERS), tmp_path)
    assert report.loaded == 3
    _load(base_graph, settings, "products", write_csv(tmp_path / "products.csv", PRODUCTS), tmp_path, source="erp")
    assert _counts(base_graph) == before


def test_special_category_source_is_refused_unless_dropped(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [{"customerId": "c1", "name": "A", "religion": "X-faith", "hälsa": "diabetes"}]
    path = write_csv(tmp_path / "crm.csv", rows)
    with pytest.raises(PrivacyViolation, match="religion"):
        _load(store, settings, "customers", path, tmp_path)
    assert _counts(store) == {}, "nothing is written from a refused source"
    dropped = ColumnMap(drop=frozenset({"religion", "hälsa"}))
    _load(store, settings, "customers", path, tmp_path, mapping=dropped)
    assert _find_text(store, ["X-faith", "diabetes", "religion", "hälsa"]) == []
    assert _counts(store) == {"Customer": 1, "DataSource": 1}


def test_bad_rows_are_quarantined_and_counts_add_up(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [*PRODUCTS, {"productId": "", "name": "x"}, {"productId": "p9", "price": "-3"}, PRODUCTS[0]]
    report = _load(store, settings, "products", write_csv(tmp_path / "products.csv", rows), tmp_path)
    assert (report.rows_read, report.loaded, report.quarantined, report.duplicates) == (6, 3, 2, 1)
    quarantined = read_quarantine(Path(report.quarantine_file or ""))
    assert [q["line"] for q in quarantined] == [5, 6]
    assert quarantined[0]["reasons"] == ["productId: missing"]
    assert report.report_file and Path(report.report_file).exists()
    assert Path(report.report_file).name == f"products-products.csv-{report.run_id}.json"


def test_missing_required_column_is_refused(store: Store, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="lacks required column"):
        _load(store, settings, "products", write_csv(tmp_path / "p.csv", [{"sku": "1"}]), tmp_path)
    mapped = ColumnMap(rename={"sku": "productId"})
    report = _load(store, settings, "products", write_csv(tmp_path / "p.csv", [{"sku": "1"}]), tmp_path, mapping=mapped)
    assert report.loaded == 1


def test_purchases_aggregate_idempotently(base_graph: Store, settings: Settings, tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "customerId": "c1", "productId": "p1", "amount": "30", "at": "2026-01-05T10:00:00Z"},
        {
            "orderId": "o2",
            "customerId": "c1",
            "productId": "p1",
            "amount": "28",
            "at": "2026-02-05T10:00:00Z",
            "quantity": "2",
        },
        {"orderId": "o2", "customerId": "c1", "productId": "p2", "amount": "5", "at": "2026-02-05T10:00:00Z"},
    ]
    path = write_csv(tmp_path / "orders.csv", [lines[0], lines[0], *lines[1:]])  # a repeated line, same batch
    first = _load(base_graph, settings, "purchases", path, tmp_path, batch_size=2)
    assert (first.loaded, first.duplicates, first.quarantined, first.batches) == (3, 1, 0, 2)
    _load(base_graph, settings, "purchases", path, tmp_path)
    late = write_csv(
        tmp_path / "late.csv",
        [
            {"orderId": "o0", "customerId": "c1", "productId": "p1", "amount": "31", "at": "2025-12-24T09:00:00Z"},
        ],
    )
    _load(base_graph, settings, "purchases", late, tmp_path)
    agg = base_graph.run_text(
        "MATCH (:Customer {customerId: 'c1'})-[r:PURCHASED]->(:Product {productId: 'p1'}) "
        "RETURN r.count AS count, r.quantity AS quantity, r.amount AS amount, "
        "toString(r.firstAt) AS firstAt, toString(r.lastAt) AS lastAt"
    )[0]
    assert agg == {
        "count": 3,
        "quantity": 4,
        "amount": 89.0,
        "firstAt": "2025-12-24T09:00:00Z",
        "lastAt": "2026-02-05T10:00:00Z",
    }
    assert _counts(base_graph)["PURCHASED"] == 2


def test_same_pair_twice_in_one_batch_counts_twice(base_graph: Store, settings: Settings, tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "customerId": "c2", "productId": "p3", "amount": "200", "at": "2026-01-05"},
        {"orderId": "o2", "customerId": "c2", "productId": "p3", "amount": "190", "at": "2026-01-06"},
    ]
    _load(base_graph, settings, "purchases", write_csv(tmp_path / "o.csv", lines), tmp_path)
    agg = base_graph.run_text("MATCH (:Customer {customerId: 'c2'})-[r:PURCHASED]->() RETURN r.count AS n")
    assert agg == [{"n": 2}]


def test_unknown_references_are_quarantined_or_created(base_graph: Store, settings: Settings, tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "customerId": "c1", "productId": "p1", "amount": "30", "at": "2026-01-05"},
        {"orderId": "o2", "customerId": "ghost", "productId": "p1", "amount": "30", "at": "2026-01-05"},
        {"orderId": "o3", "customerId": "c1", "productId": "p404", "amount": "30", "at": "2026-01-05"},
    ]
    path = write_csv(tmp_path / "o.csv", lines)
    report = _load(base_graph, settings, "purchases", path, tmp_path)
    assert (report.loaded, report.quarantined) == (1, 2)
    reasons = [q["reasons"] for q in read_quarantine(Path(report.quarantine_file or ""))]
    assert reasons == [["customerId: unknown Customer 'ghost'"], ["productId: unknown Product 'p404'"]]
    report = _load(base_graph, settings, "purchases", path, tmp_path, create_missing=True)
    assert (report.loaded, report.quarantined, report.created_placeholders) == (3, 0, 2)
    ghost = base_graph.run_text("MATCH (c:Customer {customerId: 'ghost'}) RETURN c.placeholder AS p")
    assert ghost == [{"p": True}]


def test_events_are_chained_in_time_order_even_when_late(base_graph: Store, settings: Settings, tmp_path: Path) -> None:
    first = [
        {"eventId": "e1", "customerId": "c1", "type": "visit", "at": "2026-03-01T10:00:00Z", "channelId": "web"},
        {
            "eventId": "e3",
            "customerId": "c1",
            "type": "view",
            "at": "2026-03-01T10:05:00Z",
            "channelId": "web",
            "productId": "p1",
        },
        {
            "eventId": "e4",
            "customerId": "c1",
            "type": "search",
            "at": "2026-03-01T10:06:00Z",
            "channelId": "web",
            "resultCount": "0",
            "query": "blue kettle",
        },
        {"eventId": "f1", "customerId": "c2", "type": "email_open", "at": "2026-03-01T09:00:00Z", "channelId": "mail"},
    ]
    _load(base_graph, settings, "events", write_jsonl(tmp_path / "ev1.jsonl", first), tmp_path)
    late = [
        {"eventId": "e2", "customerId": "c1", "type": "click", "at": "2026-03-01T10:01:00Z", "channelId": "mail"},
        {"eventId": "e0", "customerId": "c1", "type": "impression", "at": "2026-02-28T10:01:00Z", "channelId": "web"},
    ]
    _load(base_graph, settings, "events", write_jsonl(tmp_path / "ev2.jsonl", late), tmp_path)
    chain = base_graph.run_text(
        "MATCH p = (a:Event)-[:NEXT*]->(b:Event) WHERE NOT ()-[:NEXT]->(a) AND NOT (b)-[:NEXT]->() "
        "AND a.customerId = 'c1' RETURN [e IN nodes(p) | e.eventId] AS ids"
    )
    assert chain == [{"ids": ["e0", "e1", "e2", "e3", "e4"]}]
    assert _counts(base_graph)["NEXT"] == 4
    about = base_graph.run_text("MATCH (:Event {eventId: 'e3'})-[:ABOUT]->(p) RETURN p.productId AS p")
    assert about == [{"p": "p1"}]
    search = base_graph.run_text("MATCH (e:Event {eventId: 'e4'}) RETURN e.resultCount AS n, e.query AS q")
    assert search == [{"n": 0, "q": "blue kettle"}]


def test_csv_jsonl_and_parquet_load_the_same_graph(store: Store, settings: Settings, tmp_path: Path) -> None:
    snapshots = []
    for fmt in ("csv", "jsonl", "parquet"):
        store.clear()
        path = tmp_path / f"products.{fmt}"
        if fmt == "csv":
            write_csv(path, PRODUCTS)
        elif fmt == "jsonl":
            write_jsonl(path, PRODUCTS)
        else:
            pq.write_table(pa.Table.from_pylist(PRODUCTS), path)
        _load(store, settings, "products", path, tmp_path)
        snapshots.append(
            store.run_text(
                "MATCH (p:Product)-[:IN_CATEGORY]->(c) RETURN p.productId AS id, p.price AS price, c.name AS cat "
                "ORDER BY id"
            )
        )
    assert snapshots[0] == snapshots[1] == snapshots[2]
    assert len(snapshots[0]) == 3


def test_social_graph_kinds(base_graph: Store, settings: Settings, tmp_path: Path) -> None:
    accounts = [
        {"accountId": "a1", "platform": "insta", "handle": "@anna", "customerId": "c1", "followers": "120"},
        {"accountId": "a2", "platform": "insta", "handle": "@bram", "customerId": "c2"},
        {"accountId": "a3", "platform": "x", "handle": "@x"},
    ]
    _load(base_graph, settings, "accounts", write_csv(tmp_path / "acc.csv", accounts), tmp_path, source="social")
    follows = [
        {"follower": "a2", "followee": "a1"},
        {"follower": "a3", "followee": "a1"},
        {"follower": "a1", "followee": "a1"},
    ]
    report = _load(base_graph, settings, "follows", write_csv(tmp_path / "f.csv", follows), tmp_path)
    assert (report.loaded, report.quarantined) == (2, 1)
    mentions = [{"accountId": "a1", "productId": "p1", "sentiment": "0.8", "at": "2026-01-01"}]
    _load(base_graph, settings, "mentions", write_csv(tmp_path / "m.csv", mentions), tmp_path)
    referrals = [{"referrerId": "c1", "referredId": "c2"}]
    _load(base_graph, settings, "referrals", write_csv(tmp_path / "r.csv", referrals), tmp_path)
    idents = [
        {"customerId": "c3", "kind": "device", "value": "dev-1"},
        {"customerId": "c1", "kind": "device", "value": "dev-1"},
    ]
    _load(base_graph, settings, "identifiers", write_csv(tmp_path / "i.csv", idents), tmp_path)
    ratings = [{"customerId": "c1", "productId": "p3", "rating": "4"}]
    _load(base_graph, settings, "ratings", write_csv(tmp_path / "ra.csv", ratings), tmp_path)
    counts = _counts(base_graph)
    assert counts["OWNS"] == 2 and counts["FOLLOWS"] == 2 and counts["MENTIONED"] == 1
    assert counts["REFERRED"] == 1 and counts["RATED"] == 1
    shared = base_graph.run_text(
        "MATCH (a:Customer)-[:HAS_IDENTIFIER]->(i:Identifier {kind: 'device'})<-[:HAS_IDENTIFIER]-(b:Customer) "
        "WHERE a.customerId < b.customerId RETURN a.customerId AS a, b.customerId AS b"
    )
    assert shared == [{"a": "c1", "b": "c3"}]


def test_an_event_keeps_its_customer_and_the_owner_corrects_it(
    base_graph: Store, settings: Settings, tmp_path: Path
) -> None:
    events = [
        {"eventId": "m1", "customerId": "c1", "type": "visit", "at": "2026-03-01T10:00:00Z", "channelId": "web"},
        {
            "eventId": "m2",
            "customerId": "c1",
            "type": "view",
            "at": "2026-03-01T10:01:00Z",
            "channelId": "web",
            "productId": "p1",
        },
        {"eventId": "m3", "customerId": "c1", "type": "visit", "at": "2026-03-01T10:02:00Z", "channelId": "web"},
    ]
    _load(base_graph, settings, "events", write_jsonl(tmp_path / "a.jsonl", events), tmp_path)
    claimed = [{**events[1], "customerId": "c2", "channelId": "store", "productId": "p2"}]
    report = _load(base_graph, settings, "events", write_jsonl(tmp_path / "b.jsonl", claimed), tmp_path)
    assert (report.loaded, report.quarantined) == (0, 1)
    corrected = [{**events[1], "channelId": "store", "productId": "p2", "at": "2026-03-01T10:03:00Z"}]
    _load(base_graph, settings, "events", write_jsonl(tmp_path / "c.jsonl", corrected), tmp_path)
    links = base_graph.run_text(
        "MATCH (e:Event {eventId: 'm2'}) RETURN [(c)-[:PERFORMED]->(e) | c.customerId] AS who, "
        "[(e)-[:VIA]->(ch) | ch.channelId] AS via, [(e)-[:ABOUT]->(p) | p.productId] AS about"
    )
    assert links == [{"who": ["c1"], "via": ["store"], "about": ["p2"]}]
    chain = base_graph.run_text(
        "MATCH p = (:Event {eventId: 'm1'})-[:NEXT*]->(last) WHERE NOT (last)-[:NEXT]->() "
        "RETURN [e IN nodes(p) | e.eventId] AS ids"
    )
    assert chain == [{"ids": ["m1", "m3", "m2"]}], "the corrected time moves m2 to the end of c1's chain"
