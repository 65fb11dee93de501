"""``graphengine journeys …``, ``graphengine analyst …`` and ``graphengine report``: paths and journeys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, cast

import typer

from graphengine.commands._common import JsonOpt, out, print_json, print_rows, settings
from graphengine.store import Store

app = typer.Typer(
    help="Customer journeys: sessions, patterns, transitions, funnels, attribution.", no_args_is_help=True
)
analyst_app = typer.Typer(help="The analyst Cypher library in cypher/analyst/.", no_args_is_help=True)

Since = Annotated[str | None, typer.Option(help="Only events at or after this ISO-8601 time.")]
Scope = Annotated[str, typer.Option(help="customer or session.")]


def _scope(value: str) -> Literal["customer", "session"]:
    if value not in ("customer", "session"):
        raise typer.BadParameter("scope is customer or session")
    return cast(Literal["customer", "session"], value)


@app.command("sessionize")
def sessionize(
    timeout: Annotated[float, typer.Option(help="Inactivity timeout in seconds.")] = 1800,
    per_channel: Annotated[bool, typer.Option(help="Separate sessions per channel.")] = False,
    bot_min_gap: Annotated[float | None, typer.Option(help="Flag robots whose typical gap is below this (s).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Split every customer's events into sessions and write sessionId back (with an AnalysisRun)."""
    from graphengine.journeys.store import sessionize_graph

    with Store(settings()) as store:
        summary = sessionize_graph(store, timeout=timeout, per_channel=per_channel, bot_min_gap=bot_min_gap)
    print_json(summary) if as_json else out.print(f"run {summary['runId']}: {summary.get('counts')}")


