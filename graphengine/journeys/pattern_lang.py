"""Symbols and the pattern expression language: parse to a small AST and translate to a Python regex.

The grammar (whitespace between tokens is free)::

    alt    := seq ('|' seq)*
    seq    := item*
    item   := atom quant?
    atom   := NAME | '~' NAME | '[' NAME+ ']' | '~[' NAME+ ']' | '.' | '^' | '$' | '(' alt ')'
    quant  := '*' | '+' | '?' | '{m}' | '{m,}' | '{m,n}'

The translation needs to know which *symbol combinations* occur in the data: each event is encoded as one
character standing for the set of symbols its fields satisfy, so a symbol becomes a character class listing
every combination that contains it (and ``~X`` every combination that does not). Overlapping symbol
definitions therefore behave as predicates, not as a first-wins labelling.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from graphengine.errors import AnalysisError
from graphengine.journeys.events import BoolArray, Events

TextMatch = str | Collection[str] | None
NumMatch = float | tuple[float | None, float | None] | None

SEPARATOR = 0  # code point between scopes (sessions or customers); no symbol class ever contains it


@dataclass(frozen=True)
class Symbol:
    """A predicate on event fields; all given conditions must hold (``None`` means "any").

    Text fields take one name or a collection of names. ``value`` and ``result_count`` take a number (equal)
    or an inclusive ``(low, high)`` range with ``None`` for an open end; missing values never match.
    ``where`` is any vectorised predicate ``Events -> bool array`` for the rest.
    """

    type: TextMatch = None
    channel: TextMatch = None
    product: TextMatch = None
    value: NumMatch = None
    result_count: NumMatch = None
    where: Callable[[Events], BoolArray] | None = None

    def mask(self, events: Events) -> BoolArray:
        """The events (rows of ``events``) this symbol matches."""
        out = np.ones(len(events), dtype=bool)
        for column, vocab in (("type", "types"), ("channel", "channels"), ("product", "products")):
            wanted: TextMatch = getattr(self, column)
            if wanted is not None:
                out &= np.isin(getattr(events, column), events.codes_of(vocab, wanted))
        out &= _numeric(events.value, self.value, missing=np.isnan(events.value))
        out &= _numeric(events.result_count, self.result_count, missing=events.result_count < 0)
        if self.where is not None:
            out &= np.asarray(self.where(events), dtype=bool)
        return out


def _numeric(column: Any, cond: NumMatch, *, missing: BoolArray) -> BoolArray:
    if cond is None:
        return np.ones(len(column), dtype=bool)
    if isinstance(cond, tuple):
        low, high = cond
        ok = ~missing
        if low is not None:
            ok &= column >= low
        if high is not None:
            ok &= column <= high
        return np.asarray(ok, dtype=bool)
    return np.asarray(~missing & (column == cond), dtype=bool)


# ---- AST: tuples keep it small -------------------------------------------------------------------------------
# ("class", names, negated) | ("any",) | ("bol",) | ("eol",) | ("seq", [nodes]) | ("alt", [nodes])
# | ("rep", node, m, n_or_None)
Node = tuple[Any, ...]

_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<quant>\{\s*\d+\s*(?:,\s*\d*\s*)?\})|(?P<op>[~.()|*+?^$\[\]]))"
)


def _tokens(expr: str) -> list[str]:
    out: list[str] = []
    pos = 0
    expr = expr.rstrip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None:
            raise AnalysisError(f"pattern syntax error at {pos}: {expr[pos : pos + 10]!r}", details={"pattern": expr})
        out.append(re.sub(r"\s+", "", m.group(m.lastgroup or "op")))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, expr: str) -> None:
        self.expr = expr
        self.toks = _tokens(expr)
        self.i = 0

    def fail(self, why: str) -> AnalysisError:
        return AnalysisError(f"pattern syntax error: {why} in {self.expr!r}", details={"pattern": self.expr})

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise self.fail("unexpected end")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.alt()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def alt(self) -> Node:
        options = [self.seq()]
        while self.peek() == "|":
            self.take()
            options.append(self.seq())
        return options[0] if len(options) == 1 else ("alt", options)

    def seq(self) -> Node:
        items: list[Node] = []
        while self.peek() not in (None, "|", ")"):
            items.append(self.item())
        return items[0] if len(items) == 1 else ("seq", items)

    def item(self) -> Node:
        atom = self.atom()
        tok = self.peek()
        if tok is None or (tok not in ("*", "+", "?") and not tok.startswith("{")):
            return atom
        if atom[0] in ("bol", "eol"):
            raise self.fail("a quantifier cannot follow ^ or $")
        self.take()
        if tok == "*":
            return ("rep", atom, 0, None)
        if tok == "+":
            return ("rep", atom, 1, None)
        if tok == "?":
            return ("rep", atom, 0, 1)
        low, comma, high = tok[1:-1].partition(",")
        m = int(low)
        n = m if not comma else int(high) if high else None
        if n is not None and n < m:
            raise self.fail(f"bad quantifier {tok}")
        return ("rep", atom, m, n)

    def atom(self) -> Node:
        tok = self.take()
        if tok == "(":
            inner = self.alt()
            if self.take() != ")":
                raise self.fail("missing ')'")
            return inner
        if tok == ".":
            return ("any",)
        if tok == "^":
            return ("bol",)
        if tok == "$":
            return ("eol",)
        negated = tok == "~"
        if negated:
            tok = self.take()
        if tok == "[":
            names: list[str] = []
            while (t := self.take()) != "]":
                if not t.isidentifier():
                    raise self.fail(f"expected a symbol name in [...], got {t!r}")
                names.append(t)
            if not names:
                raise self.fail("empty [ ]")
            return ("class", tuple(names), negated)
        if tok.isidentifier():
            return ("class", (tok,), negated)
        raise self.fail(f"unexpected {tok!r}")


def parse(expr: str) -> Node:
    """Parse a pattern expression (raises :class:`AnalysisError` on bad syntax)."""
    return _Parser(expr).parse()


def names(node: Node) -> set[str]:
    """Symbol names used by a parsed expression."""
    kind = node[0]
    if kind == "class":
        return set(node[1])
    if kind in ("seq", "alt"):
        return set().union(*(names(n) for n in node[1])) if node[1] else set()
    if kind == "rep":
        return names(node[1])
    return set()


def length_bounds(node: Node) -> tuple[int, float]:
    """(minimum, maximum) number of events a match consumes; maximum may be ``inf``."""
    kind = node[0]
    if kind in ("class", "any"):
        return 1, 1
    if kind in ("bol", "eol"):
        return 0, 0
    if kind == "seq":
        bounds = [length_bounds(n) for n in node[1]]
        return sum(b[0] for b in bounds), sum(b[1] for b in bounds)
    if kind == "alt":
        bounds = [length_bounds(n) for n in node[1]]
        return min(b[0] for b in bounds), max(b[1] for b in bounds)
    low, high = length_bounds(node[1])
    m, n = node[2], node[3]
    top = high * n if n is not None else (math.inf if high > 0 else 0)
    return low * m, top


def _char(code: int) -> str:
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}" if code < 65536 else f"\\U{code:08x}"


def to_regex(node: Node, classes: Mapping[str, frozenset[int]], every: frozenset[int], eol: str) -> str:
    """Regex source for ``node``; ``classes`` maps a symbol to the codes of the combinations containing it."""
    kind = node[0]
    if kind == "class":
        hit = frozenset().union(*(classes[n] for n in node[1]))
        codes = sorted(every - hit if node[2] else hit)
        return "[" + "".join(_char(c) for c in codes) + "]" if codes else "(?!)"
    if kind == "any":
        return "[" + "".join(_char(c) for c in sorted(every)) + "]" if every else "(?!)"
    if kind == "bol":
        return f"(?<={_char(SEPARATOR)})"
    if kind == "eol":
        return eol
    if kind == "seq":
        return "".join(to_regex(n, classes, every, eol) for n in node[1])
    if kind == "alt":
        return "(?:" + "|".join(to_regex(n, classes, every, eol) for n in node[1]) + ")"
    inner = "(?:" + to_regex(node[1], classes, every, eol) + ")"
    m, n = node[2], node[3]
    return inner + (f"{{{m},}}" if n is None else f"{{{m}}}" if m == n else f"{{{m},{n}}}")
