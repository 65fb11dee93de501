#!/usr/bin/env python
"""Load a retail export folder: channels, products, customers, identifiers, purchases, events.

Each kind is a file named after it (``customers.csv``, ``events.jsonl``, ``purchases.parquet`` …); missing
ones are skipped. Usage::

    .venv/bin/python loaders/retail_csv.py EXPORT_DIR --source shop [--party first] [--mode online|import]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _script import run

from graphengine.load import LoadOptions
from graphengine.load.plan import find_source

ORDER = ("channels", "products", "customers", "identifiers", "purchases", "ratings", "events")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--source", required=True, help="name of the data source (provenance)")
    parser.add_argument("--party", default="first", choices=["first", "second", "third"])
    parser.add_argument("--mode", default="online", choices=["online", "import"])
    parser.add_argument("--create-missing", action="store_true")
    parser.add_argument("--out-dir", type=Path, default=Path(".graphengine/loads"))
    args = parser.parse_args(argv)
    plan = []
    for kind in ORDER:
        path = find_source(args.folder, kind)
        if path is not None:
            options = LoadOptions(
                source=args.source, party=args.party, create_missing=args.create_missing, out_dir=args.out_dir
            )
            plan.append((kind, path, options))
    return run(plan, args.mode)


if __name__ == "__main__":
    sys.exit(main())
