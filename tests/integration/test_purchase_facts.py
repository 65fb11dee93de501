"""Purchase lines are facts keyed by the database: re-sends count once (also concurrently, through the real
API), a re-send with other values is a correction, a moved line leaves its old pair, and every PURCHASED
aggregate equals what is recomputed from the lines from scratch."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.load import LoadOptions, LoadReport, load_file
from graphengine.load.aggregates import check_purchase_aggregates, rebuild_purchase_aggregates
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv
from tests.integration.test_api_harness import API_KEY, base_url

KEY = {"X-API-Key": API_KEY}


def _load(store: Store, settings: Settings, tmp: Path, kind: str, rows: list[dict[str, Any]], name: str) -> LoadReport:
    path = write_csv(tmp / name, rows)
    options = LoadOptions(source="test", out_dir=tmp / "out")
    report = load_file(store, kind, path, options, salt=settings.hash_salt.get_secret_value())
    assert report.balanced, report.to_dict()
    return report


def _base(store: Store, settings: Settings, tmp: Path) -> None:
    _load(store, settings, tmp, "customers", [{"customerId": c} for c in ("c1", "c2", "c3")], "customers.csv")
    _load(store, settings, tmp, "products", [{"productId": p, "price": 10} for p in ("p1", "p2", "p3")], "products.csv")


def _pairs(store: Store) -> dict[tuple[str, str], dict[str, Any]]:
    rows = store.run_text(
        "MATCH (c:Customer)-[r:PURCHASED]->(p:Product) "
        "RETURN c.customerId AS c, p.productId AS p, r.count AS count, r.quantity AS quantity, r.amount AS amount, "
        "toString(r.firstAt) AS firstAt, toString(r.lastAt) AS lastAt, count(*) AS rels"
    )
    return {(r["c"], r["p"]): r for r in rows}


def assert_aggregates_derivable(store: Store) -> None:
    """Every PURCHASED equals a recomputation from the OrderLine facts; no pair without lines; one edge a pair."""
    stored = _pairs(store)
    fresh = store.run_text(
        "MATCH (l:OrderLine) "
        "RETURN l.customerId AS c, l.productId AS p, count(*) AS count, sum(l.quantity) AS quantity, "
        "sum(l.amount) AS amount, toString(min(l.at)) AS firstAt, toString(max(l.at)) AS lastAt"
    )
    recomputed = {(r["c"], r["p"]): r for r in fresh}
    assert set(stored) == set(recomputed)
    for pair, row in recomputed.items():
        got = stored[pair]
        assert got["rels"] == 1, pair
        assert (got["count"], got["quantity"], got["firstAt"], got["lastAt"]) == (
            row["count"],
            row["quantity"],
            row["firstAt"],
            row["lastAt"],
        ), pair
        assert got["amount"] == pytest.approx(row["amount"]), pair


LINES = [
    {"orderId": "o1", "lineId": "l1", "customerId": "c1", "productId": "p1", "amount": "10", "at": "2026-01-01T10:00Z"},
    {"orderId": "o1", "lineId": "l2", "customerId": "c1", "productId": "p2", "amount": "20", "at": "2026-01-01T10:00Z"},
    {"orderId": "o2", "lineId": "l3", "customerId": "c1", "productId": "p1", "amount": "5", "at": "2026-02-01T10:00Z"},
]


def test_reloading_a_file_with_a_changed_amount_corrects_the_line(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    _load(store, settings, tmp_path, "purchases", LINES, "lines.csv")
    assert _pairs(store)[("c1", "p1")]["amount"] == 15
    changed = [dict(row) for row in LINES]
    changed[0]["amount"] = "99"
    report = _load(store, settings, tmp_path, "purchases", changed, "lines.csv")
    assert report.loaded == 3
    pairs = _pairs(store)
    assert pairs[("c1", "p1")]["amount"] == 104 and pairs[("c1", "p1")]["count"] == 2
    assert pairs[("c1", "p2")]["amount"] == 20
    assert_aggregates_derivable(store)


def test_a_line_moved_to_another_product_and_customer_leaves_its_old_pair(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    _load(store, settings, tmp_path, "purchases", LINES, "lines.csv")
    moved = [dict(row) for row in LINES]
    moved[1]["productId"] = "p3"  # l2: c1/p2 → c1/p3: the c1/p2 pair has no line left
    moved[2]["customerId"] = "c2"  # l3: c1/p1 → c2/p1
    _load(store, settings, tmp_path, "purchases", moved, "lines.csv")
    pairs = _pairs(store)
    assert set(pairs) == {("c1", "p1"), ("c1", "p3"), ("c2", "p1")}
    assert pairs[("c1", "p1")]["count"] == 1 and pairs[("c1", "p1")]["amount"] == 10
    assert pairs[("c2", "p1")]["count"] == 1 and pairs[("c2", "p1")]["amount"] == 5
    assert store.run_text("MATCH (l:OrderLine) RETURN count(l) AS n")[0]["n"] == 3
    assert_aggregates_derivable(store)


def test_the_same_line_id_on_two_products_in_one_file_counts_once(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    rows = [
        {"orderId": "o9", "lineId": "dup", "customerId": "c1", "productId": "p1", "amount": "1", "at": "2026-03-01"},
        {"orderId": "o9", "lineId": "dup", "customerId": "c1", "productId": "p2", "amount": "2", "at": "2026-03-02"},
    ]
    report = _load(store, settings, tmp_path, "purchases", rows, "dup.csv")
    assert (report.loaded, report.duplicates) == (1, 1)
    pairs = _pairs(store)
    assert set(pairs) == {("c1", "p2")}, "the later row is the line's value (a correction within the file)"
    assert pairs[("c1", "p2")]["count"] == 1 and pairs[("c1", "p2")]["amount"] == 2
    assert_aggregates_derivable(store)


def test_many_lines_on_one_pair_across_batches(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    rows = [
        {"orderId": f"o{i}", "customerId": "c3", "productId": "p3", "quantity": 2, "amount": "1.5", "at": "2026-01-01"}
        for i in range(5_000)
    ]
    path = write_csv(tmp_path / "many.csv", rows)
    options = LoadOptions(source="test", out_dir=tmp_path / "out", batch_size=700)
    load_file(store, "purchases", path, options, salt=settings.hash_salt.get_secret_value())
    load_file(store, "purchases", path, options, salt=settings.hash_salt.get_secret_value())  # a re-run
    pair = _pairs(store)[("c3", "p3")]
    assert (pair["count"], pair["quantity"], pair["amount"]) == (5_000, 10_000, 7_500)
    assert_aggregates_derivable(store)


def test_unknown_references_are_quarantined_by_the_write(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    rows = [
        *LINES,
        {**LINES[0], "lineId": "lx", "customerId": "nobody"},
        {**LINES[0], "lineId": "ly", "productId": "px"},
    ]
    report = _load(store, settings, tmp_path, "purchases", rows, "refs.csv")
    assert (report.loaded, report.quarantined) == (3, 2)
    assert_aggregates_derivable(store)


# ------------------------------------------------------------------------------------------ API race
def _race(
    server: uvicorn.Server, clients: int, rounds: int, line_of: Callable[[int, int], dict[str, Any]]
) -> list[int]:
    """``clients`` threads POST one purchase line each per round, all at the same moment; the statuses."""
    barrier = threading.Barrier(clients)
    statuses: list[int] = []
    lock = threading.Lock()

    def client(worker: int) -> None:
        with httpx.Client(base_url=base_url(server), timeout=60) as http:
            for n in range(rounds):
                barrier.wait(timeout=60)
                response = http.post("/events", json={"purchases": [line_of(worker, n)]}, headers=KEY)
                with lock:
                    statuses.append(response.status_code)

    threads = [threading.Thread(target=client, args=(w,)) for w in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return statuses


def test_eight_clients_posting_the_same_lines_count_each_once(
    keyed_server: uvicorn.Server, store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    rounds, clients = 50, 8

    def same_line(worker: int, n: int) -> dict[str, Any]:
        return {
            "orderId": f"race-{n}",
            "customerId": "c1",
            "productId": "p1" if n % 2 else "p2",
            "quantity": 1,
            "amount": 1.5,
            "at": f"2026-05-01T10:{n % 60:02d}:00Z",
        }

    assert _race(keyed_server, clients, rounds, same_line) == [201] * (rounds * clients)
    pairs = _pairs(store)
    assert pairs[("c1", "p1")]["count"] == rounds // 2 and pairs[("c1", "p2")]["count"] == rounds // 2
    assert pairs[("c1", "p1")]["amount"] == pytest.approx(1.5 * rounds / 2)
    assert store.run_text("MATCH (l:OrderLine) RETURN count(l) AS n")[0]["n"] == rounds
    assert_aggregates_derivable(store)


def test_concurrent_distinct_lines_on_one_pair_are_all_counted(
    keyed_server: uvicorn.Server, store: Store, settings: Settings, tmp_path: Path
) -> None:
    """Different lines of the same pair at the same moment: the aggregate sees every committed line."""
    _base(store, settings, tmp_path)
    clients, rounds = 8, 25

    def own_line(worker: int, n: int) -> dict[str, Any]:
        return {"orderId": f"w{worker}-{n}", "customerId": "c2", "productId": "p2", "amount": 2, "at": "2026-06-01"}

    assert _race(keyed_server, clients, rounds, own_line) == [201] * (clients * rounds)
    pair = _pairs(store)[("c2", "p2")]
    assert (pair["count"], pair["amount"]) == (clients * rounds, 2 * clients * rounds)
    assert_aggregates_derivable(store)


# ------------------------------------------------------------------------------------------ from scratch
def test_every_aggregate_of_the_demo_is_derivable_and_a_rebuild_repairs_tampering(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    generate_demo(tmp_path / "data", DemoSpec(customers=300, products=60, communities=3, influencers=4))
    load_demo(store, tmp_path / "data", salt=settings.hash_salt.get_secret_value(), out_dir=tmp_path / "out")
    assert_aggregates_derivable(store)
    assert check_purchase_aggregates(store)["stale"] == 0
    pairs = check_purchase_aggregates(store)["pairs"]
    assert pairs > 100
    store.run_text("MATCH ()-[r:PURCHASED]->() WITH r LIMIT 3 SET r.count = r.count + 7")
    store.run_text("MATCH (c:Customer), (p:Product) WITH c, p LIMIT 1 MERGE (c)-[:PURCHASED {count: 1}]->(p)")
    store.run_text("MATCH ()-[r:PURCHASED]->() WITH r SKIP 10 LIMIT 1 DELETE r")
    assert check_purchase_aggregates(store)["stale"] >= 4
    result = rebuild_purchase_aggregates(store, batch=50)
    assert result["after"] == {"pairs": pairs, "stale": 0}
    assert_aggregates_derivable(store)


def test_db_check_and_rebuild_commands(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    _load(store, settings, tmp_path, "purchases", LINES, "lines.csv")
    clean = run_graphengine(settings, "db", "check", "--json")
    assert clean.returncode == 0 and json.loads(clean.stdout) == {"pairs": 2, "stale": 0}
    store.run_text("MATCH ()-[r:PURCHASED]->() SET r.amount = -1")
    assert run_graphengine(settings, "db", "check").returncode == 1
    rebuilt = run_graphengine(settings, "db", "rebuild", "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["after"] == {"pairs": 2, "stale": 0}
    assert_aggregates_derivable(store)
