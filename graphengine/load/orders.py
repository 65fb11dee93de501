"""Orders and order lines: join an orders file to its lines file and load the lines as purchases.

Retail exports usually come as an orders file (one row per order: ``orderId``, ``customerId``, ``at``, an
optional ``channelId``) and an order-lines file (one row per line: ``orderId``, ``productId``, ``quantity``, and
an ``amount`` or a ``unitPrice``). The orders file is read first into an index keyed by ``orderId`` (orders files
are much smaller than line files); the lines file is then streamed, each line joined to its order and handed to
the purchases :class:`~graphengine.load.pipeline.Loader` (validation, quarantine, references, batches).

Rules of the join:

- a line takes ``customerId``, ``at`` and ``channelId`` from its order; a line's own ``at`` or ``channelId``
  wins, a line naming another customer than its order is quarantined;
- ``amount`` = ``unitPrice`` × ``quantity`` (decimal arithmetic, so 0.99 × 3 = 2.97; ``quantity`` defaults to 1);
  an explicit ``amount`` on the line wins;
- ``lineId`` is the line's own; else ``orderId:lineNumber`` when the file has a ``lineNumber``; else the model's
  default ``orderId:productId``;
- a line whose order is not in the orders file, or whose order was quarantined, is quarantined with the reason;
- an order with no ``orderId``, customer or time, or given twice with different values, is quarantined in its own
  file (``orders-<file>-<run>.jsonl``); an order no line refers to is counted (``orders_without_lines``);
- columns of either file that the join does not use are listed in the report (``ignored_columns``).

With no orders file, the lines file is one joined file that carries the order columns itself.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graphengine.errors import ConfigError
from graphengine.load.pipeline import Loader, LoadOptions, OnlineSink
from graphengine.load.privacy import guard_columns
from graphengine.load.quarantine import Quarantine, reasons_from_validation
from graphengine.load.readers import Row, detect_format, read_rows, require_columns, source_columns, source_nested
from graphengine.load.report import LoadReport, new_run_id
from graphengine.load.screen import refuse_identifier_columns
from graphengine.load.test_rows import TEST_KEY_PREFIXES, TEST_MARKER_COLUMNS
from graphengine.model._base import InputRecord, Key, OptStr, Timestamp
from graphengine.model.rules import DEFAULT_RULES, ValueRules
from graphengine.store import Store

ORDER_COLUMNS = ("orderId", "customerId", "at", "channelId")
ORDER_KNOWN = (*ORDER_COLUMNS, *TEST_MARKER_COLUMNS)
LINE_COLUMNS = ("orderId", "lineId", "lineNumber", "productId", "quantity", "amount", "unitPrice")
FROM_ORDER = ("customerId", "at", "channelId")
SAMPLE = 20  # order ids listed in the report for orders without lines


class OrderIn(InputRecord):
    """One row of an orders file: the order's customer, time and (optional) channel."""

    orderId: Key
    customerId: Key
    at: Timestamp
    channelId: OptStr = None


@dataclass
class OrdersSummary:
    """The orders side of an orders + lines load: ``orders_read = orders + orders_duplicates +
    orders_quarantined``."""

    orders_file: str | None
    lines_file: str
    orders_read: int = 0
    orders: int = 0
    orders_duplicates: int = 0
    orders_quarantined: int = 0
    orders_with_lines: int = 0
    orders_without_lines: int = 0
    orders_without_lines_sample: list[str] = field(default_factory=list)
    lines_without_order: int = 0
    amounts_from_unit_price: int = 0
    orders_quarantine_file: str | None = None
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return self.orders_read == self.orders + self.orders_duplicates + self.orders_quarantined

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "balanced": self.balanced}


@dataclass
class OrdersLoad:
    """The purchases report of the lines and the orders summary, written together as one JSON report."""

    report: LoadReport
    orders: OrdersSummary
    report_file: Path | None = None

    @property
    def quarantined(self) -> int:
        return self.report.quarantined + self.orders.orders_quarantined

    def to_dict(self) -> dict[str, Any]:
        return {**self.report.to_dict(), "orders": self.orders.to_dict()}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


