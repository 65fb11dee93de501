r"""Compile a :class:`Pattern` against a set of events and find its matches (see ``core`` for the language).

How it runs: events are put in scope order (customer, session, time, event id); each event becomes one
character naming the combination of symbols it satisfies; scopes are joined with a separator character that
no symbol class contains; the body becomes a Python ``re`` pattern. ``re.search`` (C speed) finds the next
start where the body can match at all, ignoring the window; only there does Python look closer: one
``re.match`` whose ``endpos`` is the window's end picks the end the regex engine prefers (leftmost-first:
greedy quantifiers take as much as the window allows). If ``followed_by``/``not_followed_by`` fail at that
end, shorter ends are tried, longest first, with ``fullmatch`` (at most one try per event of the match);
``min_channels`` then filters the chosen match. A window therefore never hides a valid match that fits in it.
``$`` is compiled three ways (lookahead for the separator when the whole string is visible, ``\Z`` when the
window ends with the scope, never-matching when the window cuts the scope), so truncation never fakes a scope
end. Write bodies unambiguously (``V (~[C V]* V){4,}`` rather than ``(.* V){5,}``): ``re`` backtracks, and
ambiguous nested quantifiers backtrack a lot.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.journeys.events import Events, FloatArray, IntArray
from graphengine.journeys.pattern_lang import Node, Symbol, length_bounds, names, parse, to_regex

_EOL_OPEN = r"(?=\x00)"  # scope end, when the whole string is visible


@dataclass(frozen=True)
class Pattern:
    """A journey pattern: a body expression over named symbols plus window, scope and match policy.

    ``window_events`` bounds the number of events a match spans, ``window_seconds`` the time from its first to
    its last event. ``followed_by`` must match, and ``not_followed_by`` must not match, right after the match
    (anchored there, unbounded by the window, within the scope). ``min_channels`` asks for that many distinct
    channels among the matched events. With ``overlapping`` every start event reports its match;
    without, the scan resumes after each match.
    """

    expr: str
    symbols: Mapping[str, Symbol]
    window_events: int | None = None
    window_seconds: float | None = None
    scope: Literal["session", "customer"] = "session"
    overlapping: bool = False
    followed_by: str | None = None
    not_followed_by: str | None = None
    min_channels: int = 1
    description: str = ""
    _ast: tuple[Node, Node | None, Node | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        body = parse(self.expr)
        follow = parse(self.followed_by) if self.followed_by is not None else None
        avoid = parse(self.not_followed_by) if self.not_followed_by is not None else None
        used = names(body) | (names(follow) if follow else set()) | (names(avoid) if avoid else set())
        unknown = sorted(used - set(self.symbols))
        if unknown:
            raise AnalysisError(f"pattern uses undefined symbols {unknown}", details={"pattern": self.expr})
        if len(used) > 62:
            raise AnalysisError("a pattern can use at most 62 symbols")
        if length_bounds(body)[0] < 1:
            raise AnalysisError("a pattern body must consume at least one event", details={"pattern": self.expr})
        if self.window_events is not None and self.window_events < 1:
            raise AnalysisError("window_events must be >= 1")
        if self.window_seconds is not None and self.window_seconds < 0:
            raise AnalysisError("window_seconds must be >= 0")
        if self.scope not in ("session", "customer"):
            raise AnalysisError(f"unknown scope {self.scope!r}")
        object.__setattr__(self, "_ast", (body, follow, avoid))


@dataclass(frozen=True, eq=False)
class Matches:
    """Matches as columns; ``end_event`` is the last matched event (inclusive); rows index the input events."""

    pattern: str
    customer: NDArray[np.str_]
    session: NDArray[np.str_]
    start_event: NDArray[Any]
    end_event: NDArray[Any]
    start_ts: FloatArray
    end_ts: FloatArray
    count: IntArray
    first_value: FloatArray
    last_value: FloatArray
    total_value: FloatArray
    channels: tuple[tuple[str, ...], ...]
    start_row: IntArray
    end_row: IntArray

    def __len__(self) -> int:
        return len(self.count)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per match (for JSON and Neo4j parameters)."""
        return [
            {
                "customer": str(self.customer[k]),
                "session": str(self.session[k]) or None,
                "startEvent": self.start_event[k].item(),
                "endEvent": self.end_event[k].item(),
                "startAt": float(self.start_ts[k]),
                "endAt": float(self.end_ts[k]),
                "count": int(self.count[k]),
                "firstValue": _or_none(self.first_value[k]),
                "lastValue": _or_none(self.last_value[k]),
                "totalValue": float(self.total_value[k]),
                "channels": list(self.channels[k]),
            }
            for k in range(len(self))
        ]


