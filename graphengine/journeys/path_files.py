"""Aggregated conversion paths from a file (the ChannelAttribution layout) as :class:`Paths` for attribution.

Marketers often hold paths already summed up, one row per distinct path::

    path,total_conversions,total_conversion_value,total_null
    email > search > display,12,840.5,30

``read_path_file`` reads such a CSV or Parquet file with pyarrow (columns renamed with ``columns``: our name →
the file's), splits ``path`` on ``separator`` (default ``>``, blanks around channel names ignored) and checks
every row: a path with no channel or an empty step, counts or values that are missing, not finite or negative,
and a row with neither conversions nor nulls are rejected with their reason and line, and the rest is used.
Counts may be fractional (weighted paths). The touches of such paths carry no times, so models that need them
(time decay) cannot run and are reported as skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graphengine.errors import ValidationFailed
from graphengine.journeys.attribution import Paths, attribute_available, credits_by_channel
from graphengine.journeys.events import encode

PATH_COLUMNS = {
    "path": ("path",),
    "conversions": ("total_conversions", "conversions"),
    "value": ("total_conversion_value", "conversion_value", "value"),
    "nulls": ("total_null", "total_nulls", "nulls", "null"),
}
REQUIRED = ("path", "conversions")


@dataclass(frozen=True)
class PathFile:
    """The usable paths of a file, the rows left out with their reasons, and where they came from."""

    paths: Paths
    source: str
    rows: int
    rejected: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, str | None] = field(default_factory=dict)


def _read_table(path: Path) -> pa.Table:
    if not path.is_file():
        raise ValidationFailed(f"no such file: {path}", details={"file": str(path)})
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            return pq.read_table(path)
        return pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(auto_dict_encode=False, strings_can_be_null=True),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValidationFailed(
            f"{path.name} is not a readable CSV or Parquet file: {exc}", details={"file": str(path)}
        ) from exc


def _pick_columns(table: pa.Table, columns: dict[str, str]) -> dict[str, str | None]:
    unknown = set(columns) - set(PATH_COLUMNS)
    if unknown:
        raise ValidationFailed(
            f"unknown path column(s) {sorted(unknown)}; known: {sorted(PATH_COLUMNS)}",
            details={"known": list(PATH_COLUMNS)},
        )
    present = {name.lower(): name for name in table.column_names}
    picked: dict[str, str | None] = {}
    for ours, candidates in PATH_COLUMNS.items():
        wanted = [columns[ours]] if ours in columns else list(candidates)
        picked[ours] = next((present[c.lower()] for c in wanted if c.lower() in present), None)
    missing = [ours for ours in REQUIRED if picked[ours] is None]
    if missing:
        raise ValidationFailed(
            f"the file has no {' or '.join(missing)} column (columns: {table.column_names}); "
            "name it with --map, e.g. --map conversions=orders",
            details={"missing": missing, "columns": table.column_names},
        )
    return picked


def _numbers(column: pa.ChunkedArray | None, n: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Floats and a per-row problem mask (missing, not a number, not finite, negative); a missing column is 0."""
    if column is None:
        return np.zeros(n), np.zeros(n, dtype=bool)
    try:
        values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = np.array([_to_float(v) for v in column.to_pylist()], dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(values) | (values < 0)
    return np.where(bad, 0.0, values), bad


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def read_path_file(path: Path, *, columns: dict[str, str] | None = None, separator: str = ">") -> PathFile:
    """Read aggregated paths; rows with problems are left out and listed (``line`` counts the header)."""
    if not separator:
        raise ValidationFailed("the path separator cannot be empty")
    table = _read_table(path)
    picked = _pick_columns(table, columns or {})
    n = table.num_rows
    text = pc.cast(table[picked["path"]], pa.string())
    steps = pc.utf8_trim_whitespace(pc.list_flatten(pc.split_pattern(text, separator)))
    counts = pc.list_value_length(pc.split_pattern(text, separator)).to_numpy(zero_copy_only=False)
    counts = np.nan_to_num(np.asarray(counts, dtype=np.float64), nan=0).astype(np.int64)
    names = np.asarray(steps.to_numpy(zero_copy_only=False), dtype=object)
    owner = np.repeat(np.arange(n), counts)
    empty_step = np.zeros(n, dtype=bool)
    np.logical_or.at(empty_step, owner, names == "")
    no_path = text.is_null().to_numpy(zero_copy_only=False) | (counts == 0)
    conversions, bad_conv = _numbers(table[picked["conversions"]], n)
    value, bad_value = _numbers(table[picked["value"]] if picked["value"] else None, n)
    nulls, bad_nulls = _numbers(table[picked["nulls"]] if picked["nulls"] else None, n)
    nothing = ~bad_conv & ~bad_nulls & (conversions == 0) & (nulls == 0)
    checks = [
        (no_path, "path: empty"),
        (empty_step & ~no_path, "path: an empty step between separators"),
        (bad_conv, "conversions: missing, not a number, not finite or negative"),
        (bad_value, "value: not a number, not finite or negative"),
        (bad_nulls, "nulls: not a number, not finite or negative"),
        (nothing, "neither conversions nor nulls"),
    ]
    problem = np.zeros(n, dtype=bool)
    for mask, _ in checks:
        problem |= mask
    rejected: list[dict[str, Any]] = []
    if problem.any():
        raw = text.to_pylist()
        for i in np.flatnonzero(problem).tolist():
            reasons = [reason for mask, reason in checks if mask[i]]
            rejected.append({"line": i + 2, "path": raw[i], "reasons": reasons})
    keep = ~problem
    keep_touch = keep[owner]
    codes, channels = encode(names[keep_touch])
    lengths = counts[keep]
    paths = Paths(
        channels=channels,
        offsets=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        touch_channel=codes,
        touch_ts=np.full(codes.size, np.nan),
        end_ts=np.full(int(keep.sum()), np.nan),
        conversions=conversions[keep],
        nulls=nulls[keep],
        value=value[keep],
    )
    return PathFile(paths, str(path), n, rejected, picked)


def path_file_attribution(
    file: PathFile, model: str = "all", *, markov_orders: tuple[int, ...] = (1, 2)
) -> dict[str, Any]:
    """Credit per model and channel for the paths of a file, in the shape of the event-based answer, with the
    skipped models and the rejected rows."""
    paths = file.paths
    if len(paths) == 0:
        raise ValidationFailed(
            f"{file.source}: no usable path ({len(file.rejected)} of {file.rows} rows rejected)",
            rejected=file.rejected,
            details={"rows": file.rows},
        )
    results, skipped = attribute_available(paths, model, markov_orders=markov_orders)
    return {
        "source": file.source,
        "columns": file.columns,
        "rows": file.rows,
        "channels": list(paths.channels),
        "paths": len(paths),
        "convertingPaths": int((paths.conversions > 0).sum()),
        "totalConversions": float(paths.conversions.sum()),
        "totalValue": float(paths.value.sum()),
        "totalNulls": float(paths.nulls.sum()),
        "models": credits_by_channel(results),
        "skipped": skipped,
        "rejectedRows": len(file.rejected),
        "rejected": file.rejected,
    }


__all__ = ["PATH_COLUMNS", "PathFile", "path_file_attribution", "read_path_file"]
