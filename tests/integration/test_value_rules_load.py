"""The value rules hold in every reader and the API: non-finite and out-of-range numbers, impossible times and
offsets are quarantined with their reason (files) or refused with 422 (API); nothing of them is stored, and
what is stored can be read back by the driver. Zone-less times follow --timezone; epochs need --epoch."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import uvicorn

from graphengine.config import Settings
from graphengine.load import LoadOptions, LoadReport, load_file
from graphengine.load.quarantine import read_quarantine
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv
from tests.integration.test_api_harness import API_KEY, base_url

GOOD = {"orderId": "o1", "customerId": "c1", "productId": "p1", "amount": 10.0, "at": "2026-01-01T10:00:00Z"}
BAD_AMOUNTS: list[Any] = [float("inf"), float("-inf"), float("nan"), 1e308, -1.0]
BAD_TIMES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-01-01T10:00:00+23:00"]


def _base(store: Store, settings: Settings, tmp: Path) -> None:
    salt = settings.hash_salt.get_secret_value()
    options = LoadOptions(source="test", out_dir=tmp / "out")
    load_file(store, "customers", write_csv(tmp / "c.csv", [{"customerId": "c1"}]), options, salt=salt)
    load_file(store, "products", write_csv(tmp / "p.csv", [{"productId": "p1"}]), options, salt=salt)
    load_file(store, "channels", write_csv(tmp / "ch.csv", [{"channelId": "web", "kind": "web"}]), options, salt=salt)


def _rows() -> list[dict[str, Any]]:
    rows = [dict(GOOD)]
    rows += [{**GOOD, "orderId": f"a{i}", "amount": amount} for i, amount in enumerate(BAD_AMOUNTS)]
    rows += [{**GOOD, "orderId": f"t{i}", "at": at} for i, at in enumerate(BAD_TIMES)]
    return rows


def _load(store: Store, settings: Settings, tmp: Path, path: Path) -> LoadReport:
    options = LoadOptions(source="test", out_dir=tmp / "out")
    return load_file(store, "purchases", path, options, salt=settings.hash_salt.get_secret_value())


def _check(store: Store, report: LoadReport) -> None:
    assert (report.loaded, report.quarantined) == (1, len(BAD_AMOUNTS) + len(BAD_TIMES)), report.to_dict()
    reasons = [r["reasons"][0] for r in read_quarantine(Path(report.quarantine_file or ""))]
    assert all(r.startswith(("amount:", "at:")) for r in reasons), reasons
    rows = store.run_text("MATCH (c)-[r:PURCHASED]->(p) RETURN r.amount AS amount, r.lastAt AS lastAt")
    assert [row["amount"] for row in rows] == [10.0]


def test_csv_reader(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    _check(store, _load(store, settings, tmp_path, write_csv(tmp_path / "lines.csv", _rows())))


def test_jsonl_reader_with_json_infinity_literals(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    path = tmp_path / "lines.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")  # Infinity / NaN literals
    assert "Infinity" in path.read_text(encoding="utf-8")
    _check(store, _load(store, settings, tmp_path, path))


def test_parquet_reader(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    rows = _rows()
    table = pa.table({k: [str(r[k]) if k == "at" else r[k] for r in rows] for k in GOOD})
    pq.write_table(table, tmp_path / "lines.parquet")
    _check(store, _load(store, settings, tmp_path, tmp_path / "lines.parquet"))


def test_the_api_refuses_the_same_values(
    keyed_server: uvicorn.Server, store: Store, settings: Settings, tmp_path: Path
) -> None:
    _base(store, settings, tmp_path)
    event = {"eventId": "e1", "customerId": "c1", "type": "visit", "channelId": "web", "at": GOOD["at"]}
    bodies = [json.dumps({"purchases": [{**GOOD, "amount": a}]}) for a in BAD_AMOUNTS]
    bodies += [json.dumps({"purchases": [{**GOOD, "at": at}]}) for at in BAD_TIMES]
    bodies += [json.dumps({"events": [{**event, "value": v}]}) for v in (float("nan"), float("-inf"), 1e300)]
    bodies.append(json.dumps({"purchases": [{**GOOD, "amount": 1e308}, {**GOOD, "orderId": "o2", "amount": 1e308}]}))
    with httpx.Client(base_url=base_url(keyed_server), timeout=30) as http:
        for body in bodies:
            headers = {"X-API-Key": API_KEY, "Content-Type": "application/json"}
            response = http.post("/events", content=body, headers=headers)
            assert response.status_code == 422, body
            assert response.json()["error"]["code"] == "validation_failed"
    assert store.run_text("MATCH (n) WHERE n:OrderLine OR n:Event RETURN count(n) AS n")[0]["n"] == 0


def test_cli_timezone_and_epoch_options(store: Store, settings: Settings, tmp_path: Path) -> None:
    _base(store, settings, tmp_path)
    naive = write_csv(tmp_path / "naive.csv", [{**GOOD, "at": "2026-07-01 12:00:00"}])
    args = ("load", "purchases", str(naive), "--source", "t", "--out-dir", str(tmp_path / "out"))
    done = run_graphengine(settings, *args, "--timezone", "Europe/Stockholm")
    assert done.returncode == 0, done.stderr
    at = store.run_text("MATCH (l:OrderLine {lineId: 'o1:p1'}) RETURN l.at.epochSeconds AS at")
    assert at == [{"at": int(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC).timestamp())}]
    epoch = write_csv(tmp_path / "epoch.csv", [{**GOOD, "orderId": "e1", "at": "1767261600"}])
    args = ("load", "purchases", str(epoch), "--source", "t", "--out-dir", str(tmp_path / "out"))
    refused = run_graphengine(settings, *args)
    assert refused.returncode == 10, refused.stderr
    accepted = run_graphengine(settings, *args, "--epoch", "s")
    assert accepted.returncode == 0, accepted.stderr
    at = store.run_text("MATCH (l:OrderLine {lineId: 'e1:p1'}) RETURN l.at.epochSeconds AS at")
    assert at == [{"at": 1_767_261_600}]
    bad_zone = run_graphengine(settings, *args, "--timezone", "Mars/Olympus")
    assert bad_zone.returncode == 3 and "time zone" in bad_zone.stderr and "Traceback" not in bad_zone.stderr
