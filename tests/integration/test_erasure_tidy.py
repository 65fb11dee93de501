"""Erasure tidies after itself, through the real API: identity profiles that lose a member are resolved again (a
profile of one is removed), the customer's quarantined rows leave the side files (rewritten atomically), and the
receipt lists all of it with the server's transaction-log retention.

Identity graph (identifiers loaded through the real loaders, two resolution runs so the first one is superseded)::

    a-1 ─email─ x-1 ─phone─ b-1          x-1 is erased: a-1 and b-1 are no longer linked to anyone;
                 │                       c-1 and d-1 still share device + cookie ("2 weak identifiers"),
               loyalty                   c-1 was linked to x-1 by its loyalty number ("one strong identifier")
                 │
                c-1 ═device+cookie═ d-1
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphengine.analytics.identity import run_identity_resolution
from graphengine.api import erasure
from graphengine.config import Settings
from graphengine.errors import Conflict
from graphengine.load import LoadOptions, load_file
from graphengine.load.quarantine import Quarantine
from graphengine.load.quarantine_erasure import erase_quarantined
from graphengine.store import LocalNeo4j, Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv, write_jsonl
from tests.integration.test_api_harness import API_KEY, app_of, base_url, running_api

KEY = {"X-API-Key": API_KEY}
SHARED = {  # identifier (kind, value) → the customers holding it
    ("email", "ax@example.org"): ("a-1", "x-1"),
    ("phone", "+46 70 000 00 01"): ("x-1", "b-1"),
    ("loyalty", "LOY-77"): ("x-1", "c-1"),
    ("device", "dev-9"): ("c-1", "d-1"),
    ("cookie", "ck-9"): ("c-1", "d-1"),
}


@pytest.fixture(scope="module")
def loads_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("loads")


@pytest.fixture(scope="module")
def server(settings: Settings, session_store: Store, loads_dir: Path) -> Iterator[Any]:
    with running_api(settings.model_copy(update={"api_keys": [API_KEY], "loads_dir": loads_dir})) as server:
        yield server


@pytest.fixture
def client(server: Any) -> Iterator[httpx.Client]:
    app_of(server).state.cache.clear()
    with httpx.Client(base_url=base_url(server), timeout=30, headers=KEY) as client:
        yield client


def _load(store: Store, settings: Settings, loads_dir: Path, kind: str, rows: list[dict[str, Any]]) -> str | None:
    """Load ``rows`` through the real loader into ``loads_dir``; returns the quarantine file (None if no rejects)."""
    tmp = loads_dir / "src"
    tmp.mkdir(exist_ok=True)
    write = write_jsonl if kind == "events" else write_csv
    path = write(tmp / f"{kind}.{'jsonl' if kind == 'events' else 'csv'}", rows)
    report = load_file(
        store, kind, path, LoadOptions(source="t", out_dir=loads_dir), salt=settings.hash_salt.get_secret_value()
    )
    return report.quarantine_file


@pytest.fixture
def graph(store: Store, settings: Settings, loads_dir: Path) -> Store:
    for old in (loads_dir / "quarantine").glob("*"):
        old.unlink()
    people = ["a-1", "b-1", "c-1", "d-1", "x-1"]
    _load(store, settings, loads_dir, "customers", [{"customerId": c, "consentProfiling": "true"} for c in people])
    ids = [{"customerId": c, "kind": k, "value": v} for (k, v), holders in SHARED.items() for c in holders]
    _load(store, settings, loads_dir, "identifiers", ids)
    run_identity_resolution(store)
    run_identity_resolution(store)  # the first run's profile is kept, superseded (for undo)
    return store


def _profiles(store: Store) -> list[dict[str, Any]]:
    return store.run_text(
        "MATCH (p:Profile) OPTIONAL MATCH (c:Customer)-[r:RESOLVED_TO]->(p) "
        "WITH p, c, r ORDER BY c.customerId "
        "RETURN p.profileId AS id, p.active AS active, p.size AS size, "
        "collect([c.customerId, r.rule, r.kinds, r.supersededBy IS NOT NULL]) AS members ORDER BY id"
    )


def test_a_profile_that_loses_its_link_is_resolved_again(client: httpx.Client, graph: Store) -> None:
    before = _profiles(graph)
    assert sorted((p["active"], p["size"]) for p in before) == [(False, 5), (True, 5)]  # two runs, a group of five
    response = client.delete("/customers/x-1")
    assert response.status_code == 200, response.text
    receipt = response.json()
    old = sorted(p["id"] for p in before)
    assert receipt["removed"]["profiles"] == 0 and receipt["kept"]["shrunkProfiles"] == 2
    assert receipt["kept"]["linkedCustomers"] == ["a-1", "b-1", "c-1"]
    runs = [i.rsplit(":", 1)[0] for i in old]
    assert receipt["profiles"] == {
        "removed": [],
        "leftAlone": ["a-1", "b-1"],
        "reresolved": [
            {"profileId": i, "into": [f"{r}:c-1"], "alone": ["a-1", "b-1"]} for i, r in zip(old, runs, strict=True)
        ],
    }
    assert old == [f"{r}:a-1" for r in runs]  # named after the first member, which stays: not renamed
    weak = ["2 weak identifiers", ["cookie", "device"]]
    expected = [  # each run keeps its state: the superseded one stays superseded, the active one active
        {
            "id": f"{r}:c-1",
            "active": p["active"],
            "size": 2,
            "members": [["c-1", *weak, not p["active"]], ["d-1", *weak, not p["active"]]],
        }
        for p, r in zip(before, runs, strict=True)
    ]
    assert _profiles(graph) == expected
    for alone in ("a-1", "b-1"):
        assert client.get(f"/customers/{alone}").json()["identity"] is None


def test_the_other_member_of_a_pair_keeps_no_one_member_profile(client: httpx.Client, graph: Store) -> None:
    client.delete("/customers/x-1")
    receipt = client.delete("/customers/d-1").json()  # c-1 and d-1 were the last pair
    assert receipt["removed"]["profiles"] == 2 and receipt["kept"]["shrunkProfiles"] == 0
    assert receipt["profiles"]["leftAlone"] == ["c-1"] and len(receipt["profiles"]["removed"]) == 2
    assert _profiles(graph) == []
    identity = client.get("/customers/c-1").json()["identity"]
    assert identity is None  # no profile claiming "2 weak identifiers" with no one


def test_erasure_removes_the_customers_quarantined_rows(
    client: httpx.Client, graph: Store, settings: Settings, loads_dir: Path
) -> None:
    bad_lines = [
        {"orderId": "o1", "customerId": "x-1", "productId": "p1", "amount": "lots", "at": "2026-01-01T10:00:00Z"},
        {"orderId": "o2", "customerId": "a-1", "productId": "p1", "amount": "lots", "at": "2026-01-01T10:00:00Z"},
        {"orderId": "o3", "customerId": " x-1 ", "productId": "p1", "amount": -1, "at": "2026-01-01T10:00:00Z"},
    ]
    purchases = Path(str(_load(graph, settings, loads_dir, "purchases", bad_lines)))
    events = [
        {"eventId": "e1", "customerId": "x-1", "type": "teleport", "at": "2026-01-01T10:00:00Z", "channelId": "web"},
        {"eventId": "e2", "customerId": "b-1", "type": "teleport", "at": "2026-01-01T10:00:00Z", "channelId": "web"},
    ]
    events_file = Path(str(_load(graph, settings, loads_dir, "events", events)))
    referrals = [{"referrerId": "x-1", "referredId": "x-1"}, {"referrerId": "c-1", "referredId": "c-1"}]
    referrals_file = Path(str(_load(graph, settings, loads_dir, "referrals", referrals)))
    untouched = Path(str(_load(graph, settings, loads_dir, "customers", [{"customerId": "y-1", "signupAt": "never"}])))
    os.chmod(purchases, 0o600)
    before = {p: p.read_bytes().splitlines(keepends=True) for p in (purchases, events_file, referrals_file, untouched)}
    assert all(b"x-1" in b"".join(lines) for p, lines in before.items() if p != untouched)

    receipt = client.delete("/customers/x-1").json()
    assert receipt["removed"]["quarantinedRows"] == 4
    assert receipt["quarantine"] == {
        "folder": str(loads_dir / "quarantine"),
        "filesScanned": 4,
        "filesRewritten": sorted(
            [
                {"path": str(purchases), "rowsRemoved": 2},
                {"path": str(events_file), "rowsRemoved": 1},
                {"path": str(referrals_file), "rowsRemoved": 1},
            ],
            key=lambda f: f["path"],
        ),
        "rowsRemoved": 4,
    }
    kept = {p: p.read_bytes().splitlines(keepends=True) for p in before}
    assert kept[purchases] == [before[purchases][1]]  # the other rows, byte for byte
    assert kept[events_file] == [before[events_file][1]] and kept[referrals_file] == [before[referrals_file][1]]
    assert kept[untouched] == before[untouched] and untouched.stat().st_mtime_ns > 0
    assert stat.S_IMODE(purchases.stat().st_mode) == 0o600  # the rewrite keeps the file's mode
    assert sorted(p.name for p in (loads_dir / "quarantine").iterdir()) == sorted(p.name for p in before)  # no temp
    assert all(json.loads(line)["row"]["customerId"] == "a-1" for line in kept[purchases])


def test_the_load_command_and_erasure_agree_on_the_quarantine_folder(
    client: httpx.Client, graph: Store, settings: Settings, loads_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_csv(loads_dir / "cli-customers.csv", [{"customerId": "x-1", "signupAt": "never"}])
    monkeypatch.setenv("GRAPHENGINE_LOADS_DIR", str(loads_dir))  # no --out-dir: the setting decides
    loaded = run_graphengine(settings, "load", "customers", str(source), "--source", "cli", "--json")
    assert loaded.returncode == 10, loaded.stderr  # loaded with a quarantined row
    written = Path(json.loads(loaded.stdout)["quarantine_file"])
    assert written.parent == loads_dir / "quarantine" and b"x-1" in written.read_bytes()
    receipt = client.delete("/customers/x-1").json()
    assert receipt["quarantine"]["filesRewritten"] == [{"path": str(written), "rowsRemoved": 1}]


def test_a_customer_known_only_from_quarantined_rows_is_erased_there(
    client: httpx.Client, graph: Store, settings: Settings, loads_dir: Path
) -> None:
    rejected = Path(
        str(_load(graph, settings, loads_dir, "customers", [{"customerId": "ghost-9", "signupAt": "never"}]))
    )
    receipt = client.delete("/customers/ghost-9").json()
    assert receipt["removed"]["customers"] == 0 and receipt["removed"]["quarantinedRows"] == 1
    assert rejected.read_bytes() == b""
    assert client.delete("/customers/ghost-9").status_code == 404  # nothing left anywhere


def test_a_quarantine_file_a_load_is_writing_is_not_rewritten_under_it(tmp_path: Path) -> None:
    folder = tmp_path / "quarantine"
    with Quarantine(folder / "running.jsonl", Path("src.csv")) as running:
        running.add(2, {"customerId": "x-1"}, ["amount: bad"])
        with pytest.raises(Conflict) as refused:
            erase_quarantined(folder, "x-1", wait_s=0.2)
        assert refused.value.details["busyFiles"] == [str(folder / "running.jsonl")]
        running.add(3, {"customerId": "a-1"}, ["amount: bad"])  # the load goes on writing, nothing lost
    assert erase_quarantined(folder, "x-1").rows_removed == 1
    rows = [json.loads(line)["row"] for line in (folder / "running.jsonl").read_text().splitlines()]
    assert rows == [{"customerId": "a-1"}]


def test_an_erasure_waiting_for_a_running_load_erases_nothing_yet(
    client: httpx.Client, graph: Store, loads_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(erasure, "QUARANTINE_WAIT_S", 0.2)
    assert client.get("/customers/x-1").status_code == 200  # cached
    with Quarantine(loads_dir / "quarantine" / "running.jsonl", Path("src.csv")) as running:
        running.add(2, {"customerId": "x-1"}, ["amount: bad"])
        refused = client.delete("/customers/x-1")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
        assert refused.json()["error"]["details"]["busyFiles"] == [str(loads_dir / "quarantine" / "running.jsonl")]
        assert client.get("/customers/x-1").status_code == 200  # nothing erased: the graph, the cache are as they were
        assert graph.run_text("MATCH (c:Customer {customerId: 'x-1'}) RETURN count(c) AS n") == [{"n": 1}]
    receipt = client.delete("/customers/x-1").json()  # the load has finished: the same request goes through
    assert receipt["removed"]["customers"] == 1 and receipt["removed"]["quarantinedRows"] == 1
    assert client.get("/customers/x-1").status_code == 404


def test_the_receipt_states_the_transaction_log_retention(
    client: httpx.Client, graph: Store, settings: Settings
) -> None:
    receipt = client.delete("/customers/a-1").json()
    # the group of five goes on as b-1, c-1, d-1, x-1 (x-1 links b-1 and c-1), renamed from a-1 in both runs
    assert receipt["kept"]["renamedProfiles"] == 2
    assert sorted(p["size"] for p in _profiles(graph)) == [4, 4]
    assert all(
        r["into"] == [r["profileId"]] and r["profileId"].endswith(":b-1") for r in receipt["profiles"]["reresolved"]
    )
    conf = (LocalNeo4j(settings).conf_dir / "neo4j.conf").read_text().splitlines()
    written = next(line.split("=", 1)[1] for line in conf if line.startswith("db.tx_log.rotation.retention_policy="))
    assert receipt["transactionLog"]["retentionPolicy"] == written == "1G size"
    assert receipt["transactionLog"]["statement"].startswith(
        "erased data remains in Neo4j's transaction logs until they rotate out, "
        "under db.tx_log.rotation.retention_policy=1G size"
    )


def test_only_the_customers_rows_go_and_every_other_byte_stays(tmp_path: Path) -> None:
    folder = tmp_path / "quarantine"
    folder.mkdir()
    lines = [
        b'{"file": "a.csv", "line": 2, "row": {"customerId": "x-1"}, "reasons": ["r"]}\n',  # goes
        b'{"file": "a.csv", "line": 3, "row": {"customerId": "x-10"}, "reasons": ["r"]}\r\n',  # another id
        b'{"file": "a.csv", "line": 4, "row": {"productId": "x-1"}, "reasons": ["r"]}\n',  # not a customer field
        b"not json at all \xff\xfe\n",  # a broken line is kept as it is
        b'{"file": "e.jsonl", "line": 5, "row": {"customerId": 7}, "reasons": ["r"]}\n',  # a number id
        b'{"file": "r.csv", "line": 6, "row": {"referrerId": "c-1", "referredId": "x-1"}, "reasons": ["r"]}\n',  # goes
        b'["a", "list"]\n',
        b'{"file": "a.csv", "line": 7, "row": {"customerId": "caf\xc3\xa9"}, "reasons": ["r"]}',  # no final newline
    ]
    mixed = folder / "mixed.jsonl"
    mixed.write_bytes(b"".join(lines))
    other = folder / "other.jsonl"
    other.write_bytes(lines[1])
    inode = other.stat().st_ino
    result = erase_quarantined(folder, "x-1")
    assert result.to_dict() == {
        "folder": str(folder),
        "filesScanned": 2,
        "filesRewritten": [{"path": str(mixed), "rowsRemoved": 2}],
        "rowsRemoved": 2,
    }
    assert mixed.read_bytes() == b"".join(lines[1:5] + lines[6:])
    assert other.stat().st_ino == inode  # a file without the customer's rows is not rewritten
    assert erase_quarantined(folder, "7").rows_removed == 1  # ids are compared as text
    assert erase_quarantined(folder, "café").rows_removed == 1
    assert erase_quarantined(tmp_path / "missing", "x-1").to_dict()["filesScanned"] == 0
