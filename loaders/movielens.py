#!/usr/bin/env python
"""Load the public MovieLens-100k ratings (shipped inside the recbole 1.2.1 wheel on PyPI).

The wheel is fetched once with ``pip download --no-deps`` into ``.graphengine/datasets/`` and read as a zip;
users become customers ``ml-u<id>``, movies products ``ml-m<id>``, ratings RATED edges with their timestamps,
and ratings of 4 or more also purchase lines (so co-purchase recommendations have data). ``--consent`` records
profiling consent (``consentProfiling = true``) for every customer, so the recommender serves them the
personalised lists it is evaluated on (without it they get the popularity list). Usage::

    .venv/bin/python loaders/movielens.py [--source movielens] [--limit N] [--mode online|import] [--consent]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

from _script import run

from graphengine.load import LoadOptions
from graphengine.recommend.datasets import load_movielens_100k


def write_files(folder: Path, limit: int | None = None, *, consent: bool = False) -> dict[str, Path]:
    data = load_movielens_100k()
    n = len(data) if limit is None else min(limit, len(data))
    folder.mkdir(parents=True, exist_ok=True)
    users = sorted({int(u) for u in data.users[:n]})
    items = sorted({int(i) for i in data.items[:n]})
    paths = {name: folder / f"{name}.csv" for name in ("customers", "products", "ratings", "purchases")}
    with paths["customers"].open("w", newline="") as handle:
        header, extra = (["customerId", "consentProfiling"], ["true"]) if consent else (["customerId"], [])
        csv.writer(handle).writerows([header, *([f"ml-u{data.user_ids[u]}", *extra] for u in users)])
    with paths["products"].open("w", newline="") as handle:
        csv.writer(handle).writerows(
            [["productId", "category"], *([f"ml-m{data.item_ids[i]}", "Movies"] for i in items)]
        )
    with paths["ratings"].open("w", newline="") as handle, paths["purchases"].open("w", newline="") as bought:
        ratings, purchases = csv.writer(handle), csv.writer(bought)
        ratings.writerow(["customerId", "productId", "rating", "at"])
        purchases.writerow(["orderId", "customerId", "productId", "amount", "at"])
        for k in range(n):
            user, item = f"ml-u{data.user_ids[data.users[k]]}", f"ml-m{data.item_ids[data.items[k]]}"
            stamp = int(data.timestamps[k]) if data.timestamps is not None else 0
            at = dt.datetime.fromtimestamp(stamp, tz=dt.UTC).isoformat()
            ratings.writerow([user, item, float(data.ratings[k]), at])
            if data.ratings[k] >= 4:
                purchases.writerow([f"ml-{k}", user, item, 0, at])
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="movielens")
    parser.add_argument("--limit", type=int, default=None, help="load only the first N ratings")
    parser.add_argument("--mode", default="online", choices=["online", "import"])
    parser.add_argument("--consent", action="store_true", help="record profiling consent for every customer")
    parser.add_argument("--out-dir", type=Path, default=Path(".graphengine/loads"))
    args = parser.parse_args(argv)
    paths = write_files(args.out_dir / "movielens", args.limit, consent=args.consent)
    options = LoadOptions(source=args.source, party="third", out_dir=args.out_dir)
    plan = [(kind, paths[kind], options) for kind in ("customers", "products", "ratings", "purchases")]
    return run(plan, args.mode)


if __name__ == "__main__":
    sys.exit(main())
