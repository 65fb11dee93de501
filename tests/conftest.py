"""Shared test settings: the suite never touches the demo instance (it uses instance `test` on other ports)."""

from __future__ import annotations

import os

import pytest

from graphengine.config import Settings

TEST_DEFAULTS = {
    "GRAPHENGINE_INSTANCE": "test",
    "GRAPHENGINE_BOLT_PORT": "7688",
    "GRAPHENGINE_HTTP_PORT": "7475",
    "GRAPHENGINE_HEAP_SIZE": "1g",
    "GRAPHENGINE_PAGECACHE_SIZE": "512m",
    "GRAPHENGINE_TRANSACTION_MEMORY_MAX": "256m",  # lets test_db_reset prove its point on a small graph
}


def make_test_settings(**overrides: object) -> Settings:
    """Settings for the test instance; GRAPHENGINE_* variables in the environment still win."""
    defaults = {
        key.removeprefix("GRAPHENGINE_").lower(): value for key, value in TEST_DEFAULTS.items() if key not in os.environ
    }
    return Settings(_env_file=None, **{**defaults, **overrides})  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return make_test_settings()
