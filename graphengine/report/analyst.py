"""The analyst library (``cypher/analyst/NN_<question>.cypher``): parse the files and run them as Browser would.

A file is written for people in Neo4j Browser and runs there as it is (multi-statement mode)::

    // NN Title
    // Question: what it answers, in one or more comment lines
    :param name => <Cypher expression>;      one line per parameter, an example that exists in the demo graph
    <one Cypher statement>;

Browser evaluates each ``:param`` expression on the server and keeps the value; :func:`run_analyst` does the
same (``RETURN <expression> AS value``), so ``datetime('…')`` or lists work as parameters, then runs the
statement with them. :func:`problems` lists what breaks those rules (the test checks every file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphengine.errors import NotFound
from graphengine.store import Store
from graphengine.store.queries import cypher_root

_PARAM_LINE = re.compile(r"^:param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(.+?)\s*;\s*$")
_USED = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")
_NAME = re.compile(r"^(\d{2})_([a-z0-9_]+)\.cypher$")


@dataclass(frozen=True)
class AnalystQuery:
    """One analyst file: number and title from the first line, the question, example parameters, the statement."""

    path: Path
    number: str
    title: str
    question: str
    params: dict[str, str]
    statement: str
    notes: list[str] = field(default_factory=list)

    @property
    def used_params(self) -> set[str]:
        return set(_USED.findall(_strip_strings(self.statement)))

    @property
    def browser_text(self) -> str:
        """The file's text as pasted into Neo4j Browser."""
        return self.path.read_text(encoding="utf-8")


def _strip_strings(text: str) -> str:
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)


def analyst_dir() -> Path:
    return cypher_root() / "analyst"


def parse_analyst(path: Path) -> AnalystQuery:
    """Parse one analyst file (no validation: see :func:`problems`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comments: list[str] = []
    params: dict[str, str] = {}
    body: list[str] = []
    notes: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not body and stripped.startswith("//"):
            comments.append(stripped.removeprefix("//").strip())
        elif not body and stripped.startswith(":param"):
            found = _PARAM_LINE.match(stripped)
            if found is None:
                notes.append(f"unreadable :param line {stripped!r}")
            else:
                params[found.group(1)] = found.group(2)
        elif body or stripped:
            body.append(line)
    first = comments[0] if comments else ""
    number, _, title = first.partition(" ")
    question_lines: list[str] = []
    for c in comments[1:]:  # from "Question:" to the first line ending in "?"
        if question_lines or c.startswith("Question:"):
            question_lines.append(c.removeprefix("Question:").strip())
            if c.endswith("?"):
                break
    statement = "\n".join(body).strip()
    return AnalystQuery(
        path=path,
        number=number,
        title=title.strip(),
        question=" ".join(question_lines),
        params=params,
        statement=statement.removesuffix(";").rstrip(),
        notes=notes,
    )


def analyst_queries(root: Path | None = None) -> list[AnalystQuery]:
    """Every analyst file, in number order."""
    return [parse_analyst(p) for p in sorted((root or analyst_dir()).glob("*.cypher"))]


def analyst_query(key: str, root: Path | None = None) -> AnalystQuery:
    """An analyst file by number (``"07"``) or file stem."""
    for query in analyst_queries(root):
        if key in (query.number, query.path.stem):
            return query
    raise NotFound(f"no analyst query {key!r}", details={"known": [q.path.stem for q in analyst_queries(root)]})


def problems(query: AnalystQuery) -> list[str]:
    """What breaks the house rules for analyst files (empty when the file is fine)."""
    out = list(query.notes)
    name = _NAME.match(query.path.name)
    if name is None:
        out.append("file name must be NN_<question>.cypher (lower case)")
    elif name.group(1) != query.number:
        out.append(f"first line must start with the file number {name.group(1)}")
    if not query.title:
        out.append("first line must be '// NN Title'")
    if not query.question.endswith("?"):
        out.append("a '// Question: …?' header comment is required")
    declared, used = set(query.params), query.used_params
    if declared != used:
        out.append(f":param lines declare {sorted(declared)} but the statement uses {sorted(used)}")
    if ";" in _strip_strings(query.statement):
        out.append("one statement per file (a ';' only at its end)")
    if not query.statement:
        out.append("no statement")
    return out


def evaluate_params(store: Store, query: AnalystQuery, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The example parameters evaluated as Browser evaluates ``:param x => expr``, then ``overrides``."""
    values: dict[str, Any] = {}
    for name, expression in query.params.items():
        values[name] = store.run_text(f"RETURN {expression} AS value")[0]["value"]
    return values | dict(overrides or {})


def run_analyst(store: Store, query: AnalystQuery, overrides: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run an analyst statement with its example parameters (and ``overrides``)."""
    return store.run_text(query.statement, evaluate_params(store, query, overrides))


__all__ = [
    "AnalystQuery",
    "analyst_dir",
    "analyst_queries",
    "analyst_query",
    "evaluate_params",
    "parse_analyst",
    "problems",
    "run_analyst",
]
