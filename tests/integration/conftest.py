"""Integration fixtures: a real local Neo4j (started once per session, stopped only if we started it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from graphengine.config import Settings
from graphengine.store import LocalNeo4j, Store, apply_schema


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[LocalNeo4j | None]:
    if not settings.managed:
        if os.environ.get("GRAPHENGINE_TEST_EXTERNAL") != "1":
            pytest.exit(
                "GRAPHENGINE_NEO4J_URI is set: the integration tests empty the database between tests; "
                "set GRAPHENGINE_TEST_EXTERNAL=1 to allow that on this server",
                returncode=3,
            )
        yield None
        return
    local = LocalNeo4j(settings)
    started = local.start()
    yield local
    if started:
        local.stop()


@pytest.fixture(scope="session")
def session_store(settings: Settings, neo4j_server: LocalNeo4j | None) -> Iterator[Store]:
    with Store(settings) as store:
        store.verify()
        apply_schema(store)
        yield store


@pytest.fixture
def store(session_store: Store) -> Store:
    """The store, with an empty graph (schema kept) at the start of the test."""
    session_store.clear()
    return session_store


@pytest.fixture(scope="module")
def keyed_server(settings: Settings, session_store: Store) -> Iterator[uvicorn.Server]:
    """A real API server (uvicorn, loopback) that accepts the test key ``API_KEY`` for writes."""
    from tests.integration.test_api_harness import API_KEY, running_api

    with running_api(settings.model_copy(update={"api_keys": [API_KEY]})) as server:
        yield server
