"""Driver round trips and error translation against the real local Neo4j."""

import datetime as dt
import socket

import pytest

from graphengine.config import Settings
from graphengine.errors import ConfigError, StoreUnavailable
from graphengine.store import Store
from tests.conftest import make_test_settings


@pytest.mark.parametrize(
    "value",
    [
        42,
        3.5,
        "Åsa Öberg",
        [1, 2, 3],
        {"a": 1, "b": [True, None]},
        dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
    ],
)
def test_round_trip_through_parameters(store: Store, value: object) -> None:
    got = store.query("store.echo_value", {"value": value})[0]["value"]
    if isinstance(value, dt.datetime):
        assert got.to_native() == value
    else:
        assert got == value


def test_versions_report_neo4j_526_community_apoc_and_gds(store: Store) -> None:
    versions = store.versions()
    assert versions["neo4j"].startswith("5.26.")
    assert versions["edition"] == "community"
    assert versions["apoc"].startswith("5.26.")
    assert versions["gds"].startswith("2.13.")


def test_clear_empties_the_graph_in_batches(store: Store) -> None:
    before = store.query("store.count_graph")[0]
    assert before["relationships"] == 0
    store.run_text(
        "UNWIND range(1, 2500) AS i CREATE (:Product {productId: 'p' + i})-[:IN_CATEGORY]->(:Category {name: 'c' + i})"
    )
    assert store.query("store.count_graph")[0] == {"nodes": before["nodes"] + 5000, "relationships": 2500}
    assert store.clear(batch_size=1000) == 5000
    assert store.query("store.count_graph")[0] == before


def test_wrong_password_is_a_config_error(settings: Settings, session_store: Store) -> None:
    bad = make_test_settings(neo4j_password="not-the-password", retry_time_s=0)
    with Store(bad) as store, pytest.raises(ConfigError, match="rejected the credentials"):
        store.verify()


def test_stopped_server_is_store_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    down = make_test_settings(bolt_port=free_port, retry_time_s=1, connect_timeout_s=1)
    with Store(down) as store:
        with pytest.raises(StoreUnavailable, match="not reachable") as info:
            store.verify()
        assert "graphengine neo4j start" in info.value.message
        with pytest.raises(StoreUnavailable):
            store.query("store.echo_value", {"value": 1})
