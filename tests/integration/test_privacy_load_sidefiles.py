"""Side files hold no raw personal data: after loads full of bad rows (CSV, JSONL, Parquet, orders and lines),
no file under the output folder contains an e-mail address or a phone number, and quarantined rows still carry
their customerId (erasure finds them by it) and their reasons."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from graphengine.config import Settings
from graphengine.errors import GraphEngineError
from graphengine.load import LoadOptions, load_file
from graphengine.load.orders import load_orders
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from tests.integration._files import write_csv, write_jsonl

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?<![\w+.])(?:\+|00)\d[\d ().-]{6,18}\d(?!\w)|(?<![\w+.])0\d{1,4}[ -]?\d{2,4}[ -]?\d{2,4}[ -]?\d{0,4}(?!\w)"
)


def phones(text: str) -> list[str]:
    """Phone-number-like pieces of ``text``: a + / 00 / 0 start and at least 7 digits."""
    return [m for m in _PHONE.findall(text) if sum(ch.isdigit() for ch in m) >= 7]


def _customers(n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        rows.append(
            {
                "customerId": f"c{i}",
                "name": f"Person {i}",
                "email": f"person{i}@example.com",
                "phone": f"+46 70 {100 + i:03d} 22 33",
                "loyaltyId": f"L{i:04d}",
                "segment": "gold",
                "signupAt": "31/02/2026" if i % 2 else "2026-01-05T10:00:00Z",  # every other row is bad
                "consentEmail": "maybe" if i % 3 == 0 else "yes",
                "notes": f"call 070-{i:03d} 45 67 or write to p{i}@mail.example.se; diabetic",
            }
        )
    return rows


def _run(store: Store, settings: Settings, kind: str, path: Path, out: Path) -> None:
    options = LoadOptions(source="crm", out_dir=out, create_missing=False)
    try:
        load_file(store, kind, path, options, salt=settings.hash_salt.get_secret_value())
    except GraphEngineError as exc:  # a stopped load still writes its side files; they are scanned too
        assert "load_report" in exc.details, exc


def test_no_side_file_holds_an_email_or_phone_number_after_loads_full_of_bad_rows(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    customers = _customers(40)
    csv_path = write_csv(tmp_path / "customers.csv", customers)
    with csv_path.open("a", encoding="utf-8") as handle:  # a record with too many fields, and a test row
        handle.write('c98,Extra,x@example.org,+31 6 1234 5678,L9,gold,2026-01-01,yes,"a",b@example.org\n')
        handle.write("TEST-1,QA,qa@test.example.com,0701234567,,gold,2026-01-01,yes,none\n")
    _run(store, settings, "customers", csv_path, out)

    events: list[dict[str, Any]] = [
        {
            "eventId": f"e{i}",
            "customerId": f"c{i % 3}",
            "type": "search",
            "at": "not a time" if i % 2 else "2026-01-05T10:00:00Z",
            "channelId": "web",
            "query": f"gift for anna{i}@example.net, ring +44 20 7946 09{i:02d}",
        }
        for i in range(30)
    ]
    events_path = write_jsonl(tmp_path / "events.jsonl", events)
    with events_path.open("a", encoding="utf-8") as handle:
        handle.write('{"eventId": "e99", "customerId": "c1", "email": "broken@example.com", "phone": "0612345678"\n')
        handle.write("{not json at all: zed@example.org 0046 70 123 45 67}\n")
    _run(store, settings, "events", events_path, out)

    parquet_rows = _customers(20)
    for row in parquet_rows:
        row["profile"] = {"contact": f"alt{row['customerId']}@example.com", "mobil": "+46 73 999 88 77"}
    pq.write_table(pa.Table.from_pylist(parquet_rows), tmp_path / "customers.parquet")
    _run(store, settings, "customers", tmp_path / "customers.parquet", out)

    orders = write_csv(
        tmp_path / "orders.csv",
        [
            {
                "orderId": f"o{i}",
                "customerId": f"c{i}",
                "at": "" if i % 2 else "2026-01-05T10:00:00Z",
                "note": f"buyer{i}@example.com, +46 70 555 {i:02d} 00",
            }
            for i in range(10)
        ],
    )
    lines = write_csv(
        tmp_path / "lines.csv",
        [
            {
                "orderId": f"o{i % 10}",
                "productId": "p1",
                "quantity": "x" if i % 3 == 0 else "1",
                "amount": "5",
                "comment": f"deliver to r{i}@example.com / 0701112{i:03d}",
            }
            for i in range(30)
        ],
    )
    options = LoadOptions(source="shop", out_dir=out)
    load_orders(store, orders, lines, options, salt=settings.hash_salt.get_secret_value())

    files = [p for p in out.rglob("*") if p.is_file()]
    quarantines = [p for p in files if p.parent.name == "quarantine"]
    assert len(quarantines) == 5, sorted(p.name for p in files)  # customers ×2, events, orders, lines
    rows = [record for path in quarantines for record in read_quarantine(path)]
    assert len(rows) >= 60
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert EMAIL.findall(text) == [], (path.name, EMAIL.findall(text)[:3])
        assert phones(text) == [], (path.name, phones(text)[:3])
        assert "diabetic" not in text, path.name
    kept = {r["row"].get("customerId") for r in rows if isinstance(r.get("row"), dict)}
    assert {"c1", "c3", "TEST-1"} <= kept  # entity keys stay raw
    hashed = [r["row"]["email"] for r in rows if r["row"].get("customerId") == "c1" and "email" in r["row"]]
    assert hashed and all(value.startswith("sha256:") for value in hashed)
    assert all(r["reasons"] for r in rows)
    notes = [r["row"]["note"] for r in rows if "note" in r["row"]]  # the orders file's own quarantine
    assert notes and all(value.count("sha256:") == 2 for value in notes)
    assert json.dumps(rows).count("sha256:") >= 100
