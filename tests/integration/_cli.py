"""Run the project's commands and scripts in a child process against the test instance."""

from __future__ import annotations

import os
import subprocess
import sys

from graphengine.config import Settings


def run_python(
    settings: Settings, *args: str, timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python *args`` with the test instance's settings in the environment (wide output for tables);
    ``stdin`` answers prompts."""
    env = {
        **os.environ,
        "GRAPHENGINE_INSTANCE": settings.instance,
        "GRAPHENGINE_BOLT_PORT": str(settings.bolt_port),
        "GRAPHENGINE_HTTP_PORT": str(settings.http_port),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, *args], input=stdin, capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def run_graphengine(
    settings: Settings, *args: str, timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m graphengine *args`` against the test instance."""
    return run_python(settings, "-m", "graphengine", *args, timeout=timeout, stdin=stdin)
