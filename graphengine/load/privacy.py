"""The load side of the privacy rules; they live in :mod:`graphengine.privacy` (vocabulary as data files)."""

from graphengine.privacy.guard import (
    classify_column,
    classify_value,
    column_words,
    find_special_columns,
    guard_columns,
    guard_values,
)
from graphengine.privacy.identifiers import identifier_key, normalise_identifier

__all__ = [
    "classify_column",
    "classify_value",
    "column_words",
    "find_special_columns",
    "guard_columns",
    "guard_values",
    "identifier_key",
    "normalise_identifier",
]
