"""Events belong to one customer: a second customer claiming an eventId is quarantined (files) or refused with
409 (API), erasure of one customer never touches another's events, and NEXT chains a killed load left behind
are repaired by the next load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from graphengine.config import Settings
from graphengine.load import LoadOptions, LoadReport, load_file
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from tests.integration._files import write_csv, write_jsonl
from tests.integration.test_api_harness import API_KEY, base_url

KEY = {"X-API-Key": API_KEY}
CUSTOMERS = [f"C00000{i}" for i in range(1, 8)]


def _load(store: Store, settings: Settings, tmp: Path, kind: str, path: Path) -> LoadReport:
    options = LoadOptions(source="test", out_dir=tmp / "out")
    report = load_file(store, kind, path, options, salt=settings.hash_salt.get_secret_value())
    assert report.balanced, report.to_dict()
    return report


def _base(store: Store, settings: Settings, tmp: Path) -> None:
    _load(store, settings, tmp, "customers", write_csv(tmp / "c.csv", [{"customerId": c} for c in CUSTOMERS]))
    _load(store, settings, tmp, "channels", write_csv(tmp / "ch.csv", [{"channelId": "web", "kind": "web"}]))


def _event(event_id: str, customer: str, minute: int = 0) -> dict[str, Any]:
    return {
        "eventId": event_id,
        "customerId": customer,
        "type": "visit",
        "channelId": "web",
        "at": f"2026-01-01T10:{minute:02d}:00Z",
    }


def _owners(store: Store) -> dict[str, list[str]]:
    rows = store.run_text(
        "MATCH (c:Customer)-[:PERFORMED]->(e:Event) RETURN e.eventId AS e, collect(c.customerId) AS owners"
    )
    return {r["e"]: sorted(r["owners"]) for r in rows}


def chain_faults(store: Store) -> list[str]:
    """Customers whose NEXT chain is not exactly their events in (at, eventId) order."""
    rows = store.run_text(
        "MATCH (c:Customer) "
        "CALL (c) { MATCH (c)-[:PERFORMED]->(e:Event) WITH e ORDER BY e.at, e.eventId RETURN collect(e) AS events } "
        "CALL (events) { UNWIND range(0, size(events) - 2) AS i WITH events[i] AS a, events[i + 1] AS b "
        "  RETURN count(CASE WHEN NOT EXISTS { (a)-[:NEXT]->(b) } THEN 1 END) AS gaps } "
        "WITH c, size(events) AS n, gaps, COUNT { (c)-[:PERFORMED]->(:Event)-[:NEXT]->() } AS links "
        "WHERE gaps > 0 OR links <> CASE WHEN n = 0 THEN 0 ELSE n - 1 END RETURN c.customerId AS id"
    )
    return [r["id"] for r in rows]


def test_a_second_customer_claiming_an_event_in_one_file_is_quarantined(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    rows = [_event("e1", "C000005", 1), _event("e1", "C000006", 2), _event("e2", "C000006", 3)]
    report = _load(store, settings, tmp_path, "events", write_jsonl(tmp_path / "ev.jsonl", rows))
    assert (report.loaded, report.quarantined) == (2, 1)
    assert _owners(store) == {"e1": ["C000005"], "e2": ["C000006"]}
    [bad] = read_quarantine(Path(report.quarantine_file or ""))
    assert bad["line"] == 2 and any("another customer" in r for r in bad["reasons"])
    assert chain_faults(store) == []
    # erasure of C000005 leaves C000006's events intact
    store.write("erasure.delete_customer", {"customerId": "C000005"})
    assert _owners(store) == {"e2": ["C000006"]}


def test_a_later_file_cannot_take_an_event_from_its_owner(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    _load(store, settings, tmp_path, "events", write_jsonl(tmp_path / "a.jsonl", [_event("e1", "C000001")]))
    again = [_event("e1", "C000002", 5), _event("e1", "C000001", 7)]  # a thief, then a correction of the time
    report = _load(store, settings, tmp_path, "events", write_jsonl(tmp_path / "b.jsonl", again))
    assert report.quarantined == 1
    assert _owners(store) == {"e1": ["C000001"]}
    assert store.run_text("MATCH (e:Event {eventId: 'e1'}) RETURN e.at.minute AS m")[0]["m"] == 7


# ------------------------------------------------------------------------------------------ API
def test_the_api_refuses_a_claimed_event_with_409_and_writes_nothing(
    keyed_server: uvicorn.Server, store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    with httpx.Client(base_url=base_url(keyed_server), timeout=30) as http:
        first = http.post("/events", json={"events": [_event("e1", "C000005")]}, headers=KEY)
        assert first.status_code == 201
        claim = http.post("/events", json={"events": [_event("e9", "C000006"), _event("e1", "C000006")]}, headers=KEY)
        assert claim.status_code == 409
        error = claim.json()["error"]
        assert error["code"] == "conflict" and "e1" in error["message"]
        assert error["details"]["rejected"][0]["index"] == 1
        same = http.post("/events", json={"events": [_event("e1", "C000005", 9)]}, headers=KEY)
        assert same.status_code == 201, "the owner may correct its event"
    assert _owners(store) == {"e1": ["C000005"]}, "e9 was not written either"


# ------------------------------------------------------------------------------------------ kill -9
def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "GRAPHENGINE_INSTANCE": settings.instance,
        "GRAPHENGINE_BOLT_PORT": str(settings.bolt_port),
        "GRAPHENGINE_HTTP_PORT": str(settings.http_port),
    }


KILLED_FILE = 20_000  # events; the load is killed once 5,000 are written (10 batches of 500), 15,000 before its end


def test_a_killed_event_load_is_repaired_by_a_rerun_and_by_any_later_load(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    rows = [_event(f"k{i:06d}", CUSTOMERS[i % 5], i % 60) for i in range(KILLED_FILE)]
    path = write_jsonl(tmp_path / "big.jsonl", rows)
    cmd = [sys.executable, "-m", "graphengine", "load", "events", str(path), "--source", "kill", "--batch-size", "500"]
    cmd += ["--out-dir", str(tmp_path / "out")]
    proc = subprocess.Popen(cmd, env=_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if store.run_text("MATCH (e:Event) RETURN count(e) AS n")[0]["n"] >= 5_000:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    written = store.run_text("MATCH (e:Event) RETURN count(e) AS n")[0]["n"]
    assert 0 < written < KILLED_FILE
    assert chain_faults(store), "the killed load left chains unlinked"
    # any later load (here one event of another customer) repairs what the killed load left
    _load(store, settings, tmp_path, "events", write_jsonl(tmp_path / "one.jsonl", [_event("z1", "C000007")]))
    assert chain_faults(store) == []
    # and a re-run completes the file with exact counts
    report = _load(store, settings, tmp_path, "events", path)
    assert report.loaded == KILLED_FILE
    assert store.run_text("MATCH (e:Event) RETURN count(e) AS n")[0]["n"] == KILLED_FILE + 1
    assert store.run_text("MATCH ()-[r:PERFORMED]->() RETURN count(r) AS n")[0]["n"] == KILLED_FILE + 1
    assert store.run_text("MATCH ()-[r:NEXT]->() RETURN count(r) AS n")[0]["n"] == KILLED_FILE - 5
    assert chain_faults(store) == []
