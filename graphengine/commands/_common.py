"""Shared pieces of the CLI groups: consoles, settings, the --json option."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from graphengine.config import Settings, get_settings

# Piped output (make, CI logs) gets 160 columns instead of rich's default 80, so tables stay readable.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]


def settings() -> Settings:
    return get_settings()


def print_json(value: Any) -> None:
    """One JSON document on stdout (plain print: no wrapping or colour, so it parses)."""
    print(json.dumps(value, default=str))


def print_rows(rows: list[dict[str, Any]], title: str, columns: list[str] | None = None) -> None:
    table = Table(title=title)
    columns = columns or (list(rows[0]) if rows else [])
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    out.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return "" if value is None else str(value)
