"""The orders + order-lines join (no database): amounts, line ids, missing and refused orders, counts, columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graphengine.errors import ConfigError, PrivacyViolation, ValidationFailed
from graphengine.load import ColumnMap, LoadOptions
from graphengine.load.kinds import get_kind
from graphengine.load.orders import OrderLineJoin, prepare_join
from graphengine.load.pipeline import validate_chunk
from graphengine.load.quarantine import Quarantine, read_quarantine
from graphengine.model import PurchaseIn
from tests.integration._files import write_csv, write_jsonl

ORDERS = [
    {"orderId": "o1", "customerId": "c1", "at": "2024-01-05T10:00:00Z", "channelId": "web", "total": "9"},
    {"orderId": "o2", "customerId": "c2", "at": "2024-02-01 09:30:00", "channelId": "", "total": "3"},
    {"orderId": "o3", "customerId": "c1", "at": "2024-03-01", "channelId": "store", "total": "0"},
]


def _options(tmp_path: Path, **rename: str) -> LoadOptions:
    return LoadOptions(source="shop", mapping=ColumnMap(rename=rename), out_dir=tmp_path / "out")


def _join(
    tmp_path: Path, orders: list[dict[str, Any]] | None, lines: list[dict[str, Any]], **rename: str
) -> tuple[OrderLineJoin, dict[int, PurchaseIn], dict[int, list[str]]]:
    """Join, then validate as the purchases loader does: (join, records by line, quarantine reasons by line)."""
    orders_path = write_csv(tmp_path / "orders.csv", orders) if orders is not None else None
    join = prepare_join(orders_path, write_csv(tmp_path / "lines.csv", lines), _options(tmp_path, **rename), run="t")
    with Quarantine(tmp_path / "q.jsonl", tmp_path / "lines.csv") as quarantine:
        kept = validate_chunk(get_kind("purchases"), list(join), quarantine)
    records = {p.line: p.record for p in kept}
    assert all(isinstance(r, PurchaseIn) for r in records.values())
    reasons = {r["line"]: r["reasons"] for r in read_quarantine(tmp_path / "q.jsonl")}
    assert join.summary.balanced, join.summary  # orders read = kept + duplicates + quarantined
    return join, records, reasons  # type: ignore[return-value]


def test_amount_is_unit_price_times_quantity_and_the_order_gives_customer_time_and_channel(tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "productId": "p1", "unitPrice": "0.99", "quantity": "3"},
        {"orderId": "o1", "productId": "p2", "unitPrice": "1.99", "quantity": ""},
        {"orderId": "o2", "productId": "p1", "unitPrice": "0.99", "quantity": "1"},
    ]
    join, records, reasons = _join(tmp_path, ORDERS, lines)
    assert reasons == {}
    first, second, third = records[2], records[3], records[4]
    assert (first.amount, first.quantity) == (2.97, 3)  # decimal arithmetic: not 2.9699999999999998
    assert (second.amount, second.quantity) == (1.99, 1)  # quantity defaults to 1
    assert (first.customerId, first.channelId, first.at.isoformat()) == ("c1", "web", "2024-01-05T10:00:00+00:00")
    assert (third.customerId, third.channelId, third.at.isoformat()) == ("c2", None, "2024-02-01T09:30:00+00:00")
    assert [first.lineId, second.lineId] == ["o1:p1", "o1:p2"]  # the model's default line id
    assert join.summary.amounts_from_unit_price == 3
    assert "amount" in join.columns and "customerId" in join.columns and "at" in join.columns


def test_an_explicit_amount_wins_over_unit_price(tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "productId": "p1", "unitPrice": "10", "quantity": "2", "amount": "15.5"},
        {"orderId": "o1", "productId": "p2", "unitPrice": "10", "quantity": "2", "amount": ""},
    ]
    join, records, _ = _join(tmp_path, ORDERS, lines)
    assert records[2].amount == 15.5
    assert records[3].amount == 20.0
    assert join.summary.amounts_from_unit_price == 1


def test_a_line_without_its_order_is_quarantined_with_the_reason(tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "productId": "p1", "amount": "5"},
        {"orderId": "o9", "productId": "p1", "amount": "5"},
        {"orderId": "", "productId": "p1", "amount": "5"},
    ]
    join, records, reasons = _join(tmp_path, ORDERS, lines)
    assert list(records) == [2]
    assert reasons[3] == ["row: orderId: no order 'o9' in orders.csv"]
    assert reasons[4] == ["row: orderId: missing"]
    assert join.summary.lines_without_order == 1


def test_an_order_without_customer_or_time_is_quarantined_and_so_are_its_lines(tmp_path: Path) -> None:
    orders = [
        *ORDERS,
        {"orderId": "o4", "customerId": "", "at": "2024-01-01", "channelId": "", "total": "1"},
        {"orderId": "o5", "customerId": "c1", "at": "", "channelId": "", "total": "1"},
        {"orderId": "o6", "customerId": "c1", "at": "yesterday", "channelId": "", "total": "1"},
    ]
    lines = [
        {"orderId": "o4", "productId": "p1", "amount": "5"},
        {"orderId": "o5", "productId": "p1", "amount": "5"},
        {"orderId": "o6", "productId": "p1", "amount": "5"},
    ]
    join, records, reasons = _join(tmp_path, orders, lines)
    assert records == {}
    assert reasons[2] == ["row: orderId: order 'o4' is quarantined in orders.csv (customerId: missing)"]
    assert reasons[3] == ["row: orderId: order 'o5' is quarantined in orders.csv (at: missing)"]
    assert reasons[4][0].startswith("row: orderId: order 'o6' is quarantined in orders.csv (at: not an ISO-8601")
    summary = join.summary
    assert (summary.orders_read, summary.orders, summary.orders_quarantined) == (6, 3, 3)
    assert summary.orders_quarantine_file is not None
    refused = {r["line"]: r["reasons"] for r in read_quarantine(Path(summary.orders_quarantine_file))}
    assert refused == {5: ["customerId: missing"], 6: ["at: missing"], 7: [refused[7][0]]}


def test_orders_without_lines_are_counted(tmp_path: Path) -> None:
    lines = [{"orderId": "o2", "productId": "p1", "amount": "5"}, {"orderId": "o2", "productId": "p2", "amount": "1"}]
    join, records, _ = _join(tmp_path, ORDERS, lines)
    assert len(records) == 2
    assert (join.summary.orders_with_lines, join.summary.orders_without_lines) == (1, 2)
    assert join.summary.orders_without_lines_sample == ["o1", "o3"]


def test_unknown_columns_of_both_files_are_listed(tmp_path: Path) -> None:
    lines = [{"orderId": "o1", "productId": "p1", "amount": "5", "discountCode": "X", "colour": "red"}]
    join, _, _ = _join(tmp_path, ORDERS, lines)
    assert join.summary.ignored_columns == {"lines.csv": ["discountCode", "colour"], "orders.csv": ["total"]}


def test_chinook_columns_map_onto_orders_and_lines(tmp_path: Path) -> None:
    invoices = [{"InvoiceId": "98", "CustomerId": "1", "InvoiceDate": "2010-03-11 00:00:00", "BillingCountry": "BR"}]
    invoice_lines = [
        {"InvoiceLineId": "530", "InvoiceId": "98", "TrackId": "3247", "UnitPrice": "1.99", "Quantity": "1"}
    ]
    rename = {
        "InvoiceId": "orderId",
        "CustomerId": "customerId",
        "InvoiceDate": "at",
        "InvoiceLineId": "lineId",
        "TrackId": "productId",
        "UnitPrice": "unitPrice",
        "Quantity": "quantity",
    }
    join, records, reasons = _join(tmp_path, invoices, invoice_lines, **rename)
    assert reasons == {}
    line = records[2]
    assert (line.orderId, line.lineId, line.customerId, line.productId, line.amount) == ("98", "530", "1", "3247", 1.99)
    assert join.summary.ignored_columns == {"lines.csv": [], "orders.csv": ["BillingCountry"]}


def test_line_number_gives_the_line_id(tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "lineNumber": "1", "productId": "p1", "amount": "5"},
        {"orderId": "o1", "lineNumber": "2", "productId": "p1", "amount": "6"},
    ]
    _, records, _ = _join(tmp_path, ORDERS, lines)
    assert [records[2].lineId, records[3].lineId] == ["o1:1", "o1:2"]


def test_bad_prices_and_quantities_are_quarantined_with_the_column(tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "productId": "p1", "unitPrice": "cheap", "quantity": "1"},
        {"orderId": "o1", "productId": "p2", "unitPrice": "inf", "quantity": "1"},
        {"orderId": "o1", "productId": "p3", "unitPrice": "-1", "quantity": "1"},
        {"orderId": "o1", "productId": "p4", "unitPrice": "2", "quantity": "1.5"},
        {"orderId": "o1", "productId": "p5", "unitPrice": "1e308", "quantity": "10"},
        {"orderId": "o1", "productId": "p6", "unitPrice": "2", "quantity": "0"},
    ]
    _, records, reasons = _join(tmp_path, ORDERS, lines)
    assert records == {}
    assert reasons[2] == ["row: unitPrice: not a finite number 'cheap'"]
    assert reasons[3] == ["row: unitPrice: not a finite number 'inf'"]
    assert reasons[4] == ["row: unitPrice: must be >= 0, got '-1'"]
    assert reasons[5] == ["row: quantity: not a whole number '1.5'"]
    assert reasons[6][0].startswith("row: unitPrice: unitPrice × quantity is too large")
    assert reasons[7][0].startswith("quantity: Input should be greater than or equal to 1")


def test_a_line_naming_another_customer_than_its_order_is_quarantined(tmp_path: Path) -> None:
    lines = [
        {"orderId": "o1", "customerId": "c9", "productId": "p1", "amount": "5"},
        {"orderId": "o1", "customerId": "c1", "productId": "p2", "amount": "5"},
    ]
    _, records, reasons = _join(tmp_path, ORDERS, lines)
    assert list(records) == [3]
    assert reasons[2] == ["row: customerId: the line says 'c9', order 'o1' says 'c1'"]


def test_an_order_given_twice_with_different_values_is_refused(tmp_path: Path) -> None:
    orders = [*ORDERS, dict(ORDERS[0]), {**ORDERS[1], "customerId": "c3"}]
    lines = [{"orderId": "o1", "productId": "p1", "amount": "5"}, {"orderId": "o2", "productId": "p1", "amount": "5"}]
    join, records, reasons = _join(tmp_path, orders, lines)
    assert list(records) == [2]  # an identical repeat is a duplicate, not a conflict
    assert reasons[3][0].startswith("row: orderId: order 'o2' is quarantined in orders.csv (orderId: order 'o2' is")
    summary = join.summary
    assert (summary.orders_read, summary.orders, summary.orders_duplicates, summary.orders_quarantined) == (5, 2, 1, 2)
    assert summary.orders_quarantine_file is not None
    assert sorted(r["line"] for r in read_quarantine(Path(summary.orders_quarantine_file))) == [3, 6]


def test_an_order_seen_valid_then_invalid_is_refused_with_both_rows(tmp_path: Path) -> None:
    orders = [*ORDERS, {**ORDERS[0], "customerId": ""}]
    join, records, reasons = _join(tmp_path, orders, [{"orderId": "o1", "productId": "p1", "amount": "5"}])
    assert records == {}
    assert reasons[2] == ["row: orderId: order 'o1' is quarantined in orders.csv (customerId: missing)"]
    assert join.summary.orders_quarantine_file is not None
    assert sorted(r["line"] for r in read_quarantine(Path(join.summary.orders_quarantine_file))) == [2, 5]


def test_a_test_order_and_its_lines_are_quarantined(tmp_path: Path) -> None:
    orders = [{**ORDERS[0], "isTest": "false"}, {**ORDERS[1], "isTest": "yes"}, {**ORDERS[2], "orderId": "TEST-3"}]
    lines = [{"orderId": o, "productId": "p1", "lineId": f"l-{o}", "amount": "5"} for o in ("o1", "o2", "TEST-3")]
    join, records, reasons = _join(tmp_path, orders, lines)
    assert list(records) == [2]
    assert reasons[3] == ["row: orderId: order 'o2' is quarantined in orders.csv (isTest: marked as a test row)"]
    assert reasons[4][0].endswith("(orderId: test row (id starts with a test prefix))")
    assert join.summary.ignored_columns["orders.csv"] == ["total"]  # the marker is read, not ignored


def test_one_joined_file_needs_no_orders_file(tmp_path: Path) -> None:
    lines = [{"orderId": "o1", "customerId": "c1", "at": "2024-01-01", "productId": "p1", "unitPrice": "2.5"}]
    join, records, _ = _join(tmp_path, None, lines)
    assert records[2].amount == 2.5 and records[2].customerId == "c1"
    assert join.summary.orders_file is None and join.summary.orders_read == 0


def test_jsonl_lines_with_numbers_join_to_a_csv_orders_file(tmp_path: Path) -> None:
    orders = write_csv(tmp_path / "orders.csv", ORDERS)
    lines = write_jsonl(tmp_path / "lines.jsonl", [{"orderId": "o3", "productId": 7, "unitPrice": 0.1, "quantity": 3}])
    join = prepare_join(orders, lines, _options(tmp_path), run="t")
    (line, row), *_ = list(join)
    assert (line, row["amount"], row["customerId"], row["channelId"]) == (1, 0.3, "c1", "store")


def test_headers_are_checked_before_anything_loads(tmp_path: Path) -> None:
    orders = write_csv(tmp_path / "orders.csv", [{"orderId": "o1", "at": "2024-01-01"}])
    lines = write_csv(tmp_path / "lines.csv", [{"orderId": "o1", "productId": "p1"}])
    with pytest.raises(ValidationFailed, match=r"lines.csv lacks required column.* amount .*or unitPrice"):
        prepare_join(orders, lines, _options(tmp_path), run="t")
    write_csv(lines, [{"orderId": "o1", "productId": "p1", "amount": "1"}])
    with pytest.raises(ValidationFailed, match=r"orders.csv lacks required column.* customerId"):
        prepare_join(orders, lines, _options(tmp_path), run="t")
    write_csv(orders, [{"orderId": "o1", "customerId": "c1", "at": "2024-01-01", "religion": "x"}])
    with pytest.raises(PrivacyViolation, match="religion"):
        prepare_join(orders, lines, _options(tmp_path), run="t")
    with pytest.raises(ConfigError, match="not found"):
        prepare_join(tmp_path / "nope.csv", lines, _options(tmp_path), run="t")


def test_the_summary_is_json(tmp_path: Path) -> None:
    join, _, _ = _join(tmp_path, ORDERS, [{"orderId": "o1", "productId": "p1", "amount": "5"}])
    assert json.loads(json.dumps(join.summary.to_dict()))["orders_read"] == 3


def test_a_broken_orders_row_is_quarantined_and_its_lines_with_it(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("orderId,customerId,at\no1,c1,2024-01-01\no2,c2,2024-01-02,extra\n", encoding="utf-8")
    lines = write_csv(tmp_path / "lines.csv", [{"orderId": o, "productId": "p1", "amount": "1"} for o in ("o1", "o2")])
    join = prepare_join(orders, lines, _options(tmp_path), run="t")
    rows = dict(join)
    assert "__error__" not in rows[2]
    assert rows[3]["__error__"] == "orderId: order 'o2' is quarantined in orders.csv (row: expected 3 fields, found 4)"
    assert (join.summary.orders, join.summary.orders_quarantined, join.summary.balanced) == (1, 1, True)


def test_one_joined_file_keeps_an_order_with_one_customer(tmp_path: Path) -> None:
    lines = [
        {"orderId": "j1", "customerId": "c1", "at": "2024-01-01", "productId": p, "amount": "1"}
        for p in ("p1", "p2", "p3")
    ]
    lines[2]["customerId"] = "c2"  # the third line of order j1 names another customer
    join = prepare_join(None, write_csv(tmp_path / "joined.csv", lines), _options(tmp_path), run="t")
    rows = [row for _, row in join]
    assert [r.get("__error__") for r in rows[:2]] == [None, None]
    assert "order 'j1' says 'c1'" in rows[2]["__error__"]
