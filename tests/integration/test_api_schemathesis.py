"""Schemathesis over the API's own OpenAPI document, against a real server on a small demo graph, with every
check (``--checks all``): for every operation, generated valid and invalid requests never get a 5xx, every
response matches the documented status codes, headers and schemas, what the document declares valid is
accepted and what it declares invalid is refused, and declared auth is enforced. Once with a key that has
every scope (so the writes are exercised too), once without a key (401 on personal endpoints, redacted
aggregates). Bounded to a few dozen examples per operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.openapi import from_dict
from schemathesis.specs.openapi.checks import positive_data_acceptance

from graphengine.api import ApiOptions, create_app
from graphengine.config import Settings
from graphengine.store import Store
from tests.conftest import make_test_settings
from tests.integration._recommender import train_and_promote
from tests.integration.test_api_harness import API_KEY, base_url, load_small_demo, running_api

MAX_EXAMPLES = 60
KEYLESS_EXAMPLES = 15


@pytest.fixture(scope="module")
def api_url(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    load_small_demo(session_store, settings, tmp_path_factory.mktemp("demo"), customers=120)
    models = tmp_path_factory.mktemp("models")
    train_and_promote(session_store, models)
    with running_api(settings.model_copy(update={"api_keys": [API_KEY]}), ApiOptions(models_home=models)) as server:
        yield base_url(server)


# The document is the app's own (building the app connects nothing); requests go to the live server.
# (schemathesis' lazy ``from_fixture`` loader does not work with pytest 9: it reads ``request.node._nodeid``.)
schema = from_dict(create_app(make_test_settings()).openapi())


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case: Any, api_url: str) -> None:
    _call_and_validate(case, api_url, {"X-API-Key": API_KEY})


@schema.parametrize()
@settings(max_examples=KEYLESS_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_without_a_key_too(case: Any, api_url: str) -> None:
    _call_and_validate(case, api_url, {})


def _call_and_validate(case: Any, api_url: str, headers: dict[str, str]) -> None:
    response = case.call(base_url=api_url, headers=headers, timeout=30)
    # Every check runs (schemathesis --checks all), with one carve-out: a 422 the domain gives to a well-formed
    # request — min_price above max_price, a purchase naming a customer or product the graph does not have —
    # is a semantic answer the document cannot express, so there positive_data_acceptance is skipped. Such
    # refusals carry no details.errors (request validation, i.e. a disagreement with the document, always does).
    excluded = [positive_data_acceptance] if _domain_refusal(response) else []
    case.validate_response(response, headers=headers, excluded_checks=excluded, transport_kwargs={"base_url": api_url})


def _domain_refusal(response: Any) -> bool:
    if response.status_code != 422:
        return False
    details = response.json()["error"]["details"]
    return "errors" not in details
