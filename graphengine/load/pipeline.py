"""One load: read → privacy screen → map → validate → quarantine → dedupe → check references → UNWIND batches.

Every row ends in exactly one of three buckets — loaded, quarantined (kept with its reasons: by validation, the
reference check, or the write itself), or duplicates (a key already loaded earlier in the same file; merged into
it) — so ``rows_read = loaded + quarantined + duplicates``. A row counts as loaded once its batch is written and
the write did not refuse it. Writes are MERGEs keyed by unique constraints, so a re-run, or a re-run after a
failed batch, leaves the same graph.

A load that must stop (the database is gone, a side file cannot be written, the file cannot be decoded) still
writes its report: ``stopped`` says why, ``not_written`` counts the rows read but not written, and the error is
raised with the report in ``details["load_report"]``. Rows before the stop stay loaded; a re-run is safe.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from graphengine.errors import ConfigError, GraphEngineError, StoreUnavailable
from graphengine.load.chains import relink_event_chains
from graphengine.load.columnar.run import can_take, load_columnar
from graphengine.load.decoding import DEFAULT_ENCODING
from graphengine.load.kinds import REFERENCE_LABELS, Kind, Params, get_kind
from graphengine.load.quarantine import Quarantine, reasons_from_validation
from graphengine.load.readers import (
    ColumnMap,
    Row,
    detect_format,
    read_rows,
    require_columns,
    source_columns,
    source_nested,
)
from graphengine.load.report import LoadReport, new_run_id
from graphengine.load.screen import Screen
from graphengine.load.test_rows import TEST_KEY_PREFIXES, TEST_MARKER_COLUMNS
from graphengine.load.writes import BatchResult, stop_error, write_bisecting
from graphengine.model._base import InputRecord
from graphengine.model.rules import DEFAULT_RULES, ValueRules
from graphengine.store import Store

Party = Literal["first", "second", "third"]


@dataclass
class LoadOptions:
    source: str
    party: Party = "first"
    mapping: ColumnMap = field(default_factory=ColumnMap)
    create_missing: bool = False
    batch_size: int = 10_000
    out_dir: Path = Path(".graphengine/loads")
    extra_privacy_terms: tuple[str, ...] = ()
    fmt: str | None = None
    rules: ValueRules = DEFAULT_RULES  # how times are read and which are accepted (graphengine.model.rules)
    encoding: str = DEFAULT_ENCODING  # of CSV/JSONL text; an undecodable byte stops the load at its line


@dataclass
class _Pending:
    line: int
    raw: Row
    record: InputRecord
    key: tuple[Any, ...]


def _test_row_reason(kind: Kind, row: Row) -> str | None:
    for column in TEST_MARKER_COLUMNS:
        value = row.get(column)
        if (isinstance(value, bool) and value) or str(value).strip().lower() in {"1", "true", "yes", "y"}:
            return f"{column}: marked as a test row"
    first_key = str(row.get(kind.key[0], "")).strip().lower()
    if first_key.startswith(TEST_KEY_PREFIXES):
        return f"{kind.key[0]}: test row (id starts with a test prefix)"
    return None


def validate_chunk(
    kind: Kind, chunk: list[tuple[int, Row]], quarantine: Quarantine, rules: ValueRules = DEFAULT_RULES
) -> list[_Pending]:
    """Validate rows into records under the value ``rules``; every rejected row goes to the quarantine with its
    reasons."""
    out = []
    context = {"rules": rules}
    for line, row in chunk:
        if "__error__" in row:
            quarantine.add(line, row, [f"row: {row['__error__']}"])
            continue
        test_reason = _test_row_reason(kind, row)
        if test_reason:
            quarantine.add(line, row, [test_reason])
            continue
        try:
            record = kind.model.model_validate(row, context=context)
        except ValidationError as exc:
            quarantine.add(line, row, reasons_from_validation(exc))
            continue
        out.append(_Pending(line, row, record, kind.key_of(record)))
    return out


def _batched(rows: Iterable[tuple[int, Row]], size: int) -> Iterator[list[tuple[int, Row]]]:
    """Chunks of ``size`` rows. When the reader stops with an error, the rows read before it come out as a last
    chunk first (so they are loaded), then the error is raised."""
    batch: list[tuple[int, Row]] = []
    try:
        for item in rows:
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
    except (GraphEngineError, OSError):
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def ignored_columns(kind: Kind, columns: list[str]) -> list[str]:
    """The (mapped) source columns that no field of ``kind``'s model reads, by name or alias."""
    read = read_names(kind)
    return [c for c in columns if c not in read]


