"""Schema migrations: ``cypher/schema/NNNN_<name>.cypher`` applied in order, idempotently.

Each file holds ``;``-separated statements written with ``IF NOT EXISTS``; applying twice changes nothing.
Applied versions are recorded as ``(:SchemaVersion {version, name, checksum, appliedAt})`` nodes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from graphengine.store.driver import Store
from graphengine.store.queries import cypher_root

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.cypher$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    statements: tuple[str, ...]

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def split_statements(text: str) -> list[str]:
    """Split a Cypher script on ``;`` at line ends, dropping ``//`` comment lines."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [stmt.strip() for stmt in re.split(r";\s*(?:\n|$)", body) if stmt.strip()]


def migrations(root: Path | None = None) -> list[Migration]:
    folder = root or cypher_root() / "schema"
    found = []
    for path in sorted(folder.glob("*.cypher")):
        match = _FILE.match(path.name)
        if not match:
            continue
        text = path.read_text(encoding="utf-8")
        found.append(Migration(int(match[1]), match[2], path, tuple(split_statements(text))))
    return found


def apply_schema(store: Store, root: Path | None = None) -> list[dict[str, object]]:
    """Apply every migration in order; returns one summary row per migration."""
    applied = []
    for migration in migrations(root):
        for statement in migration.statements:
            store.run_text(statement)
        store.write(
            "schema.record_version",
            {"version": migration.version, "name": migration.name, "checksum": migration.checksum},
        )
        applied.append({"version": migration.version, "name": migration.name, "statements": len(migration.statements)})
    return applied


__all__ = ["Migration", "apply_schema", "migrations", "split_statements"]
