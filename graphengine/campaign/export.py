"""The campaign file: one row per contacted customer — ``customerId``, ``offers``, ``reason`` — as CSV or Parquet.

Only the customer id identifies a person (no e-mail address or phone number: the graph holds those only hashed,
and the sending tool looks the id up in the CRM). In CSV the offers are one cell of product ids separated by
``|``; in Parquet a list of strings. The file is written next to its final name and renamed into place, so a
failed build never leaves half a file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graphengine.errors import ConfigError
from graphengine.load.quarantine import write_error

COLUMNS = ("customerId", "offers", "reason")
OFFER_SEPARATOR = "|"


@dataclass(frozen=True)
class Row:
    customer_id: str
    offers: tuple[str, ...]
    reason: str


def export_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".parquet":
        return "parquet"
    raise ConfigError(f"--out is a .csv or .parquet file, not {path.name}")


def write_rows(path: Path, rows: Sequence[Row]) -> Path:
    """Write ``rows`` to ``path`` (format from the suffix) atomically; returns the path."""
    fmt = export_format(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            _write_csv(partial, rows)
        else:
            _write_parquet(partial, rows)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise write_error(path, exc) from None
    return path


def _write_csv(path: Path, rows: Sequence[Row]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.customer_id, OFFER_SEPARATOR.join(row.offers), row.reason])


def _write_parquet(path: Path, rows: Sequence[Row]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "customerId": pa.array([r.customer_id for r in rows], pa.string()),
            "offers": pa.array([list(r.offers) for r in rows], pa.list_(pa.string())),
            "reason": pa.array([r.reason for r in rows], pa.string()),
        }
    )
    pq.write_table(table, path)


def read_rows(path: Path) -> list[Row]:
    """A campaign file read back (for tests and checks)."""
    if export_format(path) == "csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return [
                Row(r["customerId"], tuple(filter(None, r["offers"].split(OFFER_SEPARATOR))), r["reason"])
                for r in csv.DictReader(handle)
            ]
    import pyarrow.parquet as pq

    data = pq.read_table(path).to_pylist()
    return [Row(r["customerId"], tuple(r["offers"]), r["reason"]) for r in data]


__all__ = ["COLUMNS", "Row", "export_format", "read_rows", "write_rows"]
