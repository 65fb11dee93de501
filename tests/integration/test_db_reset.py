"""`db reset` empties a graph of any size in bounded transactions, asks first, and keeps the schema."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from neo4j.exceptions import TransientError

from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.store import Store
from graphengine.store.reset import GraphCounts, data_counts, reset_graph
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv

HUBS, LINKS, CREATE_BATCH = 2, 400_000, 20_000
CREATE_LINKS = """
MATCH (h:Hub) WITH collect(h) AS hubs
UNWIND range($first, $last) AS i
WITH hubs[i % size(hubs)] AS hub
CREATE (hub)-[:LINK]->(:Leaf)
"""


def _schema(store: Store) -> tuple[list[str], int]:
    constraints = sorted(r["name"] for r in store.query("schema.list_constraints"))
    versions = store.run_text("MATCH (v:SchemaVersion) RETURN count(v) AS n")[0]["n"]
    return constraints, versions


def _transaction_memory_cap(store: Store) -> str:
    rows = store.run_text("CALL dbms.listConfig('db.memory.transaction.max') YIELD value RETURN value")
    return str(rows[0]["value"])


def test_reset_empties_a_graph_larger_than_the_transaction_memory(store: Store) -> None:
    """400k relationships on two supernodes, on a test instance whose transactions are capped at
    GRAPHENGINE_TRANSACTION_MEMORY_MAX (256m). Deleting one hub with DETACH DELETE in one transaction (what a
    node-batched delete does, whatever its batch size) fails with the memory error and changes nothing; the reset
    deletes relationships in batches first, so every transaction stays small and it empties the graph."""
    cap = _transaction_memory_cap(store)
    assert cap not in ("0B", "0", ""), (
        "the test instance needs a transaction memory cap: set GRAPHENGINE_TRANSACTION_MEMORY_MAX (tests/conftest.py "
        "sets 256m) and restart the instance so neo4j.conf is rewritten"
    )
    schema = _schema(store)
    store.run_text("UNWIND range(1, $hubs) AS h CREATE (:Hub {hubId: h})", {"hubs": HUBS})
    for first in range(0, LINKS, CREATE_BATCH):
        store.run_text(CREATE_LINKS, {"first": first, "last": min(LINKS, first + CREATE_BATCH) - 1})
    assert data_counts(store) == GraphCounts(nodes=HUBS + LINKS, relationships=LINKS)

    session = store.driver.session(database=store.settings.neo4j_database)  # one attempt, no retries
    with session, pytest.raises(TransientError) as refused:
        session.run("MATCH (h:Hub {hubId: 1}) DETACH DELETE h").consume()
    assert refused.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
    assert "db.memory.transaction.max" in str(refused.value.message)
    assert data_counts(store) == GraphCounts(nodes=HUBS + LINKS, relationships=LINKS), "the failed delete is undone"

    assert reset_graph(store) == GraphCounts(nodes=HUBS + LINKS, relationships=LINKS)

    assert store.query("store.count_data")[0] == {"nodes": 0, "relationships": 0}
    assert store.run_text("MATCH (n) WHERE NOT n:SchemaVersion RETURN count(n) AS n") == [{"n": 0}]
    assert _schema(store) == schema, "constraints and schema versions are kept"


def _small_graph(store: Store, settings: Settings, folder: Path) -> GraphCounts:
    options = LoadOptions(source="shop", out_dir=folder / "out")
    salt = settings.hash_salt.get_secret_value()
    customers = [{"customerId": f"C{i}", "name": f"n{i}", "signupAt": f"2024-01-0{i}T10:00:00Z"} for i in (1, 2, 3)]
    products = [{"productId": f"P{i}", "name": f"p{i}", "category": "shoes"} for i in (1, 2)]
    load_file(store, "customers", write_csv(folder / "customers.csv", customers), options, salt=salt)
    load_file(store, "products", write_csv(folder / "products.csv", products), options, salt=salt)
    return data_counts(store)


def _db_reset(settings: Settings, *args: str, answer: str = "") -> subprocess.CompletedProcess[str]:
    return run_graphengine(settings, "db", "reset", *args, timeout=120, stdin=answer)


def test_db_reset_asks_first_and_yes_skips_the_question(store: Store, settings: Settings, tmp_path: Path) -> None:
    counts = _small_graph(store, settings, tmp_path)
    assert counts == GraphCounts(nodes=3 + 2 + 1 + 1, relationships=2)  # + a Category, a DataSource; IN_CATEGORY

    declined = _db_reset(settings, answer="n\n")
    assert declined.returncode == 1, declined.stderr
    assert f"Delete {counts}" in declined.stderr
    assert "nothing deleted" in declined.stdout
    assert data_counts(store) == counts

    no_answer = _db_reset(settings)  # end of input is no answer: nothing deleted either
    assert no_answer.returncode != 0
    assert data_counts(store) == counts

    confirmed = _db_reset(settings, answer="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert data_counts(store) == GraphCounts(0, 0)

    _small_graph(store, settings, tmp_path)
    scripted = _db_reset(settings, "--yes")
    assert scripted.returncode == 0, scripted.stderr
    assert f"deleted {counts}" in scripted.stdout
    assert store.query("store.count_data")[0] == {"nodes": 0, "relationships": 0}
    assert any(c["name"] == "customer_id" for c in store.query("schema.list_constraints"))

    again = _db_reset(settings, "--yes")
    assert again.returncode == 0 and "already empty" in again.stdout
