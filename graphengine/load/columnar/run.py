"""One purchases or events file loaded column-wise into the import's facts, with the row path's exact outcome.

Used by :class:`graphengine.load.pipeline.Loader` when its sink keeps facts (the offline import) and the file is a
plain CSV (:func:`graphengine.load.columnar.read.plain_csv_table`). Every row ends where the row path would put
it: rows :mod:`~graphengine.load.columnar.fast_kinds` finds certainly valid are taken as they are; the others are
validated by the model row by row (:func:`graphengine.load.pipeline.validate_chunk`), which quarantines them with
its reasons or accepts them. Then, in file order: references to labels not loaded before are quarantined, an
event claimed by another customer is refused, and the first row of each key counts as loaded, the later ones as
duplicates (their values correct it). Nothing is written to the sink before the file is read and judged, so a file
this path cannot take goes to the row path untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from graphengine.load.columnar.facts import FactStore, without
from graphengine.load.columnar.fast_kinds import CHECKS, fast_params
from graphengine.load.columnar.read import plain_csv_table
from graphengine.load.columnar.schemas import params_table
from graphengine.load.kinds import Kind
from graphengine.load.quarantine import Quarantine
from graphengine.load.readers import ColumnMap, Row
from graphengine.load.report import LoadReport
from graphengine.load.test_rows import TEST_MARKER_COLUMNS

if TYPE_CHECKING:
    from pathlib import Path

    from graphengine.load.pipeline import LoadOptions
    from graphengine.load.screen import Screen


class FactSink(Protocol):
    facts: FactStore

    def known(self, label: str) -> pa.Array: ...


def can_take(kind: Kind, options: LoadOptions, sink: object, header: list[str], read_names: set[str]) -> bool:
    """Whether the columnar path may try this load (it may still hand the file back: see the module)."""
    if kind.name not in CHECKS or options.create_missing or not isinstance(getattr(sink, "facts", None), FactStore):
        return False
    aliases = read_names - set(kind.model.model_fields) - set(TEST_MARKER_COLUMNS)
    return not (aliases & set(header))


def _mapped(table: pa.Table, mapping: ColumnMap) -> pa.Table | None:
    """The table under ``mapping`` (as :meth:`ColumnMap.apply` maps each row); None when two columns would get
    one name (the row path keeps the last of them)."""
    keep = [name for name in table.column_names if name not in mapping.drop]
    names = [mapping.rename.get(name, name) for name in keep]
    chosen = [i for i, name in enumerate(names) if name not in mapping.drop]
    final = [names[i] for i in chosen]
    if len(set(final)) != len(final):
        return None
    return table.select([keep[i] for i in chosen]).rename_columns(final)


def _screen(screen: Screen, report: LoadReport, table: pa.Table, batch_size: int) -> bool:
    """Run the privacy screen over the columns it looks at, batch by batch as the row path does; False when it
    would rename a column into a field (the row path then reads the file)."""
    columns = [c for c in (*report.ignored_columns, *screen.categorical) if c in table.column_names]
    if not columns:
        return True
    part = table.select(columns)
    for start in range(0, table.num_rows, batch_size):
        rows = part.slice(start, batch_size).to_pylist()
        screen.chunk([(start + i + 2, row) for i, row in enumerate(rows)])
        if screen.renames_shapes:
            return False
    return True


def load_columnar(
    loader: Any,
    path: Path,
    header: list[str],
    mapping: ColumnMap,
    screen: Screen,
    report: LoadReport,
    quarantine: Quarantine,
    validate_chunk: Callable[..., list[Any]],
    on_progress: Callable[[int], None] | None,
) -> bool:
    """Load ``path`` into the sink's facts; False (nothing done) when the file must take the row path."""
    kind: Kind = loader.kind
    options: LoadOptions = loader.options
    sink: FactSink = loader.sink
    raw_header = header
    table = plain_csv_table(path, raw_header, options.encoding)
    if table is None:
        return False
    table = _mapped(table, mapping)
    if table is None or not _screen(screen, report, table, options.batch_size):
        return False
    n = table.num_rows
    report.rows_read = n
    fast_ok, params = fast_params(kind.name, table, options.rules, options.source)
    position = pa.array(range(n), pa.int64())
    if pc.all(fast_ok).as_py() is not False:  # the usual case: no copy
        accepted = params.append_column("_row", position)
    else:
        accepted = params.filter(fast_ok).append_column("_row", position.filter(fast_ok))
    slow = pc.indices_nonzero(pc.invert(fast_ok))
    if len(slow):
        accepted = _row_path(kind, loader.salt, table, slow, accepted, quarantine, options, validate_chunk)
    accepted = _check_references(kind, sink, table, accepted, quarantine)
    _count(kind, sink, table, accepted, report, quarantine, options.batch_size)
    if on_progress:
        on_progress(n)
    return True


