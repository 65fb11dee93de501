"""Validation, quarantine reasons, test-row detection and the count identity (no database)."""

import json
import string
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from graphengine.load.kinds import KINDS, get_kind
from graphengine.load.pipeline import validate_chunk
from graphengine.load.quarantine import Quarantine, read_quarantine
from graphengine.model import CustomerIn, EventIn, PurchaseIn
from graphengine.model.rules import ValueRules


def _run(kind: str, rows: list[dict], tmp_path: Path) -> tuple[list, list[dict]]:
    q = Quarantine(tmp_path / f"q-{uuid.uuid4().hex}.jsonl", Path("src.csv"))  # a quarantine never overwrites
    with q:
        kept = validate_chunk(get_kind(kind), list(enumerate(rows, start=2)), q)
    return kept, read_quarantine(q.path)


def test_reasons_name_the_field_and_the_problem(tmp_path: Path) -> None:
    rows = [
        {"productId": "p1", "name": "ok", "price": "9.5"},
        {"productId": "", "name": "no key"},
        {"productId": "p3", "price": "-1"},
        {"productId": "p4", "price": "cheap"},
        {"productId": "TEST-9", "price": "1"},
        {"productId": "p5", "isTest": "true"},
    ]
    kept, rejected = _run("products", rows, tmp_path)
    assert [p.record.productId for p in kept] == ["p1"]
    reasons = {r["line"]: r["reasons"] for r in rejected}
    assert reasons[3] == ["productId: missing"]
    assert reasons[4][0].startswith("price: Input should be greater than or equal to 0")
    assert reasons[5][0].startswith("price: Input should be a valid number")
    assert "test row" in reasons[6][0]
    assert reasons[7] == ["isTest: marked as a test row"]
    assert all(r["file"] == "src.csv" for r in rejected)
    assert rejected[0]["row"] == {"productId": "", "name": "no key"}


def test_bad_dates_and_unknown_event_types(tmp_path: Path) -> None:
    base = {"eventId": "e1", "customerId": "c1", "channelId": "web", "type": "view", "productId": "p1"}
    rows = [
        {**base, "at": "2026-03-01T10:00:00Z"},
        {**base, "eventId": "e2", "at": "yesterday"},
        {**base, "eventId": "e3", "at": "2026-03-01", "type": "teleport"},
        {**base, "eventId": "e4", "at": "2026-03-01", "productId": ""},
    ]
    kept, rejected = _run("events", rows, tmp_path)
    assert [p.record.eventId for p in kept] == ["e1"]
    assert "not an ISO-8601 timestamp" in rejected[0]["reasons"][0]
    assert rejected[1]["reasons"][0].startswith("type: Input should be")
    assert "needs a productId" in rejected[2]["reasons"][0]


def test_timestamps_accept_iso_dates_and_epochs_when_asked() -> None:
    row = {"eventId": "e", "customerId": "c", "type": "visit", "channelId": "s", "at": 86_400}
    a = EventIn.model_validate(row, context={"rules": ValueRules(epoch="s")})
    b = EventIn.model_validate({**row, "at": "1970-01-02T00:00:00"})
    assert a.at == b.at and a.at.tzinfo is not None
    with pytest.raises(ValidationError, match="epoch"):
        EventIn.model_validate(row)


def test_purchase_line_id_defaults_to_order_and_product() -> None:
    p = PurchaseIn.model_validate(
        {"orderId": "o9", "customerId": "c", "productId": "p", "amount": 3, "at": "2026-01-01"}
    )
    assert p.lineId == "o9:p"


def test_consent_flags_parse_in_several_languages() -> None:
    c = CustomerIn.model_validate({"customerId": "c", "consentEmail": "ja", "consentSms": "nee", "consentPush": ""})
    assert (c.consentEmail, c.consentSms, c.consentPush) == (True, False, None)


cells = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.floats(allow_nan=True), st.booleans())


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    rows=st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "customerId",
                    "productId",
                    "eventId",
                    "type",
                    "at",
                    "amount",
                    "orderId",
                    "channelId",
                    "price",
                    "kind",
                    "value",
                    "follower",
                    "followee",
                    "x",
                ]
            ),
            cells,
            max_size=8,
        ),
        max_size=20,
    ),
)
def test_arbitrary_rows_never_crash_and_always_add_up(tmp_path: Path, kind: str, rows: list[dict]) -> None:
    kept, rejected = _run(kind, rows, tmp_path)
    assert len(kept) + len(rejected) == len(rows)
    for record in rejected:
        assert record["reasons"], "every quarantined row has at least one reason"
        json.dumps(record)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.text(alphabet=string.printable + 'åäö"', max_size=400))
def test_csv_reader_never_crashes_on_arbitrary_text(tmp_path: Path, text: str) -> None:
    from graphengine.load.readers import read_rows

    path = tmp_path / "fuzz.csv"
    path.write_text("customerId,name\n" + text, encoding="utf-8")
    rows = list(read_rows(path))
    lines = [line for line, _ in rows]
    assert lines == sorted(lines) and all(line >= 2 for line in lines)
    kept, rejected = _run("customers", [row for _, row in rows], tmp_path)
    assert len(kept) + len(rejected) == len(rows)
