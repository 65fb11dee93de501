"""The table of ``bench_load.py``: printed, and written as the Loading section of RESULTS.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

LABELS = {
    "online": "online: `load_file` per file (validation, quarantine, reference checks, writer thread, relink)",
    "bare": "bare driver script: pyarrow read, same params, same queries, 10k `UNWIND`, one thread, relink",
    "import": "import: `import_files` (validation, CSVs, `neo4j-admin import`, restart, schema)",
}
KINDS = ("customers", "products", "channels", "purchases", "events")


def _k(rate: float) -> str:
    return f"{rate / 1000:.1f}k"


def print_table(results: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    """Markdown of the results; printed too."""
    any_graph = next(iter(results.values()))["graph"]
    rels = sum(any_graph["relationships"].values())
    nodes = sum(any_graph["nodes"].values())
    counts = meta["counts"]
    out = [
        f"{sum(counts.values()):,} source rows: {counts['customers']:,} customers, {counts['products']:,} products, "
        f"{counts['channels']} channels, {counts['purchases']:,} purchase lines, {counts['events']:,} events → "
        f"{nodes:,} nodes, {rels:,} relationships. Run {meta['date']} on {meta['machine']}; each path starts on an "
        "empty database with the schema applied and runs in its own process.",
        "",
        "| path | total | rows/s | relationships/s | client CPU | Neo4j CPU | client peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for path, r in results.items():
        server = f"{r['server_cpu']:.0f} s"
        if r["admin_cpu"] > 1:
            server += f" + {r['admin_cpu']:.0f} s neo4j-admin"
        out.append(
            f"| {LABELS.get(path, path)} | {r['seconds']:.1f} s | {r['rows'] / r['seconds']:,.0f} | "
            f"{rels / r['seconds']:,.0f} | {r['client_cpu']:.0f} s | {server} | {r['peak_rss_mib']:,.0f} MiB |"
        )
    out += ["", "Rows/s per file (" + " / ".join(KINDS) + "; import: validation and buffering only):", ""]
    for path, r in results.items():
        rates = [_k(r["per_kind"][k]["rows"] / r["per_kind"][k]["seconds"]) for k in KINDS if k in r["per_kind"]]
        out.append(f"- {path}: {' / '.join(rates)}")
    out.append("")
    if "online" in results and "bare" in results:
        ratio = results["bare"]["seconds"] / results["online"]["seconds"]
        out.append(f"- online / bare rows/s: **{ratio:.2f}×** (target ≥ 0.8)")
    if "online" in results and "import" in results:
        ratio = results["online"]["seconds"] / results["import"]["seconds"]
        out.append(f"- import / online end to end: **{ratio:.2f}×** (target ≥ 5)")
    if results.get("import", {}).get("phases"):
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in results["import"]["phases"].items())
        out.append(f"- import steps: {steps}")
    graphs = [r["graph"] for r in results.values()]
    same = all(g == graphs[0] for g in graphs)
    out.append(
        f"- graph equality ({', '.join(results)}): **{'same' if same else 'DIFFERENT'}** — nodes "
        + ", ".join(f"{k} {v:,}" for k, v in any_graph["nodes"].items())
        + "; relationships "
        + ", ".join(f"{k} {v:,}" for k, v in any_graph["relationships"].items())
        + f"; PURCHASED totals {any_graph['purchased']}"
    )
    loads = "; ".join(
        f"{path} {' '.join(r['loadavg'][:3])} → {' '.join(r['loadavg'][3:])}" for path, r in results.items()
    )
    out.append(f"- shared machine (other helpers ran tests meanwhile); load average before → after each path: {loads}")
    text = "\n".join(out)
    print(text)
    return text


def write_results(path: Path, table: str, profile: str) -> None:
    """Replace the ``## Loading`` section of ``path`` (up to the next ``## `` heading) with the new results."""
    body = path.read_text()
    section = f"## Loading (`benchmarks/bench_load.py`)\n\n{table}\n"
    if profile:
        section += f"\nProfile of the online path on purchases (cProfile, main thread):\n\n```\n{profile}\n```\n"
    new, n = re.subn(r"## Loading.*?(?=^## )", section + "\n", body, count=1, flags=re.S | re.M)
    if n == 0:
        new = body.rstrip("\n") + "\n\n" + section
    path.write_text(new)


__all__ = ["print_table", "write_results"]
