"""Streaming readers for CSV, JSONL and Parquet sources, with column mapping.

Each reader yields ``(line, row)`` pairs: ``line`` is the 1-based line (CSV: the physical line where the record
starts, header = line 1; JSONL: the line; Parquet: the row number) and ``row`` a dict of source values. Nothing
holds a whole file in memory.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graphengine.errors import ConfigError, ValidationFailed

FORMATS = ("csv", "jsonl", "parquet")
Row = dict[str, Any]


@dataclass(frozen=True)
class ColumnMap:
    """Renames source columns to ours and drops columns the user chose to drop."""

    rename: Mapping[str, str] = field(default_factory=dict)
    drop: frozenset[str] = frozenset()

    def header(self, columns: list[str]) -> list[str]:
        """The mapped column names that survive dropping, in source order."""
        return [self.rename.get(c, c) for c in columns if c not in self.drop and self.rename.get(c, c) not in self.drop]

    def apply(self, row: Mapping[str, Any]) -> Row:
        out: Row = {}
        for key, value in row.items():
            if key in self.drop:
                continue
            name = self.rename.get(key, key)
            if name not in self.drop:
                out[name] = value
        return out

    @classmethod
    def from_file(cls, path: Path, drop: frozenset[str] = frozenset()) -> ColumnMap:
        """Read ``{columns: {source: ours}, drop: [...]}`` from a YAML or TOML file."""
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
        if not isinstance(data, dict) or not isinstance(data.get("columns", {}), dict):
            raise ConfigError(f"{path}: a mapping file holds `columns: {{source_name: our_name}}` (and `drop:`)")
        return cls(rename=dict(data.get("columns", {})), drop=drop | frozenset(data.get("drop", [])))


def detect_format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    for fmt, endings in (("csv", {".csv", ".tsv"}), ("jsonl", {".jsonl", ".ndjson"}), ("parquet", {".parquet"})):
        if endings & set(suffixes):
            return fmt
    raise ConfigError(f"cannot tell the format of {path.name}; use .csv, .tsv, .jsonl or .parquet")


def source_columns(path: Path, fmt: str | None = None) -> list[str]:
    """The column names of a source (CSV header, Parquet schema, union of the first JSONL objects' keys)."""
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return next(csv.reader(handle, delimiter=_delimiter(path)), [])
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i >= 1000:
                break
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                seen.update(dict.fromkeys(obj))
    return list(seen)


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def read_rows(path: Path, fmt: str | None = None) -> Iterator[tuple[int, Row]]:
    """Yield ``(line, row)`` for every record of the source."""
    fmt = fmt or detect_format(path)
    if not path.exists():
        raise ConfigError(f"source file not found: {path}")
    if fmt == "csv":
        yield from _read_csv(path)
    elif fmt == "jsonl":
        yield from _read_jsonl(path)
    elif fmt == "parquet":
        yield from _read_parquet(path)
    else:
        raise ConfigError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def _read_csv(path: Path) -> Iterator[tuple[int, Row]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=_delimiter(path))
        header = next(reader, None)
        if header is None:
            return
        line = reader.line_num + 1
        for values in reader:
            if not values:
                line = reader.line_num + 1
                continue
            row: Row = dict(zip(header, values, strict=False))
            if len(values) != len(header):
                row["__error__"] = f"expected {len(header)} fields, found {len(values)}"
            yield line, row
            line = reader.line_num + 1


def _read_jsonl(path: Path) -> Iterator[tuple[int, Row]]:
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield number, {"__error__": f"invalid JSON: {exc.msg}", "__raw__": text.rstrip("\n")[:2000]}
                continue
            if not isinstance(obj, dict):
                yield number, {"__error__": "a JSONL line must hold one JSON object", "__raw__": text[:2000]}
                continue
            yield number, obj


def _read_parquet(path: Path, batch_rows: int = 50_000) -> Iterator[tuple[int, Row]]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            number += 1
            yield number, row


def require_columns(path: Path, header: list[str], required: list[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed(
            f"{path.name} lacks required column(s) {', '.join(missing)} (after mapping); "
            "map them with --map source=ours or a mapping file",
            details={"missing": missing, "columns": header},
        )


__all__ = ["FORMATS", "ColumnMap", "Row", "detect_format", "read_rows", "require_columns", "source_columns"]
