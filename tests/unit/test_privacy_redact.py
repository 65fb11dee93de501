"""What side files keep of a rejected row: keys raw, identifiers hashed, special-category values removed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from graphengine.load.quarantine import Quarantine, read_quarantine
from graphengine.privacy import Redactor, identifier_key

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?<![\w+.])(?:\+|00)\d[\d ().-]{6,18}\d(?!\w)|(?<![\w+.])0\d{1,4}[ -]?\d{2,4}[ -]?\d{2,4}[ -]?\d{0,4}(?!\w)"
)


def phones(text: str) -> list[str]:
    """Phone-number-like pieces of ``text``: a + / 00 / 0 start and at least 7 digits."""
    return [m for m in _PHONE.findall(text) if sum(ch.isdigit() for ch in m) >= 7]


def test_identifier_fields_are_hashed_with_the_identifier_digest_and_keys_stay() -> None:
    redactor = Redactor("salt-1", keep={"customerId"})
    row = redactor.row(
        {"customerId": "C1", "email": "Anna@Example.com", "E-Mail": "anna@example.com", "Telefon": "+46 70 1234567"}
    )
    digest = identifier_key("email", "anna@example.com", "salt-1").removeprefix("email:")
    assert row["customerId"] == "C1"
    assert row["email"] == row["E-Mail"] == f"sha256:{digest}"
    assert row["Telefon"] == "sha256:" + identifier_key("phone", "+46701234567", "salt-1").removeprefix("phone:")


def test_special_category_fields_and_values_are_removed() -> None:
    row = Redactor("s").row({"religion": "catholic", "segment": "diabetic", "city": "Lund", "notes": "muslim"})
    assert row == {
        "religion": "[removed: religious or philosophical beliefs]",
        "segment": "[removed: health data]",
        "city": "Lund",
        "notes": "[removed: religious or philosophical beliefs]",
    }


def test_identifiers_in_free_text_nested_objects_and_raw_lines_are_hashed() -> None:
    redactor = Redactor("s", keep={"customerId"})
    row = redactor.row(
        {
            "customerId": "C7",
            "query": "mail me at anna@example.com or call 070-123 45 67",
            "profile": {"contact": {"Handy": "0151 2345678"}, "tags": ["x@y.org"]},
            "__raw__": '{"customerId": "C7", "email": "bo@example.se", "religion": "muslim", "at": 2026-01-01',
            "__error__": "invalid JSON: Expecting value",
            "at": "2026-01-05 10:00",
            "kind": "phone",
            "value": "0701234567",
        }
    )
    text = json.dumps(row)
    assert not EMAIL.search(text) and not phones(text), text
    assert "muslim" not in text and '"customerId": "C7"' in row["__raw__"]
    assert row["at"] == "2026-01-05 10:00" and row["customerId"] == "C7"


def test_without_a_salt_identifiers_are_removed() -> None:
    assert Redactor(None).row({"email": "a@b.se"}) == {"email": "[removed: email]"}


def test_the_quarantine_writes_redacted_rows_and_reasons(tmp_path: Path) -> None:
    with Quarantine(tmp_path / "q.jsonl", Path("crm.csv"), salt="s") as quarantine:
        quarantine.add(3, {"customerId": "C1", "phone": "+46 70 123 45 67"}, ["phone: +46 70 123 45 67 is refused"])
    (record,) = read_quarantine(tmp_path / "q.jsonl")
    assert record["row"]["customerId"] == "C1" and record["row"]["phone"].startswith("sha256:")
    assert record["reasons"][0].startswith("phone: sha256:")
    assert not phones((tmp_path / "q.jsonl").read_text())
