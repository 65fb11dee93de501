"""Inputs that used to crash `graphengine load` with a traceback: each now ends in a one-line error or a
quarantined row, a report that adds up, exact counts in the graph, and a safe re-run."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv, write_jsonl


def _load(settings: Settings, kind: str, path: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_graphengine(settings, "load", kind, str(path), "--source", "erp", "--out-dir", str(out), *args)


def _reports(out: Path) -> list[dict[str, Any]]:
    """Every report in ``out/reports``, oldest first."""
    paths = sorted((out / "reports").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    return [json.loads(p.read_text()) for p in paths]


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def _count(store: Store, label: str) -> int:
    return int(store.run_text(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"])


def _balanced(report: dict[str, Any]) -> None:
    assert report["balanced"], report
    parts = report["loaded"] + report["quarantined"] + report["duplicates"] + report["not_written"]
    assert report["rows_read"] == parts, report


def test_cp1252_csv_stops_at_its_line_with_a_hint_and_loads_with_encoding(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes("productId,name,price\np1,Mug,5\np2,Kettle,30\np3,Café crème,4\np4,Tea,2\n".encode("cp1252"))
    out = tmp_path / "out"
    proc = _load(settings, "products", path, out)
    assert proc.returncode == 6, proc.stderr
    line = _one_line_error(proc)
    assert "products.csv line 4 is not valid utf-8" in line and "--encoding cp1252" in line, line
    [report] = _reports(out)
    assert "line 4" in report["stopped"] and report["rerun_safe"] is True
    assert (report["rows_read"], report["loaded"], report["not_written"], report["batches"]) == (2, 2, 0, 1)
    _balanced(report)
    assert "stopped: " in proc.stdout and "a re-run is safe" in proc.stdout
    assert _count(store, "Product") == 2  # the rows before the bad line stay loaded

    proc = _load(settings, "products", path, out, "--encoding", "cp1252")
    assert proc.returncode == 0, proc.stderr
    assert _count(store, "Product") == 4
    names = store.run_text("MATCH (p:Product {productId: 'p3'}) RETURN p.name AS name")
    assert names == [{"name": "Café crème"}]


def test_jsonl_with_invalid_utf8_stops_at_its_line(store: Store, settings: Settings, tmp_path: Path) -> None:
    good = [json.dumps({"productId": f"p{i}", "price": 1}).encode() for i in range(1, 1100)]
    bad = b'{"productId": "p1100", "name": "Cr\xe8me"}'
    rest = [json.dumps({"productId": f"p{i}", "price": 1}).encode() for i in range(1101, 1106)]
    path = tmp_path / "products.jsonl"
    path.write_bytes(b"\n".join([*good, bad, *rest]) + b"\n")
    out = tmp_path / "out"
    proc = _load(settings, "products", path, out, "--batch-size", "500")
    assert proc.returncode == 6, proc.stderr
    line = _one_line_error(proc)
    assert "line 1100" in line and "byte e8" in line and "--encoding cp1252" in line, line
    [report] = _reports(out)
    assert (report["rows_read"], report["loaded"], report["batches"], report["not_written"]) == (1099, 1099, 3, 0)
    _balanced(report)
    assert _count(store, "Product") == 1099

    proc = _load(settings, "products", path, out, "--encoding", "cp1252")
    assert proc.returncode == 0, proc.stderr
    assert _count(store, "Product") == 1105
    assert store.run_text("MATCH (p:Product {productId: 'p1100'}) RETURN p.name AS n") == [{"n": "Crème"}]


def test_oversize_fields_are_quarantined_and_the_rest_loads(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [
        {"productId": "p1", "name": "Mug", "notes": "fine"},
        {"productId": "p2", "name": "x" * 200_000, "notes": ""},  # over the old 131,072 limit
        {"productId": "p3", "name": "Tent", "notes": "y" * 1_200_000},  # over the CSV reader's 1 MiB limit
        {"productId": "p4", "name": "Tea", "notes": "z" * 70_000},  # over the 65,536 field maximum
        {"productId": "p5", "name": "Pot", "notes": "ok"},
    ]
    path = write_csv(tmp_path / "products.csv", rows)
    out = tmp_path / "out"
    proc = _load(settings, "products", path, out, "--json")
    assert proc.returncode == 10, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert (report["rows_read"], report["loaded"], report["quarantined"]) == (5, 2, 3)
    _balanced(report)
    assert report["ignored_columns"] == ["notes"]
    quarantined = read_quarantine(Path(report["quarantine_file"]))
    assert [q["line"] for q in quarantined] == [3, 4, 5]
    assert quarantined[0]["reasons"] == ["row: name: 200,000 characters, over the maximum field length of 65,536"]
    assert quarantined[1]["reasons"] == ["row: unreadable CSV record: field larger than field limit (1048576)"]
    assert quarantined[2]["reasons"] == ["row: notes: 70,000 characters, over the maximum field length of 65,536"]
    assert Path(report["quarantine_file"]).stat().st_size < 5_000  # long values are cut short in the quarantine
    assert sorted(r["id"] for r in store.run_text("MATCH (p:Product) RETURN p.productId AS id")) == ["p1", "p5"]


def test_a_file_that_is_not_parquet_is_refused_in_one_line(store: Store, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "products.parquet"
    path.write_bytes(b"productId,price\np1,3\n")
    out = tmp_path / "out"
    proc = _load(settings, "products", path, out)
    assert proc.returncode == 6, proc.stderr
    assert "products.parquet is not a readable Parquet file" in _one_line_error(proc)
    [report] = _reports(out)
    assert "not a readable Parquet file" in report["stopped"] and report["rows_read"] == 0
    assert _count(store, "Product") == 0
    proc = _load(settings, "products", path, out, "--json")  # --json prints the stopped report as JSON
    assert proc.returncode == 6 and "Traceback" not in proc.stderr
    printed = json.loads(proc.stdout)
    assert printed["stopped"] == report["stopped"] and printed["report_file"] != report["report_file"]
    assert Path(printed["report_file"]).exists() and len(_reports(out)) == 2


def test_rows_refused_at_write_time_are_quarantined_and_the_rest_loads(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    """An offset beyond ±18:00 (once a server error that crashed the load) and an eventId another customer owns
    (refused by load.merge_events in its ``rejected`` column): each row is quarantined with its reason."""
    salt = settings.hash_salt.get_secret_value()
    options = LoadOptions(source="crm", out_dir=tmp_path / "base")
    customers = write_csv(tmp_path / "c.csv", [{"customerId": "c1"}, {"customerId": "c2"}])
    load_file(store, "customers", customers, options, salt=salt)
    channels = write_csv(tmp_path / "ch.csv", [{"channelId": "web", "kind": "web"}])
    load_file(store, "channels", channels, options, salt=salt)
    owned = {"eventId": "e3", "customerId": "c2", "type": "visit", "channelId": "web", "at": "2026-02-01T10:00:00Z"}
    load_file(store, "events", write_jsonl(tmp_path / "owned.jsonl", [owned]), options, salt=salt)
    events = [
        {"eventId": f"e{i}", "customerId": "c1", "type": "visit", "channelId": "web", "at": f"2026-03-01T10:0{i}:00Z"}
        for i in range(8)
    ]
    events[5]["at"] = "2026-03-01T10:05:00+23:00"  # an offset Neo4j's datetime() refuses (beyond ±18:00)
    path = write_jsonl(tmp_path / "events.jsonl", events)
    out = tmp_path / "out"
    proc = _load(settings, "events", path, out, "--json")
    assert proc.returncode == 10, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert (report["rows_read"], report["loaded"], report["quarantined"], report["batches"]) == (8, 6, 2, 1)
    assert report["rejected_at_write"] == 1
    _balanced(report)
    rows = {q["row"]["eventId"]: (q["line"], q["reasons"]) for q in read_quarantine(Path(report["quarantine_file"]))}
    assert rows["e3"] == (4, ["eventId: e3 belongs to another customer"])
    assert rows["e5"][0] == 6 and "18" in rows["e5"][1][0]  # the model's (or the server's) offset range
    performed = store.run_text("MATCH (c:Customer)-[:PERFORMED]->(e:Event) RETURN c.customerId AS c, count(e) AS n")
    assert sorted((r["c"], r["n"]) for r in performed) == [("c1", 6), ("c2", 1)]
    chain = store.run_text("MATCH (:Event)-[r:NEXT]->(:Event) RETURN count(r) AS n")[0]["n"]
    assert chain == 5  # c1's six loaded events are chained in time order

    proc = _load(settings, "events", path, out)  # the re-run gives the same graph
    assert proc.returncode == 10, proc.stderr
    assert _count(store, "Event") == 7


def test_a_missing_file_is_one_line_and_exit_2(settings: Settings, tmp_path: Path) -> None:
    proc = _load(settings, "products", tmp_path / "nope.csv", tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    assert _one_line_error(proc) == f"error: source file not found: {tmp_path / 'nope.csv'}"
    assert proc.stdout == ""


def test_files_with_one_stem_keep_their_own_quarantine_and_report(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    january = write_csv(tmp_path / "orders.2026-01.csv", [{"productId": "p1", "price": "x"}, {"productId": "p2"}])
    february = write_csv(tmp_path / "orders.2026-02.csv", [{"productId": "p3", "price": "-1"}, {"productId": "p4"}])
    for path in (january, february, january):
        proc = _load(settings, "products", path, out)
        assert proc.returncode == 10, proc.stderr
        quarantine = next(line for line in proc.stdout.splitlines() if line.startswith("quarantined rows with"))
        report_line = next(line for line in proc.stdout.splitlines() if line.startswith("report: "))
        assert Path(quarantine.split(": ", 1)[1]).exists() and Path(report_line.split(": ", 1)[1]).exists()
    reports = _reports(out)
    assert len(reports) == 3 and len({r["run_id"] for r in reports}) == 3
    files = [Path(r["quarantine_file"]) for r in reports]
    assert [f.name for f in files] == [
        f"products-{p.name}-{r['run_id']}.jsonl" for p, r in zip([january, february, january], reports, strict=True)
    ]
    assert [Path(r["report_file"]).name for r in reports] == [f.name.replace(".jsonl", ".json") for f in files]
    assert sorted(p.name for p in (out / "quarantine").iterdir()) == sorted(f.name for f in files)
    assert [[q["row"]["productId"] for q in read_quarantine(f)] for f in files] == [["p1"], ["p3"], ["p1"]]
    assert _count(store, "Product") == 2


def test_a_stopped_server_still_leaves_a_report(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [{"productId": "p1"}])
    out = tmp_path / "out"
    env = {**os.environ, "GRAPHENGINE_BOLT_PORT": str(settings.bolt_port + 1000), "GRAPHENGINE_RETRY_TIME_S": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", "graphengine", "load", "products", str(path), "--source", "s", "--out-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert proc.returncode == 4
    assert "not reachable" in _one_line_error(proc)
    [report] = _reports(out)
    assert "not reachable" in report["stopped"] and report["rerun_safe"] is True
    assert (report["rows_read"], report["batches"]) == (0, 0)


def test_a_full_disk_stops_the_load_with_its_report(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [{"productId": f"p{i}", "name": "n" * 900, "price": "x" if i >= 100 else "1"} for i in range(300)]
    path = write_csv(tmp_path / "products.csv", rows)
    out = tmp_path / "out"
    limit = 40_000  # bytes per file: the quarantine outgrows it, the report does not

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {
        **os.environ,
        "GRAPHENGINE_INSTANCE": settings.instance,
        "GRAPHENGINE_BOLT_PORT": str(settings.bolt_port),
        "GRAPHENGINE_HTTP_PORT": str(settings.http_port),
        "COLUMNS": "200",
    }
    args = ["load", "products", str(path), "--source", "erp", "--batch-size", "100", "--out-dir", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "graphengine", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        preexec_fn=small_disk,
    )
    assert proc.returncode == 3, proc.stderr
    line = _one_line_error(proc)
    assert "cannot write" in line and "quarantine" in line and "File too large" in line, line
    [report] = _reports(out)
    assert report["stopped"] == line.removeprefix("error: ")
    _balanced(report)
    # the first batch of 100 good rows was written; the second batch's bad rows filled the disk
    assert (report["rows_read"], report["loaded"], report["batches"]) == (200, 100, 1)
    assert 0 < report["quarantined"] < 100 and report["not_written"] == 100 - report["quarantined"]
    text = Path(report["quarantine_file"]).read_text()
    assert text.count("\n") == report["quarantined"]  # every row counted as quarantined is on disk
    assert _count(store, "Product") == 100


def test_a_lone_surrogate_in_json_is_quarantined(store: Store, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "products.jsonl"
    path.write_text('{"productId": "p1"}\n{"productId": "p2", "name": "a\\ud800b"}\n', encoding="utf-8")
    out = tmp_path / "out"
    proc = _load(settings, "products", path, out, "--json")
    assert proc.returncode == 10, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["loaded"], report["quarantined"]) == (1, 1)
    [row] = read_quarantine(Path(report["quarantine_file"]))
    assert row["line"] == 2 and row["reasons"][0].startswith("name: Input should be a valid string")


class _CuttingProxy:
    """A TCP relay to Neo4j that drops every connection, and refuses new ones, once the client has sent
    ``cut_after`` bytes: the database goes away in the middle of a batch."""

    def __init__(self, target_port: int, cut_after: int) -> None:
        self.target_port = target_port
        self.cut_after = cut_after
        self.sent = 0
        self.cut = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, server]
            threading.Thread(target=self._relay, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._relay, args=(server, client, False), daemon=True).start()

    def _relay(self, source: socket.socket, target: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if upstream:
                    with self._lock:
                        self.sent += len(data)
                        crossed = self.sent > self.cut_after
                    if crossed:
                        self.close()
                        return
                target.sendall(data)
        except OSError:
            return

    def close(self) -> None:
        self.cut.set()
        for sock in [self.listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def test_the_database_going_away_mid_load_stops_with_a_report(store: Store, settings: Settings, tmp_path: Path) -> None:
    rows = [{"productId": f"p{i:03d}", "name": "n" * 500, "price": "1"} for i in range(400)]
    path = write_csv(tmp_path / "products.csv", rows)
    out = tmp_path / "out"
    proxy = _CuttingProxy(settings.bolt_port, cut_after=130_000)  # ~2 batches of 100 rows of ~540 bytes get through
    env = {
        **os.environ,
        "GRAPHENGINE_INSTANCE": settings.instance,
        "GRAPHENGINE_BOLT_PORT": str(proxy.port),
        "GRAPHENGINE_RETRY_TIME_S": "0",
    }
    args = ["load", "products", str(path), "--source", "erp", "--batch-size", "100", "--out-dir", str(out)]
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "graphengine", *args],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=env,
        )
    finally:
        proxy.close()
    assert proxy.cut.is_set()
    assert proc.returncode == 4, proc.stderr
    assert "not reachable" in _one_line_error(proc)
    [report] = _reports(out)
    assert "not reachable" in report["stopped"] and report["rerun_safe"] is True
    _balanced(report)
    assert report["batches"] >= 1 and report["loaded"] == 100 * report["batches"] and report["not_written"] > 0
    assert _count(store, "Product") == report["loaded"]  # what the report says was written, and nothing more
    assert "a re-run is safe" in proc.stdout

    proc = _load(settings, "products", path, out)  # the re-run completes the load
    assert proc.returncode == 0, proc.stderr
    assert _count(store, "Product") == 400
