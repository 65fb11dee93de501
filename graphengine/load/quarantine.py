"""Rejected rows, kept with their reasons in a JSONL file: nothing is lost silently.

Each load writes its own file (named by the loader after the source file and the run id); the file is created
with the first rejected row and never truncated, replaced or deleted by a later load. A failing write (disk full,
no permission) raises :class:`~graphengine.errors.ConfigError` naming the file.

Erasure (:mod:`graphengine.load.quarantine_erasure`) is the one thing that rewrites a file: it reads records with
:func:`parse_record`, picks a customer's rows with :func:`names_customer` and replaces the file under an exclusive
``flock``; a writer holds a shared lock on the file it appends to, so a rewrite never loses the rows of a running
load.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import ValidationError

from graphengine.errors import ConfigError

_QUOTED = re.compile(r"'[^']*'")


def reasons_from_validation(exc: ValidationError) -> list[str]:
    """One readable reason per failed field: ``price: must be >= 0``, ``customerId: missing``."""
    reasons = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "row"
        missing = error["type"] == "missing" or (error["type"] == "string_type" and error.get("input") is None)
        message = "missing" if missing else str(error["msg"]).removeprefix("Value error, ")
        reasons.append(f"{field}: {message}")
    return reasons


def write_error(path: Path, exc: OSError) -> ConfigError:
    """The error for a side file (quarantine, report) that cannot be written: disk full, no permission…"""
    return ConfigError(f"cannot write {path}: {exc.strerror or exc}", details={"path": str(path), "errno": exc.errno})


class Quarantine:
    """Appends ``{file, line, row, reasons}`` records to a new JSONL file (created on the first rejection; an
    existing file of that name is never overwritten)."""

    def __init__(self, path: Path, source_file: Path) -> None:
        self.path = path
        self.source_file = str(source_file)
        self.count = 0
        self.reasons: Counter[str] = Counter()
        self._handle: Any = None
        self._created = False  # this object created the file (later opens append to it)
        self._failed = False

    def add(self, line: int, row: dict[str, Any], reasons: list[str]) -> None:
        record = {"file": self.source_file, "line": line, "row": row, "reasons": reasons}
        text = json.dumps(record, default=str, ensure_ascii=False) + "\n"
        try:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # line-buffered: every row counted is on disk (a full disk fails the row that does not fit);
                # a lone surrogate from JSON is written escaped instead of failing the write
                self._handle = _open_shared(self.path, "a" if self._created else "x")
                self._created = True
            self._handle.write(text)
        except OSError as exc:
            self._failed = True
            raise write_error(self.path, exc) from None
        self.count += 1
        self.reasons.update(_QUOTED.sub("…", reason) for reason in reasons)

    def close(self) -> None:
        """Close the file; raises ConfigError when its last rows cannot be written (unless a write already
        failed, which was reported then)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            handle.close()
        except OSError as exc:
            if not self._failed:
                self._failed = True
                raise write_error(self.path, exc) from None

    def __enter__(self) -> Quarantine:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(ConfigError):  # the error already on its way out says more
            self.close()


def _open_shared(path: Path, mode: str) -> Any:
    """Open ``path`` for appending under a shared lock, on the file that is at ``path`` once the lock is held (an
    erasure may have replaced it while this waited)."""
    while True:
        handle = path.open(mode, buffering=1, encoding="utf-8", errors="backslashreplace")
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        with contextlib.suppress(FileNotFoundError):
            if os.fstat(handle.fileno()).st_ino == path.stat().st_ino:
                return handle
        handle.close()
        mode = "a"


def read_quarantine(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# ------------------------------------------------------------------------------------- reading files back
CUSTOMER_FIELDS = ("customerId", "referrerId", "referredId")  # fields of a row that name a customer


def quarantine_files(folder: Path) -> list[Path]:
    """The quarantine files in ``folder`` (``<out_dir>/quarantine`` of the loads), sorted by name."""
    return sorted(p for p in folder.glob("*.jsonl") if p.is_file()) if folder.is_dir() else []


def parse_record(line: str) -> dict[str, Any] | None:
    """One line of a quarantine file as its ``{file, line, row, reasons}`` record; None for a blank or broken line."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def names_customer(record: dict[str, Any], customer_id: str) -> bool:
    """True when the quarantined row names ``customer_id`` in one of :data:`CUSTOMER_FIELDS` (as loaded: after
    column mapping, surrounding blanks ignored)."""
    row = record.get("row")
    if not isinstance(row, dict):
        return False
    return any(isinstance(row.get(f), str | int) and str(row[f]).strip() == customer_id for f in CUSTOMER_FIELDS)


__all__ = [
    "CUSTOMER_FIELDS",
    "Quarantine",
    "names_customer",
    "parse_record",
    "quarantine_files",
    "read_quarantine",
    "reasons_from_validation",
    "write_error",
]