class OrderIndex:
    """The valid orders of an orders file, keyed by ``orderId``: ``[customerId, at, channelId, line, used]``.

    ``at`` keeps its source value, so the purchases model reads it exactly as it reads a purchases file."""

    def __init__(self, path: Path, summary: OrdersSummary, rules: ValueRules = DEFAULT_RULES) -> None:
        self.path = path
        self.summary = summary
        self.context = {"rules": rules}  # the same value rules as the lines (time zone, epoch, range)
        self.orders: dict[str, list[Any]] = {}
        self.refused: dict[str, str] = {}  # orderId → why the order was quarantined

    def read(self, rows: Iterator[tuple[int, Row]], quarantine: Quarantine) -> OrderIndex:
        for line, row in rows:
            self.summary.orders_read += 1
            reasons = self._add(line, row, quarantine)
            if reasons:
                self.summary.orders_quarantined += 1
                quarantine.add(line, row, reasons)
        self.summary.orders = len(self.orders)
        return self

    def _add(self, line: int, row: Row, quarantine: Quarantine) -> list[str]:
        order_id = _text(row.get("orderId"))
        if "__error__" in row:
            reasons = [f"row: {row['__error__']}"]
        elif order_id in self.refused:
            return [self.refused[order_id]]
        elif test := _test_order(row, order_id):
            reasons = [test]
        else:
            try:
                order = OrderIn.model_validate(row, context=self.context)
            except ValidationError as exc:
                reasons = reasons_from_validation(exc)
            else:
                return self._keep(line, order, row["at"], quarantine)
        if order_id:
            self._refuse(order_id, "; ".join(reasons), quarantine)
        return reasons

    def _keep(self, line: int, order: OrderIn, at: Any, quarantine: Quarantine) -> list[str]:
        known = self.orders.get(order.orderId)
        if known is None:
            channel = sys.intern(order.channelId) if order.channelId else None  # few channels, many orders
            self.orders[order.orderId] = [sys.intern(order.customerId), at, channel, line, False]
            return []
        if known[:3] == [order.customerId, at, order.channelId]:
            self.summary.orders_duplicates += 1
            return []
        reason = f"orderId: order {order.orderId!r} is given at lines {known[3]} and {line} with different values"
        self._refuse(order.orderId, reason, quarantine)
        return [reason]

    def _refuse(self, order_id: str, reason: str, quarantine: Quarantine) -> None:
        """No line joins this order; an earlier row of it that was kept is quarantined too (neither is trusted)."""
        self.refused[order_id] = reason
        known = self.orders.pop(order_id, None)
        if known is not None:
            quarantine.add(known[3], dict(zip(ORDER_COLUMNS, [order_id, *known[:3]], strict=True)), [reason])
            self.summary.orders_quarantined += 1

    def finish(self) -> None:
        """Count the orders no line referred to (the index is done with after this)."""
        self.summary.orders = len(self.orders)
        unused = [order_id for order_id, order in self.orders.items() if not order[4]]
        self.summary.orders_with_lines = len(self.orders) - len(unused)
        self.summary.orders_without_lines = len(unused)
        self.summary.orders_without_lines_sample = unused[:SAMPLE]


def _decimal(value: Any) -> Decimal:
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise InvalidOperation
    return number


def _test_order(row: Row, order_id: str) -> str | None:
    """The pipeline's test-row rules, applied to an order (its lines carry no marker of their own)."""
    for column in TEST_MARKER_COLUMNS:
        value = row.get(column)
        if (isinstance(value, bool) and value) or str(value).strip().lower() in {"1", "true", "yes", "y"}:
            return f"{column}: marked as a test row"
    if order_id.lower().startswith(TEST_KEY_PREFIXES):
        return "orderId: test row (id starts with a test prefix)"
    return None


