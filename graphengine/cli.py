"""The ``graphengine`` command: one typer group that calls into the packages and holds no logic."""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from graphengine.config import Settings, get_settings
from graphengine.errors import (
    ConfigError,
    GraphEngineError,
    LocalServerError,
    NotFound,
    StoreUnavailable,
    ValidationFailed,
)
from graphengine.store import LocalNeo4j, Store, apply_schema

app = typer.Typer(help="Graph-based customer intelligence on Neo4j.", no_args_is_help=True)
neo4j_app = typer.Typer(help="The local Neo4j server that graphengine installs and runs.", no_args_is_help=True)
schema_app = typer.Typer(help="Constraints and indexes of the graph model.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(schema_app, name="schema")

out = Console()
err = Console(stderr=True)

EXIT_CODES: dict[type[GraphEngineError], int] = {
    ConfigError: 3,
    StoreUnavailable: 4,
    LocalServerError: 5,
    ValidationFailed: 6,
    NotFound: 7,
}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")]


def _settings() -> Settings:
    return get_settings()


def _local() -> LocalNeo4j:
    settings = _settings()
    if not settings.managed:
        raise ConfigError(
            f"GRAPHENGINE_NEO4J_URI is set ({settings.neo4j_uri}); graphengine uses that server and manages "
            "no local one"
        )
    return LocalNeo4j(settings)


# ------------------------------------------------------------------------------------------ neo4j
@neo4j_app.command("install")
def neo4j_install(
    force: Annotated[bool, typer.Option(help="Reinstall even when up to date.")] = False,
) -> None:
    """Assemble Neo4j Community, APOC and Neo4j Browser from Maven Central into the project home."""
    local = _local()
    started = time.monotonic()
    info = local.install(force=force)
    out.print(
        f"Neo4j {info.get('neo4j', '?')} (APOC {info.get('apoc', '?')}, Browser {info.get('browser', '?')}) "
        f"installed in {local.server_dir} [{time.monotonic() - started:.1f}s]"
    )


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the server in the background and wait until Bolt answers (a no-op when running)."""
    local = _local()
    started = time.monotonic()
    if local.start():
        out.print(f"Neo4j started (pid {local.pid()}) in {time.monotonic() - started:.1f}s")
    else:
        out.print(f"Neo4j is already running (pid {local.pid()})")
    out.print(f"  Bolt:          {local.settings.bolt_uri}  (user {local.settings.neo4j_user})")
    out.print(f"  Neo4j Browser: {local.settings.browser_url}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Shut the server down cleanly."""
    local = _local()
    out.print("Neo4j stopped" if local.stop() else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status(
    as_json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No output; exit 0 when running, 1 when not.")] = False,
) -> None:
    """Say whether the server runs, and the versions of Neo4j, APOC and GDS it reports."""
    settings = _settings()
    result: dict[str, object] = {"bolt": settings.bolt_uri, "managed": settings.managed}
    if settings.managed:
        status = LocalNeo4j(settings).status()
        result.update(running=status.running, pid=status.pid, installed=status.installed,
                      browser=status.browser_url)  # fmt: skip
    if result.get("running", True):
        try:
            with Store(settings) as store:
                result["versions"] = store.versions()
                result["running"] = True
        except (StoreUnavailable, ConfigError) as exc:
            result["running"] = False
            result["error"] = exc.message
    if quiet:
        raise typer.Exit(0 if result["running"] else 1)
    if as_json:
        out.print_json(json.dumps(result, default=str))
        return
    table = Table(show_header=False, box=None)
    for key, value in result.items():
        table.add_row(key, json.dumps(value) if isinstance(value, dict) else str(value))
    out.print(table)


@neo4j_app.command("logs")
def neo4j_logs(lines: Annotated[int, typer.Option("--lines", "-n", min=1)] = 50) -> None:
    """Print the end of the server log."""
    local = _local()
    out.print(local.logs(lines) or f"(no log yet at {local.log_path()})", markup=False, highlight=False)


# ------------------------------------------------------------------------------------------ schema
@schema_app.command("apply")
def schema_apply(as_json: JsonOpt = False) -> None:
    """Apply cypher/schema/*.cypher in order (idempotent) and record the versions in the graph."""
    with Store(_settings()) as store:
        applied = apply_schema(store)
    if as_json:
        out.print_json(json.dumps(applied))
        return
    for row in applied:
        out.print(f"schema {row['version']:04d} {row['name']}: {row['statements']} statements applied")


@schema_app.command("status")
def schema_status(as_json: JsonOpt = False) -> None:
    """List applied migrations, constraints and indexes."""
    with Store(_settings()) as store:
        result = {
            "versions": store.query("schema.list_versions"),
            "constraints": [r["name"] for r in store.query("schema.list_constraints")],
            "indexes": [r["name"] for r in store.query("schema.list_indexes")],
        }
    if as_json:
        out.print_json(json.dumps(result, default=str))
        return
    for row in result["versions"]:
        out.print(f"schema {row['version']:04d} applied {row['appliedAt']}")
    out.print(f"{len(result['constraints'])} constraints, {len(result['indexes'])} indexes")


def main() -> None:
    """Entry point: runs the typer app and turns graphengine errors into a message and an exit code."""
    try:
        app(standalone_mode=False)
    except GraphEngineError as exc:
        err.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        code = next((c for cls, c in EXIT_CODES.items() if isinstance(exc, cls)), 1)
        sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


__all__ = ["app", "main"]
