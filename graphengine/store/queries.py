"""The query registry: every Cypher statement the code runs is a file under ``cypher/queries/``.

A file ``cypher/queries/<area>/<verb>_<noun>.cypher`` is registered as ``<area>.<verb>_<noun>``. Each file opens
with ``// params:`` and ``// returns:`` header lines (checked by the tests) and takes values only through
``$parameters``. An optional ``// requires: gds`` line names a plugin the query needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphengine.config import PROJECT_ROOT
from graphengine.errors import NotFound

_PARAM = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")


def cypher_root() -> Path:
    """The ``cypher/`` directory: beside the package in a checkout, inside it in a wheel."""
    for candidate in (PROJECT_ROOT / "cypher", Path(__file__).resolve().parent.parent / "_cypher"):
        if candidate.is_dir():
            return candidate
    raise NotFound("the cypher/ directory was not found beside or inside the graphengine package")


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    text: str
    declared_params: tuple[str, ...]
    returns: str
    requires: tuple[str, ...] = ()

    @property
    def used_params(self) -> frozenset[str]:
        """The ``$parameters`` the statement body uses (comments excluded)."""
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("//"))
        return frozenset(_PARAM.findall(body))


def parse_query(name: str, path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    params: tuple[str, ...] = ()
    returns = ""
    requires: tuple[str, ...] = ()
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("// params:"):
            raw = stripped.removeprefix("// params:").strip()
            params = tuple(p.strip().lstrip("$") for p in raw.split(",") if p.strip() and p.strip() != "none")
        elif stripped.startswith("// returns:"):
            returns = stripped.removeprefix("// returns:").strip()
        elif stripped.startswith("// requires:"):
            requires = tuple(p.strip() for p in stripped.removeprefix("// requires:").split(",") if p.strip())
    return Query(name=name, path=path, text=text, declared_params=params, returns=returns, requires=requires)


class QueryRegistry:
    """Named queries loaded from a ``queries`` directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._queries: dict[str, Query] = {}
        for path in sorted(root.glob("*/*.cypher")):
            name = f"{path.parent.name}.{path.stem}"
            self._queries[name] = parse_query(name, path)

    def __getitem__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise NotFound(f"no registered query named {name!r}", details={"query": name}) from None

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def names(self) -> list[str]:
        return sorted(self._queries)


@cache
def default_registry() -> QueryRegistry:
    return QueryRegistry(cypher_root() / "queries")


__all__ = ["Query", "QueryRegistry", "cypher_root", "default_registry", "parse_query"]
