"""Shared command-line plumbing of the loader scripts: settings, the plan, and the printed reports."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from graphengine.config import get_settings
from graphengine.errors import GraphEngineError
from graphengine.load.plan import LoadPlan, run_plan


def run(plan: LoadPlan, mode: str) -> int:
    """Run the plan, print one table per file; exit code 0 clean, 10 some rows quarantined, 1 on errors."""
    console = Console()
    if not plan:
        console.print("nothing to load: no source files found")
        return 1
    try:
        reports = run_plan(get_settings(), plan, mode=mode)
    except GraphEngineError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc.message}")
        return 1
    for report in reports:
        console.print(report.table())
        for line in report.summary_lines():
            console.print(line, markup=False, highlight=False)
    return 10 if any(r.quarantined for r in reports) else 0


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run one of the loader scripts instead")