@app.command("match")
def match(
    name: Annotated[
        str,
        typer.Argument(
            help="serious_shopper_abandonment, cart_abandonment, cross_channel_conversion or email_to_store."
        ),
    ],
    since: Since = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Journeys that match a named pattern, newest first."""
    from graphengine.journeys.store import pattern_matches

    with Store(settings()) as store:
        result = pattern_matches(store, name, since, limit)
    if as_json:
        print_json(result)
        return
    out.print(f"{name}: {result.get('description', '')}")
    held = result["withheld"]
    withheld = f" ({held} of customers without profiling consent not listed)" if held else ""
    print_rows(result.get("matches", []), f"matches of {name}{withheld}")


@app.command("patterns")
def patterns(since: Since = None, as_json: JsonOpt = False) -> None:
    """How many journeys match each named pattern."""
    from graphengine.journeys.store import pattern_counts

    with Store(settings()) as store:
        counts = pattern_counts(store, since)
    print_json(counts) if as_json else print_rows(
        [{"pattern": k, "matches": v} for k, v in counts.items()], "pattern matches"
    )


@app.command("transitions")
def transitions(scope: Scope = "customer", since: Since = None, as_json: JsonOpt = False) -> None:
    """Channel-to-channel transitions along the event chains (counts and probabilities)."""
    from graphengine.journeys.store import channel_transitions

    with Store(settings()) as store:
        result = channel_transitions(store, scope=_scope(scope), since=since)
    print_json(result) if as_json else print_rows(result.get("transitions", []), "channel transitions")


@app.command("funnel")
def funnel(
    steps: Annotated[str, typer.Option(help="Comma-separated event types.")] = "view,cart,purchase",
    scope: Scope = "session",
    since: Since = None,
    as_json: JsonOpt = False,
) -> None:
    """Funnel conversion per step."""
    from graphengine.journeys.store import funnel as run_funnel

    with Store(settings()) as store:
        result = run_funnel(store, steps.split(","), scope=_scope(scope), since=since)
    print_json(result) if as_json else print_rows(result["steps"], f"funnel per {scope}")


@app.command("attribution")
def attribution(
    model: Annotated[
        str, typer.Option(help="all, first_touch, last_touch, linear, time_decay, position_based, markov_1, markov_2…")
    ] = "all",
    since: Since = None,
    paths: Annotated[
        Path | None,
        typer.Option(
            "--paths",
            help="Aggregated paths (CSV or Parquet: path, total_conversions, total_conversion_value, "
            "total_null) instead of the stored events.",
        ),
    ] = None,
    map_: Annotated[
        list[str],
        typer.Option("--map", help="With --paths: name a column, source=ours (path, conversions, value or nulls)."),
    ] = [],  # noqa: B006
    separator: Annotated[str, typer.Option(help="With --paths: what separates the steps of a path.")] = ">",
    as_json: JsonOpt = False,
) -> None:
    """Multi-touch attribution of conversions (and conversion value) to channels (JSON, or a table with --paths)."""
    if paths is not None:
        _path_file_attribution(paths, model, map_, separator, as_json)
        return
    from graphengine.journeys.store import attribution as run_attribution

    with Store(settings()) as store:
        result = run_attribution(store, model, since)
    print_json(result)


def _path_file_attribution(file: Path, model: str, maps: list[str], separator: str, as_json: bool) -> None:
    from graphengine.cli import missing_file_exit
    from graphengine.errors import ConfigError
    from graphengine.journeys.path_files import path_file_attribution, read_path_file

    missing_file_exit(file)
    if any("=" not in item for item in maps):
        raise ConfigError(f"--map takes source=ours, got {[m for m in maps if '=' not in m]}")
    columns = {ours: source for source, ours in (item.split("=", 1) for item in maps)}
    result = path_file_attribution(read_path_file(file, columns=columns, separator=separator), model)
    if as_json:
        print_json(result)
        return
    rows = [
        {"model": name, "channel": channel, **credit}
        for name, by_channel in result["models"].items()
        for channel, credit in by_channel.items()
    ]
    print_rows(rows, f"attribution of {result['paths']} paths ({result['totalConversions']:g} conversions)")
    for name, why in result["skipped"].items():
        out.print(f"skipped {name}: {why}")
    if result["rejectedRows"]:
        out.print(f"{result['rejectedRows']} rows rejected (see --json for each row and its reasons)")


@app.command("customer")
def customer(
    customer_id: str, limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100, as_json: JsonOpt = False
) -> None:
    """One customer's journey: events in order with channels and products."""
    from graphengine.journeys.store import customer_journey

    with Store(settings()) as store:
        result = customer_journey(store, customer_id, limit)
    print_json(result) if as_json else print_rows(result.get("events", []), f"journey of {customer_id}")


@analyst_app.command("list")
def analyst_list(as_json: JsonOpt = False) -> None:
    """The analyst questions shipped in cypher/analyst/."""
    from graphengine.report.analyst import analyst_queries

    rows = [{"file": q.path.name, "question": q.question} for q in analyst_queries()]
    print_json(rows) if as_json else print_rows(rows, "analyst library")


@analyst_app.command("run")
def analyst_run(
    key: Annotated[str, typer.Argument(help="The file's number, e.g. 01.")], as_json: JsonOpt = False
) -> None:
    """Run one analyst file with its example :param values."""
    from graphengine.report.analyst import analyst_query, run_analyst

    with Store(settings()) as store:
        rows: list[dict[str, Any]] = run_analyst(store, analyst_query(key))
    print_json(rows) if as_json else print_rows(rows, key)


def report(
    out_file: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path("report.html"),
) -> None:
    """Write the self-contained visual report (inline SVG charts, no network)."""
    from graphengine.report.builder import build_report

    with Store(settings()) as store:
        path = build_report(store, out_file)
    out.print(f"Report: {path.resolve()}")


def browser_check(
    out_dir: Annotated[Path, typer.Option(help="Where screenshots go.")] = Path(".graphengine/browser-check"),
    analyst: Annotated[str, typer.Option(help="Analyst files to run: numbers (01,12) or all.")] = "01,12",
    as_json: JsonOpt = False,
) -> None:
    """Open Neo4j Browser in headless Chromium, connect, run analyst files and save screenshots."""
    from graphengine.report.browser_check import check_browser

    result = check_browser(settings(), out_dir, analyst=tuple(analyst.split(",")))
    print_json(result) if as_json else out.print(f"screenshots in {out_dir}: {result.get('screenshots')}")
