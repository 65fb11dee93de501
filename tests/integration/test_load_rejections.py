"""Rows refused at write time — by the write query's ``rejected`` column or by the server — are quarantined with
the reason, across the writer thread's pipelined batches, and the counts still add up.

The kinds here are throw-away: real kinds with a test-only write query, in a registry that holds the project's
queries plus a ``loadtest`` area written by these tests.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphengine.config import Settings
from graphengine.errors import ConfigError
from graphengine.load import LoadOptions, LoadReport
from graphengine.load.kinds import Kind, get_kind
from graphengine.load.pipeline import Loader, OnlineSink, load_file
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from graphengine.store.queries import QueryRegistry, cypher_root
from tests.integration._files import write_csv

# Products: a price of 7 makes the server fail the transaction (integer division by zero); a price of 13 is
# refused by the query itself, one record per refused row (the loader takes the union).
MERGE_FLAKY_PRODUCTS = """// params: $rows, $source
// returns: rejected — one record per row priced 13 ({i, reason}); a row priced 7 fails the transaction
UNWIND $rows AS row
WITH row, 100 / (toInteger(row.props.price) - 7) AS probe
CALL (row, probe) {
  WITH row WHERE row.props.price <> 13 AND probe IS NOT NULL
  MERGE (n:Product {productId: row.productId})
  SET n += row.props
}
WITH row WHERE row.props.price = 13
RETURN [{i: row._i, reason: 'price 13 refused by the write'}] AS rejected
"""

# Ratings that check their own references: a row naming an unknown customer or product comes back rejected.
MERGE_CHECKED_RATINGS = """// params: $rows, $source
// returns: rejected — {i, reason} for every row naming an unknown customer or product
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {customerId: row.customerId})
OPTIONAL MATCH (p:Product {productId: row.productId})
CALL (row, c, p) {
  WITH * WHERE c IS NOT NULL AND p IS NOT NULL
  MERGE (c)-[r:RATED]->(p)
  SET r.rating = row.rating
}
WITH row, c, p WHERE c IS NULL OR p IS NULL
RETURN collect({i: row._i,
                reason: CASE WHEN c IS NULL THEN 'customerId: no customer ' + row.customerId
                             ELSE 'productId: no product ' + row.productId END}) AS rejected
