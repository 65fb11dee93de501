"""Bulk loading: readers, privacy guard, validation and quarantine, batched idempotent writes, reports."""

from graphengine.load.kinds import KINDS, get_kind
from graphengine.load.pipeline import Loader, LoadOptions, load_file
from graphengine.load.readers import ColumnMap, read_rows
from graphengine.load.report import LoadReport

__all__ = ["KINDS", "ColumnMap", "LoadOptions", "LoadReport", "Loader", "get_kind", "load_file", "read_rows"]