def _rows(table: pa.Table, positions: pa.Array) -> list[tuple[int, Row]]:
    rows = table.take(positions).to_pylist()
    return [(p + 2, row) for p, row in zip(positions.to_pylist(), rows, strict=True)]


def _row_path(
    kind: Kind,
    salt: str,
    table: pa.Table,
    slow: pa.Array,
    accepted: pa.Table,
    quarantine: Quarantine,
    options: LoadOptions,
    validate_chunk: Callable[..., list[Any]],
) -> pa.Table:
    """Validate the ``slow`` rows with the model; the accepted ones join ``accepted`` in file order."""
    pending = validate_chunk(kind, _rows(table, slow), quarantine, options.rules)
    if not pending:
        return accepted
    extra = params_table(kind.name, [kind.params(p.record, salt) for p in pending], options.source)
    extra = extra.append_column("_row", pa.array([p.line - 2 for p in pending], pa.int64()))
    return pa.concat_tables([accepted, extra]).sort_by([("_row", "ascending")])


def _check_references(
    kind: Kind, sink: FactSink, table: pa.Table, accepted: pa.Table, quarantine: Quarantine
) -> pa.Table:
    """Quarantine rows naming a node no earlier file of the import loaded, with the row path's reasons."""
    unknown: list[tuple[str, str, pa.Array]] = []
    for ref in kind.refs:
        column = accepted.column(ref.field)
        missing = pc.and_(pc.is_valid(column), pc.invert(pc.is_in(column, value_set=sink.known(ref.label))))
        unknown.append((ref.field, ref.label, pc.fill_null(missing, False)))
    if not unknown:
        return accepted
    bad = unknown[0][2]
    for _, _, mask in unknown[1:]:
        bad = pc.or_(bad, mask)
    if not pc.any(bad).as_py():
        return accepted
    positions = pc.indices_nonzero(bad)
    rows = accepted.take(positions)
    flags = {f: pc.take(mask, positions).to_pylist() for f, _, mask in unknown}
    values = {f: rows.column(f).to_pylist() for f, _, _ in unknown}
    for i, (line, raw) in enumerate(_rows(table, rows.column("_row").combine_chunks())):
        reasons = [f"{f}: unknown {label} {values[f][i]!r}" for f, label, _ in unknown if flags[f][i]]
        quarantine.add(line, raw, reasons)
    return accepted.filter(pc.invert(bad))


def _count(
    kind: Kind,
    sink: FactSink,
    table: pa.Table,
    accepted: pa.Table,
    report: LoadReport,
    quarantine: Quarantine,
    batch_size: int,
) -> None:
    """Hand the rows to the facts and count them as the row path settles its batches."""
    rows = accepted.column("_row").combine_chunks()
    report.batches += len(pc.unique(pc.divide(rows, batch_size))) if len(rows) else 0
    facts = accepted.drop_columns(["_row"])
    if kind.name == "events":
        refused = sink.facts.add_events(facts)
        if refused:
            positions = pa.array(refused, pa.int64())
            ids = pc.take(facts.column("eventId"), positions).to_pylist()
            for (line, raw), event_id in zip(_rows(table, pc.take(rows, positions)), ids, strict=True):
                quarantine.add(line, raw, [f"eventId: {event_id} belongs to another customer"])
            report.rejected_at_write += len(refused)
            facts = without(facts, refused)
    else:
        sink.facts.add_lines(facts)
    key = kind.key[0]
    distinct = len(pc.unique(facts.column(key)))
    report.loaded += distinct
    report.duplicates += facts.num_rows - distinct


__all__ = ["can_take", "load_columnar"]
