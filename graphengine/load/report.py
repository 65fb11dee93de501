"""The load report: counts that always add up, as JSON and as a rich table.

Every load writes one report file of its own (``reports/<kind>-<file name>-<run id>.json``), also when it stops
early: then ``stopped`` says why, ``not_written`` counts the rows read but not written, and ``rerun_safe`` says
that running the same load again is safe (every write is a MERGE on a key).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from rich.table import Table

from graphengine.errors import GraphEngineError
from graphengine.load.quarantine import write_error


def new_run_id() -> str:
    """A run id for side-file names: UTC time to the second and 6 random hex digits (``20261130T203512Z-3f9a0c``)."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass
class LoadReport:
    """``rows_read == loaded + quarantined + duplicates + not_written`` holds for every load; ``not_written`` is
    0 unless the load stopped early."""

    kind: str
    file: str
    source: str
    party: str
    mode: str = "online"
    run_id: str = ""
    encoding: str = "utf-8"
    value_rules: dict[str, Any] = field(default_factory=dict)  # time zone, epoch unit and time range applied
    rows_read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    not_written: int = 0
    batches: int = 0
    rejected_at_write: int = 0
    created_placeholders: int = 0
    seconds: float = 0.0
    report_file: str | None = None
    quarantine_file: str | None = None
    top_reasons: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)  # every column no field reads (never stored)
    identifier_columns: dict[str, str] = field(default_factory=dict)  # source column → identifier it was hashed as
    dropped_columns: list[str] = field(default_factory=list)  # --drop-column / mapping-file drops found in the source
    refused: str | None = None
    stopped: str | None = None
    rerun_safe: bool = True

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.loaded + self.quarantined + self.duplicates + self.not_written

    @property
    def rows_per_s(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadReport:
        """A report from :meth:`to_dict` output (derived keys such as ``balanced`` are recomputed)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rows_per_s": round(self.rows_per_s, 1), "balanced": self.balanced}

    def write(self, path: Path) -> Path:
        """Write the report as a new file (never over an existing one); ConfigError if it cannot be written."""
        self.report_file = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:
                handle.write(json.dumps(self.to_dict(), indent=2, default=str))
        except OSError as exc:
            self.report_file = None
            raise write_error(path, exc) from None
        return path

    def table(self) -> Table:
        table = Table(title=f"load {self.kind} ← {Path(self.file).name} (source {self.source}, {self.party} party)")
        for column in ("read", "loaded", "quarantined", "duplicates", "batches", "rows/s", "seconds"):
            table.add_column(column, justify="right")
        table.add_row(
            str(self.rows_read),
            str(self.loaded),
            str(self.quarantined),
            str(self.duplicates),
            str(self.batches),
            f"{self.rows_per_s:,.0f}",
            f"{self.seconds:.2f}",
        )
        if self.top_reasons:
            table.caption = "quarantine reasons: " + "; ".join(f"{r} ×{n}" for r, n in self.top_reasons.items())
        return table

    def summary_lines(self) -> list[str]:
        """What to print under the table: the side files, columns nothing reads, and how a stopped load ended."""
        lines = []
        if self.stopped:
            lines.append(
                f"stopped: {self.stopped} — {self.not_written:,} row(s) read but not written"
                + ("; a re-run is safe" if self.rerun_safe else "")
            )
        if self.ignored_columns:
            lines.append(f"ignored columns (no field reads them, not stored): {', '.join(self.ignored_columns)}")
        if self.identifier_columns:
            hashed = ", ".join(f"{column} → {kind}" for column, kind in self.identifier_columns.items())
            lines.append(f"identifier columns (stored only hashed): {hashed}")
        if self.dropped_columns:
            lines.append(f"dropped columns: {', '.join(self.dropped_columns)}")
        if self.value_rules:
            rules = self.value_rules
            lines.append(
                f"times without a zone read as {rules.get('timezone')}; epoch numbers "
                + (f"in {rules['epoch']}" if rules.get("epoch") else "refused")
                + f"; accepted range {str(rules.get('earliest'))[:10]} … {str(rules.get('latest'))[:10]}"
            )
        if self.quarantine_file:
            lines.append(f"quarantined rows with reasons: {self.quarantine_file}")
        lines.append(f"report: {self.report_file or '(not written)'}")
        return lines


def report_of(error: BaseException) -> LoadReport | None:
    """The report a stopped load attached to its error (``details["load_report"]``), if any."""
    data = error.details.get("load_report") if isinstance(error, GraphEngineError) else None
    return LoadReport.from_dict(data) if isinstance(data, dict) else None


__all__ = ["LoadReport", "new_run_id", "report_of"]