def _or_none(v: float) -> float | None:
    return None if math.isnan(v) else float(v)


def _time_limit(ts: FloatArray, scope_end: IntArray, seconds: float) -> IntArray:
    """For each row, one past the last row of its scope within ``seconds`` of it (vectorised binary search)."""
    idx = np.arange(len(ts), dtype=np.int64)
    lo, hi = idx.copy(), scope_end - 1
    deadline = ts + seconds
    for _ in range(64):  # log2(rows) rounds suffice; bounded for safety
        if not np.any(lo < hi):
            break
        mid = (lo + hi + 1) // 2
        ok = ts[mid] <= deadline
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid - 1)
    return lo + 1


def _channels_seen(ev: Events, first: IntArray, stop: IntArray) -> tuple[tuple[str, ...], ...]:
    names_ = ev.channels
    if len(first) == 0:
        return ()
    if len(names_) > 62:
        return tuple(
            tuple(names_[c] for c in sorted(set(ev.channel[a:b].tolist()) - {-1}))
            for a, b in zip(first, stop, strict=True)
        )
    bits = np.where(ev.channel >= 0, np.left_shift(np.int64(1), np.maximum(ev.channel, 0)), 0).astype(np.int64)
    idx = np.empty(2 * len(first), dtype=np.int64)
    idx[0::2], idx[1::2] = first, stop
    masks = np.bitwise_or.reduceat(np.r_[bits, np.int64(0)], idx)[0::2]
    uniq, inv = np.unique(masks, return_inverse=True)
    decoded = [tuple(names_[k] for k in range(len(names_)) if int(m) >> k & 1) for m in uniq]
    return tuple(decoded[j] for j in inv.tolist())


def scope_order(events: Events, scope: str) -> tuple[Events, IntArray, IntArray]:
    """(events in scope order, their original rows, scope key); rows without a session are dropped for sessions.

    Customer scope is the canonical order; session scope is a stable sort of it by (customer, session), skipped
    when sessions already run in that order (as :func:`sessionize` numbers them).
    """
    if scope not in ("session", "customer"):
        raise AnalysisError(f"unknown scope {scope!r}")
    ev, rows = events.sorted()
    if scope == "customer":
        return ev, rows, ev.customer
    has = ev.session >= 0
    if len(ev) and not has.any():
        raise AnalysisError("scope='session' needs session ids: run sessionize() first")
    key = ev.customer * (len(ev.sessions) + 1) + ev.session
    if has.all() and bool((key[1:] >= key[:-1]).all()):
        return ev, rows, ev.session
    keep = np.flatnonzero(has)
    order = keep[np.argsort(key[keep], kind="stable")]
    return ev.take(order), rows[order], ev.session[order]


