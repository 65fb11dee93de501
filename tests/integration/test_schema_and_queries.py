"""Schema migrations and the query registry against the real server."""

import pytest
from neo4j.exceptions import ClientError

from graphengine.store import Store, apply_schema, default_registry
from graphengine.store.schema import migrations


def _schema_state(store: Store) -> tuple[list[str], list[str], list[int]]:
    return (
        [r["name"] for r in store.query("schema.list_constraints")],
        [r["name"] for r in store.query("schema.list_indexes")],
        [r["version"] for r in store.query("schema.list_versions")],
    )


def test_apply_twice_gives_the_same_schema(store: Store) -> None:
    apply_schema(store)
    first = _schema_state(store)
    apply_schema(store)
    second = _schema_state(store)
    assert first == second
    assert first[2] == [m.version for m in migrations()]
    assert {"customer_id", "event_id", "identifier_key", "analysis_run_id"} <= set(first[0])
    assert {"event_at", "customer_community"} <= set(first[1])


def test_constraint_makes_merge_keys_unique(store: Store) -> None:
    store.run_text("CREATE (:Customer {customerId: 'c1'})")
    with pytest.raises(ClientError, match="already exists"):
        store.run_text("CREATE (:Customer {customerId: 'c1'})")


@pytest.mark.parametrize("name", default_registry().names())
def test_every_registered_query_passes_explain(store: Store, name: str) -> None:
    query = default_registry()[name]
    installed = set(store.versions())
    missing = [plugin for plugin in query.requires if plugin not in installed]
    params = {p: None for p in query.declared_params}
    if missing:
        # A query for a plugin that is absent must fail to plan — and only because of that plugin.
        with pytest.raises(ClientError, match="|".join(missing)):
            store.run_text("EXPLAIN " + query.text, params)
    else:
        store.run_text("EXPLAIN " + query.text, params)
