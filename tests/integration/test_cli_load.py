"""`graphengine load` from the command line: reports, exit codes, refusal, mapping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graphengine.config import Settings
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return run_graphengine(settings, *args)


def test_load_json_report_and_exit_codes(store: Store, settings: Settings, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "p.csv", [{"sku": "p1", "price": "3"}, {"sku": "p2", "price": "4"}])
    proc = _cli(
        settings,
        "load",
        "products",
        str(good),
        "--source",
        "erp",
        "--map",
        "sku=productId",
        "--json",
        "--out-dir",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["rows_read"], report["loaded"], report["balanced"]) == (2, 2, True)

    bad = write_csv(tmp_path / "q.csv", [{"productId": "p3", "price": "x"}, {"productId": "p4", "price": "1"}])
    proc = _cli(settings, "load", "products", str(bad), "--source", "erp", "--out-dir", str(tmp_path / "out"))
    assert proc.returncode == 10
    assert "quarantined rows with reasons" in proc.stdout

    secret = write_csv(tmp_path / "s.csv", [{"customerId": "c1", "politicalParty": "X"}])
    proc = _cli(settings, "load", "customers", str(secret), "--source", "crm", "--out-dir", str(tmp_path / "out"))
    assert proc.returncode == 6
    assert "politicalParty" in proc.stderr and "--drop-column politicalParty" in proc.stderr
    proc = _cli(
        settings,
        "load",
        "customers",
        str(secret),
        "--source",
        "crm",
        "--drop-column",
        "politicalParty",
        "--out-dir",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 0, proc.stderr
    props = store.run_text("MATCH (c:Customer {customerId: 'c1'}) RETURN properties(c) AS p")[0]["p"]
    assert "politicalParty" not in props and "X" not in props.values()


def test_unknown_kind_and_stopped_server(settings: Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [{"productId": "p1"}])
    assert _cli(settings, "load", "widgets", str(path), "--source", "s").returncode == 7
    env_port = str(settings.bolt_port + 1000)
    proc = subprocess.run(
        [sys.executable, "-m", "graphengine", "load", "products", str(path), "--source", "s"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "GRAPHENGINE_BOLT_PORT": env_port, "GRAPHENGINE_RETRY_TIME_S": "0"},
    )
    assert proc.returncode == 4
    assert "not reachable" in proc.stderr
