"""``graphengine load orders ORDERS_FILE --lines LINES_FILE``: orders and their lines, loaded as purchase lines.

``load`` is registered with :class:`LoadCommand`, which hands ``load orders …`` to the command here and every
other kind to the generic ``load KIND FILE``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from rich.table import Table
from typer.core import TyperCommand

from graphengine.commands._common import OUT_DIR_HELP, EpochOpt, JsonOpt, TimezoneOpt, err, out, settings, value_rules
from graphengine.load.decoding import codec_name
from graphengine.load.orders import OrdersLoad, load_orders
from graphengine.progress import rich_progress
from graphengine.store import Store

app = typer.Typer()


@app.command("orders")
def orders(
    orders_file: Annotated[
        Path,
        typer.Argument(
            metavar="ORDERS_FILE",
            help="The orders file (orderId, customerId, at, channelId); without --lines, one joined file of lines "
            "that carry those columns themselves.",
        ),
    ],
    source: Annotated[str, typer.Option(help="Name of the data source (provenance on every node and edge).")],
    lines: Annotated[
        Path | None,
        typer.Option(
            help="The order-lines file (orderId, productId, quantity, amount or unitPrice, lineId or lineNumber).",
        ),
    ] = None,
    party: Annotated[str, typer.Option(help="first, second or third party data.")] = "first",
    map_: Annotated[list[str], typer.Option("--map", help="Rename a column of both files: source=ours.")] = [],  # noqa: B006
    mapping: Annotated[Path | None, typer.Option(help="YAML/TOML file with columns: {source: ours}.")] = None,
    drop_column: Annotated[list[str], typer.Option(help="Drop a source column before anything reads it.")] = [],  # noqa: B006
    create_missing: Annotated[bool, typer.Option(help="Create placeholder customers and products.")] = False,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Rows per UNWIND transaction.")] = None,
    out_dir: Annotated[Path | None, typer.Option(help=OUT_DIR_HELP)] = None,
    timezone: TimezoneOpt = "UTC",
    epoch: EpochOpt = None,
    encoding: Annotated[
        str, typer.Option(help="Text encoding of CSV/JSONL files (utf-8, cp1252, latin-1, …).")
    ] = "utf-8",
    as_json: JsonOpt = False,
) -> None:
    """Load order lines as purchases, each joined to its order (customer, time, channel).

    amount = unitPrice × quantity when a line has no amount (an explicit amount wins). Exit 0: all loaded;
    10: loaded, some lines or orders quarantined; 6: refused."""
    from graphengine.cli import EXIT_QUARANTINED, _column_map, load_options, missing_file_exit

    config = settings()
    missing_file_exit(orders_file, lines)
    codec_name(encoding)  # an unknown encoding is a clear error before anything is read
    options = load_options(
        config,
        source=source,
        party=party,
        mapping=_column_map(mapping, map_, drop_column),
        create_missing=create_missing,
        batch_size=batch_size,
        out_dir=out_dir,
        rules=value_rules(config, timezone, epoch),
        encoding=encoding,
    )
    order_path, lines_path = (orders_file, lines) if lines is not None else (None, orders_file)
    salt = config.hash_salt.get_secret_value()
    with Store(config) as store, rich_progress(err, disable=as_json) as progress:
        task = progress.add_task(f"orders ← {lines_path.name}", total=None)
        result = load_orders(
            store, order_path, lines_path, options, salt=salt, on_progress=lambda n: progress.advance(task, n)
        )
    if as_json:
        print(json.dumps({**result.to_dict(), "report_file": str(result.report_file)}, default=str))
    else:
        print_orders(result)
    if result.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


def print_orders(result: OrdersLoad) -> None:
    """The lines table, the orders table, the columns nobody reads, and where the files went."""
    out.print(result.report.table())
    summary = result.orders
    if summary.orders_file:
        table = Table(title=f"orders ← {Path(summary.orders_file).name}")
        counts: dict[str, Any] = {
            "read": summary.orders_read,
            "orders": summary.orders,
            "with lines": summary.orders_with_lines,
            "without lines": summary.orders_without_lines,
            "duplicates": summary.orders_duplicates,
            "quarantined": summary.orders_quarantined,
            "lines without order": summary.lines_without_order,
        }
        for column in counts:
            table.add_column(column, justify="right")
        table.add_row(*(f"{n:,}" for n in counts.values()))
        out.print(table)
    out.print(f"amount = unitPrice × quantity on {summary.amounts_from_unit_price:,} lines")
    for name, columns in summary.ignored_columns.items():
        if columns:
            out.print(f"ignored columns of {name}: {', '.join(columns)}", highlight=False)
    for label, path in (("lines", result.report.quarantine_file), ("orders", summary.orders_quarantine_file)):
        if path:
            out.print(f"quarantined {label} with reasons: {path}", highlight=False)
    out.print(f"report: {result.report_file}", highlight=False)


class LoadCommand(TyperCommand):
    """The ``load`` command: ``load orders …`` runs :func:`orders`; any other kind the generic loader."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.epilog = (
            "Orders and their lines: graphengine load orders ORDERS_FILE --lines LINES_FILE --source S "
            "(see load orders --help)."
        )

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if args and args[0] == "orders":
            command = typer.main.get_command(app)
            return command.make_context(f"{info_name} orders", args[1:], parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


__all__ = ["LoadCommand", "orders", "print_orders"]
