"""Shared pieces of the CLI groups: consoles, settings, the --json option."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from rich.table import Table

from graphengine.config import Settings, get_settings
from graphengine.errors import ConfigError
from graphengine.model.rules import Epoch, ValueRules

# Piped output (make, CI logs) gets 160 columns instead of rich's default 80, so tables stay readable.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]
TimezoneOpt = Annotated[
    str, typer.Option("--timezone", help="IANA zone for times written without one (UTC, Europe/Stockholm, …).")
]
EpochOpt = Annotated[
    str | None,
    typer.Option("--epoch", help="Accept epoch numbers as times, in s (seconds) or ms; refused unless given."),
]


def value_rules(settings: Settings, timezone: str = "UTC", epoch: str | None = None) -> ValueRules:
    """The value rules of a load: the zone and epoch unit the user chose, the time range of the settings."""
    if epoch not in (None, "s", "ms"):
        raise ConfigError(f"--epoch is s or ms, not {epoch!r}")
    try:
        return ValueRules(
            timezone=timezone,
            epoch=cast(Epoch | None, epoch),
            earliest=_aware(settings.earliest_time),
            latest=_aware(settings.latest_time),
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


OUT_DIR_HELP = "Where quarantine files and reports go (default: GRAPHENGINE_LOADS_DIR, where erasure looks)."


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