"""


@pytest.fixture
def test_store(settings: Settings, store: Store, tmp_path: Path) -> Iterator[Store]:
    """A store on the (emptied) test database whose registry also holds the ``loadtest.*`` queries."""
    root = tmp_path / "queries"
    shutil.copytree(cypher_root() / "queries", root)
    (root / "loadtest").mkdir()
    (root / "loadtest" / "merge_flaky_products.cypher").write_text(MERGE_FLAKY_PRODUCTS)
    (root / "loadtest" / "merge_checked_ratings.cypher").write_text(MERGE_CHECKED_RATINGS)
    (root / "loadtest" / "merge_broken.cypher").write_text(
        "// params: $rows, $source\n// returns: nothing — calls a procedure that does not exist\n"
        "UNWIND $rows AS row CALL graphengine.no_such_procedure(row) YIELD value RETURN value\n"
    )
    with Store(settings, registry=QueryRegistry(root)) as test:
        yield test


def _load(store: Store, settings: Settings, kind: Kind, path: Path, tmp_path: Path, **opts: object) -> LoadReport:
    options = LoadOptions(source="erp", out_dir=tmp_path / "out", **opts)  # type: ignore[arg-type]
    sink = OnlineSink(store)
    try:
        report = Loader(sink, kind, options, salt=settings.hash_salt.get_secret_value()).load(path)
    finally:
        sink.close()
    assert report.balanced and report.not_written == 0, report.to_dict()
    return report


def test_refused_rows_are_quarantined_across_pipelined_batches(
    test_store: Store, settings: Settings, tmp_path: Path
) -> None:
    prices = {5: 7, 11: 7, 12: 13, 17: 13, 20: 13}  # product number → price (others 1)
    rows = [{"productId": f"p{n}", "price": str(prices.get(n, 1))} for n in range(1, 21)]
    rows.insert(3, {"productId": "p3", "price": "2"})  # a duplicate key in the same batch as its first row
    rows.append({"productId": "p20", "price": "1"})  # p20 again, now accepted: it counts as loaded, not duplicate
    path = write_csv(tmp_path / "products.csv", rows)
    kind = dataclasses.replace(get_kind("products"), query="loadtest.merge_flaky_products")
    report = _load(test_store, settings, kind, path, tmp_path, batch_size=4)

    assert (report.rows_read, report.loaded, report.quarantined, report.duplicates) == (22, 16, 5, 1)
    assert (report.batches, report.rejected_at_write) == (6, 5)
    refused = {q["row"]["productId"]: (q["line"], q["reasons"]) for q in read_quarantine(Path(report.quarantine_file))}
    assert refused == {
        "p5": (7, ["refused by Neo4j: / by zero"]),
        "p11": (13, ["refused by Neo4j: / by zero"]),
        "p12": (14, ["price 13 refused by the write"]),
        "p17": (19, ["price 13 refused by the write"]),
        "p20": (22, ["price 13 refused by the write"]),
    }
    ids = {r["id"] for r in test_store.run_text("MATCH (p:Product) RETURN p.productId AS id")}
    assert ids == {f"p{n}" for n in range(1, 21)} - {"p5", "p11", "p12", "p17"}
    assert test_store.run_text("MATCH (p:Product {productId: 'p20'}) RETURN p.price AS price") == [{"price": 1.0}]


def test_a_batch_of_refused_rows_only(test_store: Store, settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "products.csv", [{"productId": f"p{n}", "price": "7"} for n in range(5)])
    kind = dataclasses.replace(get_kind("products"), query="loadtest.merge_flaky_products")
    report = _load(test_store, settings, kind, path, tmp_path)
    assert (report.rows_read, report.loaded, report.quarantined, report.batches) == (5, 0, 5, 1)
    assert test_store.run_text("MATCH (p:Product) RETURN count(p) AS n") == [{"n": 0}]


def test_kinds_that_check_references_in_the_write_skip_the_check(
    test_store: Store, settings: Settings, tmp_path: Path
) -> None:
    salt = settings.hash_salt.get_secret_value()
    base = LoadOptions(source="crm", out_dir=tmp_path / "base")
    load_file(test_store, "customers", write_csv(tmp_path / "c.csv", [{"customerId": "c1"}]), base, salt=salt)
    load_file(test_store, "products", write_csv(tmp_path / "p.csv", [{"productId": "p1"}]), base, salt=salt)
    ratings = [
        {"customerId": "c1", "productId": "p1", "rating": "4"},
        {"customerId": "c9", "productId": "p1", "rating": "5"},
        {"customerId": "c1", "productId": "p9", "rating": "1"},
    ]
    path = write_csv(tmp_path / "ratings.csv", ratings)
    kind = dataclasses.replace(get_kind("ratings"), query="loadtest.merge_checked_ratings", refs_in_write=True)

    report = _load(test_store, settings, kind, path, tmp_path)
    assert (report.loaded, report.quarantined, report.rejected_at_write) == (1, 2, 2)
    reasons = [q["reasons"] for q in read_quarantine(Path(report.quarantine_file))]
    assert reasons == [["customerId: no customer c9"], ["productId: no product p9"]]  # the write's words

    # --create-missing needs the loader's check (it creates the placeholders), so it runs as before
    report = _load(test_store, settings, kind, path, tmp_path, create_missing=True)
    assert (report.loaded, report.quarantined, report.created_placeholders) == (3, 0, 2)
    assert test_store.run_text("MATCH ()-[r:RATED]->() RETURN count(r) AS n") == [{"n": 3}]


def test_a_query_fault_is_not_split_and_stops_the_load_with_its_report(
    test_store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "products.csv", [{"productId": f"p{n}"} for n in range(30)])
    kind = dataclasses.replace(get_kind("products"), query="loadtest.merge_broken")
    options = LoadOptions(source="erp", out_dir=tmp_path / "out", batch_size=10)
    sink = OnlineSink(test_store)
    try:
        with pytest.raises(ConfigError, match="Neo4j refused the write") as info:
            Loader(sink, kind, options, salt=settings.hash_salt.get_secret_value()).load(path)
    finally:
        sink.close()
    report = LoadReport.from_dict(info.value.details["load_report"])
    assert report.stopped == info.value.message and report.balanced
    assert (report.loaded, report.quarantined, report.batches) == (0, 0, 0)  # no row was blamed
    assert report.not_written == report.rows_read > 0
    assert report.report_file and Path(report.report_file).exists()
