"""The load report: counts that always add up, as JSON and as a rich table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table


@dataclass
class LoadReport:
    """``rows_read == loaded + quarantined + duplicates`` holds for every finished load."""

    kind: str
    file: str
    source: str
    party: str
    mode: str = "online"
    rows_read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    batches: int = 0
    created_placeholders: int = 0
    seconds: float = 0.0
    quarantine_file: str | None = None
    top_reasons: dict[str, int] = field(default_factory=dict)
    refused: str | None = None

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.loaded + self.quarantined + self.duplicates

    @property
    def rows_per_s(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rows_per_s": round(self.rows_per_s, 1), "balanced": self.balanced}

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2))
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


__all__ = ["LoadReport"]