def _amount(row: Row) -> tuple[float | None, str | None]:
    """``unitPrice × quantity`` when the line has no amount of its own: ``(amount, None)`` or ``(None, why)``."""
    price_text = row.get("unitPrice")
    try:
        price = _decimal(price_text)
    except (InvalidOperation, ValueError):
        return None, f"unitPrice: not a finite number {price_text!r}"
    if price < 0:
        return None, f"unitPrice: must be >= 0, got {price_text!r}"
    quantity_text = row.get("quantity")
    try:
        quantity = Decimal(1) if _blank(quantity_text) else _decimal(quantity_text)
    except (InvalidOperation, ValueError):
        quantity = Decimal("NaN")
    if quantity.is_nan() or quantity != quantity.to_integral_value():
        return None, f"quantity: not a whole number {quantity_text!r}"
    amount = float(price * quantity)
    if not math.isfinite(amount):
        return None, f"unitPrice: unitPrice × quantity is too large ({price_text!r} × {quantity_text!r})"
    return amount, None


class OrderLineJoin:
    """Streams ``(line, row)`` of the lines file, each row mapped and joined to its order."""

    def __init__(self, lines: Path, options: LoadOptions, index: OrderIndex | None, summary: OrdersSummary) -> None:
        self.lines = lines
        self.options = options
        self.index = index
        self.summary = summary
        self.fmt = options.fmt or detect_format(lines)
        self.header = options.mapping.header(source_columns(lines, self.fmt, options.encoding))
        self.customer_of: dict[str, str] = {}  # one joined file: each order's customer, from its first line

    @property
    def columns(self) -> list[str]:
        """The joined header: the line columns, the order columns they receive, and a computed ``amount``."""
        added = [c for c in FROM_ORDER if c not in self.header] if self.index is not None else []
        amount = ["amount"] if "unitPrice" in self.header and "amount" not in self.header else []
        return [*self.header, *added, *amount]

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        for line, raw in read_rows(self.lines, self.fmt, self.options.encoding):
            row = self.options.mapping.apply(raw)
            if "__error__" not in row:
                error = self._join(row)
                if error:
                    row["__error__"] = error
            yield line, row
        if self.index is not None:
            self.index.finish()

    def _join(self, row: Row) -> str | None:
        """Fill ``row`` in place; the reason the line cannot be loaded, if any."""
        order_id = _text(row.get("orderId"))
        if self.index is not None:
            if not order_id:
                return "orderId: missing"
            error = self._from_order(self.index, order_id, row)
            if error:
                return error
        elif order_id and (customer := _text(row.get("customerId"))):
            first = self.customer_of.setdefault(order_id, sys.intern(customer))
            if customer != first:
                return f"customerId: the line says {customer!r}, order {order_id!r} says {first!r} (its first line)"
        if _blank(row.get("amount")) and not _blank(row.get("unitPrice")):
            amount, error = _amount(row)
            if error:
                return error
            row["amount"] = amount
            self.summary.amounts_from_unit_price += 1
        if _blank(row.get("lineId")) and not _blank(row.get("lineNumber")) and order_id:
            row["lineId"] = f"{order_id}:{_text(row['lineNumber'])}"
        return None

    def _from_order(self, index: OrderIndex, order_id: str, row: Row) -> str | None:
        order = index.orders.get(order_id)
        if order is None:
            self.summary.lines_without_order += 1
            refused = index.refused.get(order_id)
            if refused:
                return f"orderId: order {order_id!r} is quarantined in {index.path.name} ({refused})"
            return f"orderId: no order {order_id!r} in {index.path.name}"
        customer = _text(row.get("customerId"))
        if customer and customer != order[0]:
            return f"customerId: the line says {customer!r}, order {order_id!r} says {order[0]!r}"
        order[4] = True
        row["customerId"] = order[0]
        if _blank(row.get("at")):
            row["at"] = order[1]
        if _blank(row.get("channelId")) and order[2] is not None:
            row["channelId"] = order[2]
        return None


