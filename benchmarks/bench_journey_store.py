"""Benchmark: journeys on the graph — streaming Event nodes out of Neo4j into the columnar core, then matching.

Run against the graph of the configured instance (GRAPHENGINE_* variables; by default the `make demo` graph):

    .venv/bin/python benchmarks/bench_journey_store.py                      # measure the graph as it is
    GRAPHENGINE_INSTANCE=jtest GRAPHENGINE_BOLT_PORT=7691 GRAPHENGINE_HTTP_PORT=7478 \\
        .venv/bin/python benchmarks/bench_journey_store.py --load 10000     # EMPTY it, load a demo of N customers

Prints events/s for: the columnar read (customer-range batches, one read ahead) against two peers run in the same
process — a plain driver loop (one record per event, the code one writes first) and one `collect()` query
over everything (no batches) — checking that all three read the same events; then sessionize, the four named
patterns, transitions (Cypher on the NEXT chains), funnel and attribution; with `--write` also sessionize with
write-back (UNWIND batches; this sets sessionId on every event, keeping the loaded one as sourceSessionId).
Bounded: each step runs `--repeat` times (best shown), the peers once. `--out FILE` also writes the table as
Markdown.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from graphengine.config import Settings, get_settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.journeys import store as js
from graphengine.journeys.core import NAMED_PATTERNS, Events, match_pattern, sessionize
from graphengine.journeys.event_stream import customer_ranges, events_from_columns
from graphengine.store import Store

PLAIN_LOOP = """
MATCH (c:Customer)-[:PERFORMED]->(e:Event)
RETURN e.eventId AS eventId, c.customerId AS customerId, e.at AS at, e.type AS type, e.channelId AS channelId,
       e.productId AS productId, e.value AS value, e.resultCount AS resultCount, e.sessionId AS sessionId
"""
ONE_COLLECT = """
MATCH (c:Customer)-[:PERFORMED]->(e:Event)
RETURN collect(e.eventId) AS eventId, collect(c.customerId) AS customerId, collect(e.at.epochMillis) AS atMs,
       collect(e.type) AS type, collect(coalesce(e.channelId, '')) AS channelId,
       collect(coalesce(e.productId, '')) AS productId, collect(coalesce(toFloat(e.value), 0.0 / 0.0)) AS value,
       collect(coalesce(e.resultCount, -1)) AS resultCount, collect(coalesce(e.sessionId, '')) AS sessionId
"""


def best(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return out, min(times)


def plain_loop(store: Store) -> Events:
    """The peer: iterate one record per event through the driver, then build the same table."""
    with store.session() as session:
        rows = [record.data() for record in session.run(PLAIN_LOOP)]
    return Events.from_records(rows)


def one_collect(store: Store) -> Events:
    """The other peer: the same columnar lists, but from one query over every event (no customer batches)."""
    return events_from_columns(store.run_text(ONE_COLLECT)[0])


def load(store: Store, settings: Settings, customers: int) -> float:
    start = time.perf_counter()
    store.clear()
    with tempfile.TemporaryDirectory(prefix="ge-bench-journeys-") as tmp:
        generate_demo(Path(tmp) / "data", DemoSpec(customers=customers))
        load_demo(store, Path(tmp) / "data", salt=settings.hash_salt.get_secret_value(), out_dir=Path(tmp) / "out")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load", type=int, metavar="N", help="empty the database and load a demo of N customers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20_000, help="events per read batch")
    parser.add_argument("--write", action="store_true", help="also time sessionize_graph (writes sessionId)")
    parser.add_argument("--out", type=Path, help="also write the results as Markdown here")
    args = parser.parse_args()
    settings = get_settings()
    lines: list[str] = []

    def say(text: str) -> None:
        print(text)
        lines.append(text)

    with Store(settings) as store:
        store.verify()
        if args.load:
            print(f"loading a {args.load:,}-customer demo into {settings.bolt_uri} …")
            say(f"Loaded a {args.load:,}-customer demo (generate + load) in {load(store, settings, args.load):.1f} s.")
        events, t_read = best(lambda: js.read_events(store, events_per_batch=args.batch), args.repeat)
        n = len(events)
        if n == 0:
            raise SystemExit("the graph has no events: run `make demo` or pass --load N")
        counts = store.query("store.count_graph")[0]
        say(
            f"Graph: {counts['nodes']:,} nodes, {counts['relationships']:,} relationships, {n:,} events of "
            f"{len(events.customers):,} customers; {platform.python_version()}, numpy {np.__version__}, "
            f"{platform.machine()}, Neo4j at {settings.bolt_uri}."
        )
        say("")
        say("| step | seconds | events/s | notes |")
        say("|---|---:|---:|---|")

        def row(step: str, seconds: float, note: str = "") -> None:
            say(f"| {step} | {seconds:.3f} | {n / seconds:,.0f} | {note} |")

        batches = len(customer_ranges(store, args.batch))
        row("read events, columnar batches (ours)", t_read, f"{batches} batches of ≈{args.batch:,} events, 2 at once")
        collected, t_collect = best(lambda: one_collect(store), 1)
        same = collected.event_id.tolist() == events.event_id.tolist()
        row("read events, one collect() query (peer)", t_collect, f"same events: {same}; x{t_collect / t_read:.1f}")
        looped, t_loop = best(lambda: plain_loop(store), 1)
        same = looped.sorted()[0].event_id.tolist() == events.event_id.tolist()
        row("read events, plain driver loop (peer)", t_loop, f"same events: {same}; x{t_loop / t_read:.1f} slower")

        sessions, t_sess = best(lambda: sessionize(events, timeout=1800.0), args.repeat)
        row("sessionize in memory (30 min)", t_sess, f"{len(sessions.labels):,} sessions")
        ev = sessions.apply(events)
        total = 0.0
        for name, pattern in NAMED_PATTERNS.items():
            found, t_match = best(lambda p=pattern: match_pattern(ev, p), args.repeat)
            total += t_match
            row(f"pattern `{name}`", t_match, f"{len(found):,} matches")
        row("all four named patterns", total)
        row("read + all four patterns", t_read + total, "what `pattern_counts` costs")

        _, t_cypher = best(lambda: js.transitions_from_graph(store), args.repeat)
        row("channel transitions, Cypher on NEXT chains", t_cypher, "no streaming")
        _, t_funnel = best(lambda: js.funnel(store, events=ev), args.repeat)
        row("funnel view → cart → purchase (sessions)", t_funnel, "on the read events")
        attribution, t_attr = best(lambda: js.attribution(store, events=events), args.repeat)
        row("attribution, 5 heuristics + Markov 1, 2", t_attr, f"{attribution['paths']:,} paths")

        if args.write:
            summary, t_write = best(lambda: js.sessionize_graph(store), 1)
            row("sessionize_graph: read + sessionize + write back", t_write, f"run {summary['runId']}")
            say("")
            say(f"sessionize_graph steps (s): {summary['seconds']}")

    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
