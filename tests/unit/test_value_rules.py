"""Every number finite and within its documented bounds; every time inside the accepted range, with a sane
offset; zone-less times read in the configured zone; epoch numbers only when asked for — the same rules for
every reader and the API, because they live in the input records."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pydantic import ValidationError

from graphengine.model import EventIn, ProductIn, PurchaseIn
from graphengine.model.rules import MAX_AMOUNT, ValueRules

LINE = {"orderId": "o1", "customerId": "c1", "productId": "p1", "amount": "10", "at": "2026-01-01T10:00:00Z"}
EVENT = {"eventId": "e1", "customerId": "c1", "type": "visit", "channelId": "web", "at": "2026-01-01T10:00:00Z"}


def _reasons(model: type, data: dict[str, object], rules: ValueRules | None = None) -> str:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, context={"rules": rules} if rules else None)
    return str(info.value)


@pytest.mark.parametrize("amount", [math.inf, -math.inf, math.nan, "Infinity", "inf", "NaN", 1e308, "1e309", -1, True])
def test_amounts_must_be_finite_and_within_bounds(amount: object) -> None:
    assert "amount" in _reasons(PurchaseIn, {**LINE, "amount": amount})


def test_the_largest_allowed_amount_passes() -> None:
    assert PurchaseIn.model_validate({**LINE, "amount": MAX_AMOUNT}).amount == MAX_AMOUNT


@pytest.mark.parametrize("value", [math.nan, -math.inf, "Infinity", 1e300, False])
def test_event_values_must_be_finite_and_bounded(value: object) -> None:
    assert "value" in _reasons(EventIn, {**EVENT, "value": value})


@pytest.mark.parametrize("price", [math.inf, "1e309", "nan", -5])
def test_prices_must_be_finite_and_non_negative(price: object) -> None:
    assert "price" in _reasons(ProductIn, {"productId": "p1", "price": price})


@pytest.mark.parametrize("quantity", ["1e309", 10**12, 0, "2.5", True])
def test_quantities_are_whole_and_bounded(quantity: object) -> None:
    assert "quantity" in _reasons(PurchaseIn, {**LINE, "quantity": quantity})


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "1899-12-31T23:59:59Z",
        "2100-01-01T00:00:00Z",
        "2026-01-01T10:00:00+23:00",
        "2026-01-01T10:00:00-18:30",
        "not a time",
    ],
)
def test_times_outside_the_range_or_with_impossible_offsets_are_refused(at: str) -> None:
    assert "at" in _reasons(PurchaseIn, {**LINE, "at": at})


def test_offsets_up_to_eighteen_hours_pass() -> None:
    got = PurchaseIn.model_validate({**LINE, "at": "2026-01-01T10:00:00+18:00"}).at
    assert got.utcoffset() == dt.timedelta(hours=18)


def test_zone_less_times_are_read_in_the_configured_zone() -> None:
    naive = {**LINE, "at": "2026-07-01 12:00:00"}
    assert PurchaseIn.model_validate(naive).at == dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
    stockholm = PurchaseIn.model_validate(naive, context={"rules": ValueRules(timezone="Europe/Stockholm")}).at
    assert stockholm.astimezone(dt.UTC) == dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC)
    assert PurchaseIn.model_validate({**LINE, "at": "2026-07-01"}).at == dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def test_a_configured_range_applies() -> None:
    rules = ValueRules(earliest=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), latest=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert "at" in _reasons(PurchaseIn, {**LINE, "at": "2019-06-01T00:00:00Z"}, rules)


@pytest.mark.parametrize("at", [1_767_261_600, "1767261600", 1_767_261_600.5])
def test_epoch_numbers_are_refused_unless_asked_for(at: object) -> None:
    assert "epoch" in _reasons(PurchaseIn, {**LINE, "at": at})
    seconds = PurchaseIn.model_validate({**LINE, "at": at}, context={"rules": ValueRules(epoch="s")}).at
    assert seconds.replace(microsecond=0) == dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)


def test_epoch_milliseconds() -> None:
    rules = ValueRules(epoch="ms")
    got = PurchaseIn.model_validate({**LINE, "at": "1767261600000"}, context={"rules": rules}).at
    assert got == dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)


def test_rules_refuse_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        ValueRules(timezone="Mars/Olympus")


def test_parquet_style_datetimes_follow_the_same_rules() -> None:
    naive = dt.datetime(2026, 7, 1, 12)
    rules = ValueRules(timezone="America/New_York")
    got = PurchaseIn.model_validate({**LINE, "at": naive}, context={"rules": rules}).at
    assert got.astimezone(dt.UTC) == dt.datetime(2026, 7, 1, 16, tzinfo=dt.UTC)
    assert "at" in _reasons(PurchaseIn, {**LINE, "at": dt.datetime(1, 1, 1)})
