"""The ``graphengine`` command: one typer group that calls into the packages and holds no logic."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.table import Table

from graphengine.commands._common import OUT_DIR_HELP, EpochOpt, TimezoneOpt, err, out, print_json, value_rules
from graphengine.commands.analyze import app as analyze_app
from graphengine.commands.campaign import app as campaign_app
from graphengine.commands.evaluate import app as evaluate_app
from graphengine.commands.evaluate_churn import churn as evaluate_churn_command
from graphengine.commands.evaluate_clv import clv as evaluate_clv_command
from graphengine.commands.journeys import analyst_app
from graphengine.commands.journeys import app as journeys_app
from graphengine.commands.journeys import browser_check as browser_check_command
from graphengine.commands.journeys import report as report_command
from graphengine.commands.orders import LoadCommand
from graphengine.commands.recommender import app as recommender_app
from graphengine.commands.serve import recommend as recommend_command
from graphengine.commands.serve import serve as serve_command
from graphengine.commands.value import app as value_app
from graphengine.config import Settings, get_settings
from graphengine.errors import (
    AnalysisError,
    ConfigError,
    Conflict,
    GraphEngineError,
    LocalServerError,
    NotFound,
    StoreUnavailable,
    ValidationFailed,
)
from graphengine.load import KINDS, ColumnMap, LoadOptions, LoadReport, load_file
from graphengine.load.decoding import codec_name
from graphengine.load.pipeline import Party
from graphengine.load.readers import detect_format
from graphengine.load.report import report_of
from graphengine.model.rules import ValueRules
from graphengine.progress import rich_progress
from graphengine.store import LocalNeo4j, Store, apply_schema
from graphengine.store.reset import RESET_BATCH, data_counts, reset_graph

app = typer.Typer(help="Graph-based customer intelligence on Neo4j.", no_args_is_help=True)
neo4j_app = typer.Typer(help="The local Neo4j server that graphengine installs and runs.", no_args_is_help=True)
schema_app = typer.Typer(help="Constraints and indexes of the graph model.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(schema_app, name="schema")
demo_app = typer.Typer(
    help="Generate and load the demo data set (planted communities, influencers, journeys).", no_args_is_help=True
)
app.add_typer(demo_app, name="demo")
db_app = typer.Typer(help="The graph's data as a whole (schema aside).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(analyze_app, name="analyze")
app.add_typer(journeys_app, name="journeys")
app.add_typer(analyst_app, name="analyst")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(recommender_app, name="recommender")
evaluate_app.command("clv")(evaluate_clv_command)
evaluate_app.command("churn")(evaluate_churn_command)
app.add_typer(value_app, name="value")
app.add_typer(campaign_app, name="campaign")
app.command("report")(report_command)
app.command("serve")(serve_command)
app.command("recommend")(recommend_command)
neo4j_app.command("browser-check")(browser_check_command)


EXIT_CODES: dict[type[GraphEngineError], int] = {
    ConfigError: 3,
    StoreUnavailable: 4,
    LocalServerError: 5,
    ValidationFailed: 6,
    NotFound: 7,
    AnalysisError: 8,
    Conflict: 9,
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
    """Assemble Neo4j Community, APOC, Graph Data Science and Neo4j Browser from Maven Central."""
    local = _local()
    started = time.monotonic()
    info = local.install(force=force)
    out.print(
        f"Neo4j {info.get('neo4j', '?')} (APOC {info.get('apoc', '?')}, GDS {info.get('gds', '?')}, "
        f"Browser {info.get('browser', '?')}) "
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
        result.update(running=status.running, pid=status.pid, installed=status.installed, browser=status.browser_url)
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


# ------------------------------------------------------------------------------------------ db
EXIT_DECLINED = 1


@db_app.command("reset")
def db_reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per delete transaction.")] = RESET_BATCH,
) -> None:
    """Delete every node and relationship, keeping constraints, indexes and the schema versions.

    Asks first, showing what will be deleted (exit 1 and nothing deleted on no). Works on a graph of any size:
    relationships, then nodes, are deleted in transactions of --batch-size rows."""
    settings = _settings()
    with Store(settings) as store:
        counts = data_counts(store)
        if counts.empty:
            out.print(f"the database {settings.neo4j_database!r} at {settings.bolt_uri} is already empty")
            return
        if not yes and not typer.confirm(
            f"Delete {counts} from database {settings.neo4j_database!r} at {settings.bolt_uri}? "
            "(constraints and indexes are kept)",
            default=False,
            err=True,
        ):
            out.print("nothing deleted")
            raise typer.Exit(EXIT_DECLINED)
        started = time.monotonic()
        deleted = reset_graph(store, batch=batch_size)
        left = data_counts(store)
    out.print(f"deleted {deleted} in {time.monotonic() - started:.1f}s; {left} left, schema kept")


@db_app.command("check")
def db_check(as_json: JsonOpt = False) -> None:
    """Compare every PURCHASED aggregate with its OrderLine facts; exit 1 when any differs (see `db rebuild`)."""
    from graphengine.load.aggregates import check_purchase_aggregates

    with Store(_settings()) as store:
        result = check_purchase_aggregates(store)
    if as_json:
        out.print_json(json.dumps(result))
    else:
        out.print(f"{result['pairs']:,} purchase pairs; {result['stale']:,} aggregates differ from their lines")
    if result["stale"]:
        raise typer.Exit(1)


@db_app.command("rebuild")
def db_rebuild(
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per transaction.")] = RESET_BATCH,
    as_json: JsonOpt = False,
) -> None:
    """Recompute every PURCHASED aggregate from its OrderLine facts from scratch (bounded transactions)."""
    from graphengine.load.aggregates import rebuild_purchase_aggregates

    with Store(_settings()) as store:
        result = rebuild_purchase_aggregates(store, batch=batch_size)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(
        f"{result['pairs']:,} PURCHASED aggregates recomputed from their lines, {result['removed']:,} without lines "
        f"removed; {result['after']['stale']:,} differ now"
    )


# ------------------------------------------------------------------------------------------ load
EXIT_QUARANTINED = 10
EXIT_NO_FILE = 2  # as for any other wrong command-line argument


def load_options(
    settings: Settings,
    *,
    source: str,
    party: str,
    mapping: ColumnMap,
    create_missing: bool,
    batch_size: int | None,
    out_dir: Path | None,
    rules: ValueRules,
    encoding: str = "utf-8",
) -> LoadOptions:
    """The options of one load from the command line (``load`` and ``load orders``)."""
    if party not in ("first", "second", "third"):
        raise ConfigError("--party is first, second or third")
    return LoadOptions(
        source=source,
        party=cast(Party, party),
        mapping=mapping,
        create_missing=create_missing,
        batch_size=batch_size or settings.batch_size,
        out_dir=out_dir or settings.loads_dir,
        rules=rules,
        encoding=encoding,
    )


def missing_file_exit(*files: Path | None) -> None:
    """A source that is not there: one line on stderr and exit 2, as for any wrong command-line argument."""
    for file in files:
        if file is not None and not file.is_file():
            problem = "not a file" if file.exists() else "source file not found"
            err.print(f"error: {problem}: {file}", soft_wrap=True, markup=False, highlight=False)
            raise typer.Exit(EXIT_NO_FILE)


def _column_map(mapping_file: Path | None, maps: list[str], drops: list[str]) -> ColumnMap:
    for item in maps:
        if "=" not in item:
            raise ConfigError(f"--map takes source=ours, got {item!r}")
    rename = dict(item.split("=", 1) for item in maps)
    base = ColumnMap.from_file(mapping_file) if mapping_file else ColumnMap()
    return ColumnMap(rename={**base.rename, **rename}, drop=base.drop | frozenset(drops))


def run_load(kind: str, path: Path, options: LoadOptions, settings: Settings, quiet: bool = False) -> LoadReport:
    """Load one file, showing a rich progress bar with rows/s on a terminal; shared by the CLI and the loaders/
    scripts."""
    salt = settings.hash_salt.get_secret_value()
    # the driver logs a lost connection itself; the load's one-line error and its report say it instead
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    with Store(settings) as store, rich_progress(err, disable=quiet or not err.is_terminal) as progress:
        task = progress.add_task(f"{kind} ← {path.name}", total=None)
        return load_file(store, kind, path, options, salt=salt, on_progress=lambda n: progress.advance(task, n))


@app.command("load", cls=LoadCommand)
def load(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    file: Annotated[Path, typer.Argument(help="A .csv, .tsv, .jsonl or .parquet file.")],
    source: Annotated[str, typer.Option(help="Name of the data source (provenance on every node and edge).")],
    party: Annotated[str, typer.Option(help="first, second or third party data.")] = "first",
    map_: Annotated[list[str], typer.Option("--map", help="Rename a column: source=ours (repeatable).")] = [],  # noqa: B006
    mapping: Annotated[Path | None, typer.Option(help="YAML/TOML file with columns: {source: ours}.")] = None,
    drop_column: Annotated[list[str], typer.Option(help="Drop a source column before anything reads it.")] = [],  # noqa: B006
    create_missing: Annotated[bool, typer.Option(help="Create placeholder nodes for unknown references.")] = False,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Rows per UNWIND transaction.")] = None,
    out_dir: Annotated[Path | None, typer.Option(help=OUT_DIR_HELP)] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of a CSV/JSONL file (e.g. cp1252, latin-1).")] = "utf-8",
    mode: Annotated[
        str, typer.Option(help="online (UNWIND batches) or import (neo4j-admin, into an empty database).")
    ] = "online",
    replace: Annotated[
        bool, typer.Option(help="--mode import into a non-empty database: dump it, replace it, restore it on failure.")
    ] = False,
    timezone: TimezoneOpt = "UTC",
    epoch: EpochOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Load one source file of one kind.

    Exit 0: all loaded; 10: loaded, some rows quarantined; 2: the file does not exist; 3: a quarantine or report
    file cannot be written (disk full…); 4: Neo4j is not reachable; 6: the file is refused (privacy guard,
    missing columns) or cannot be read (wrong --encoding, not Parquet). A load that stops still prints and writes
    its report; rows written before the stop stay, and a re-run is safe.

    --mode import validates the same way, then builds the local database from this file with neo4j-admin
    import (the server is stopped and started again): for a large first load into an empty graph. It refuses a
    non-empty database unless --replace, and a kind whose references (customers, products, ...) are not in the
    same import."""
    settings = _settings()
    missing_file_exit(file)
    if kind not in KINDS:
        raise NotFound(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    detect_format(file)
    codec_name(encoding)
    options = load_options(
        settings,
        source=source,
        party=party,
        mapping=_column_map(mapping, map_, drop_column),
        create_missing=create_missing,
        batch_size=batch_size,
        out_dir=out_dir,
        rules=value_rules(settings, timezone, epoch),
        encoding=encoding,
    )
    if mode not in ("online", "import"):
        raise ConfigError("--mode is online or import")
    try:
        if mode == "import":
            from graphengine.load.bulk_import import import_files

            phases: dict[str, float] = {}
            report = import_files(
                _local(),
                [(kind, file, options)],
                salt=settings.hash_salt.get_secret_value(),
                replace=replace,
                notify=lambda line: err.print(line, highlight=False),
                phases=phases,
            )[0]
            report.mode = "import"
            _print_phases(phases)
        else:
            report = run_load(kind, file, options, settings, quiet=as_json)
    except GraphEngineError as exc:
        stopped = report_of(exc)
        if stopped is not None:
            _print_load_report(stopped, as_json)
        raise
    _print_load_report(report, as_json)
    if report.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


def _print_phases(phases: dict[str, float]) -> None:
    """One line on stderr: the seconds of each step of an import."""
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
    err.print(f"import steps: {steps} (total {sum(phases.values()):.1f} s)", highlight=False)


def _print_load_report(report: LoadReport, as_json: bool) -> None:
    if as_json:
        print_json(report.to_dict())
        return
    out.print(report.table())
    for line in report.summary_lines():
        out.print(line, soft_wrap=True, markup=False, highlight=False)


# ------------------------------------------------------------------------------------------ demo
@demo_app.command("generate")
def demo_generate(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the source files.")] = Path("demo-data"),
    customers: Annotated[int, typer.Option(min=100, help="How many customers.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Write demo source files (CSV/JSONL) and truth.json with the planted structure."""
    from graphengine.demo import DemoSpec, generate_demo

    truth = generate_demo(out_dir, DemoSpec(customers=customers, seed=seed))
    files = ", ".join(sorted(p.name for p in out_dir.iterdir()))
    out.print(f"demo data for {customers:,} customers in {out_dir}/: {files}")
    out.print(
        f"planted: {len(truth['duplicates'])} duplicate customers, {len(truth['influencers'])} influencers, "
        f"{len(truth['seriousShoppers'])} serious-shopper abandonments"
    )


@demo_app.command("load")
def demo_load(
    data_dir: Annotated[Path, typer.Argument(exists=True, file_okay=False)] = Path("demo-data"),
    out_dir: Annotated[Path | None, typer.Option(help=OUT_DIR_HELP)] = None,
    fresh: Annotated[bool, typer.Option(help="Empty the graph first (as `db reset --yes`).")] = False,
    mode: Annotated[str, typer.Option(help="online, or import (neo4j-admin, into an empty database).")] = "online",
    replace: Annotated[
        bool, typer.Option(help="--mode import into a non-empty database: dump it, replace it, restore it on failure.")
    ] = False,
) -> None:
    """Load the demo files through the loaders and print one report table."""
    from graphengine.demo import load_demo

    settings = _settings()
    out_dir = out_dir or settings.loads_dir
    if mode not in ("online", "import"):
        raise ConfigError("--mode is online or import")
    if fresh:
        if mode == "import":
            _local().start()  # the import starts the server itself; emptying it first needs it now
        _fresh(settings)
    if mode == "import":
        from graphengine.demo.runner import demo_plan
        from graphengine.load.bulk_import import import_files

        plan = demo_plan(data_dir, out_dir=out_dir, batch_size=settings.batch_size)
        phases: dict[str, float] = {}
        reports = import_files(
            _local(),
            plan,
            salt=settings.hash_salt.get_secret_value(),
            replace=replace,
            notify=lambda line: err.print(line, highlight=False),
            phases=phases,
        )
        _print_phases(phases)
        _print_reports(reports, f"demo import from {data_dir}/ (neo4j-admin import)")
        return
    with Store(settings) as store, rich_progress(err) as progress:
        apply_schema(store)

        def on_file(kind: str, path: Path) -> Callable[[int], None]:
            task = progress.add_task(f"{kind} ← {path.name}", total=None)
            return lambda n: progress.advance(task, n)

        reports, refusal = load_demo(
            store,
            data_dir,
            salt=settings.hash_salt.get_secret_value(),
            out_dir=out_dir,
            batch_size=settings.batch_size,
            on_file=on_file,
        )
    _print_reports(reports, f"demo load from {data_dir}/")
    if refusal:
        out.print(f"[yellow]privacy guard:[/] {refusal.message}")
    out.print(f"quarantined rows and reasons: {out_dir / 'quarantine'}/; reports: {out_dir / 'reports'}/")


def _fresh(settings: Settings) -> None:
    """Empty the graph for ``--fresh`` (the bounded reset of ``db reset``), saying what was deleted."""
    with Store(settings) as store:
        deleted = reset_graph(store)
    err.print(f"--fresh: deleted {deleted}", highlight=False)


def _print_reports(reports: list[LoadReport], title: str) -> None:
    table = Table(title=title)
    for column in ("kind", "file", "read", "loaded", "quarantined", "duplicates", "rows/s"):
        table.add_column(column, justify="right" if column not in ("kind", "file") else "left")
    for r in reports:
        table.add_row(
            r.kind,
            Path(r.file).name,
            f"{r.rows_read:,}",
            f"{r.loaded:,}",
            f"{r.quarantined:,}",
            f"{r.duplicates:,}",
            f"{r.rows_per_s:,.0f}",
        )
    out.print(table)


def main() -> None:
    """Entry point: runs the typer app and turns graphengine errors into a message and an exit code."""
    try:
        code = app(standalone_mode=False)
    except GraphEngineError as exc:
        err.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        code = next((c for cls, c in EXIT_CODES.items() if isinstance(exc, cls)), 1)
        sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted; loads are idempotent: running the same command again is safe", highlight=False)
        sys.exit(130)
    except Exception as exc:  # usage errors (click's, or typer's own copy of click's) arrive here: exit 2
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
