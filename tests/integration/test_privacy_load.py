"""The privacy guard on real loads (issue 12): names in every language, before and after mapping, nested keys,
Parquet structs, keys late in a JSONL file, stored segment values, identifier columns under other names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphengine.config import Settings
from graphengine.errors import PrivacyViolation
from graphengine.load import ColumnMap, LoadOptions, LoadReport, load_file
from graphengine.load.orders import load_orders
from graphengine.privacy import identifier_key
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv, write_jsonl

GERMAN = [
    "Religion",
    "Konfession",
    "Religionszugehörigkeit",
    "Kirchensteuermerkmal",
    "Ethnische_Herkunft",
    "Parteizugehörigkeit",
    "politische_Meinung",
    "Gewerkschaftsmitglied",
    "Gesundheitszustand",
    "Vorerkrankungen",
    "Behinderung",
    "Schwangerschaft",
    "Blutgruppe",
    "sexuelle_Orientierung",
]


def _load(store: Store, settings: Settings, kind: str, path: Path, tmp_path: Path, **opts: Any) -> LoadReport:
    options = LoadOptions(source="crm", out_dir=tmp_path / "out", **opts)
    report = load_file(store, kind, path, options, salt=settings.hash_salt.get_secret_value())
    assert report.balanced, report.to_dict()
    return report


def _count(store: Store, label: str) -> int:
    return int(store.run_text(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"])


def _stored_text(store: Store) -> str:
    rows = store.run_text("MATCH (n) WHERE NOT n:SchemaVersion RETURN properties(n) AS p")
    return json.dumps([r["p"] for r in rows], default=str)


def test_fourteen_german_special_category_columns_are_each_refused(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    refused = {}
    for index, column in enumerate(GERMAN):
        path = write_csv(tmp_path / f"crm{index}.csv", [{"customerId": "c1", "name": "Anna", column: "ja"}])
        with pytest.raises(PrivacyViolation) as info:
            _load(store, settings, "customers", path, tmp_path)
        assert column in info.value.message and f"--drop-column {column}" in info.value.message
        refused[column] = info.value.details["columns"][column]
    assert len(refused) == 14
    assert refused["Blutgruppe"] == "health data" and refused["Konfession"] == "religious or philosophical beliefs"
    assert _count(store, "Customer") == 0


def test_mapping_a_special_column_onto_segment_is_refused_by_its_source_name(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "crm.csv",
        [{"customerId": "c1", "religion": "muslim"}, {"customerId": "c2", "religion": "catholic"}],
    )
    with pytest.raises(PrivacyViolation, match="'religion': religious") as info:
        _load(store, settings, "customers", path, tmp_path, mapping=ColumnMap(rename={"religion": "segment"}))
    assert info.value.details["columns"] == {"religion": "religious or philosophical beliefs"}
    notes = write_csv(tmp_path / "notes.csv", [{"customerId": "c1", "notes": "x"}])
    with pytest.raises(PrivacyViolation, match=r"'notes' \(mapped to 'religion'\)"):
        _load(store, settings, "customers", notes, tmp_path, mapping=ColumnMap(rename={"notes": "religion"}))
    proc = run_graphengine(
        settings,
        *("load", "customers", str(path), "--source", "crm", "--map", "religion=segment"),
        *("--out-dir", str(tmp_path / "out")),
    )
    assert proc.returncode == 6, proc.stdout + proc.stderr
    assert "religion" in proc.stderr and "religious or philosophical beliefs" in proc.stderr
    assert _count(store, "Customer") == 0
    assert "muslim" not in _stored_text(store) and "catholic" not in _stored_text(store)


@pytest.mark.parametrize("value", ["diabetic", "Muslim", "catholic"])
def test_a_special_category_segment_value_is_refused(
    store: Store, settings: Settings, tmp_path: Path, value: str
) -> None:
    rows = [{"customerId": "c1", "segment": "gold"}, {"customerId": "c2", "segment": value}]
    with pytest.raises(PrivacyViolation) as info:
        _load(store, settings, "customers", write_csv(tmp_path / "crm.csv", rows), tmp_path)
    assert "'segment'" in info.value.message and value in info.value.message
    assert info.value.details["column"] == "segment"
    assert _count(store, "Customer") == 0
    mapped = [{"customerId": "c1", "kundsegment": value}]
    with pytest.raises(PrivacyViolation, match="source column 'kundsegment'"):
        _load(
            store,
            settings,
            "customers",
            write_csv(tmp_path / "crm2.csv", mapped),
            tmp_path,
            mapping=ColumnMap(rename={"kundsegment": "segment"}),
        )
    assert _count(store, "Customer") == 0


def test_ordinary_segment_values_load(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [{"customerId": f"c{i}", "segment": s} for i, s in enumerate(["gold", "health conscious", "seg3"])]
    assert _load(store, settings, "customers", write_csv(tmp_path / "crm.csv", rows), tmp_path).loaded == 3


def test_nested_jsonl_keys_are_checked_at_any_depth(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [
        {"customerId": "c1", "name": "Anna", "profile": {"prefs": {"colour": "red"}}},
        {"customerId": "c2", "name": "Bo", "profile": {"prefs": [{"medical": {"condition": "asthma"}}]}},
    ]
    path = write_jsonl(tmp_path / "crm.jsonl", rows)
    with pytest.raises(PrivacyViolation) as info:
        _load(store, settings, "customers", path, tmp_path)
    assert "'profile.prefs.medical'" in info.value.message and "--drop-column profile" in info.value.message
    assert info.value.details["columns"] == {"profile": "health data"}
    report = _load(store, settings, "customers", path, tmp_path, mapping=ColumnMap(drop=frozenset({"profile"})))
    assert (report.loaded, report.dropped_columns) == (2, ["profile"])
    assert "asthma" not in _stored_text(store)


def test_parquet_struct_fields_are_checked(store: Store, settings: Settings, tmp_path: Path) -> None:
    table = pa.table(
        {
            "customerId": ["c1", "c2"],
            "attributes": [{"tier": "gold", "ethnicity": "x"}, {"tier": "silver", "ethnicity": "y"}],
        }
    )
    pq.write_table(table, tmp_path / "crm.parquet")
    with pytest.raises(PrivacyViolation, match=r"'attributes\.ethnicity'"):
        _load(store, settings, "customers", tmp_path / "crm.parquet", tmp_path)
    listed = pa.table({"customerId": ["c1"], "visits": [[{"store": "s1", "diagnosis": "flu"}]]})
    pq.write_table(listed, tmp_path / "visits.parquet")
    with pytest.raises(PrivacyViolation, match=r"'visits\.diagnosis'"):
        _load(store, settings, "customers", tmp_path / "visits.parquet", tmp_path)
    assert _count(store, "Customer") == 0


def test_a_key_first_seen_after_jsonl_line_1000_is_refused_before_its_row_is_written(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    rows: list[dict[str, Any]] = [{"customerId": f"c{i:05d}", "name": f"N{i}"} for i in range(1, 1500)]
    rows[1199]["religion"] = "muslim"  # line 1200
    path = write_jsonl(tmp_path / "crm.jsonl", rows)
    with pytest.raises(PrivacyViolation, match="religion") as info:
        _load(store, settings, "customers", path, tmp_path)
    report = info.value.details["load_report"]
    assert report["stopped"] and "religion" in report["stopped"]
    assert (report["rows_read"], report["loaded"]) == (1199, 1199)  # the rows before it carry none of it
    assert _count(store, "Customer") == 1199
    assert "muslim" not in _stored_text(store)
    dropped = _load(store, settings, "customers", path, tmp_path, mapping=ColumnMap(drop=frozenset({"religion"})))
    assert dropped.loaded == 1499 and _count(store, "Customer") == 1499


def test_late_and_nested_ignored_keys_are_listed(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"customerId": f"c{i}", "name": "x"} for i in range(1, 1200)]
    rows[1100]["favouriteColour"] = "blue"
    rows[1150]["extra"] = {"shoeSize": 42}
    report = _load(store, settings, "customers", write_jsonl(tmp_path / "crm.jsonl", rows), tmp_path)
    assert report.loaded == 1199
    assert report.ignored_columns == ["favouriteColour", "extra"]


def test_identifier_columns_under_other_names_are_hashed(store: Store, settings: Settings, tmp_path: Path) -> None:
    salt = settings.hash_salt.get_secret_value()
    rows = [
        {"customerId": "c1", "E-Mail": "Anna@Example.com", "mobile": "+46 70 111 22 33", "kundkort": "K-1"},
        {"customerId": "c2", "E-Mail": "bo@example.se", "mobile": "070-222 33 44", "kundkort": "K-2"},
    ]
    report = _load(store, settings, "customers", write_csv(tmp_path / "crm.csv", rows), tmp_path)
    assert report.loaded == 2 and report.ignored_columns == []
    assert report.identifier_columns == {"E-Mail": "email", "mobile": "phone", "kundkort": "loyalty"}
    keys = {r["k"] for r in store.run_text("MATCH (i:Identifier) RETURN i.idKey AS k")}
    assert identifier_key("email", "anna@example.com", salt) in keys
    assert identifier_key("phone", "+46701112233", salt) in keys
    assert identifier_key("loyalty", "K-2", salt) in keys
    assert len(keys) == 6
    text = _stored_text(store)
    assert "example" not in text.lower() and "111 22 33" not in text and "K-1" not in text


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_an_unknown_column_of_e_mail_addresses_is_hashed_for_customers(
    store: Store, settings: Settings, tmp_path: Path, fmt: str
) -> None:
    rows = [{"customerId": f"c{i}", "kontakt": f"person{i}@example.org", "notes": "hi"} for i in range(5)]
    path = tmp_path / f"crm.{fmt}"
    if fmt == "csv":
        write_csv(path, rows)
    elif fmt == "jsonl":
        write_jsonl(path, rows)
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    report = _load(store, settings, "customers", path, tmp_path)
    assert report.identifier_columns == {"kontakt": "email"}
    assert report.ignored_columns == ["notes"]
    assert _count(store, "Identifier") == 5
    assert "example.org" not in _stored_text(store)


def test_an_identifier_column_a_kind_cannot_hash_is_refused_not_dropped(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _load(store, settings, "products", write_csv(tmp_path / "p.csv", [{"productId": "p1"}]), tmp_path)
    rows = [{"productId": f"p{i}", "name": "Mug", "mail": f"buyer{i}@example.com"} for i in range(3)]
    path = write_csv(tmp_path / "products.csv", rows)
    with pytest.raises(PrivacyViolation, match="'mail' holds e-mail addresses") as info:
        _load(store, settings, "products", path, tmp_path)
    assert info.value.details["columns"] == {"mail": "identifier (email)"}
    report = _load(store, settings, "products", path, tmp_path, mapping=ColumnMap(drop=frozenset({"mail"})))
    assert report.dropped_columns == ["mail"] and report.loaded == 3
    phones = [{"productId": "p1", "msisdn": "+46701234567"}, {"productId": "p2", "msisdn": "+31612345678"}]
    with pytest.raises(PrivacyViolation, match="'msisdn' holds phone numbers"):
        _load(store, settings, "products", write_csv(tmp_path / "p2.csv", phones), tmp_path)
    second = [{"customerId": "c9", "email": "a@example.com", "work_contact": "b@example.com"}]
    with pytest.raises(PrivacyViolation, match="'email' already comes from another column"):
        _load(store, settings, "customers", write_csv(tmp_path / "c.csv", second), tmp_path)


def test_an_orders_file_column_of_phone_numbers_is_refused(store: Store, settings: Settings, tmp_path: Path) -> None:
    orders = write_csv(
        tmp_path / "orders.csv",
        [
            {"orderId": f"o{i}", "customerId": "c1", "at": "2026-01-05T10:00:00Z", "tel": f"+4670123450{i}"}
            for i in range(3)
        ],
    )
    lines = write_csv(tmp_path / "lines.csv", [{"orderId": "o1", "productId": "p1", "amount": "5"}])
    options = LoadOptions(source="shop", out_dir=tmp_path / "out")
    with pytest.raises(PrivacyViolation, match="'tel' holds phone numbers, and an order keeps none"):
        load_orders(store, orders, lines, options, salt=settings.hash_salt.get_secret_value())


def test_the_cli_lists_ignored_identifier_and_dropped_columns(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [{"customerId": "c1", "E-Mail": "a@example.com", "shoeSize": "42", "religion": "x"}]
    path = write_csv(tmp_path / "crm.csv", rows)
    proc = run_graphengine(
        settings,
        *("load", "customers", str(path), "--source", "crm", "--drop-column", "religion"),
        *("--out-dir", str(tmp_path / "out")),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ignored columns (no field reads them, not stored): shoeSize" in proc.stdout
    assert "identifier columns (stored only hashed): E-Mail → email" in proc.stdout
    assert "dropped columns: religion" in proc.stdout
