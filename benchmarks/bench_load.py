"""Load throughput, three paths on the same generated data, each into an empty database with the schema applied.

1. **online** — ``graphengine.load.load_file`` per file in dependency order, exactly what ``graphengine load``
   does (validation, quarantine, duplicate and reference checks, a writer thread, the event-chain relink);
2. **import** — ``graphengine.load.bulk_import.import_files`` on the whole plan, end to end (validation, import
   CSVs, ``neo4j-admin database import full``, restart, schema);
3. **bare** — a driver script that reads the same files with pyarrow, builds the same parameter rows and sends the
   same registered ``load.*`` queries in 10k ``UNWIND`` batches, single-threaded, then relinks the event chains.

Each path runs in its own child process (so client CPU and peak RSS are its own); the Neo4j server's CPU is
sampled from ``/proc/<pid>/stat`` (the import path also counts ``neo4j-admin``, a child of the client). The three
graphs must have the same node and relationship counts per label and type, and the same PURCHASED totals.
Uses a dedicated local instance ``bench`` (Bolt 7689 / HTTP 7476, heap 4g, page cache 2g). Run::

    .venv/bin/python benchmarks/bench_load.py [--lines 1000000] [--events 300000] [--profile] [--write-results]

The import's advantage grows with the load (a fixed ~30 s of server restart and indexing): RESULTS.md has runs
with 1M, 3M and 5M lines (``--lines 5000000 --events 1500000 --out .graphengine/bench-load-5m``, ~45 minutes).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench_load_bare import check_same_params, load_bare
from bench_load_data import PLAN, generate
from bench_load_report import print_table, write_results

from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.load.bulk_import import import_files
from graphengine.store import LocalNeo4j, Store, apply_schema

PATHS = ("online", "bare", "import")
SOURCE = "bench"
TICKS = os.sysconf("SC_CLK_TCK")


def bench_settings() -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        instance="bench",
        bolt_port=7689,
        http_port=7476,
        heap_size="4g",
        pagecache_size="2g",
        batch_size=10_000,
    )


class ServerCpu(threading.Thread):
    """Samples the CPU seconds (utime + stime) of the local server, across restarts (a new pid counts from 0)."""

    def __init__(self, local: LocalNeo4j, every_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.local, self.every_s = local, every_s
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._done = threading.Event()
        self._sample(initial=True)

    def _sample(self, initial: bool = False) -> None:
        pid = self.local.pid()
        if pid is None:
            return
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return
        seconds = (int(fields[11]) + int(fields[12])) / TICKS
        self.first.setdefault(pid, seconds if initial else 0.0)
        self.last[pid] = seconds

    def run(self) -> None:
        while not self._done.wait(self.every_s):
            self._sample()

    def stop(self) -> float:
        self._sample()
        self._done.set()
        self.join()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def fresh_database(local: LocalNeo4j) -> None:
    """An empty ``neo4j`` database with the schema applied: the store files are removed while the server is
    stopped (the server creates the default database again on start), so every path starts from the same state."""
    local.stop()
    for part in ("databases", "transactions"):
        shutil.rmtree(local.data_dir / part / "neo4j", ignore_errors=True)
    local.start()
    with Store(local.settings) as store:
        apply_schema(store)
        assert store.query("store.count_graph")[0]["relationships"] == 0


def graph_counts(store: Store) -> dict[str, Any]:
    """Nodes per label, relationships per type and the PURCHASED totals (for the equality check)."""
    labels = store.run_text("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label")
    types = store.run_text("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type")
    purchased = store.run_text(
        "MATCH ()-[r:PURCHASED]->() RETURN sum(r.count) AS lines, sum(r.quantity) AS quantity, "
        "round(sum(r.amount), 2) AS amount"
    )[0]
    return {
        "nodes": {r["label"]: r["n"] for r in labels},
        "relationships": {r["type"]: r["n"] for r in types},
        "purchased": purchased,
    }


# ---------------------------------------------------------------------------------------------- child side
def run_path(path: str, data: Path, out: Path, salt: str) -> dict[str, Any]:
    """One path into the (already empty) bench database; returns timings and CPU of this process."""
    local = LocalNeo4j(bench_settings())
    options = LoadOptions(source=SOURCE, out_dir=out, batch_size=10_000)
    per_kind: dict[str, dict[str, float]] = {}
    server = ServerCpu(local)
    server.start()
    self0, children0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0, t0 = time.process_time(), time.perf_counter()
    phases: dict[str, float] = {}
    if path == "import":
        files = [(kind, data / name, options) for kind, name in PLAN]
        reports = import_files(local, files, salt=salt, phases=phases)
        for report in reports:
            per_kind[report.kind] = {"rows": report.rows_read, "seconds": report.seconds}
    else:
        with Store(local.settings) as store:
            for kind, name in PLAN:
                t1 = time.perf_counter()
                if path == "online":
                    rows = load_file(store, kind, data / name, options, salt=salt).rows_read
                else:
                    rows = load_bare(store, kind, data / name, SOURCE)
                per_kind[kind] = {"rows": rows, "seconds": time.perf_counter() - t1}
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    server_cpu = server.stop()
    self1, children1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "path": path,
        "seconds": seconds,
        "rows": sum(k["rows"] for k in per_kind.values()),
        "per_kind": per_kind,
        "client_cpu": cpu,
        "client_user": self1.ru_utime - self0.ru_utime,
        "client_sys": self1.ru_stime - self0.ru_stime,
        "admin_cpu": (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime),
        "server_cpu": server_cpu,
        "peak_rss_mib": peak_rss_mib(),
        "phases": phases,
    }


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM; unlike ``ru_maxrss`` it does not carry the parent's peak over
    the fork and exec that started this child)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile_online(data: Path, out: Path, salt: str, top: int = 25) -> str:
    """cProfile of the online path's main thread loading the purchases file (customers and products first)."""
    local = LocalNeo4j(bench_settings())
    options = LoadOptions(source=SOURCE, out_dir=out, batch_size=10_000)
    with Store(local.settings) as store:
        for kind, name in PLAN[:3]:
            load_file(store, kind, data / name, options, salt=salt)
        profiler = cProfile.Profile()
        t0, cpu0 = time.perf_counter(), time.process_time()
        profiler.enable()
        load_file(store, "purchases", data / "purchases.csv", options, salt=salt)
        profiler.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    stats_path = out / "online-purchases.pstats"
    profiler.dump_stats(stats_path)
    lines = [f"purchases online: {wall:.1f}s wall, {cpu:.1f}s client CPU (all threads); main thread profile:"]
    stats = pstats.Stats(str(stats_path))
    for order in ("cumulative", "tottime"):
        rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3] if order == "cumulative" else kv[1][2])  # type: ignore[attr-defined]
        lines.append(f"-- by {order}")
        for (file, line, func), (_, calls, tottime, cumtime, _) in reversed(rows[-top:]):
            lines.append(f"{cumtime:8.2f} {tottime:8.2f} {calls:>9} {Path(file).name}:{line} {func}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- parent side
def child(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    result = args.out / f"{mode}.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--child", mode, "--out", str(args.out)]
    subprocess.run(cmd, check=True)
    data: dict[str, Any] = json.loads(result.read_text())
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--profile", action="store_true", help="also profile the online path on purchases")
    parser.add_argument("--write-results", action="store_true", help="replace the Loading section of RESULTS.md")
    parser.add_argument("--out", type=Path, default=Path(".graphengine/bench-load"))
    parser.add_argument("--child", choices=[*PATHS, "profile"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = bench_settings()
    salt = settings.hash_salt.get_secret_value()
    data = args.out / "data"
    if args.child:
        if args.child == "profile":
            text = profile_online(data, args.out, salt)
            (args.out / "profile.txt").write_text(text)
            (args.out / "profile.json").write_text(json.dumps({"text": text}))
            print(text)
        else:
            (args.out / f"{args.child}.json").write_text(json.dumps(run_path(args.child, data, args.out, salt)))
        return

    local = LocalNeo4j(settings)
    started = local.start()
    try:
        t0 = time.perf_counter()
        wanted = [args.customers, args.products, args.lines, args.events]
        marker = data / "generated.json"
        if marker.exists() and json.loads(marker.read_text())["args"] == wanted:
            counts = json.loads(marker.read_text())["counts"]
            print(f"reusing the generated data in {data}: {counts}")
        else:
            counts = generate(data, *wanted)
            marker.write_text(json.dumps({"args": wanted, "counts": counts}))
            print(f"generated {counts} in {time.perf_counter() - t0:.1f}s")
        for kind, name in PLAN:
            check_same_params(kind, data / name, salt)
        print("bare parameter rows == Kind.params rows (first 2,000 of each file)")
        results: dict[str, dict[str, Any]] = {}
        for path in args.paths.split(","):
            fresh_database(local)
            load_before = Path("/proc/loadavg").read_text().split()[:3]
            results[path] = child(args, path)
            with Store(settings) as store:
                results[path]["graph"] = graph_counts(store)
            results[path]["loadavg"] = load_before + Path("/proc/loadavg").read_text().split()[:3]
            r = results[path]
            print(f"{path}: {r['seconds']:.1f}s, {r['rows'] / r['seconds']:,.0f} rows/s, graph {r['graph']}")
        graphs = {path: r["graph"] for path, r in results.items()}
        first = next(iter(graphs.values()))
        same = all(g == first for g in graphs.values())
        print(f"graph equality across {', '.join(graphs)}: {'same' if same else 'DIFFERENT'}")
        profile = ""
        if args.profile:
            fresh_database(local)
            profile = child(args, "profile")["text"]
        meta = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "counts": counts,
        }
        table = print_table(results, meta)
        if args.write_results:
            write_results(Path(__file__).with_name("RESULTS.md"), table, profile)
        assert same, f"the paths built different graphs: {json.dumps(graphs, indent=1, default=str)}"
    finally:
        if started:
            local.stop()


if __name__ == "__main__":
    main()
