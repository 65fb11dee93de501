"""Loads the generated demo files through the real loaders, in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphengine.demo.generator import DEMO_FILES
from graphengine.errors import PrivacyViolation
from graphengine.load import ColumnMap, LoadOptions, LoadReport, load_file
from graphengine.store import Store

Progress = Callable[[str, Path], Callable[[int], None] | None]


def demo_plan(data_dir: Path, *, out_dir: Path, batch_size: int = 10_000) -> list[tuple[str, Path, LoadOptions]]:
    """The demo files in load order, each with its source and party."""
    return [
        (kind, data_dir / name, LoadOptions(source=source, party=party, batch_size=batch_size, out_dir=out_dir))  # type: ignore[arg-type]
        for kind, name, source, party in DEMO_FILES
    ]


def load_demo(
    store: Store,
    data_dir: Path,
    *,
    salt: str,
    out_dir: Path,
    batch_size: int = 10_000,
    on_file: Progress | None = None,
) -> tuple[list[LoadReport], PrivacyViolation | None]:
    """Load every demo file; then show the privacy guard refusing the special-category CRM extract and
    load it with that column dropped. Returns the reports and the refusal."""
    reports = []
    for kind, path, options in demo_plan(data_dir, out_dir=out_dir, batch_size=batch_size):
        tick = on_file(kind, path) if on_file else None
        reports.append(load_file(store, kind, path, options, salt=salt, on_progress=tick))
    extract = data_dir / "crm_extract.csv"
    refusal = None
    options = LoadOptions(source="demo-crm-extract", out_dir=out_dir)
    try:
        load_file(store, "customers", extract, options, salt=salt)
    except PrivacyViolation as exc:
        refusal = exc
        options.mapping = ColumnMap(drop=frozenset(exc.details["columns"]))
        reports.append(load_file(store, "customers", extract, options, salt=salt))
    return reports, refusal


def train_recommender(store: Store, home: Path) -> dict[str, Any]:
    """Train the recommender on the loaded demo graph and promote it (the API serves it at once)."""
    from graphengine.recommend.training import train_from_graph

    return train_from_graph(store, home, promote=True)


__all__ = ["demo_plan", "load_demo", "train_recommender"]
