"""Run a plan of loads — (kind, file, options) in dependency order — online or through neo4j-admin import."""

from __future__ import annotations

from pathlib import Path

from graphengine.config import Settings
from graphengine.errors import ConfigError
from graphengine.load.pipeline import LoadOptions, load_file
from graphengine.load.report import LoadReport
from graphengine.store import LocalNeo4j, Store, apply_schema

LoadPlan = list[tuple[str, Path, LoadOptions]]


def run_plan(settings: Settings, plan: LoadPlan, *, mode: str = "online", replace: bool = False) -> list[LoadReport]:
    """Load every file of ``plan``. ``import`` builds the local database (a first load; a non-empty one only with
    ``replace``, see :func:`~graphengine.load.bulk_import.import_files`); ``online`` merges."""
    salt = settings.hash_salt.get_secret_value()
    if mode == "import":
        if not settings.managed:
            raise ConfigError("--mode import works on the local server only; use online loads for a remote one")
        from graphengine.load.bulk_import import import_files

        reports = import_files(LocalNeo4j(settings), plan, salt=salt, replace=replace)
        for report in reports:
            report.mode = "import"
        return reports
    if mode != "online":
        raise ConfigError(f"mode is online or import, not {mode!r}")
    with Store(settings) as store:
        apply_schema(store)
        return [load_file(store, kind, path, options, salt=salt) for kind, path, options in plan]


def find_source(folder: Path, stem: str) -> Path | None:
    """``folder/stem`` with the first supported ending that exists (.csv, .tsv, .jsonl, .parquet)."""
    for ending in (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet"):
        if (folder / f"{stem}{ending}").exists():
            return folder / f"{stem}{ending}"
    return None


__all__ = ["LoadPlan", "find_source", "run_plan"]
