"""Orders + order lines against the real Neo4j: a Chinook-shaped invoice export becomes exact PURCHASED aggregates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphengine.config import PROJECT_ROOT, Settings
from graphengine.load import ColumnMap, LoadOptions
from graphengine.load.orders import load_orders
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from tests.integration._cli import run_graphengine, run_python
from tests.integration._files import write_csv, write_jsonl


def _utc(text: str) -> dt.datetime:
    """An ISO time as an aware datetime; equal to another when the instants are equal."""
    return dt.datetime.fromisoformat(text)


CUSTOMERS = [
    {"CustomerId": "1", "FirstName": "Luís", "LastName": "Gonçalves", "Country": "Brazil"},
    {"CustomerId": "2", "FirstName": "Leonie", "LastName": "Köhler", "Country": "Germany"},
    {"CustomerId": "3", "FirstName": "François", "LastName": "Tremblay", "Country": "Canada"},
]
TRACKS = [
    {"TrackId": "1", "Name": "For Those About To Rock", "Composer": "AC/DC", "UnitPrice": "0.99"},
    {"TrackId": "2", "Name": "Balls to the Wall", "Composer": "", "UnitPrice": "0.99"},
    {"TrackId": "3", "Name": "Fast As a Shark", "Composer": "F. Baltes", "UnitPrice": "1.99"},
]
INVOICE_COLUMNS = ("InvoiceId", "CustomerId", "InvoiceDate", "BillingCountry", "Total")
INVOICES = [
    dict(zip(INVOICE_COLUMNS, values, strict=True))
    for values in (
        ("1", "1", "2009-01-01 00:00:00", "Brazil", "2.97"),
        ("2", "2", "2009-01-02 00:00:00", "Germany", "1.99"),
        ("3", "1", "2009-02-03 10:30:00", "Brazil", "4.96"),
        ("4", "2", "2009-03-04 00:00:00", "Germany", "0"),  # an invoice with no lines
        ("5", "", "2009-03-05 00:00:00", "", "0.99"),  # no customer: quarantined, and so is its line
    )
]
INVOICE_LINES = [
    {"InvoiceLineId": "1", "InvoiceId": "1", "TrackId": "1", "UnitPrice": "0.99", "Quantity": "1"},
    {"InvoiceLineId": "2", "InvoiceId": "1", "TrackId": "2", "UnitPrice": "0.99", "Quantity": "2"},
    {"InvoiceLineId": "3", "InvoiceId": "2", "TrackId": "3", "UnitPrice": "1.99", "Quantity": "1"},
    {"InvoiceLineId": "4", "InvoiceId": "3", "TrackId": "1", "UnitPrice": "0.99", "Quantity": "3"},
    {"InvoiceLineId": "5", "InvoiceId": "3", "TrackId": "3", "UnitPrice": "1.99", "Quantity": "1"},
    {"InvoiceLineId": "6", "InvoiceId": "9", "TrackId": "2", "UnitPrice": "0.99", "Quantity": "1"},
    {"InvoiceLineId": "7", "InvoiceId": "5", "TrackId": "1", "UnitPrice": "0.99", "Quantity": "1"},
]
CHINOOK_MAP = [
    "InvoiceId=orderId",
    "CustomerId=customerId",
    "InvoiceDate=at",
    "InvoiceLineId=lineId",
    "TrackId=productId",
    "UnitPrice=unitPrice",
    "Quantity=quantity",
]
# (customer, product): (count, quantity, amount, firstAt, lastAt), worked out by hand from the files above.
EXPECTED = {
    ("1", "1"): (2, 4, 0.99 + 2.97, _utc("2009-01-01T00:00:00Z"), _utc("2009-02-03T10:30:00Z")),
    ("1", "2"): (1, 2, 1.98, _utc("2009-01-01T00:00:00Z"), _utc("2009-01-01T00:00:00Z")),
    ("1", "3"): (1, 1, 1.99, _utc("2009-02-03T10:30:00Z"), _utc("2009-02-03T10:30:00Z")),
    ("2", "3"): (1, 1, 1.99, _utc("2009-01-02T00:00:00Z"), _utc("2009-01-02T00:00:00Z")),
}


def _maps(*pairs: str) -> list[str]:
    return [arg for pair in pairs for arg in ("--map", pair)]


def _at(value: Any) -> dt.datetime:
    """A stored time as an aware datetime (equal to another when the instants are equal)."""
    native: dt.datetime = value.to_native()
    return native


def _purchased(store: Store) -> dict[tuple[str, str], tuple[Any, ...]]:
    rows = store.run_text(
        "MATCH (c:Customer)-[r:PURCHASED]->(p:Product) "
        "RETURN c.customerId AS c, p.productId AS p, r.count AS count, r.quantity AS quantity, r.amount AS amount, "
        "r.firstAt AS firstAt, r.lastAt AS lastAt"
    )
    return {
        (r["c"], r["p"]): (r["count"], r["quantity"], r["amount"], _at(r["firstAt"]), _at(r["lastAt"])) for r in rows
    }


def _counts(store: Store) -> dict[str, int]:
    rows = store.run_text(
        "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n "
        "UNION ALL MATCH ()-[r]->() RETURN type(r) AS label, count(*) AS n"
    )
    return {r["label"]: r["n"] for r in rows}


def _assert_expected(store: Store) -> None:
    got = _purchased(store)
    assert set(got) == set(EXPECTED)
    for pair, (count, quantity, amount, first, last) in EXPECTED.items():
        assert got[pair][:2] == (count, quantity), pair
        assert got[pair][2] == pytest.approx(amount, abs=1e-9), pair
        assert got[pair][3:] == (first, last), pair


def _chinook_files(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    return (
        write_csv(tmp_path / "Customer.csv", CUSTOMERS),
        write_csv(tmp_path / "Track.csv", TRACKS),
        write_csv(tmp_path / "Invoice.csv", INVOICES),
        write_csv(tmp_path / "InvoiceLine.csv", INVOICE_LINES),
    )


def _load_catalogue(settings: Settings, customers: Path, tracks: Path, out: Path) -> None:
    """Customers and tracks through the existing loaders (the CLI), before any order."""
    for kind, path, maps in (
        ("customers", customers, _maps("CustomerId=customerId", "Country=country")),
        ("products", tracks, _maps("TrackId=productId", "Name=name", "UnitPrice=price")),
    ):
        proc = run_graphengine(settings, "load", kind, str(path), "--source", "chinook", "--out-dir", str(out), *maps)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_chinook_invoices_and_lines_load_as_exact_purchase_aggregates(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    customers, tracks, invoices, lines = _chinook_files(tmp_path)
    out = tmp_path / "out"
    _load_catalogue(settings, customers, tracks, out)
    args = ["load", "orders", str(invoices), "--lines", str(lines), "--source", "chinook", "--out-dir", str(out)]
    proc = run_graphengine(settings, *args, *_maps(*CHINOOK_MAP), "--json")
    assert proc.returncode == 10, proc.stdout + proc.stderr  # two lines and one invoice quarantined
    report = json.loads(proc.stdout)
    assert (report["rows_read"], report["loaded"], report["quarantined"], report["duplicates"]) == (7, 5, 2, 0)
    orders = report["orders"]
    assert orders["orders_read"] == 5 and orders["orders"] == 4 and orders["orders_quarantined"] == 1
    assert (orders["orders_with_lines"], orders["orders_without_lines"]) == (3, 1)
    assert orders["orders_without_lines_sample"] == ["4"]
    assert orders["lines_without_order"] == 2 and orders["amounts_from_unit_price"] == 5
    assert orders["ignored_columns"] == {"InvoiceLine.csv": [], "Invoice.csv": ["BillingCountry", "Total"]}
    reasons = {r["line"]: r["reasons"] for r in read_quarantine(Path(report["quarantine_file"]))}
    assert reasons == {
        7: ["row: orderId: no order '9' in Invoice.csv"],
        8: ["row: orderId: order '5' is quarantined in Invoice.csv (customerId: missing)"],
    }
    refused = read_quarantine(Path(orders["orders_quarantine_file"]))
    assert [(r["line"], r["reasons"]) for r in refused] == [(6, ["customerId: missing"])]
    assert json.loads(Path(report["report_file"]).read_text())["orders"] == orders
    _assert_expected(store)
    counts = _counts(store)

    again = run_graphengine(settings, *args, *_maps(*CHINOOK_MAP), "--json")
    assert again.returncode == 10, again.stdout + again.stderr
    assert json.loads(again.stdout)["loaded"] == 5
    _assert_expected(store)  # a re-run counts nothing twice
    assert _counts(store) == counts


def test_the_orders_script_loads_chinook_and_prints_the_report(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    customers, tracks, invoices, lines = _chinook_files(tmp_path)
    out = tmp_path / "out"
    _load_catalogue(settings, customers, tracks, out)
    script = str(PROJECT_ROOT / "loaders" / "orders_csv.py")
    proc = run_python(
        settings, script, str(invoices), str(lines), "--source", "chinook", "--chinook", "--out-dir", str(out)
    )
    assert proc.returncode == 10, proc.stdout + proc.stderr
    assert "ignored columns of Invoice.csv: BillingCountry, Total" in proc.stdout
    assert "without lines" in proc.stdout
    _assert_expected(store)


def test_one_joined_parquet_file_and_jsonl_orders(store: Store, settings: Settings, tmp_path: Path) -> None:
    customers, tracks, _, _ = _chinook_files(tmp_path)
    _load_catalogue(settings, customers, tracks, tmp_path / "out")
    salt = settings.hash_salt.get_secret_value()
    options = LoadOptions(source="shop", out_dir=tmp_path / "out")
    joined = tmp_path / "joined.parquet"
    pq.write_table(
        pa.table(
            {
                "orderId": ["a", "a", "b"],
                "customerId": ["1", "1", "3"],
                "at": pa.array(  # Parquet timestamps, not strings
                    [_utc("2024-05-01T10:00:00Z"), _utc("2024-05-01T10:00:00Z"), _utc("2024-05-02T00:00:00Z")],
                    pa.timestamp("us", tz="UTC"),
                ),
                "productId": ["1", "2", "3"],
                "lineNumber": [1, 2, 1],
                "unitPrice": [0.99, 0.99, 1.99],
                "quantity": [2, 1, 1],
                "amount": [None, 5.0, None],
            }
        ),
        joined,
    )
    result = load_orders(store, None, joined, options, salt=salt)
    assert (result.report.loaded, result.quarantined, result.orders.amounts_from_unit_price) == (3, 0, 2)
    got = _purchased(store)
    assert got[("1", "1")] == (1, 2, 1.98, _utc("2024-05-01T12:00+02:00"), _utc("2024-05-01T12:00+02:00"))
    assert got[("1", "2")][:3] == (1, 1, 5.0)  # the explicit amount wins
    assert got[("3", "3")][:3] == (1, 1, 1.99)

    store.clear()
    _load_catalogue(settings, customers, tracks, tmp_path / "out")
    orders_jsonl = write_jsonl(
        tmp_path / "orders.jsonl", [{"orderId": 7, "customerId": 2, "at": "2024-06-01T02:00+02:00"}]
    )
    lines_jsonl = write_jsonl(
        tmp_path / "lines.jsonl", [{"orderId": 7, "productId": 3, "unitPrice": 1.99, "quantity": 4}]
    )
    result = load_orders(store, orders_jsonl, lines_jsonl, options, salt=salt)
    assert (result.report.loaded, result.quarantined) == (1, 0)
    assert _purchased(store) == {("2", "3"): (1, 4, 7.96, _utc("2024-06-01T00:00:00Z"), _utc("2024-06-01T00:00:00Z"))}


def test_a_missing_file_is_one_line_and_no_traceback(settings: Settings, tmp_path: Path) -> None:
    proc = run_graphengine(settings, "load", "orders", str(tmp_path / "nope.csv"), "--source", "s")
    assert proc.returncode == 2, "exit 2, as `load` for a missing file"
    assert "source file not found" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_the_mapping_file_maps_both_files(store: Store, settings: Settings, tmp_path: Path) -> None:
    customers, tracks, invoices, lines = _chinook_files(tmp_path)
    _load_catalogue(settings, customers, tracks, tmp_path / "out")
    mapping = tmp_path / "chinook.yaml"
    mapping.write_text("columns:\n" + "".join(f"  {m.split('=')[0]}: {m.split('=')[1]}\n" for m in CHINOOK_MAP))
    options = LoadOptions(source="chinook", mapping=ColumnMap.from_file(mapping), out_dir=tmp_path / "out")
    load_orders(store, invoices, lines, options, salt=settings.hash_salt.get_secret_value())
    _assert_expected(store)
