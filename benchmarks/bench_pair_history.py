"""Does the cost of a purchase line grow with its pair's history? 20k / 40k / 80k lines on ONE customer–product pair,
loaded online in 10k batches into an empty graph (instance ``benchpair``, Bolt 7694 / HTTP 7481; started and
stopped here), plus one more 10k batch on top of each history; a first 20k round warms the server up. Linear cost
means the total time grows 2× per doubling and the extra batch costs the same whatever the history.

Run: ``.venv/bin/python benchmarks/bench_pair_history.py``.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.store import LocalNeo4j, Store, apply_schema

OUT = Path(".graphengine/bench-pair")


def lines_file(path: Path, start: int, count: int) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["orderId", "customerId", "productId", "amount", "at"])
        writer.writerows([f"O{k}", "C1", "P1", 1.0, "2026-01-01T10:00:00Z"] for k in range(start, start + count))
    return path


def main() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, instance="benchpair", bolt_port=7694, http_port=7481, heap_size="2g", pagecache_size="1g"
    )
    local = LocalNeo4j(settings)
    started = local.start()
    OUT.mkdir(parents=True, exist_ok=True)
    salt = settings.hash_salt.get_secret_value()
    options = LoadOptions(source="bench", out_dir=OUT, batch_size=10_000)
    results = []
    try:
        with Store(settings) as store:
            for history in (20_000, 20_000, 40_000, 80_000):  # the first round warms the server up
                store.clear()
                apply_schema(store)
                for kind, row in (("customers", "customerId\nC1\n"), ("products", "productId\nP1\n")):
                    (OUT / f"{kind}.csv").write_text(row)
                    load_file(store, kind, OUT / f"{kind}.csv", options, salt=salt)
                t0 = time.perf_counter()
                load_file(store, "purchases", lines_file(OUT / "history.csv", 0, history), options, salt=salt)
                total = time.perf_counter() - t0
                t0 = time.perf_counter()
                load_file(store, "purchases", lines_file(OUT / "extra.csv", history, 10_000), options, salt=salt)
                extra = time.perf_counter() - t0
                count = store.run_text("MATCH ()-[r:PURCHASED]->() RETURN r.count AS n")[0]["n"]
                assert count == history + 10_000, count
                results.append((history, total, extra))
                print(
                    f"{history:>7,} lines on one pair: {total:6.2f} s ({history / total:8,.0f} lines/s); "
                    f"one more 10k batch on top: {extra:5.2f} s",
                    flush=True,
                )
        (h0, t0_, e0), (_, _, _), (h2, t2, e2) = results[1:]
        print(f"ratio 80k/20k total time: {t2 / t0_:.2f}x (linear = {h2 / h0:.0f}x, quadratic = {(h2 / h0) ** 2:.0f}x)")
        print(f"extra 10k batch after 80k vs after 20k: {e2 / e0:.2f}x (constant cost = 1x)")
        print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}, cores: {os.cpu_count()}")
    finally:
        if started:
            local.stop()


if __name__ == "__main__":
    main()