def match_pattern(events: Events, pattern: Pattern) -> Matches:
    """All matches of ``pattern`` in ``events`` (see the module docstring of ``journeys`` for the semantics)."""
    body, follow, avoid = pattern._ast
    ev, rows, key = scope_order(events, pattern.scope)
    n = len(ev)
    if n == 0:
        return _build(pattern, ev, rows, np.zeros(0, np.int64), np.zeros(0, np.int64))
    new_scope = np.r_[True, (ev.customer[1:] != ev.customer[:-1]) | (key[1:] != key[:-1])]
    scope_idx = np.cumsum(new_scope) - 1
    starts = np.flatnonzero(new_scope)
    scope_end = np.r_[starts[1:], n][scope_idx]

    used = sorted(names(body) | (names(follow) if follow else set()) | (names(avoid) if avoid else set()))
    bits = np.zeros(n, dtype=np.int64)
    for j, name in enumerate(used):
        bits |= pattern.symbols[name].mask(ev).astype(np.int64) << j
    combos, inverse = np.unique(bits, return_inverse=True)
    classes = {
        name: frozenset(k + 1 for k, c in enumerate(combos.tolist()) if c >> j & 1) for j, name in enumerate(used)
    }
    every = frozenset(range(1, len(combos) + 1))
    pos_of = np.arange(n, dtype=np.int64) + scope_idx + 1
    buf = np.zeros(n + len(starts) + 1, dtype=np.uint32)
    buf[pos_of] = inverse.ravel() + 1
    text = (
        buf.astype(np.uint8).tobytes().decode("latin-1")
        if len(combos) < 255
        else buf.astype("<u4").tobytes().decode("utf-32-le")
    )

    low, high = length_bounds(body)
    idx = np.arange(n, dtype=np.int64)
    limit = scope_end.copy()
    if math.isfinite(high):
        limit = np.minimum(limit, idx + int(high))
    if pattern.window_events is not None:
        limit = np.minimum(limit, idx + pattern.window_events)
    if pattern.window_seconds is not None:
        limit = np.minimum(limit, _time_limit(ev.ts, scope_end, pattern.window_seconds))

    search = re.compile(to_regex(body, classes, every, _EOL_OPEN)).search
    match_mid = re.compile(to_regex(body, classes, every, "(?!)")).match
    match_end = re.compile(to_regex(body, classes, every, r"\Z")).match
    full_mid = re.compile(to_regex(body, classes, every, "(?!)")).fullmatch
    follow_rx = re.compile(to_regex(follow, classes, every, _EOL_OPEN)).match if follow else None
    avoid_rx = re.compile(to_regex(avoid, classes, every, _EOL_OPEN)).match if avoid else None

    def after_ok(at: int) -> bool:
        if follow_rx is not None and follow_rx(text, at) is None:
            return False
        return avoid_rx is None or avoid_rx(text, at) is None

    event_at = np.full(len(text), -1, dtype=np.int64)
    event_at[pos_of] = idx
    event_at_l, limit_l, end_l, off_l = event_at.tolist(), limit.tolist(), scope_end.tolist(), (scope_idx + 1).tolist()
    channel_l = ev.channel.tolist() if pattern.min_channels > 1 else []
    shortest = max(low, 1)

    found_start: list[int] = []
    found_stop: list[int] = []
    pos = 0
    while pos < len(text):  # pos strictly increases: at most len(text) rounds
        m = search(text, pos)
        if m is None:
            break
        p = m.start()
        i = event_at_l[p]
        off, lim = off_l[i], limit_l[i]
        stop = -1
        greedy = (match_end if lim == end_l[i] else match_mid)(text, p, lim + off)
        if greedy is not None:
            e = greedy.end() - off
            if after_ok(e + off):
                stop = e
            elif follow_rx is not None or avoid_rx is not None:
                for shorter in range(e - 1, i + shortest - 1, -1):  # at most window - 1 tries
                    if full_mid(text, p, shorter + off) is not None and after_ok(shorter + off):
                        stop = shorter
                        break
        if stop >= 0 and channel_l and len(set(channel_l[i:stop]) - {-1}) < pattern.min_channels:
            stop = -1
        if stop >= 0:
            found_start.append(i)
            found_stop.append(stop)
        pos = stop + off if stop >= 0 and not pattern.overlapping else p + 1
    return _build(pattern, ev, rows, np.asarray(found_start, np.int64), np.asarray(found_stop, np.int64))


def _build(pattern: Pattern, ev: Events, rows: IntArray, first: IntArray, stop: IntArray) -> Matches:
    last = stop - 1
    value = np.nan_to_num(ev.value)
    csum = np.r_[0.0, np.cumsum(value)]
    sessions = np.asarray((*ev.sessions, ""), dtype=str)
    customers = np.asarray(ev.customers, dtype=str) if ev.customers else np.zeros(0, dtype=str)
    return Matches(
        pattern=pattern.expr,
        customer=customers[ev.customer[first]] if len(first) else np.zeros(0, dtype=str),
        session=sessions[ev.session[first]],
        start_event=ev.event_id[first],
        end_event=ev.event_id[last],
        start_ts=ev.ts[first],
        end_ts=ev.ts[last],
        count=stop - first,
        first_value=ev.value[first],
        last_value=ev.value[last],
        total_value=csum[stop] - csum[first],
        channels=_channels_seen(ev, first, stop),
        start_row=rows[first],
        end_row=rows[last],
    )
