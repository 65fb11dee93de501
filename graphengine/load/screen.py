"""The privacy screen of one load: names, nested keys, identifier columns and stored values.

Before any row is read, :meth:`Screen.prepare` refuses special-category columns — by their source names and
their mapped names, and keys nested inside them (JSON objects, Parquet structs) — and reads identifier columns
under their usual names (``E-Mail``, ``telefon``, ``kundkort`` …) as the kind's ``email``/``phone``/
``loyaltyId`` fields, so they are hashed. While rows stream in:

* :meth:`Screen.watch` checks the keys of every JSONL row, at any depth: a key first seen after the lines the
  header was read from is refused when it is special-category data, else listed as ignored;
* :meth:`Screen.chunk` looks at each batch before it is validated: a column no field reads is checked by the
  shape of a sample of its values — e-mail addresses or phone numbers are read as the kind's identifier field
  when it has a free one (and so hashed), otherwise the load is refused (never dropped silently); and the
  distinct values of stored categorical columns (a customer's ``segment``) are checked against the value list.

A refusal raises :class:`PrivacyViolation` before the batch that holds the data is written; batches written
before it held none of it (a re-run after dropping the column is safe).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from graphengine.errors import PrivacyViolation
from graphengine.load.readers import ColumnMap, Row
from graphengine.load.report import LoadReport
from graphengine.privacy.guard import guard_columns, guard_values, nested_paths
from graphengine.privacy.identifiers import shape_of
from graphengine.privacy.vocabulary import vocabulary

_INTERNAL = frozenset({"__error__", "__raw__"})
_CONTAINERS = (dict, list)
SHAPE_NAMES = {"email": "e-mail addresses", "phone": "phone numbers"}


class Screen:
    """Privacy checks for one load of one kind; ``fields`` are the names the kind's model reads."""

    def __init__(
        self,
        kind: str,
        fields: Iterable[str],
        source: str,
        report: LoadReport,
        *,
        mapping: ColumnMap,
        extra_terms: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.fields = frozenset(fields)
        self.source = source
        self.report = report
        self.mapping = mapping
        self.extra_terms = extra_terms
        vocab = vocabulary()
        self.categorical = vocab.categorical_columns.get(kind, ())
        self.identifier_fields = {k: f for k, f in vocab.identifier_fields.items() if f in self.fields}
        self._known: set[str] = set()
        self._known_paths: set[tuple[str, ...]] = set()
        self._screened: set[str] = set()
        self._values: dict[str, set[Any]] = {c: set() for c in self.categorical}
        self._shape_renames: dict[str, str] = {}
        self._taken: set[str] = set()

    # ------------------------------------------------------------------------------------ before reading
    def prepare(self, columns: list[str], nested: Iterable[tuple[str, ...]] = ()) -> ColumnMap:
        """Refuse special-category columns; return the mapping with identifier columns read as their fields."""
        mapping = self.mapping
        guard_columns(
            columns, self.source, self.extra_terms, rename=mapping.rename, drop=mapping.drop, nested=list(nested)
        )
        self._known = set(columns)
        self._known_paths = set(nested)
        mapped = mapping.header(columns)
        self._taken = {f for f in self.identifier_fields.values() if f in mapped}
        rename = dict(mapping.rename)
        vocab = vocabulary()
        for column in columns:
            if column in rename or column in mapping.drop or column in self.fields:
                continue
            identifier = vocab.identifier_kind(column)
            target = self.identifier_fields.get(identifier or "")
            if target and target not in self._taken:
                rename[column] = target
                self._taken.add(target)
                self.report.identifier_columns[column] = identifier or ""
        self.mapping = ColumnMap(rename=rename, drop=mapping.drop)
        self.report.dropped_columns = sorted(c for c in columns if c in mapping.drop)
        return self.mapping

    # ------------------------------------------------------------------------------------ while reading
    def watch(self, rows: Iterable[tuple[int, Row]]) -> Iterator[tuple[int, Row]]:
        """Pass ``rows`` (as read, before mapping) through, checking top-level keys never seen before (nested
        keys: :meth:`nested`, which the JSONL reader calls for rows that hold objects or lists)."""
        known = self._known
        for item in rows:
            if not known.issuperset(item[1]):
                self._new_keys([k for k in item[1] if k not in known])
            yield item

    def nested(self, row: Row) -> None:
        """Check the keys inside the objects and lists of ``row`` that were never seen before."""
        for key, value in row.items():
            if value.__class__ in _CONTAINERS:
                self._new_paths(key, value)

    def _new_keys(self, keys: list[str]) -> None:
        self._known.update(keys)
        keys = [k for k in keys if k not in _INTERNAL]
        if not keys:
            return
        mapping = self.mapping
        guard_columns(keys, self.source, self.extra_terms, rename=mapping.rename, drop=mapping.drop)
        for name in mapping.header(keys):
            if name not in self.fields and name not in self.report.ignored_columns:
                self.report.ignored_columns.append(name)

    def _new_paths(self, key: str, value: Any) -> None:
        if key in self.mapping.drop:
            return
        fresh = [p for p in nested_paths(value, (key,)) if p not in self._known_paths]
        if fresh:
            self._known_paths.update(fresh)
            guard_columns([], self.source, self.extra_terms, rename=self.mapping.rename, nested=fresh)

    @property
    def renames_shapes(self) -> bool:
        """Whether a column is read as an identifier field because of the shape of its values."""
        return bool(self._shape_renames)

    def chunk(self, chunk: list[tuple[int, Row]]) -> None:
        """Check a batch of mapped rows before it is validated (identifier shapes, categorical values)."""
        unscreened = [c for c in self.report.ignored_columns if c not in self._screened]
        if unscreened:
            self._screen_shapes(unscreened, chunk)
        if self._shape_renames:
            for _, row in chunk:
                for column, target in self._shape_renames.items():
                    if column in row:
                        row[target] = row.pop(column)
        for column, seen in self._values.items():
            fresh = {v for _, row in chunk if isinstance(v := row.get(column), str)} - seen
            if fresh:
                guard_values(column, fresh, self.source, self._source_name(column))
                seen.update(fresh)

    def _screen_shapes(self, columns: list[str], chunk: list[tuple[int, Row]]) -> None:
        sample_size = int(vocabulary().shapes["sample"])
        for column in columns:
            values = list(islice((v for _, row in chunk if isinstance(v := row.get(column), str) and v), sample_size))
            if not values:
                continue  # nothing to judge yet: a later batch may show values
            self._screened.add(column)
            identifier = shape_of(values)
            if identifier is None:
                continue
            target = self.identifier_fields.get(identifier)
            source_name = self._source_name(column)
            if target and target not in self._taken:
                self._taken.add(target)
                self._shape_renames[column] = target
                self.report.ignored_columns.remove(column)
                self.report.identifier_columns[source_name] = identifier
                continue
            what = SHAPE_NAMES[identifier]
            where = f"'{target}' already comes from another column" if target else f"a {self.kind} row keeps none"
            raise PrivacyViolation(
                f"{self.source}: column {source_name!r} holds {what}, and {where}. Personal identifiers are never "
                f"dropped silently: load them with the customers or identifiers kind (stored hashed), or drop the "
                f"column with --drop-column {source_name}.",
                details={"columns": {source_name: f"identifier ({identifier})"}, "identifier": identifier},
            )

    def _source_name(self, column: str) -> str:
        return next((src for src, ours in self.mapping.rename.items() if ours == column), column)


def refuse_identifier_columns(
    rows: Iterable[tuple[int, Row]], columns: list[str], source: str, what: str
) -> Iterator[tuple[int, Row]]:
    """Pass ``rows`` through after checking the shape of the ignored ``columns`` on the first rows: a side file
    such as an orders file keeps no identifiers, so a column of e-mail addresses or phone numbers is refused."""
    iterator = iter(rows)
    head = list(islice(iterator, int(vocabulary().shapes["sample"]) * 5))
    for column in columns:
        identifier = shape_of(row.get(column) for _, row in head)
        if identifier:
            raise PrivacyViolation(
                f"{source}: column {column!r} holds {SHAPE_NAMES[identifier]}, and {what} keeps none. Personal "
                "identifiers are never dropped silently: load them with the customers or identifiers kind (stored "
                f"hashed), or drop the column with --drop-column {column}.",
                details={"columns": {column: f"identifier ({identifier})"}, "identifier": identifier},
            )
    yield from head
    yield from iterator


__all__ = ["Screen", "refuse_identifier_columns"]
