"""The local server's configuration and process bookkeeping (no server is started here)."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

from graphengine.errors import ConfigError, LocalServerError
from graphengine.store.local_server import LocalNeo4j
from tests.conftest import make_test_settings


def _local(tmp_path: Path, **overrides: object) -> LocalNeo4j:
    return LocalNeo4j(make_test_settings(home=tmp_path, **overrides))


def test_config_uses_5x_keys_and_loopback_only(tmp_path: Path) -> None:
    local = _local(tmp_path, bolt_port=17687, http_port=17474, heap_size="3g", pagecache_size="768m")
    conf = local.write_config().read_text()
    settings = dict(line.split("=", 1) for line in conf.splitlines() if line and not line.startswith("#"))
    assert settings["server.bolt.listen_address"] == "127.0.0.1:17687"
    assert settings["server.http.listen_address"] == "127.0.0.1:17474"
    assert settings["server.default_listen_address"] == "127.0.0.1"
    assert settings["server.memory.heap.max_size"] == "3g"
    assert settings["server.memory.pagecache.size"] == "768m"
    assert settings["dbms.security.procedures.unrestricted"] == "apoc.*,gds.*"
    assert settings["dbms.security.auth_enabled"] == "true"
    assert not any(key.startswith("dbms.connector") for key in settings), "4.x keys are not accepted by 5.x"
    assert Path(settings["server.directories.data"]).is_relative_to(tmp_path)
    uncapped = _local(tmp_path, transaction_memory_max=None).write_config().read_text()
    assert "db.memory.transaction.max" not in uncapped, "no cap unless configured"
    capped = _local(tmp_path, transaction_memory_max="128m").write_config().read_text()
    assert "db.memory.transaction.max=128m" in capped.splitlines()


def test_stale_pid_file_is_removed(tmp_path: Path) -> None:
    local = _local(tmp_path)
    local.run_dir.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    local.pid_file.write_text(str(dead.pid))
    assert local.pid() is None
    assert not local.pid_file.exists()
    local.pid_file.write_text("garbage")
    assert local.pid() is None


def test_live_pid_is_reported(tmp_path: Path) -> None:
    local = _local(tmp_path)
    local.run_dir.mkdir(parents=True)
    local.pid_file.write_text(str(os.getpid()))
    assert local.pid() == os.getpid()


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        local = _local(tmp_path, bolt_port=port, http_port=port + 1 if port < 65535 else port - 1)
        with pytest.raises(LocalServerError, match=f"port {port} .* already in use"):
            local.start()
    assert not local.pid_file.exists()


def test_external_server_is_never_started(tmp_path: Path) -> None:
    local = _local(tmp_path, neo4j_uri="neo4j://cluster.example:7687")
    with pytest.raises(ConfigError, match="existing server"):
        local.start()


def test_nothing_installed_reports_empty(tmp_path: Path) -> None:
    local = _local(tmp_path)
    assert local.installed() == {}
    assert local.logs() == ""
    assert local.stop() is False
