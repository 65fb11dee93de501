"""The privacy guard: GDPR Art. 9 special-category data is refused at load.

A source is refused with :class:`PrivacyViolation` when a column name — as the source names it *and* as it is
mapped (``--map religion=segment`` is refused for ``religion``), at the top level or as a key nested at any
depth (JSON objects, Parquet structs) — denotes special-category data: racial or ethnic origin, political
opinions, religious or philosophical beliefs, trade-union membership, genetic, biometric or health data, sex
life or sexual orientation. Stored categorical values (a customer's ``segment``) are checked against the value
list of the same vocabulary (``segment = "diabetic"`` is refused). The refusal names each column and its
category; ``--drop-column`` drops a column before anything reads it. The vocabulary is data
(``graphengine/privacy/data/*.yaml``); extra terms can be passed in
(``LoadOptions.extra_privacy_terms``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from graphengine.errors import PrivacyViolation
from graphengine.privacy.vocabulary import Matcher, vocabulary, words

CONFIGURED = "configured term"
Path = tuple[str, ...]  # a nested key: (top-level column, key, key …)


def column_words(name: str) -> list[str]:
    """The normalised words of a column name: ``politicalParty`` → ``["political", "party"]``."""
    return list(words(name))


def _extra(extra_terms: Iterable[str]) -> Matcher | None:
    terms = [(term, CONFIGURED) for term in extra_terms if term.strip()]
    return Matcher.build(terms) if terms else None


def _classify(name: str, extra: Matcher | None) -> str | None:
    vocab = vocabulary()
    category = vocab.names.find(name)
    if category:
        return vocab.label(category)
    return extra.find(name) if extra else None


def classify_column(name: str, extra_terms: Iterable[str] = ()) -> str | None:
    """The special category (its label) a column name denotes, or None."""
    return _classify(name, _extra(extra_terms))


def classify_value(value: object) -> str | None:
    """The special category (its label) a stored categorical value states (``diabetic``, ``muslim``), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    vocab = vocabulary()
    category = vocab.values.find(value)
    return vocab.label(category) if category else None


def find_special_columns(columns: Iterable[str], extra_terms: Iterable[str] = ()) -> dict[str, str]:
    """Map each special-category column to its category."""
    extra = _extra(extra_terms)
    return {column: category for column in columns if (category := _classify(column, extra))}


def nested_paths(value: Any, prefix: Path) -> Iterator[Path]:
    """Every key inside ``value`` (objects in objects, objects in lists) as a path from ``prefix``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            path = (*prefix, str(key))
            yield path
            yield from nested_paths(inner, path)
    elif isinstance(value, list):
        for item in value:
            yield from nested_paths(item, prefix)


def guard_columns(
    columns: Iterable[str],
    source: str,
    extra_terms: Iterable[str] = (),
    *,
    rename: Mapping[str, str] | None = None,
    drop: Collection[str] = frozenset(),
    nested: Iterable[Path] = (),
) -> None:
    """Refuse a source that carries special-category data in a column it keeps.

    ``columns`` are the source's names; each is checked as it is and as ``rename`` maps it, unless it is
    dropped (by either name). ``nested`` are keys inside columns (path from the top-level column): a hit names
    the field and the top-level column to drop."""
    rename = rename or {}
    extra = _extra(extra_terms)
    found: dict[str, str] = {}
    shown: dict[str, str] = {}
    for column in columns:
        if column in drop or rename.get(column, column) in drop or column in found:
            continue
        for name in dict.fromkeys((column, rename.get(column, column))):
            category = _classify(name, extra)
            if category:
                found[column] = category
                shown[column] = f"{column!r}" + (f" (mapped to {rename[column]!r})" if name != column else "")
                break
    for path in nested:
        top = path[0]
        if top in drop or rename.get(top, top) in drop or top in found:
            continue
        category = next((c for key in path[1:] if (c := _classify(key, extra))), None)
        if category:
            found[top] = category
            shown[top] = f"{'.'.join(path)!r} (inside column {top!r})"
    if found:
        refuse(source, found, shown)


def refuse(source: str, found: Mapping[str, str], shown: Mapping[str, str] | None = None, **details: Any) -> None:
    """Raise the refusal for ``found`` (droppable column → category label)."""
    shown = shown or {}
    listed = ", ".join(f"{shown.get(col, repr(col))}: {cat}" for col, cat in found.items())
    raise PrivacyViolation(
        f"{source} carries GDPR special-category data: {listed}. Such data is never stored; drop the "
        f"column(s) with {' '.join('--drop-column ' + c for c in found)} to load the rest.",
        details={"columns": dict(found), **details},
    )


def guard_values(column: str, values: Iterable[object], source: str, source_column: str | None = None) -> None:
    """Refuse when one of the distinct ``values`` of a stored categorical column states a special category."""
    hits = {str(v): category for v in values if (category := classify_value(v))}
    if not hits:
        return
    drop = source_column or column
    named = f"{column!r}" + (f" (source column {drop!r})" if drop != column else "")
    listed = ", ".join(f"{v!r} ({c})" for v, c in sorted(hits.items())[:5])
    raise PrivacyViolation(
        f"{source}: column {named} holds GDPR special-category values: {listed}. Such values are never stored; "
        f"recode them in the source or drop the column with --drop-column {drop}.",
        details={"columns": {drop: next(iter(hits.values()))}, "column": column, "values": sorted(hits)[:20]},
    )


__all__ = [
    "CONFIGURED",
    "classify_column",
    "classify_value",
    "column_words",
    "find_special_columns",
    "guard_columns",
    "guard_values",
    "nested_paths",
    "refuse",
]
