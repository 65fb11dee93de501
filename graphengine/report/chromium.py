"""Headless Chromium (Debian's ``chromium``): find it, and take a screenshot or the rendered DOM of a page.

Chromium always runs headless, sandbox off (it runs as root in CI containers), with no GPU, no first-run UI,
no background networking or component updates, in a throw-away profile directory. When it is missing the
error says how to install it (``apt-get install -y chromium``); set ``GRAPHENGINE_CHROMIUM`` to use another
binary (``google-chrome``, ``chromium-browser``). A missing, crashing or hanging Chromium is a
:class:`ConfigError` (a required tool of the machine does not work).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from graphengine.errors import ConfigError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = "install Debian's chromium (`sudo apt-get install -y chromium`) or set GRAPHENGINE_CHROMIUM"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def find_chromium() -> Path:
    """The Chromium binary: ``GRAPHENGINE_CHROMIUM``, else the first of :data:`CANDIDATES` on the PATH."""
    configured = os.environ.get("GRAPHENGINE_CHROMIUM")
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return Path(configured)
        raise ConfigError(f"GRAPHENGINE_CHROMIUM={configured!r} is not an executable file")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ConfigError(f"headless Chromium is needed but was not found: {INSTALL_HINT}")


def headless_args(profile_dir: Path, *, width: int = 1280, height: int = 900) -> list[str]:
    """The flags every run uses (see the module docstring)."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile_dir}",
        f"--window-size={width},{height}",
    ]


def _run(args: list[str], timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ConfigError(f"headless Chromium did not finish within {timeout_s:.0f} s") from exc
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace")[-800:]
        raise ConfigError(f"headless Chromium failed (exit {done.returncode}): {tail}")
    return done


def screenshot(
    url: str, out: Path, *, width: int = 1280, height: int = 900, budget_ms: int = 8000, timeout_s: float = 120.0
) -> Path:
    """Load ``url``, let it run for ``budget_ms`` of virtual time, save a PNG of the viewport to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ge-chromium-") as profile:
        args = [
            str(find_chromium()),
            *headless_args(Path(profile), width=width, height=height),
            f"--virtual-time-budget={budget_ms}",
            f"--screenshot={out}",
            url,
        ]
        _run(args, timeout_s)
    if not out.is_file() or out.read_bytes()[:8] != PNG_MAGIC:
        raise ConfigError(f"headless Chromium wrote no PNG screenshot to {out}")
    return out


def dump_dom(url: str, *, width: int = 1280, height: int = 900, budget_ms: int = 5000, timeout_s: float = 120.0) -> str:
    """The DOM of ``url`` serialised after the page ran for ``budget_ms`` of virtual time (scripts included)."""
    with tempfile.TemporaryDirectory(prefix="ge-chromium-") as profile:
        args = [
            str(find_chromium()),
            *headless_args(Path(profile), width=width, height=height),
            f"--virtual-time-budget={budget_ms}",
            "--dump-dom",
            url,
        ]
        return _run(args, timeout_s).stdout.decode("utf-8", errors="replace")


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG header."""
    head = path.read_bytes()[:24]
    if head[:8] != PNG_MAGIC:
        raise ConfigError(f"{path} is not a PNG file")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


__all__ = ["INSTALL_HINT", "dump_dom", "find_chromium", "headless_args", "png_size", "screenshot"]
