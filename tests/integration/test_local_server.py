"""The project-provisioned server: status, idempotent start, APOC, Neo4j Browser."""

import json
import subprocess
import sys

import httpx

from graphengine.config import Settings
from graphengine.store import LocalNeo4j, Store


def test_start_twice_is_a_no_op(settings: Settings, session_store: Store) -> None:
    local = LocalNeo4j(settings)
    pid = local.pid()
    assert pid is not None
    assert local.start() is False
    assert local.pid() == pid


def test_status_cli_reports_versions(settings: Settings, session_store: Store) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "graphengine", "neo4j", "status", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "GRAPHENGINE_INSTANCE": settings.instance,
            "GRAPHENGINE_BOLT_PORT": str(settings.bolt_port),
            "GRAPHENGINE_HTTP_PORT": str(settings.http_port),
        },
    )
    status = json.loads(proc.stdout)
    assert status["running"] is True
    assert status["versions"]["neo4j"] == status["installed"]["neo4j"]
    assert status["versions"]["apoc"] == status["installed"]["apoc"]
    assert status["versions"]["gds"] == status["installed"]["gds"]


def test_apoc_answers(session_store: Store) -> None:
    assert session_store.query("store.get_apoc_version")[0]["version"].startswith("5.26.")


def test_gds_answers_and_its_procedures_are_registered(session_store: Store) -> None:
    assert session_store.query("store.get_gds_version")[0]["version"].startswith("2.13.")
    names = {
        row["name"]
        for row in session_store.run_text("SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' RETURN name")
    }
    assert {"gds.pageRank.stream", "gds.leiden.stream", "gds.betweenness.stream", "gds.wcc.stream"} <= names


def test_neo4j_browser_is_served(settings: Settings, session_store: Store) -> None:
    response = httpx.get(settings.browser_url, timeout=10)
    assert response.status_code == 200
    assert "<title>Neo4j Browser</title>" in response.text
    discovery = httpx.get(f"http://127.0.0.1:{settings.http_port}/", timeout=10).json()
    assert discovery["bolt_direct"] == f"bolt://127.0.0.1:{settings.bolt_port}"
    assert discovery["neo4j_edition"] == "community"


def test_logs_are_readable(settings: Settings, session_store: Store) -> None:
    # GDS logs a start and finish line per algorithm call, so the start-up line is looked for in the whole log
    log = LocalNeo4j(settings).logs(1_000_000)
    assert "Started." in log
    assert len(LocalNeo4j(settings).logs(3).splitlines()) == 3
