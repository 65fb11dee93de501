"""One load: read → map → privacy guard → validate → quarantine → dedupe → check references → UNWIND batches.

Every row ends in exactly one of three buckets — loaded, quarantined (kept with its reasons), or duplicates
(a key already loaded earlier in the same file; merged into it) — so ``rows_read = loaded + quarantined +
duplicates``. Writes are MERGEs keyed by unique constraints, so a re-run, or a re-run after a failed batch,
leaves the same graph.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from graphengine.errors import StoreUnavailable
from graphengine.load.chains import relink_event_chains
from graphengine.load.kinds import REFERENCE_LABELS, Kind, Params, get_kind
from graphengine.load.privacy import guard_columns
from graphengine.load.quarantine import Quarantine, reasons_from_validation
from graphengine.load.readers import ColumnMap, Row, detect_format, read_rows, require_columns, source_columns
from graphengine.load.report import LoadReport
from graphengine.model._base import InputRecord
from graphengine.model.rules import DEFAULT_RULES, ValueRules
from graphengine.store import Store

Party = Literal["first", "second", "third"]
TEST_MARKER_COLUMNS = ("isTest", "is_test", "test")
TEST_KEY_PREFIXES = ("test-", "test_", "dummy-", "dummy_")


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
    batch: list[tuple[int, Row]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Sink(Protocol):
    """Where validated rows go: Neo4j online (UNWIND batches) or an offline neo4j-admin import."""

    def begin(self, kind: Kind, options: LoadOptions) -> None: ...
    def missing(self, label: str, ids: list[str]) -> set[str]: ...
    def create_placeholders(self, label: str, ids: list[str], source: str) -> None: ...
    def write(self, kind: Kind, rows: list[Params], source: str) -> None: ...
    def flush(self) -> None: ...
    def finish(self, kind: Kind, customer_ids: set[str]) -> None: ...


class OnlineSink:
    """Writes through the registered ``load.*`` queries; one writer thread overlaps writing batch N with
    reading and validating batch N+1."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphengine-writer")
        self._in_flight: Future[list[dict[str, Any]]] | None = None

    def begin(self, kind: Kind, options: LoadOptions) -> None:
        self.store.write("load.merge_source", {"source": options.source, "party": options.party, "kind": kind.name})

    def missing(self, label: str, ids: list[str]) -> set[str]:
        return set(self.store.query(REFERENCE_LABELS[label][0], {"ids": ids})[0]["missing"])

    def create_placeholders(self, label: str, ids: list[str], source: str) -> None:
        self.store.write(REFERENCE_LABELS[label][1], {"ids": ids, "source": source})

    def write(self, kind: Kind, rows: list[Params], source: str) -> None:
        self.flush()
        self._in_flight = self._writer.submit(self.store.write, kind.query, {"rows": rows, "source": source})

    def flush(self) -> None:
        if self._in_flight is not None:
            future, self._in_flight = self._in_flight, None
            future.result()

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

    def load(
        self,
        path: Path,
        on_progress: Callable[[int], None] | None = None,
        *,
        rows: Iterable[tuple[int, Row]] | None = None,
        columns: list[str] | None = None,
    ) -> LoadReport:
        """Load ``path``; or, with ``rows`` (already mapped, e.g. joined orders and lines) and their header
        ``columns``, load those rows instead, naming the report and quarantine after ``path``."""
        opts = self.options
        fmt = opts.fmt or detect_format(path)
        report = LoadReport(kind=self.kind.name, file=str(path), source=opts.source, party=opts.party)
        header = columns if columns is not None else opts.mapping.header(source_columns(path, fmt))
        guard_columns(header, f"{path.name} (source {opts.source})", opts.extra_privacy_terms)
        require_columns(path, header, self.kind.required_columns)
        stem = f"{self.kind.name}-{path.name.split('.')[0]}"
        started = time.perf_counter()
        with Quarantine(opts.out_dir / "quarantine" / f"{stem}.jsonl", path) as quarantine:
            self.sink.begin(self.kind, opts)
            mapped = rows if rows is not None else ((line, opts.mapping.apply(r)) for line, r in read_rows(path, fmt))
            try:
                for chunk in _batched(mapped, opts.batch_size):
                    report.rows_read += len(chunk)
                    pending = validate_chunk(self.kind, chunk, quarantine, opts.rules)
                    pending = self._check_references(pending, quarantine, report)
                    self._write(pending, report)
                    if on_progress:
                        on_progress(len(chunk))
                self.sink.flush()
                self.sink.finish(self.kind, self._touched_customers)
            except StoreUnavailable as exc:
                exc.details.update(written_batches=report.batches - 1, hint="the load is idempotent: run it again")
                raise
        report.quarantined = quarantine.count
        report.quarantine_file = str(quarantine.path) if quarantine.count else None
        report.top_reasons = dict(quarantine.reasons.most_common(5))
        report.seconds = time.perf_counter() - started
        report.write(opts.out_dir / "reports" / f"{stem}.json")
        return report

    # ------------------------------------------------------------------------------------ steps
    def _check_references(self, pending: list[_Pending], quarantine: Quarantine, report: LoadReport) -> list[_Pending]:
        if not self.kind.refs or not pending:
            return pending
        missing: dict[tuple[str, str], set[str]] = {}
        for label in {ref.label for ref in self.kind.refs}:
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

    def _write(self, pending: list[_Pending], report: LoadReport) -> None:
        if not pending:
            return
        rows: list[Params] = []
        for p in pending:
            digest = hash(p.key)
            if digest in self._seen:
                report.duplicates += 1
            else:
                self._seen.add(digest)
                report.loaded += 1
            rows.append(self.kind.params(p.record, self.salt))
            if self.kind.name == "events":
                self._touched_customers.add(p.record.customerId)  # type: ignore[attr-defined]
        self.sink.write(self.kind, rows, self.options.source)
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


__all__ = ["LoadOptions", "Loader", "OnlineSink", "Party", "Sink", "load_file", "validate_chunk"]
