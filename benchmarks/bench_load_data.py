"""Generated retail data for ``bench_load.py``: customers, products, channels, purchase lines and events.

Deterministic for a seed; values are in the exact text form the loader writes back (ISO-8601 times with an
offset, ``true``/``false`` flags), so the bare driver path can send them as read.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np

EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
CHANNELS = ("web", "app", "email", "sms", "store", "social", "search", "display", "callcenter")
COUNTRIES = ("SE", "NO", "DK", "FI", "DE", "NL", "GB", "FR")
SEGMENTS = ("new", "regular", "vip", "lapsed")
EVENT_TYPES = ("view", "search", "cart", "click", "email_open", "visit")

# (kind, file) in dependency order: what `graphengine load` is run with, one file at a time.
PLAN = [
    ("customers", "customers.csv"),
    ("products", "products.csv"),
    ("channels", "channels.csv"),
    ("purchases", "purchases.csv"),
    ("events", "events.csv"),
]


def _iso(seconds: np.ndarray) -> list[str]:
    base = np.datetime64("2025-01-01T00:00:00", "s")
    return [s + "+00:00" for s in np.datetime_as_string(base + seconds.astype("timedelta64[s]"), unit="s")]


def _write(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def generate(folder: Path, customers: int, products: int, lines: int, events: int, seed: int = 1) -> dict[str, int]:
    """Write the five files into ``folder``; returns the row count of each."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    signup = _iso(rng.integers(0, 365 * 86400, size=customers))
    _write(
        folder / "customers.csv",
        ["customerId", "name", "country", "segment", "signupAt", "consentEmail"],
        (
            [f"C{i:07d}", f"Customer {i}", COUNTRIES[i % 8], SEGMENTS[i % 4], signup[i], "true" if i % 3 else "false"]
            for i in range(customers)
        ),
    )
    prices = np.round(rng.uniform(1, 200, size=products), 2)
    _write(
        folder / "products.csv",
        ["productId", "name", "brand", "category", "price", "inStock"],
        (
            [f"P{j:06d}", f"Product {j}", f"Brand{j % 97}", f"Cat{j % 50}", prices[j], "true" if j % 10 else "false"]
            for j in range(products)
        ),
    )
    _write(folder / "channels.csv", ["channelId", "name", "kind"], ([c, c.title(), c] for c in CHANNELS))

    # Orders of 1-4 lines; customers and products heavy-tailed (a few buy and sell a lot).
    sizes = rng.integers(1, 5, size=lines // 2 + 1)
    order_of_line = np.repeat(np.arange(sizes.size), sizes)[:lines]
    line_no = np.arange(lines) - np.searchsorted(order_of_line, order_of_line)
    order_customer = (rng.pareto(1.2, size=sizes.size) * customers / 20).astype(np.int64) % customers
    order_at = rng.integers(365 * 86400, 2 * 365 * 86400, size=sizes.size)
    product = (rng.pareto(1.1, size=lines) * products / 20).astype(np.int64) % products
    quantity = rng.integers(1, 4, size=lines)
    at = _iso(order_at)
    purchase_channel = ("web", "app", "store")
    _write(
        folder / "purchases.csv",
        ["orderId", "lineId", "customerId", "productId", "quantity", "amount", "at", "channelId"],
        (
            [
                f"O{o:07d}",
                f"O{o:07d}-{n}",
                f"C{order_customer[o]:07d}",
                f"P{p:06d}",
                q,
                round(float(prices[p]) * int(q), 2),
                at[o],
                purchase_channel[o % 3],
            ]
            for o, n, p, q in zip(order_of_line, line_no, product, quantity, strict=True)
        ),
    )

    ev_customer = (rng.pareto(1.2, size=events) * customers / 20).astype(np.int64) % customers
    ev_type = rng.integers(0, len(EVENT_TYPES), size=events)
    ev_product = (rng.pareto(1.1, size=events) * products / 20).astype(np.int64) % products
    ev_channel = rng.integers(0, len(CHANNELS), size=events)
    ev_at = _iso(rng.integers(365 * 86400, 2 * 365 * 86400, size=events))
    value = np.round(rng.uniform(0, 100, size=events), 2)

    def event_row(k: int) -> list[object]:
        kind = EVENT_TYPES[ev_type[k]]
        with_product = kind in ("view", "cart") or (kind == "click" and k % 2 == 0)
        search = kind == "search"
        return [
            f"E{k:08d}",
            f"C{ev_customer[k]:07d}",
            kind,
            ev_at[k],
            CHANNELS[ev_channel[k]],
            f"S{k // 4:08d}",
            f"P{ev_product[k]:06d}" if with_product else "",
            value[k] if kind == "cart" else "",
            f"query {k % 500}" if search else "",
            k % 40 if search else "",
        ]

    _write(
        folder / "events.csv",
        ["eventId", "customerId", "type", "at", "channelId", "sessionId", "productId", "value", "query", "resultCount"],
        (event_row(k) for k in range(events)),
    )
    return {
        "customers": customers,
        "products": products,
        "channels": len(CHANNELS),
        "purchases": lines,
        "events": events,
    }


__all__ = ["CHANNELS", "EPOCH", "PLAN", "generate"]
