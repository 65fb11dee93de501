import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from graphengine.config import Settings, get_settings


def test_defaults_are_a_managed_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GRAPHENGINE_NEO4J_URI", "GRAPHENGINE_BOLT_PORT", "GRAPHENGINE_HTTP_PORT"):
        monkeypatch.delenv(var, raising=False)
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.managed
    assert s.bolt_uri == "bolt://127.0.0.1:7687"
    assert s.browser_url == "http://127.0.0.1:7474/browser/"
    assert s.neo4j_user == "neo4j"


def test_env_prefix_and_external_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHENGINE_NEO4J_URI", "neo4j+s://abc.databases.example:7687")
    monkeypatch.setenv("GRAPHENGINE_BATCH_SIZE", "5000")
    s = get_settings()
    assert not s.managed
    assert s.bolt_uri == "neo4j+s://abc.databases.example:7687"
    assert s.batch_size == 5000


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAPHENGINE_HTTP_PORT", raising=False)
    env = tmp_path / ".env"
    env.write_text('GRAPHENGINE_HTTP_PORT=9474\nGRAPHENGINE_API_KEYS=["k1","k2"]\n')
    s = Settings(_env_file=env)  # type: ignore[call-arg]
    assert s.http_port == 9474
    assert s.api_keys == ["k1", "k2"]


@pytest.mark.parametrize(
    "field,value",
    [("neo4j_uri", "http://localhost:7474"), ("bolt_port", 0), ("heap_size", "2 GB"), ("instance", "../x")],
)
def test_invalid_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **{field: value})  # type: ignore[arg-type]


def test_importing_reads_no_settings() -> None:
    """A broken environment must not break `import graphengine`; only get_settings() reads it."""
    code = (
        "import graphengine, graphengine.cli\n"
        "try:\n    graphengine.get_settings()\nexcept Exception as e:\n    print(type(e).__name__)\n"
    )
    env = {"GRAPHENGINE_BOLT_PORT": "not-a-port", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "ValidationError"
