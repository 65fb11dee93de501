"""The project-provisioned Neo4j Community server: assembled from Maven Central, run without Docker.

Layout under ``settings.home`` (default ``.graphengine/``)::

    m2/                      project-local Maven repository (a second install is offline)
    neo4j/lib, neo4j/plugins server, Neo4j Browser, APOC and GDS jars, shared by all instances
    neo4j/installed.json     what was installed, and the pom's checksum
    instances/<name>/        conf/neo4j.conf, data/, logs/, run/neo4j.pid, import/, dumps/ (taken before an import)

``make demo`` uses instance ``default``; the test suite uses instance ``test`` on other ports, so tests never
touch the demo graph.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graphengine.config import Settings
from graphengine.errors import ConfigError, LocalServerError
from graphengine.store.procedure_jars import procedure_plugins_dir

POM = Path(__file__).resolve().parent.parent / "neo4j" / "pom.xml"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.server.startup.Neo4jAdminCommand"

# The JVM flags of the Neo4j 5 distribution's neo4j.conf that matter on Java 17/21.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    bolt_uri: str
    browser_url: str
    installed: dict[str, str]


def _port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


class LocalNeo4j:
    """Install, configure, start, stop and inspect one local Neo4j instance."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = Path(settings.home).resolve()
        self.server_dir = self.home / "neo4j"
        self.instance_dir = self.home / "instances" / settings.instance
        self.conf_dir = self.instance_dir / "conf"
        self.procedure_dir = self.instance_dir / "procedure-plugins"  # what the server scans (see procedure_jars)
        self.data_dir = self.instance_dir / "data"
        self.logs_dir = self.instance_dir / "logs"
        self.run_dir = self.instance_dir / "run"
        self.import_dir = self.instance_dir / "import"
        self.dumps_dir = self.instance_dir / "dumps"
        self.pid_file = self.run_dir / "neo4j.pid"
        self.stamp = self.server_dir / "installed.json"

    # ----------------------------------------------------------------------------------- install
    def _pom_checksum(self) -> str:
        return hashlib.sha256(POM.read_bytes()).hexdigest()

    def installed(self) -> dict[str, str]:
        """What ``install`` recorded, or an empty dict when nothing (or an outdated pom) is installed."""
        if not self.stamp.exists():
            return {}
        info: dict[str, str] = json.loads(self.stamp.read_text())
        return info if info.get("pomSha256") == self._pom_checksum() else {}

    def install(self, *, force: bool = False) -> dict[str, str]:
        """Fill ``neo4j/lib`` and ``neo4j/plugins`` from Maven Central; a no-op when already installed."""
        if self.installed() and not force:
            return self.installed()
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ConfigError("Maven (mvn) is not installed; run `make` targets, or apt-get install maven")
        self._java()
        for sub in ("lib", "plugins"):
            shutil.rmtree(self.server_dir / sub, ignore_errors=True)
        cmd = [
            mvn,
            "-B",
            "-q",
            "-f",
            str(POM),
            f"-Dmaven.repo.local={self.home / 'm2'}",
            f"-Dneo4j.home={self.server_dir}",
            "package",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr)[-3000:]
            raise LocalServerError(f"Maven could not assemble Neo4j (exit {proc.returncode}):\n{tail}")
        info = {"pomSha256": self._pom_checksum(), **self._versions_from_jars()}
        self.stamp.write_text(json.dumps(info, indent=2))
        return info

    def _versions_from_jars(self) -> dict[str, str]:
        found: dict[str, str] = {}
        patterns = {
            "neo4j": "neo4j-kernel-",
            "apoc": "apoc-core-",
            "gds": "opengds-extension-",
            "browser": "neo4j-browser-",
        }
        jars = [*(self.server_dir / "lib").glob("*.jar"), *(self.server_dir / "plugins").glob("*.jar")]
        for key, prefix in patterns.items():
            for jar in jars:
                rest = jar.name.removeprefix(prefix)
                if rest != jar.name and rest[:1].isdigit():
                    found[key] = rest.removesuffix(".jar")
        return found

    # ----------------------------------------------------------------------------------- config
    def _java(self) -> str:
        java_home = self.settings.java_home or (Path(os.environ["JAVA_HOME"]) if "JAVA_HOME" in os.environ else None)
        java = str(java_home / "bin" / "java") if java_home else shutil.which("java")
        if not java or not Path(java).exists():
            raise ConfigError("Java 17 or 21 is needed for Neo4j 5; install it (make does: openjdk-17-jre-headless)")
        return java

    def write_config(self) -> Path:
        for d in (self.conf_dir, self.data_dir, self.logs_dir, self.run_dir, self.import_dir):
            d.mkdir(parents=True, exist_ok=True)
        s = self.settings
        lines = [
            "# Written by `graphengine neo4j start`; edit the GRAPHENGINE_* settings instead.",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{s.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{s.http_port}",
            f"server.bolt.advertised_address=127.0.0.1:{s.bolt_port}",
            f"server.http.advertised_address=127.0.0.1:{s.http_port}",
            "server.https.enabled=false",
            f"server.memory.heap.initial_size={s.heap_size}",
            f"server.memory.heap.max_size={s.heap_size}",
            f"server.memory.pagecache.size={s.pagecache_size}",
            "dbms.security.auth_enabled=true",
            "dbms.security.procedures.unrestricted=apoc.*,gds.*",
            "dbms.security.procedures.allowlist=apoc.*,gds.*",
            "dbms.usage_report.enabled=false",
            "db.tx_log.rotation.retention_policy=1G size",
            "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",  # stop at once, not after 5 s of quiet
            f"server.directories.data={self.data_dir}",
            f"server.directories.logs={self.logs_dir}",
            f"server.directories.run={self.run_dir}",
            f"server.directories.import={self.import_dir}",
            f"server.directories.plugins={procedure_plugins_dir(self.server_dir / 'plugins', self.procedure_dir)}",
            f"server.directories.lib={self.server_dir / 'lib'}",
        ]
        if s.transaction_memory_max is not None:
            lines.append(f"db.memory.transaction.max={s.transaction_memory_max}")
        conf = self.conf_dir / "neo4j.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def _classpath(self) -> str:
        return ":".join(str(p) for p in (self.server_dir / "plugins/*", self.conf_dir / "*", self.server_dir / "lib/*"))

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.instance_dir), "NEO4J_CONF": str(self.conf_dir)}

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``neo4j-admin`` (for example ``database import full``) against this instance."""
        cmd = [self._java(), "-cp", self._classpath(), ADMIN_ENTRY_POINT, *args]
        return subprocess.run(cmd, capture_output=True, text=True, env=self._env(), check=False)

    def dump_database(self, database: str = "neo4j") -> Path:
        """Dump ``database`` of the stopped server to ``dumps/<database>-<UTC time>.dump``; returns the file."""
        if self.pid() is not None:
            raise LocalServerError("the server must be stopped before its database is dumped")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        staging = self.dumps_dir / f".dump-{stamp}"
        staging.mkdir(parents=True)
        try:
            proc = self.admin("database", "dump", database, f"--to-path={staging}", "--overwrite-destination=true")
            if proc.returncode != 0:
                raise LocalServerError(f"neo4j-admin database dump failed: {(proc.stdout + proc.stderr)[-2000:]}")
            target = self.dumps_dir / f"{database}-{stamp}.dump"
            (staging / f"{database}.dump").rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def load_database(self, dump: Path, database: str = "neo4j") -> None:
        """Replace ``database`` of the stopped server with the dump file ``dump`` (from :meth:`dump_database`)."""
        if self.pid() is not None:
            raise LocalServerError("the server must be stopped before a dump is loaded")
        staging = self.dumps_dir / f".load-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S.%fZ')}"
        staging.mkdir(parents=True)
        try:
            try:
                os.link(dump, staging / f"{database}.dump")
            except OSError:
                shutil.copyfile(dump, staging / f"{database}.dump")
            proc = self.admin("database", "load", database, f"--from-path={staging}", "--overwrite-destination=true")
            if proc.returncode != 0:
                raise LocalServerError(f"neo4j-admin database load failed: {(proc.stdout + proc.stderr)[-2000:]}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _set_initial_password(self) -> None:
        if (self.data_dir / "databases" / "system").exists():
            return
        proc = self.admin("dbms", "set-initial-password", self.settings.neo4j_password.get_secret_value())
        if proc.returncode != 0:
            raise LocalServerError(f"neo4j-admin set-initial-password failed: {proc.stderr.strip()[-1000:]}")

    # ----------------------------------------------------------------------------------- run
    def pid(self) -> int | None:
        """The running server's pid; a stale pid file is removed."""
        if not self.pid_file.exists():
            return None
        try:
            pid = int(self.pid_file.read_text().strip())
        except ValueError:
            pid = -1
        if pid > 0 and _pid_alive(pid):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def start(self) -> bool:
        """Start in the background and wait for Bolt. Returns False when it was already running."""
        if not self.settings.managed:
            raise ConfigError("GRAPHENGINE_NEO4J_URI points at an existing server; nothing to start locally")
        if self.pid() is not None:
            return False
        s = self.settings
        for port in (s.bolt_port, s.http_port):
            if _port_open(port):
                raise LocalServerError(
                    f"port {port} on 127.0.0.1 is already in use by another process; stop it or set "
                    "GRAPHENGINE_BOLT_PORT / GRAPHENGINE_HTTP_PORT",
                    details={"port": port},
                )
        if not self.installed():
            self.install()
        self.write_config()
        self._set_initial_password()
        cmd = [
            self._java(),
            f"-Xms{s.heap_size}",
            f"-Xmx{s.heap_size}",
            *JVM_FLAGS,
            "-cp",
            self._classpath(),
            ENTRY_POINT,
            f"--home-dir={self.instance_dir}",
            f"--config-dir={self.conf_dir}",
        ]
        pid = self._spawn_detached(cmd, self.logs_dir / "console.log")
        self.pid_file.write_text(str(pid))
        deadline = time.monotonic() + s.start_timeout_s
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                self.pid_file.unlink(missing_ok=True)
                raise LocalServerError(
                    f"Neo4j exited while starting; see {self.log_path()}",
                    details={"log": str(self.log_path()), "tail": self.logs(40)},
                )
            if _port_open(s.bolt_port):
                return True
            time.sleep(0.25)
        self.stop()
        raise LocalServerError(
            f"Neo4j did not answer on Bolt port {s.bolt_port} within {s.start_timeout_s:.0f}s; see {self.log_path()}",
            details={"log": str(self.log_path())},
        )

    def _spawn_detached(self, cmd: list[str], console: Path) -> int:
        """Run ``cmd`` as a daemon (its own session, re-parented to init) and return its pid."""
        launcher = 'exec "$@" </dev/null >>"$LOG" 2>&1 &\necho $!'
        proc = subprocess.run(
            ["setsid", "sh", "-c", launcher, "neo4j-launcher", *cmd],
            env={**self._env(), "LOG": str(console)},
            cwd=self.instance_dir,
            capture_output=True,
            text=True,
            check=True,
        )
        return int(proc.stdout.strip())

    def stop(self, timeout_s: float = 60.0) -> bool:
        """Shut down cleanly (SIGTERM, then SIGKILL after ``timeout_s``). Returns False when not running."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.2)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def status(self) -> ServerStatus:
        return ServerStatus(
            running=self.pid() is not None and _port_open(self.settings.bolt_port),
            pid=self.pid(),
            bolt_uri=self.settings.bolt_uri,
            browser_url=self.settings.browser_url,
            installed=self.installed(),
        )

    def log_path(self) -> Path:
        return self.logs_dir / "neo4j.log"

    def logs(self, lines: int = 50) -> str:
        """The last ``lines`` of the server log (and of the console log when the server log is absent)."""
        for path in (self.log_path(), self.logs_dir / "console.log"):
            if path.exists() and path.stat().st_size:
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return ""


__all__ = ["JVM_FLAGS", "LocalNeo4j", "ServerStatus"]