def read_names(kind: Kind) -> set[str]:
    """The column names ``kind``'s model reads (field names and aliases) and the test-row markers."""
    read: set[str] = set(TEST_MARKER_COLUMNS)
    for name, info in kind.model.model_fields.items():
        read.add(name)
        for alias in (info.alias, info.validation_alias):
            if isinstance(alias, str):
                read.add(alias)
            elif alias is not None and hasattr(alias, "choices"):
                read.update(c for c in alias.choices if isinstance(c, str))
    return read


class Sink(Protocol):
    """Where validated rows go: Neo4j online (UNWIND batches) or an offline neo4j-admin import.

    ``write`` and ``flush`` return the results of the batches that finished since the last call, oldest first
    (a sink finishes batches in the order they were written); ``None`` means every batch written so far is done
    and nothing was refused. A sink may also set ``checks_refs_in_write = True``: it honours
    :attr:`Kind.refs_in_write`, so the loader skips its reference check for such kinds."""

    def begin(self, kind: Kind, options: LoadOptions) -> None: ...
    def missing(self, label: str, ids: list[str]) -> set[str]: ...
    def create_placeholders(self, label: str, ids: list[str], source: str) -> None: ...
    def write(self, kind: Kind, rows: list[Params], source: str) -> list[BatchResult] | None: ...
    def flush(self) -> list[BatchResult] | None: ...
    def finish(self, kind: Kind, customer_ids: set[str]) -> None: ...


class OnlineSink:
    """Writes through the registered ``load.*`` queries; one writer thread overlaps writing batch N with
    reading and validating batch N+1. Rows refused by the query or the server come back per batch
    (see :mod:`graphengine.load.writes`)."""

    checks_refs_in_write = True

    def __init__(self, store: Store) -> None:
        self.store = store
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphengine-writer")
        self._in_flight: Future[BatchResult] | None = None

    def begin(self, kind: Kind, options: LoadOptions) -> None:
        self.store.write("load.merge_source", {"source": options.source, "party": options.party, "kind": kind.name})

    def missing(self, label: str, ids: list[str]) -> set[str]:
        return set(self.store.query(REFERENCE_LABELS[label][0], {"ids": ids})[0]["missing"])

    def create_placeholders(self, label: str, ids: list[str], source: str) -> None:
        self.store.write(REFERENCE_LABELS[label][1], {"ids": ids, "source": source})

    def write(self, kind: Kind, rows: list[Params], source: str) -> list[BatchResult]:
        done = self.flush()
        for index, row in enumerate(rows):
            row["_i"] = index

        def run(part: list[Params]) -> list[dict[str, Any]]:
            return self.store.write(kind.query, {"rows": part, "source": source})

        self._in_flight = self._writer.submit(write_bisecting, run, rows)
        return done

    def flush(self) -> list[BatchResult]:
        if self._in_flight is None:
            return []
        future, self._in_flight = self._in_flight, None
        return [future.result()]

    def finish(self, kind: Kind, customer_ids: set[str]) -> None:
        """Chain every touched customer's events in time order (late events fall into place), and the chains an
        earlier load wrote but never relinked (it was stopped or killed: those customers are marked pending)."""
        self.flush()
        relink_event_chains(self.store, customer_ids)

    def close(self) -> None:
        self._writer.shutdown(wait=True)