def _ignored(header: list[str], known: tuple[str, ...]) -> list[str]:
    return [c for c in header if c not in known]


def _guard_source(path: Path, options: LoadOptions) -> None:
    """The privacy guard on a file's names as the source gives them and as mapped, nested keys included."""
    fmt = options.fmt or detect_format(path)
    mapping = options.mapping
    guard_columns(
        source_columns(path, fmt, options.encoding),
        f"{path.name} (source {options.source})",
        options.extra_privacy_terms,
        rename=mapping.rename,
        drop=mapping.drop,
        nested=source_nested(path, fmt, options.encoding),
    )


def prepare_join(
    orders: Path | None, lines: Path, options: LoadOptions, *, run: str, salt: str | None = None
) -> OrderLineJoin:
    """Check both headers (required columns, privacy guard of the orders file), read the orders file into the
    index (its rejected rows go to ``<out_dir>/quarantine/orders-<file>-<run>.jsonl``) and return the join."""
    for path in (lines, orders):
        if path is not None and not path.is_file():
            raise ConfigError(f"source file not found: {path}")
    summary = OrdersSummary(orders_file=str(orders) if orders else None, lines_file=str(lines))
    _guard_source(lines, options)
    join = OrderLineJoin(lines, options, None, summary)
    require_columns(lines, join.header, ["orderId", "productId"])
    if "amount" not in join.header and "unitPrice" not in join.header:
        require_columns(lines, join.header, ["amount"], " (or unitPrice, to compute amount = unitPrice × quantity)")
    summary.ignored_columns[lines.name] = _ignored(join.header, LINE_COLUMNS + ORDER_KNOWN)
    if orders is None:
        return join
    fmt = detect_format(orders)
    orders_header = options.mapping.header(source_columns(orders, fmt, options.encoding))
    _guard_source(orders, options)
    require_columns(orders, orders_header, ["orderId", "customerId", "at"])
    summary.ignored_columns[orders.name] = _ignored(orders_header, ORDER_KNOWN)
    quarantine_path = options.out_dir / "quarantine" / f"orders-{orders.name}-{run}.jsonl"
    read = ((n, options.mapping.apply(row)) for n, row in read_rows(orders, fmt, options.encoding))
    source = f"{orders.name} (source {options.source})"
    mapped = refuse_identifier_columns(read, summary.ignored_columns[orders.name], source, "an order")
    with Quarantine(quarantine_path, orders, salt=salt) as quarantine:
        join.index = OrderIndex(orders, summary, options.rules).read(mapped, quarantine)
    summary.orders_quarantine_file = str(quarantine_path) if quarantine.count else None
    return join


def load_orders(
    store: Store,
    orders: Path | None,
    lines: Path,
    options: LoadOptions,
    *,
    salt: str,
    on_progress: Callable[[int], None] | None = None,
) -> OrdersLoad:
    """Load the lines of ``lines`` as purchases, joined to the orders of ``orders`` (None: one joined file).

    The report and quarantine of the lines are named after the lines file; the orders summary and the merged
    report go to ``<out_dir>/reports/orders-<lines file>-<run>.json``."""
    run = new_run_id()
    join = prepare_join(orders, lines, options, run=run, salt=salt)
    sink = OnlineSink(store)
    try:
        report = Loader(sink, "purchases", options, salt=salt).load(
            lines, on_progress, rows=iter(join), columns=join.columns
        )
    finally:
        sink.close()
    result = OrdersLoad(report, join.summary)
    result.report_file = options.out_dir / "reports" / f"orders-{lines.name}-{run}.json"
    result.report_file.parent.mkdir(parents=True, exist_ok=True)
    result.report_file.write_text(json.dumps(result.to_dict(), indent=2, default=str))
    return result


__all__ = ["OrderIn", "OrderIndex", "OrderLineJoin", "OrdersLoad", "OrdersSummary", "load_orders", "prepare_join"]
