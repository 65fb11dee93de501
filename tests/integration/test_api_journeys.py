"""The journey endpoints: a customer's journey, pattern matches, attribution, channel transitions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graphengine.config import Settings
from graphengine.store import Store
from tests.integration.test_api_harness import API_KEY, api_client, load_small_demo
from tests.integration.test_api_read import _error, _ok


@pytest.fixture(scope="module")
def client(
    session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    truth = load_small_demo(session_store, settings, tmp_path_factory.mktemp("journeys"))
    with api_client(settings.model_copy(update={"api_keys": [API_KEY]})) as client:
        client.headers["X-API-Key"] = API_KEY  # a journey is personal data: the read scope
        client.truth = truth  # type: ignore[attr-defined]
        yield client


def test_customer_journey_is_in_time_order(client: httpx.Client) -> None:
    customer, _ = client.truth["seriousShoppers"][0]  # type: ignore[attr-defined]
    body = _ok(client.get(f"/customers/{customer}/journey"))
    times = [e["at"] for e in body["events"]]
    assert times == sorted(times) and body["returned"] == len(body["events"]) > 0
    assert body["customer"]["customerId"] == customer
    _error(client.get("/customers/nobody-at-all/journey"), 404, "not_found")


def test_planted_serious_shoppers_are_matched(client: httpx.Client) -> None:
    planted = {c for c, _ in client.truth["seriousShoppers"]}  # type: ignore[attr-defined]
    body = _ok(client.get("/journeys/patterns/serious_shopper_abandonment", params={"limit": 100}))
    found = {m["customer"] for m in body["matches"]}
    # matches of customers without profiling consent are counted (total, withheld) but not listed
    assert body["total"] >= len(planted) * 0.9 and body["withheld"] <= body["total"]
    assert len(found & planted) + body["withheld"] >= min(len(planted), 100) * 0.9
    assert client.get("/journeys/patterns/no_such_pattern").status_code == 422
    future = _ok(client.get("/journeys/patterns/cart_abandonment", params={"since": "2099-01-01T00:00:00Z"}))
    assert future["total"] == 0


def test_attribution_models_add_up(client: httpx.Client) -> None:
    body = _ok(client.get("/attribution"))
    assert body["convertingPaths"] > 0 and body["channels"]
    models: dict[str, Any] = body["models"]
    assert {"first_touch", "last_touch", "linear"} <= set(models)
    one = _ok(client.get("/attribution", params={"model": "linear"}))
    assert list(one["models"]) == ["linear"]
    assert client.get("/attribution", params={"model": "astrology"}).status_code == 422


def test_channel_transitions_matrix(client: httpx.Client) -> None:
    body = _ok(client.get("/channels/transitions"))
    n = len(body["channels"])
    assert n >= 2 and len(body["counts"]) == n and all(len(row) == n for row in body["probabilities"])
    for row in body["probabilities"]:
        assert sum(row) == pytest.approx(1.0, abs=1e-5) or sum(row) == 0
    assert sum(t["count"] for t in body["transitions"]) == body["total"]


@pytest.mark.parametrize(
    "since", ["2026-01-01Z", "0147-06-08Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30"]
)
def test_date_parameters_are_range_checked_with_422(client: httpx.Client, since: str) -> None:
    for path in ("/attribution", "/channels/transitions", "/journeys/patterns/cart_abandonment"):
        response = client.get(path, params={"since": since})
        if since == "2026-01-01Z":
            assert response.status_code == 200, response.text
        else:
            assert response.status_code == 422, response.text
            assert response.json()["error"]["code"] == "validation_failed"
