"""Kind.params: the rows sent to the write queries are exactly what model_dump-based conversion gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graphengine.load import kinds
from graphengine.load.kinds import KINDS

SALT = "unit-salt"
ROWS: dict[str, list[dict[str, Any]]] = {
    "customers": [
        {
            "customerId": "C1",
            "name": " Ada ",
            "email": "ada@example.com",
            "phone": "+46 70 123 45 67",
            "loyaltyId": "L1",
            "signupAt": "2025-01-02T03:04:05+02:00",
            "consentEmail": "ja",
            "segment": "",
        },
        {"customerId": "C2"},
    ],
    "products": [
        {"productId": "P1", "name": "Mug", "brand": "B", "category": "Kitchen", "price": "9.5", "inStock": "true"},
        {"productId": "P2"},
    ],
    "channels": [{"channelId": "web", "name": "Web", "kind": "web"}],
    "accounts": [{"accountId": "A1", "platform": "x", "handle": "@a", "followers": "12", "customerId": "C1"}],
    "follows": [{"follower": "A1", "followee": "A2", "since": "2025-03-01"}, {"follower": "A2", "followee": "A1"}],
    "mentions": [{"accountId": "A1", "productId": "P1", "at": "2025-03-01T10:00:00Z", "sentiment": "0.5"}],
    "referrals": [{"referrerId": "C1", "referredId": "C2", "at": "2025-03-01T10:00:00"}],
    "identifiers": [{"customerId": "C1", "kind": "device", "value": "d-1", "at": "2025-03-01T10:00:00Z"}],
    "purchases": [
        {
            "orderId": "O1",
            "lineId": "O1-1",
            "customerId": "C1",
            "productId": "P1",
            "quantity": "2",
            "amount": "19",
            "at": "2025-03-01T10:00:00.123456+01:00",
            "channelId": "web",
        },
        {"orderId": "O2", "customerId": "C1", "productId": "P2", "amount": "1.5", "at": "2025-03-01"},
    ],
    "ratings": [
        {"customerId": "C1", "productId": "P1", "rating": "4", "at": "2025-03-01"},
        {"customerId": "C1", "productId": "P2", "rating": "3"},
    ],
    "events": [
        {
            "eventId": "E1",
            "customerId": "C1",
            "type": "search",
            "at": "2025-03-01T10:00:00Z",
            "channelId": "web",
            "sessionId": "S1",
            "query": "mug",
            "resultCount": "0",
        },
        {
            "eventId": "E2",
            "customerId": "C1",
            "type": "cart",
            "at": "2025-03-01T10:01:00Z",
            "channelId": "app",
            "productId": "P1",
            "value": "9.5",
        },
    ],
}


def _wire_reference(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _wire_reference(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire_reference(v) for v in value]
    return value


def _plain_reference(record: Any, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {k: v for k, v in record.model_dump().items() if k not in exclude}


def _props_reference(record: Any, exclude: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in record.model_dump().items() if k not in exclude and v is not None}


def test_every_kind_is_covered() -> None:
    assert set(ROWS) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_params_equal_the_model_dump_conversion(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = KINDS[kind]
    records = [spec.model.model_validate(row) for row in ROWS[kind]]
    fast = [spec.params(record, SALT) for record in records]
    with monkeypatch.context() as patch:
        patch.setattr(kinds, "_plain", _plain_reference)
        patch.setattr(kinds, "_props", _props_reference)
        reference = [_wire_reference(spec.to_params(r, SALT) if spec.to_params else r.model_dump()) for r in records]
    assert fast == reference
    for row, ref in zip(fast, reference, strict=True):
        assert list(row) == list(ref)  # same keys in the same order
        assert all(not isinstance(v, dt.datetime) for v in row.values())


def test_times_travel_as_iso_strings_with_their_offset() -> None:
    spec = KINDS["purchases"]
    row = spec.params(spec.model.model_validate(ROWS["purchases"][0]), SALT)
    assert row["at"] == "2025-03-01T10:00:00.123456+01:00"
    assert row["lineId"] == "O1-1" and row["quantity"] == 2 and row["amount"] == 19.0
    default = spec.params(spec.model.model_validate(ROWS["purchases"][1]), SALT)
    assert default["lineId"] == "O2:P2" and default["channelId"] is None
