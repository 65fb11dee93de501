#!/usr/bin/env python
"""Load an orders file and its order-lines file as purchase lines, each line joined to its order.

From the orders file: orderId, customerId, at, channelId (optional). From the lines file: orderId, productId,
quantity, lineId or lineNumber (optional), and amount or unitPrice (amount = unitPrice × quantity; an explicit
amount wins). CSV, TSV, JSONL or Parquet. Usage::

    .venv/bin/python loaders/orders_csv.py ORDERS_FILE LINES_FILE --source shop [--map Source=ours ...]
    .venv/bin/python loaders/orders_csv.py JOINED_FILE --source shop     # lines carrying the order columns
    .venv/bin/python loaders/orders_csv.py Invoice.csv InvoiceLine.csv --source chinook --chinook

``--chinook`` maps the Chinook sample database's Invoice / InvoiceLine columns. Customers and products must be
loaded first (``graphengine load customers …``, ``graphengine load products …``) or use ``--create-missing``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from graphengine.commands.orders import print_orders
from graphengine.config import get_settings
from graphengine.errors import ConfigError, GraphEngineError
from graphengine.load import ColumnMap, LoadOptions
from graphengine.load.orders import load_orders
from graphengine.store import Store

CHINOOK = {
    "InvoiceId": "orderId",
    "CustomerId": "customerId",
    "InvoiceDate": "at",
    "InvoiceLineId": "lineId",
    "TrackId": "productId",
    "UnitPrice": "unitPrice",
    "Quantity": "quantity",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE", help="ORDERS_FILE LINES_FILE, or JOINED_FILE")
    parser.add_argument("--source", required=True, help="name of the data source (provenance)")
    parser.add_argument("--party", default="first", choices=["first", "second", "third"])
    parser.add_argument("--map", action="append", default=[], metavar="SOURCE=OURS", help="rename a column")
    parser.add_argument("--chinook", action="store_true", help="map the Chinook Invoice/InvoiceLine columns")
    parser.add_argument("--create-missing", action="store_true")
    parser.add_argument("--out-dir", type=Path, default=Path(".graphengine/loads"))
    args = parser.parse_args(argv)
    if len(args.files) > 2:
        parser.error("give ORDERS_FILE LINES_FILE, or one JOINED_FILE")
    orders, lines = (args.files[0], args.files[1]) if len(args.files) == 2 else (None, args.files[0])
    try:
        rename = {**(CHINOOK if args.chinook else {}), **_pairs(args.map)}
        options = LoadOptions(
            source=args.source,
            party=args.party,
            mapping=ColumnMap(rename=rename),
            create_missing=args.create_missing,
            out_dir=args.out_dir,
        )
        settings = get_settings()
        with Store(settings) as store:
            result = load_orders(store, orders, lines, options, salt=settings.hash_salt.get_secret_value())
    except GraphEngineError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc.message}", highlight=False)
        return 1
    print_orders(result)
    return 10 if result.quarantined else 0


def _pairs(items: list[str]) -> dict[str, str]:
    if any("=" not in item for item in items):
        raise ConfigError("--map takes source=ours")
    return dict(item.split("=", 1) for item in items)


if __name__ == "__main__":
    sys.exit(main())
