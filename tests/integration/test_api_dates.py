"""Date parameters on every route that takes one, against a real uvicorn server on a small demo graph: times
outside the value rules' range (or the settings' narrower one) are 422 in the error shape — never 500 or
409 — a trailing Z is accepted, also after a bare date, and what the OpenAPI pattern admits is accepted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graphengine.api.dates import TIME_PATTERN
from graphengine.config import Settings
from graphengine.store import Store
from tests.integration.test_api_harness import API_KEY, api_client, load_small_demo

ROUTES = ("/attribution", "/channels/transitions", "/journeys/patterns/cart_abandonment")


@pytest.fixture(scope="module")
def demo(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return load_small_demo(session_store, settings, tmp_path_factory.mktemp("demo"), customers=60)


@pytest.fixture(scope="module")
def client(demo: dict[str, Any], settings: Settings) -> Iterator[httpx.Client]:
    narrow = {"api_keys": [API_KEY], "earliest_time": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)}
    with api_client(settings.model_copy(update=narrow)) as client:
        yield client


def _refused(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert list(error) == ["code", "message", "details"] and error["code"] == "validation_failed"
    assert [e["loc"] for e in error["details"]["errors"]] == [["query", "since"]]
    return str(error["message"])


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "since",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "2099-12-31T23:59:59-18:00",  # the pattern admits it; it is 2100-01-01T17:59:59Z, past the range
        "1950-06-01",  # inside the default range, before the configured earliest_time
        "2026-02-30",
        "2026-01-01T10:00+19:00",
        "2026-01-01T24:00",
        "yesterday",
        "",
    ],
)
def test_out_of_range_or_malformed_times_are_422(client: httpx.Client, route: str, since: str) -> None:
    _refused(client.get(route, params={"since": since}))


@pytest.mark.parametrize("route", ROUTES)
def test_a_trailing_z_is_accepted(client: httpx.Client, route: str) -> None:
    for since, meant in (
        ("2026-01-01Z", "2026-01-01T00:00:00+00:00"),
        ("2026-01-01", "2026-01-01T00:00:00+00:00"),
        ("2026-01-01T08:00:00Z", "2026-01-01T08:00:00+00:00"),
        ("2026-01-01+02:00", "2025-12-31T22:00:00+00:00"),  # that date's midnight at +02:00
        ("2026-01-01 08:00+0530", "2026-01-01T02:30:00+00:00"),
        ("2000-02-29T00:00:00.5-03:00", "2000-02-29T03:00:00.500000+00:00"),
    ):
        response = client.get(route, params={"since": since})
        assert response.status_code == 200, (since, response.text)
        echoed = dt.datetime.fromisoformat(response.json()["since"])
        assert echoed == dt.datetime.fromisoformat(meant), since


def test_the_message_names_the_range(client: httpx.Client) -> None:
    message = _refused(client.get("/attribution", params={"since": "1950-06-01"}))
    assert "2000-01-01" in message and "2100-01-01" in message


def test_the_pattern_admits_what_the_rules_accept_in_the_default_range() -> None:
    pattern = re.compile(TIME_PATTERN)
    for good in ("1900-01-01", "2099-12-31T23:59", "2000-02-29", "2024-02-29Z", "2026-12-31T23:59:59.999999-18:00"):
        assert pattern.match(good), good
    for bad in (
        "1899-12-31",
        "2100-01-01",
        "1900-02-29",
        "2023-02-29",
        "2026-04-31",
        "２０２６-01-01",
        "2026-01-01T1:00",
    ):
        assert not pattern.match(bad), bad
