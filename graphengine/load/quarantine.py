"""Rejected rows, kept with their reasons in a JSONL file: nothing is lost silently."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import ValidationError

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


class Quarantine:
    """Appends ``{file, line, row, reasons}`` records to a JSONL file (created on the first rejection)."""

    def __init__(self, path: Path, source_file: Path) -> None:
        self.path = path
        self.source_file = str(source_file)
        self.count = 0
        self.reasons: Counter[str] = Counter()
        self._handle: Any = None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)

    def add(self, line: int, row: dict[str, Any], reasons: list[str]) -> None:
        if self._handle is None:
            self._handle = self.path.open("w", encoding="utf-8")
        record = {"file": self.source_file, "line": line, "row": row, "reasons": reasons}
        self._handle.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
        self.count += 1
        self.reasons.update(_QUOTED.sub("…", reason) for reason in reasons)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> Quarantine:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def read_quarantine(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


__all__ = ["Quarantine", "read_quarantine", "reasons_from_validation"]
