"""Streaming readers for CSV, JSONL and Parquet sources, with column mapping.

Each reader yields ``(line, row)`` pairs: ``line`` is the 1-based line (CSV: the physical line where the record
starts, header = line 1; JSONL: the line; Parquet: the row number) and ``row`` a dict of source values. Nothing
holds a whole file in memory. Text is decoded line by line (:mod:`graphengine.load.decoding`), so a wrong
encoding stops the read at the line that shows it; over-long values and unreadable records become rows with an
``__error__`` (quarantined with that reason), never a crash.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graphengine.errors import ConfigError, ValidationFailed
from graphengine.load.decoding import DEFAULT_ENCODING, decoded_lines
from graphengine.privacy.guard import nested_paths

FORMATS = ("csv", "jsonl", "parquet")
CSV_FIELD_LIMIT = 1 << 20  # the CSV parser reads fields up to 1 MiB (Python's default is 131,072 characters)
JSONL_HEADER_LINES = 1000  # a JSONL source's columns: the keys of its first lines (later keys: see the loader)
MAX_FIELD_CHARS = 65_536  # a row with a longer value is quarantined (no field of any kind accepts more than 1,000)
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


def source_columns(path: Path, fmt: str | None = None, encoding: str = DEFAULT_ENCODING) -> list[str]:
    """The column names of a source (CSV header, Parquet schema, union of the first JSONL objects' keys; keys
    that appear later are checked by the loader as it reads them)."""
    fmt = fmt or detect_format(path)
    _require_file(path)
    if fmt in ("csv", "parquet"):
        if fmt == "csv":
            names: list[str] = next(csv.reader(decoded_lines(path, encoding), delimiter=_delimiter(path)), [])
        else:
            names = list(_parquet_file(path).schema_arrow.names)
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:  # the reader would keep only the last of them: refuse instead of losing values silently
            raise ValidationFailed(
                f"{path.name}: column(s) {', '.join(map(repr, twice))} appear more than once in the header; "
                "rename one in the source, or drop the file's duplicate columns before loading",
                details={"file": str(path), "duplicate_columns": twice},
            )
        return names
    seen: dict[str, None] = {}
    for number, text in enumerate(decoded_lines(path, encoding), start=1):
        if number > JSONL_HEADER_LINES:
            break
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            seen.update(dict.fromkeys(obj))
    return list(seen)


def source_nested(path: Path, fmt: str | None = None, encoding: str = DEFAULT_ENCODING) -> list[tuple[str, ...]]:
    """Keys inside the columns of a source, as paths from the top-level column: the fields of Parquet structs
    (also structs in lists and maps), the keys of JSON objects nested in the first JSONL lines (the loader checks
    the later lines' keys as it reads them)."""
    fmt = fmt or detect_format(path)
    _require_file(path)
    if fmt == "parquet":
        schema = _parquet_file(path).schema_arrow
        return [p for f in schema for p in _struct_paths(f.type, (f.name,))]
    if fmt != "jsonl":
        return []
    found: dict[tuple[str, ...], None] = {}
    for number, text in enumerate(decoded_lines(path, encoding), start=1):
        if number > JSONL_HEADER_LINES:
            break
        if text.count("{") < 2 and "[" not in text:
            continue
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(obj, dict):
            for key, value in obj.items():
                if isinstance(value, dict | list):
                    found.update(dict.fromkeys(nested_paths(value, (key,))))
    return list(found)


def _struct_paths(kind: Any, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    import pyarrow as pa

    if pa.types.is_struct(kind):
        out = []
        for index in range(kind.num_fields):
            child = kind.field(index)
            out.append((*prefix, child.name))
            out.extend(_struct_paths(child.type, (*prefix, child.name)))
        return out
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return _struct_paths(kind.value_type, prefix)
    if pa.types.is_map(kind):
        return _struct_paths(kind.item_type, prefix)
    return []


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise ConfigError(f"source file not found: {path}" if not path.exists() else f"not a file: {path}")


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def read_rows(
    path: Path,
    fmt: str | None = None,
    encoding: str = DEFAULT_ENCODING,
    *,
    on_nested: Callable[[Row], None] | None = None,
) -> Iterator[tuple[int, Row]]:
    """Yield ``(line, row)`` for every record of the source. A row that cannot be read (wrong field count,
    broken JSON, a value over :data:`MAX_FIELD_CHARS`) carries ``__error__``; an undecodable byte or an unreadable
    Parquet file raises :class:`ValidationFailed` (rows before it were yielded). ``on_nested`` is called with each
    JSONL row whose line holds an object or list inside the row (found on the text, so flat rows cost nothing)."""
    fmt = fmt or detect_format(path)
    _require_file(path)
    if fmt == "csv":
        yield from _read_csv(path, encoding)
    elif fmt == "jsonl":
        yield from _read_jsonl(path, encoding, on_nested)
    elif fmt == "parquet":
        yield from _read_parquet(path)
    else:
        raise ConfigError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def _oversize(line: int, row: Row) -> tuple[int, Row]:
    """``row`` with ``__error__`` naming its first value over :data:`MAX_FIELD_CHARS`, long values cut short."""
    column, size = next((k, len(v)) for k, v in row.items() if isinstance(v, str) and len(v) > MAX_FIELD_CHARS)
    kept = {
        k: (f"{v[:200]}… ({len(v):,} characters)" if isinstance(v, str) and len(v) > 200 else v) for k, v in row.items()
    }
    kept["__error__"] = f"{column}: {size:,} characters, over the maximum field length of {MAX_FIELD_CHARS:,}"
    return line, kept


def _read_csv(path: Path, encoding: str) -> Iterator[tuple[int, Row]]:
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(decoded_lines(path, encoding), delimiter=_delimiter(path))
    header = next(reader, None)
    if header is None:
        return
    line = reader.line_num + 1
    while True:
        try:
            for values in reader:
                if not values:
                    line = reader.line_num + 1
                    continue
                row: Row = dict(zip(header, values, strict=False))
                if len(values) != len(header):
                    row["__error__"] = f"expected {len(header)} fields, found {len(values)}"
                if max(map(len, values)) > MAX_FIELD_CHARS:
                    yield _oversize(line, row)
                else:
                    yield line, row
                line = reader.line_num + 1
            return
        except csv.Error as exc:  # a field over CSV_FIELD_LIMIT, a NUL byte: this record is skipped, reading goes on
            yield line, {"__error__": f"unreadable CSV record: {exc}"}
            line = reader.line_num + 1


def _read_jsonl(path: Path, encoding: str, on_nested: Callable[[Row], None] | None) -> Iterator[tuple[int, Row]]:
    for number, text in enumerate(decoded_lines(path, encoding), start=1):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield number, {"__error__": f"invalid JSON: {msg}", "__raw__": text.rstrip("\r\n")[:2000]}
            continue
        if not isinstance(obj, dict):
            yield number, {"__error__": "a JSONL line must hold one JSON object", "__raw__": text[:2000]}
            continue
        if on_nested is not None and (text.count("{") > 1 or "[" in text):
            on_nested(obj)
        if len(text) > MAX_FIELD_CHARS and any(isinstance(v, str) and len(v) > MAX_FIELD_CHARS for v in obj.values()):
            yield _oversize(number, obj)
        else:
            yield number, obj


def _parquet_file(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise ValidationFailed(
            f"{path.name} is not a readable Parquet file: {exc}", details={"file": str(path)}
        ) from None


def _read_parquet(path: Path, batch_rows: int = 50_000) -> Iterator[tuple[int, Row]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    number = 0
    batches = _parquet_file(path).iter_batches(batch_size=batch_rows)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowException, OSError) as exc:
            raise ValidationFailed(
                f"{path.name}: Parquet data after row {number:,} cannot be read: {exc}",
                details={"file": str(path), "row": number + 1},
            ) from None
        long_text = any(
            (pc.max(pc.utf8_length(col)).as_py() or 0) > MAX_FIELD_CHARS
            for col in batch.columns
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
        )
        for row in _python_rows(batch):
            number += 1
            if long_text and any(isinstance(v, str) and len(v) > MAX_FIELD_CHARS for v in row.values()):
                yield _oversize(number, row)
            else:
                yield number, row


def _python_rows(batch: Any) -> list[Row]:
    """A record batch as dicts. Times Python cannot hold (a zone-aware year 1 or 9999 shifted past the end of
    its calendar) arrive as their ISO text instead of crashing the read, so validation words the reason."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        rows: list[Row] = batch.to_pylist()
        return rows
    except (OverflowError, ValueError):
        columns = [
            pc.cast(col, pa.string()) if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type) else col
            for col in batch.columns
        ]
        fallback: list[Row] = pa.RecordBatch.from_arrays(columns, names=batch.schema.names).to_pylist()
        return fallback


def require_columns(path: Path, header: list[str], required: list[str], hint: str = "") -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed(
            f"{path.name} lacks required column(s) {', '.join(missing)} (after mapping){hint}; "
            "map them with --map source=ours or a mapping file",
            details={"missing": missing, "columns": header},
        )


__all__ = [
    "CSV_FIELD_LIMIT",
    "FORMATS",
    "MAX_FIELD_CHARS",
    "ColumnMap",
    "Row",
    "detect_format",
    "read_rows",
    "require_columns",
    "source_columns",
    "source_nested",
]
