"""Load throughput: online UNWIND batches vs neo4j-admin import vs a one-row-per-transaction driver loop.

Generates ~1M relationships (customers, products, accounts, follows, purchase lines), loads them into a
dedicated local instance (``bench``, Bolt 7689 / HTTP 7476; started and stopped here), and prints rows/s,
relationships/s and ratios. Run: ``.venv/bin/python benchmarks/bench_load.py [--customers 100000]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import platform
import time
from pathlib import Path

import numpy as np

from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.load.bulk_import import import_files
from graphengine.store import LocalNeo4j, Store, apply_schema

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def generate(folder: Path, customers: int, products: int, lines: int, follows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, header: list[str], rows: object) -> None:
        with (folder / name).open("w", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(header)
            w.writerows(rows)  # type: ignore[arg-type]

    write(
        "customers.csv",
        ["customerId", "name", "country", "consentEmail"],
        ([f"C{i}", f"Customer {i}", "SE", "true"] for i in range(customers)),
    )
    write(
        "products.csv",
        ["productId", "name", "category", "price"],
        ([f"P{j}", f"Product {j}", f"Cat{j % 20}", 10.0] for j in range(products)),
    )
    write(
        "accounts.csv",
        ["accountId", "platform", "customerId"],
        ([f"A{i}", "instagram", f"C{i}"] for i in range(customers)),
    )
    a = rng.integers(0, customers, size=follows)
    b = (a + 1 + rng.zipf(1.5, size=follows) % (customers - 1)) % customers
    write("follows.csv", ["follower", "followee"], ([f"A{x}", f"A{y}"] for x, y in zip(a, b, strict=True)))
    c = rng.integers(0, customers, size=lines)
    p = rng.integers(0, products, size=lines)
    at = [(EPOCH + dt.timedelta(seconds=int(s))).isoformat() for s in rng.integers(0, 90 * 86400, size=lines)]
    write(
        "purchases.csv",
        ["orderId", "lineId", "customerId", "productId", "amount", "at"],
        ([f"O{k}", f"O{k}-0", f"C{x}", f"P{y}", 10.0, t] for k, (x, y, t) in enumerate(zip(c, p, at, strict=True))),
    )


PLAN = [
    ("customers", "customers.csv"),
    ("products", "products.csv"),
    ("accounts", "accounts.csv"),
    ("follows", "follows.csv"),
    ("purchases", "purchases.csv"),
]


def count_rels(store: Store) -> int:
    return int(store.query("store.count_graph")[0]["relationships"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=700_000)
    parser.add_argument("--follows", type=int, default=300_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument("--out", type=Path, default=Path(".graphengine/bench-load"))
    args = parser.parse_args()

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        instance="bench",
        bolt_port=7689,
        http_port=7476,
        heap_size="4g",
        pagecache_size="2g",
        batch_size=10_000,
    )
    local = LocalNeo4j(settings)
    started = local.start()
    data = args.out / "data"
    t0 = time.perf_counter()
    generate(data, args.customers, args.products, args.lines, args.follows)
    print(f"generated in {time.perf_counter() - t0:.1f}s")
    salt = settings.hash_salt.get_secret_value()
    results: dict[str, float] = {}
    try:
        with Store(settings) as store:
            store.clear()
            apply_schema(store)
            t0 = time.perf_counter()
            rows = 0
            for kind, name in PLAN:
                t1 = time.perf_counter()
                report = load_file(store, kind, data / name, LoadOptions(source="bench", out_dir=args.out), salt=salt)
                rows += report.rows_read
                rate = report.rows_read / (time.perf_counter() - t1)
                print(f"  online {kind:10s} {report.rows_read:>9,} rows  {rate:>10,.0f} rows/s")
            online_s = time.perf_counter() - t0
            rels = count_rels(store)
            results.update(online_s=online_s, rows=rows, rels=rels)
            print(
                f"online: {rows:,} rows, {rels:,} relationships in {online_s:.1f}s = {rows / online_s:,.0f} rows/s, "
                f"{rels / online_s:,.0f} relationships/s"
            )

            # naive: one purchase line per transaction, same query, on a sample of new lines
            sample = [
                {
                    "orderId": f"N{k}",
                    "lineId": f"N{k}-0",
                    "customerId": f"C{k % args.customers}",
                    "productId": f"P{k % args.products}",
                    "quantity": 1,
                    "amount": 1.0,
                    "at": EPOCH.isoformat(),
                }
                for k in range(args.naive_sample)
            ]
            t1 = time.perf_counter()
            for row in sample:
                store.write("load.merge_purchases", {"rows": [row], "source": "bench"})
            naive_rate = len(sample) / (time.perf_counter() - t1)
            batch = [dict(r, orderId="B" + r["orderId"], lineId="B" + r["lineId"]) for r in sample]
            t1 = time.perf_counter()
            store.write("load.merge_purchases", {"rows": batch, "source": "bench"})
            batched_rate = len(batch) / (time.perf_counter() - t1)
            results.update(naive_rate=naive_rate, batched_sample_rate=batched_rate)
            print(
                f"naive one-row-per-transaction: {naive_rate:,.0f} rows/s; same rows as one UNWIND batch: "
                f"{batched_rate:,.0f} rows/s"
            )
        files = [(kind, data / name, LoadOptions(source="bench", out_dir=args.out)) for kind, name in PLAN]
        t0 = time.perf_counter()
        import_files(local, files, salt=salt)
        import_s = time.perf_counter() - t0
        with Store(settings) as store:
            rels_imported = count_rels(store)
        results.update(import_s=import_s, rels_imported=rels_imported)
        print(
            f"import: {rows:,} rows, {rels_imported:,} relationships in {import_s:.1f}s (validation, CSVs, "
            f"neo4j-admin, restart, schema) = {rows / import_s:,.0f} rows/s, {rels_imported / import_s:,.0f} rel/s"
        )
        print(f"ratios: online/naive {rows / online_s / naive_rate:.0f}x, import/online {online_s / import_s:.2f}x")
        print(
            f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
        )
    finally:
        if started:
            local.stop()


if __name__ == "__main__":
    main()
