"""The load side of the privacy rules; they live in :mod:`graphengine.privacy` (vocabulary as data files)."""

from graphengine.privacy.guard import find_special_columns, guard_columns
from graphengine.privacy.identifiers import identifier_key

__all__ = ["find_special_columns", "guard_columns", "identifier_key"]