class Loader:
    """Loads one file of one kind: validation, quarantine, dedupe and reference checks, then the sink."""

    def __init__(self, sink: Sink, kind: str | Kind, options: LoadOptions, *, salt: str) -> None:
        self.sink = sink
        self.kind = get_kind(kind) if isinstance(kind, str) else kind
        self.options = options
        self.salt = salt
        self._seen: set[int] = set()
        self._touched_customers: set[str] = set()
        self._in_flight: deque[list[_Pending]] = deque()  # batches handed to the sink, not yet settled

    def load(
        self,
        path: Path,
        on_progress: Callable[[int], None] | None = None,
        *,
        rows: Iterable[tuple[int, Row]] | None = None,
        columns: list[str] | None = None,
    ) -> LoadReport:
        """Load ``path``; or, with ``rows`` (already mapped, e.g. joined orders and lines) and their header
        ``columns``, load those rows instead, naming the report and quarantine after ``path``. Returns the report
        (also written to ``reports/``). A load that stops raises its error after writing the report, which the
        error carries in ``details["load_report"]``."""
        opts = self.options
        run_id = new_run_id()
        name = f"{self.kind.name}-{path.name}-{run_id}"
        report = LoadReport(
            kind=self.kind.name,
            file=str(path),
            source=opts.source,
            party=opts.party,
            run_id=run_id,
            value_rules=opts.rules.describe(),
        )
        report.encoding = opts.encoding
        quarantine = Quarantine(opts.out_dir / "quarantine" / f"{name}.jsonl", path, salt=self.salt)
        report_path = opts.out_dir / "reports" / f"{name}.json"
        started = time.perf_counter()
        try:
            self._run(path, report, quarantine, on_progress, rows, columns)
            quarantine.close()
        except BaseException as exc:
            error = self._stop(path, report, quarantine, exc)
            report.seconds = time.perf_counter() - started
            self._write_report(report, quarantine, report_path, error)
            if error is exc:
                raise
            raise error from None
        report.seconds = time.perf_counter() - started
        self._write_report(report, quarantine, report_path, None)
        return report

    # ------------------------------------------------------------------------------------ steps
    def _run(
        self,
        path: Path,
        report: LoadReport,
        quarantine: Quarantine,
        on_progress: Callable[[int], None] | None,
        rows: Iterable[tuple[int, Row]] | None,
        columns: list[str] | None,
    ) -> None:
        opts = self.options
        fmt = opts.fmt or detect_format(path)
        screen = Screen(
            self.kind.name,
            read_names(self.kind),
            f"{path.name} (source {opts.source})",
            report,
            mapping=opts.mapping,
            extra_terms=opts.extra_privacy_terms,
        )
        if columns is None:
            raw = source_columns(path, fmt, opts.encoding)
            mapping = screen.prepare(raw, source_nested(path, fmt, opts.encoding))
            header = mapping.header(raw)
        else:  # rows already mapped (joined orders and lines): their names are checked as they are
            mapping = screen.prepare(columns)
            header = columns
        require_columns(path, header, self.kind.required_columns)
        report.ignored_columns = ignored_columns(self.kind, header)
        self.sink.begin(self.kind, opts)
        if (
            rows is None
            and fmt == "csv"
            and can_take(self.kind, opts, self.sink, header, read_names(self.kind))
            and load_columnar(self, path, raw, mapping, screen, report, quarantine, validate_chunk, on_progress)
        ):
            self.sink.finish(self.kind, self._touched_customers)
            return
        if rows is None:
            read = read_rows(path, fmt, opts.encoding, on_nested=screen.nested)
            if fmt == "jsonl":  # every row's keys, at any depth (a CSV or Parquet header is fixed)
                read = screen.watch(read)
            rows = ((line, mapping.apply(r)) for line, r in read)
        for chunk in _batched(rows, opts.batch_size):
            report.rows_read += len(chunk)
            screen.chunk(chunk)
            pending = validate_chunk(self.kind, chunk, quarantine, opts.rules)
            if not self._refs_checked_by_write():
                pending = self._check_references(pending, quarantine, report)
            self._write(pending, report, quarantine)
            if on_progress:
                on_progress(len(chunk))
        self._settle(self.sink.flush(), report, quarantine)
        self.sink.finish(self.kind, self._touched_customers)

    def _stop(self, path: Path, report: LoadReport, quarantine: Quarantine, exc: BaseException) -> BaseException:
        """Account for a load that stops on ``exc``: rows still in flight are settled when the cause is not the
        database, the rest counts as not written. Returns the error to raise (OSError from reading the source
        becomes a ConfigError; a database error that is no row's fault a ConfigError or StoreUnavailable)."""
        error: BaseException = exc
        if isinstance(exc, OSError):
            error = ConfigError(f"cannot read {path}: {exc.strerror or exc}", details={"file": str(path)})
        error = stop_error(exc) or error
        if isinstance(error, GraphEngineError) and not isinstance(error, StoreUnavailable):
            self._drain(report, quarantine)
        if isinstance(exc, KeyboardInterrupt):
            report.stopped = "interrupted"
        elif isinstance(error, GraphEngineError):
            if "\n" in error.message:  # e.g. the driver's reason on a line of its own: the CLI prints one line
                error.message = " ".join(error.message.split())
                error.args = (error.message,)
            report.stopped = error.message
        else:
            report.stopped = f"unexpected {type(exc).__name__}: {exc}"
        with contextlib.suppress(ConfigError):  # a failed quarantine write is already the error on its way out
            quarantine.close()
        report.quarantined = quarantine.count
        report.not_written = report.rows_read - report.loaded - report.quarantined - report.duplicates
        return error

    def _drain(self, report: LoadReport, quarantine: Quarantine) -> None:
        """Finish what was handed to the sink (the load stops for a reason other than the database)."""
        try:
            self._settle(self.sink.flush(), report, quarantine)
            self.sink.finish(self.kind, self._touched_customers)
        except GraphEngineError:
            return

    def _write_report(
        self, report: LoadReport, quarantine: Quarantine, path: Path, error: BaseException | None
    ) -> None:
        report.quarantined = quarantine.count
        report.quarantine_file = str(quarantine.path) if quarantine.path.exists() else None
        report.top_reasons = dict(quarantine.reasons.most_common(5))
        try:
            report.write(path)
        except ConfigError:
            if error is None:
                raise
        if isinstance(error, GraphEngineError):
            error.details.update(
                load_report=report.to_dict(),
                rows_read=report.rows_read,
                written_batches=report.batches,
                hint="the load is idempotent: a re-run is safe",
            )

    def _refs_checked_by_write(self) -> bool:
        return (
            self.kind.refs_in_write
            and not self.options.create_missing
            and bool(getattr(self.sink, "checks_refs_in_write", False))
        )

    def _check_references(self, pending: list[_Pending], quarantine: Quarantine, report: LoadReport) -> list[_Pending]:
        if not self.kind.refs or not pending:
            return pending
        missing: dict[tuple[str, str], set[str]] = {}
        for label in dict.fromkeys(ref.label for ref in self.kind.refs):  # reasons in the kind's order
            fields = [ref.field for ref in self.kind.refs if ref.label == label]
            ids = sorted({v for p in pending for f in fields if (v := getattr(p.record, f)) is not None})
            absent = self.sink.missing(label, ids)
            if absent and self.options.create_missing:
                self.sink.create_placeholders(label, sorted(absent), self.options.source)
                report.created_placeholders += len(absent)
                absent = set()
            for f in fields:
                missing[(f, label)] = absent
        kept = []
        for p in pending:
            reasons = [
                f"{f}: unknown {label} {getattr(p.record, f)!r}"
                for (f, label), absent in missing.items()
                if getattr(p.record, f) in absent
            ]
            if reasons:
                quarantine.add(p.line, p.raw, reasons)
            else:
                kept.append(p)
        return kept

    def _write(self, pending: list[_Pending], report: LoadReport, quarantine: Quarantine) -> None:
        if not pending:
            return
        rows: list[Params] = []
        for p in pending:
            rows.append(self.kind.params(p.record, self.salt))
            if self.kind.name == "events":
                self._touched_customers.add(p.record.customerId)  # type: ignore[attr-defined]
        self._in_flight.append(pending)
        self._settle(self.sink.write(self.kind, rows, self.options.source), report, quarantine)

    def _settle(self, results: list[BatchResult] | None, report: LoadReport, quarantine: Quarantine) -> None:
        """Count the batches the sink finished (oldest first; ``None``: all of them, nothing refused): each row
        is quarantined with the write's reasons, or loaded (the first accepted row of its key), or a duplicate."""
        finished: list[tuple[list[_Pending], BatchResult | None]]
        if results is None:
            finished = [(batch, None) for batch in self._in_flight]
            self._in_flight.clear()
        else:
            finished = [(self._in_flight.popleft(), result) for result in results]
        for batch, result in finished:
            rejected = result.rejected if result is not None else {}
            for index, p in enumerate(batch):
                reasons = rejected.get(index)
                if reasons:
                    quarantine.add(p.line, p.raw, reasons)
                    report.rejected_at_write += 1
                    continue
                digest = hash(p.key)
                if digest in self._seen:
                    report.duplicates += 1
                else:
                    self._seen.add(digest)
                    report.loaded += 1
            report.batches += 1


def load_file(
    store: Store,
    kind: str,
    path: Path,
    options: LoadOptions,
    *,
    salt: str,
    on_progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Load one file of one kind online; see :class:`Loader`."""
    sink = OnlineSink(store)
    try:
        return Loader(sink, kind, options, salt=salt).load(path, on_progress)
    finally:
        sink.close()


__all__ = [
    "LoadOptions",
    "Loader",
    "OnlineSink",
    "Party",
    "Sink",
    "ignored_columns",
    "load_file",
    "read_names",
    "validate_chunk",
]
