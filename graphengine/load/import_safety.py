"""Guards of the offline import, all checked while the server still runs and the database is untouched.

``neo4j-admin database import full`` builds a new database from the given files only, and it runs on a stopped
server. So before anything is stopped:

* every reference of every kind must be loaded by a kind earlier in the same import (purchases need customers
  and products, ...), unless the file creates placeholders; otherwise each of its rows would only be
  quarantined as "unknown";
* every import CSV is read back with the ``csv`` module and checked against its typed header: each record has
  exactly the header's fields (quoting held), ids are non-empty, numbers parse and are finite and within range,
  booleans and datetimes parse, and no field is larger than the import tool's read buffer;
* list values are joined with the import's array delimiter only when no element contains it, so a list reads
  back as it was written.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from graphengine.errors import ValidationFailed
from graphengine.load.kinds import get_kind
from graphengine.load.pipeline import LoadOptions

ARRAY_DELIMITER = ";"  # neo4j-admin import's default --array-delimiter
READ_BUFFER = 4 * 1024 * 1024  # neo4j-admin import's default --read-buffer-size: the largest value it reads
LONG_RANGE = (-(2**63), 2**63 - 1)

# The kind whose load creates the nodes of each referenced label.
PRODUCER = {"Customer": "customers", "Product": "products", "SocialAccount": "accounts", "Channel": "channels"}


# ------------------------------------------------------------------------------------------ references
def check_references(files: Sequence[tuple[str, Path, LoadOptions]]) -> None:
    """Refuse an import in which a kind references a label no earlier file of the same import loads.

    Raises :class:`ValidationFailed` naming, per file, the kinds that must come before it."""
    loaded: set[str] = set()
    missing: dict[str, list[str]] = {}
    for kind_name, path, options in files:
        kind = get_kind(kind_name)
        needed = sorted({PRODUCER[ref.label] for ref in kind.refs} - loaded)
        if needed and not options.create_missing:
            missing[f"{kind_name} ({path.name})"] = needed
        loaded.add(kind_name)
    if missing:
        reasons = "; ".join(f"{name} needs {' and '.join(kinds)}" for name, kinds in missing.items())
        raise ValidationFailed(
            "--mode import builds a new database from the given files only, so every reference must be loaded "
            f"earlier in the same import: {reasons}. Import them together (a whole source folder), or load "
            "this file online (--mode online) into the existing graph. Nothing was changed.",
            details={"missing": missing},
        )


# ------------------------------------------------------------------------------------------ cells
def array_cell(values: Iterable[Any]) -> str:
    """One list property as an import cell; refused when an element holds the array delimiter."""
    texts = [str(v) for v in values]
    for text in texts:
        if ARRAY_DELIMITER in text:
            raise ValidationFailed(
                f"the list value {text!r} contains {ARRAY_DELIMITER!r}, the import's array delimiter, so it "
                "would not read back as written; load it online instead. Nothing was changed.",
                details={"value": text},
            )
    return ARRAY_DELIMITER.join(texts)


def _value_problem(kind: str, text: str) -> str | None:
    """Why ``text`` is not a valid import value of type ``kind`` (None when it is)."""
    if kind == "long":
        try:
            number = int(text)
        except ValueError:
            return f"{text!r} is not an integer"
        return None if LONG_RANGE[0] <= number <= LONG_RANGE[1] else f"{text} is outside the 64-bit integer range"
    if kind == "double":
        try:
            value = float(text)
        except ValueError:
            return f"{text!r} is not a number"
        return None if math.isfinite(value) else f"{text!r} is not a finite number"
    if kind == "boolean":
        return None if text in ("true", "false") else f"{text!r} is not true or false"
    if kind == "datetime":
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            return f"{text!r} is not an ISO-8601 date-time"
        return None
    return None


def _header_types(header: list[str]) -> list[tuple[str, str]]:
    """(column name, type) for each header field; ids and string columns have type ``string`` or ``id``."""
    columns = []
    for field in header:
        name, _, kind = field.rpartition(":")
        if kind.startswith(("ID(", "START_ID(", "END_ID(")):
            kind = "id"
        columns.append((name or kind, kind or "string"))
    return columns


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _refuse(path: Path, record: int, key: str, column: str, problem: str) -> ValidationFailed:
    return ValidationFailed(
        f"import file {path.name}, record {record} ({key!r}), column {column}: {problem}. The import was "
        "stopped before the server was; nothing was changed.",
        details={"file": str(path), "record": record, "key": key, "column": column, "problem": problem},
    )


def check_import_csv(path: Path) -> int:
    """Read one import CSV back and check every value against its typed header; returns the record count."""
    count = 0
    with _field_limit(READ_BUFFER + 1), path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            columns = _header_types(next(reader))
            for count, record in enumerate(reader, start=1):
                key = record[0] if record else ""
                if len(record) != len(columns):
                    raise _refuse(path, count, key, "*", f"{len(record)} fields where the header has {len(columns)}")
                for (column, kind), text in zip(columns, record, strict=True):
                    if len(text.encode("utf-8")) >= READ_BUFFER:
                        raise _refuse(path, count, key, column, "the value is larger than the import's 4 MiB buffer")
                    if kind == "id" and not text:
                        raise _refuse(path, count, key, column, "the id is empty")
                    if not text or kind in ("id", "string"):
                        continue
                    element_kind = kind.removesuffix("[]")
                    for element in text.split(ARRAY_DELIMITER) if kind.endswith("[]") else [text]:
                        problem = _value_problem(element_kind, element)
                        if problem:
                            raise _refuse(path, count, key, column, problem)
        except csv.Error as exc:
            raise _refuse(path, reader.line_num, "", "*", f"not readable as CSV ({exc})") from exc
    return count


def check_import_csvs(paths: Iterable[Path]) -> dict[str, int]:
    """Check every import CSV (see :func:`check_import_csv`); returns the record count of each file."""
    return {path.name: check_import_csv(path) for path in paths}


def import_paths(args: Iterable[str]) -> list[Path]:
    """The files named by ``--nodes=Label=path`` / ``--relationships=TYPE=path`` arguments."""
    return [Path(arg.split("=", 2)[2]) for arg in args]


__all__ = [
    "ARRAY_DELIMITER",
    "PRODUCER",
    "array_cell",
    "check_import_csv",
    "check_import_csvs",
    "check_references",
    "import_paths",
]
