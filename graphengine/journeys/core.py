"""Customer journeys: sessions, journey patterns, channel transitions and funnels, on columnar events.

Everything here is pure numpy/``re`` over an :class:`Events` table (no database): the store layer reads the
Event chains, this module computes, and the results (session ids, matches) are written back by the caller.
Rows are always analysed in the canonical order (customer, timestamp, event id), whatever order they came in.

The pattern language
====================
A :class:`Pattern` names **symbols**, each a :class:`Symbol` predicate on event fields (``type``, ``channel``,
``product``: a name or a set of names; ``value``, ``result_count``: a number or an inclusive ``(low, high)``
range; ``where``: any vectorised predicate). An event may satisfy several symbols at once. The expression::

    V            an event satisfying symbol V             ~V        an event not satisfying V
    [V S]        an event satisfying V or S               ~[V S]    an event satisfying neither
    .            any event                                ( ... )   grouping
    A B          A then B (consecutive events)            A | B     alternation
    X*  X+  X?   zero or more, one or more, optional      X{m} X{m,} X{m,n}   counted repetition
    ^  $         start / end of the scope (session or customer)

A pattern's options: ``window_events`` (a match spans at most that many events) and/or ``window_seconds``
(first to last matched event); ``scope`` (``"session"``: matches never cross sessions, needs
:func:`sessionize` first; ``"customer"``: a customer's whole history); ``followed_by`` / ``not_followed_by``
(expressions that must / must not match right after the match, up to the end of the scope, outside the
window: "then leaves" is ``followed_by="~C* $"``); ``min_channels`` (distinct channels among the matched
events); ``overlapping`` (report a match at every start event, or resume after each match).

Semantics: the scan goes left to right; at a start event, the end is the one Python's ``re`` prefers within
the window (leftmost-first, greedy), falling back to shorter ends, longest first, when ``followed_by`` /
``not_followed_by`` fail there. Each match carries customer, session, first/last event id and time, number of
events, first/last/total value and the channels seen.

Why ``re`` rather than a hand-written NFA: one event becomes one character, so the matcher is CPython's C regex
engine over a string holding every scope; Python code runs only at candidate starts, not per event. Windows
are enforced with ``endpos``, so they never hide a shorter match. The price is backtracking: write bodies so
that each event has one way to be consumed (``V (~[C V]* V){4,}``, not ``(.* V){5,}``).

Named patterns (:data:`NAMED_PATTERNS`): ``serious_shopper_abandonment``, ``cart_abandonment``,
``cross_channel_conversion``, ``email_to_store``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np

from graphengine.errors import AnalysisError, NotFound
from graphengine.journeys.events import BoolArray, Events, FloatArray, IntArray
from graphengine.journeys.pattern_lang import Symbol
from graphengine.journeys.pattern_match import Matches, Pattern, match_pattern, scope_order

__all__ = [
    "NAMED_PATTERNS",
    "Events",
    "Funnel",
    "Matches",
    "Pattern",
    "Sessions",
    "Symbol",
    "Transitions",
    "channel_transitions",
    "funnel",
    "match_named",
    "match_pattern",
    "named_pattern",
    "sessionize",
]

CONVERSION_TYPES = ("purchase", "conversion")


# ---- sessions -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Sessions:
    """Sessions found by :func:`sessionize`; per-row arrays follow the *input* row order.

    ``session`` is a session number (``-1`` for dropped bot rows) indexing ``labels`` and the ``session_*``
    arrays; labels read ``<customer>#<n>`` (``<customer>#<channel>#<n>`` per channel), n counting from 1.
    """

    session: IntArray
    labels: tuple[str, ...]
    session_customer: IntArray
    session_start: FloatArray
    session_end: FloatArray
    session_size: IntArray
    per_customer: IntArray
    is_bot: BoolArray
    bot_customers: tuple[str, ...]

    def apply(self, events: Events) -> Events:
        """``events`` (the same rows, same order as given to :func:`sessionize`) with these sessions attached."""
        return events.with_sessions(self.session, self.labels)

    def stats(self) -> dict[str, float]:
        """Sessions per customer among customers with at least one session."""
        active = self.per_customer[self.per_customer > 0]
        if len(active) == 0:
            return {"customers": 0, "sessions": 0, "mean": 0.0, "median": 0.0, "p90": 0.0, "max": 0, "bots": 0}
        return {
            "customers": len(active),
            "sessions": int(active.sum()),
            "mean": float(active.mean()),
            "median": float(np.median(active)),
            "p90": float(np.quantile(active, 0.9)),
            "max": int(active.max()),
            "bots": len(self.bot_customers),
        }


def _group_quantile(values: FloatArray, group: IntArray, n_groups: int, q: float) -> FloatArray:
    """Lower ``q``-quantile of ``values`` per group (``inf`` for empty groups), vectorised."""
    out = np.full(n_groups, np.inf)
    if len(values) == 0:
        return out
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    size = np.diff(np.r_[first, len(g)])
    out[g[first]] = v[first + np.floor(q * (size - 1)).astype(np.int64)]
    return out


def sessionize(
    events: Events,
    *,
    timeout: float = 1800.0,
    per_channel: bool = False,
    bot_min_gap: float | None = None,
    bot_quantile: float = 0.5,
    bot_min_events: int = 5,
    drop_bots: bool = True,
) -> Sessions:
    """Split each customer's events into sessions at gaps longer than ``timeout`` seconds.

    A gap of exactly ``timeout`` stays in the session. With ``per_channel`` each channel of a customer is
    sessionized on its own. With ``bot_min_gap`` a customer with at least ``bot_min_events`` events whose
    ``bot_quantile`` quantile (0.5: the median; 0: the minimum) of gaps between consecutive events is below
    ``bot_min_gap`` seconds is flagged as a robot; with ``drop_bots`` its rows get session ``-1``.
    """
    if timeout < 0 or not 0.0 <= bot_quantile <= 1.0:
        raise AnalysisError("timeout must be >= 0 and bot_quantile in [0, 1]")
    n, n_customers = len(events), len(events.customers)
    is_bot_customer = np.zeros(n_customers, dtype=bool)
    if bot_min_gap is not None and n > 1:
        by_time = events.order()
        c, t = events.customer[by_time], events.ts[by_time]
        same = c[1:] == c[:-1]
        typical = _group_quantile(np.diff(t)[same], c[1:][same], n_customers, bot_quantile)
        counts = np.bincount(events.customer, minlength=n_customers)
        is_bot_customer = (counts >= bot_min_events) & (typical < bot_min_gap)
    is_bot = is_bot_customer[events.customer] if n else np.zeros(0, dtype=bool)

    keep = np.flatnonzero(~is_bot) if drop_bots else np.arange(n, dtype=np.int64)
    chan = events.channel if per_channel else np.zeros(n, dtype=np.int64)
    order = keep[np.lexsort((events.event_id[keep], events.ts[keep], chan[keep], events.customer[keep]))]
    c, ch, t = events.customer[order], chan[order], events.ts[order]
    group_change = np.r_[True, (c[1:] != c[:-1]) | (ch[1:] != ch[:-1])] if len(order) else np.zeros(0, bool)
    new = group_change.copy()
    if len(order) > 1:
        new[1:] |= np.diff(t) > timeout
    number = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    stops = np.append(starts[1:], len(order)) - 1 if len(starts) else starts
    first_in_group = np.maximum.accumulate(np.where(group_change, number, 0)) if len(order) else number
    ordinal = (number - first_in_group + 1)[starts]

    cust_names, chan_names = events.customers, events.channels
    s_cust, s_chan = c[starts].tolist(), ch[starts].tolist()
    if per_channel:
        labels = tuple(
            f"{cust_names[a]}#{chan_names[b] if b >= 0 else ''}#{k}"
            for a, b, k in zip(s_cust, s_chan, ordinal.tolist(), strict=True)
        )
    else:
        labels = tuple(f"{cust_names[a]}#{k}" for a, k in zip(s_cust, ordinal.tolist(), strict=True))
    session = np.full(n, -1, dtype=np.int64)
    session[order] = number
    return Sessions(
        session=session,
        labels=labels,
        session_customer=c[starts],
        session_start=t[starts],
        session_end=t[stops],
        session_size=stops - starts + 1,
        per_customer=np.bincount(c[starts], minlength=n_customers).astype(np.int64),
        is_bot=is_bot,
        bot_customers=tuple(cust_names[k] for k in np.flatnonzero(is_bot_customer)),
    )


# ---- channel transitions and funnels ------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Transitions:
    """Channel-to-channel transition counts between consecutive events (rows: from, columns: to)."""

    channels: tuple[str, ...]
    counts: IntArray

    @property
    def probabilities(self) -> FloatArray:
        """Row-normalised counts; rows of channels never left are all zero."""
        totals = self.counts.sum(axis=1, keepdims=True)
        out = np.zeros(self.counts.shape)
        np.divide(self.counts, totals, out=out, where=totals > 0)
        return out

    def to_records(self) -> list[dict[str, object]]:
        probs = self.probabilities
        return [
            {
                "from": self.channels[a],
                "to": self.channels[b],
                "count": int(self.counts[a, b]),
                "probability": float(probs[a, b]),
            }
            for a, b in zip(*np.nonzero(self.counts), strict=True)
        ]


def _scoped(events: Events, scope: str) -> tuple[Events, IntArray]:
    """Events in scope order and a scope number per row."""
    ev, _, key = scope_order(events, scope)
    if len(ev) == 0:
        return ev, np.zeros(0, dtype=np.int64)
    new = np.r_[True, (ev.customer[1:] != ev.customer[:-1]) | (key[1:] != key[:-1])]
    return ev, np.cumsum(new) - 1


def channel_transitions(
    events: Events, *, scope: Literal["customer", "session"] = "customer", skip_repeats: bool = False
) -> Transitions:
    """Counts of channel ``a`` followed by channel ``b`` among consecutive events of a customer (or session).

    Events without a channel are left out first; ``skip_repeats`` drops same-channel steps (a, a).
    """
    ev, scope_no = _scoped(events, scope)
    has = ev.channel >= 0
    ch, sc = ev.channel[has], scope_no[has]
    k = len(ev.channels)
    pair = sc[1:] == sc[:-1]
    src, dst = ch[:-1][pair], ch[1:][pair]
    counts = (
        np.bincount(src * k + dst, minlength=k * k).reshape(k, k).astype(np.int64) if k else np.zeros((0, 0), np.int64)
    )
    if skip_repeats:
        np.fill_diagonal(counts, 0)
    return Transitions(channels=ev.channels, counts=counts)


@dataclass(frozen=True, eq=False)
class Funnel:
    """How many scopes reached each step, in order; ``scopes`` is the number of scopes looked at."""

    steps: tuple[str, ...]
    reached: IntArray
    scopes: int

    @property
    def step_rates(self) -> FloatArray:
        """reached[0]/scopes, then reached[i]/reached[i-1] (0 where the previous step had nobody)."""
        prev = np.r_[self.scopes, self.reached[:-1]].astype(np.float64)
        out = np.zeros(len(self.reached))
        np.divide(self.reached, prev, out=out, where=prev > 0)
        return out

    @property
    def overall_rates(self) -> FloatArray:
        """reached[i]/reached[0]."""
        first = float(self.reached[0]) if len(self.reached) else 0.0
        return self.reached / first if first > 0 else np.zeros(len(self.reached))


def funnel(
    events: Events,
    steps: Sequence[str | Symbol] = ("view", "cart", "purchase"),
    *,
    scope: Literal["customer", "session"] = "session",
    within_seconds: float | None = None,
) -> Funnel:
    """Scopes reaching each step strictly after reaching the previous one (steps: event types or symbols).

    With ``within_seconds`` a later step counts only within that time of the scope's first step.
    """
    if not steps:
        raise AnalysisError("a funnel needs at least one step")
    ev, scope_no = _scoped(events, scope)
    n_scopes = int(scope_no[-1]) + 1 if len(scope_no) else 0
    reach = np.full(n_scopes, -1, dtype=np.int64)
    counts: list[int] = []
    rows = np.arange(len(ev), dtype=np.int64)
    first_ts = np.full(n_scopes, np.nan)
    for j, step in enumerate(steps):
        mask = (Symbol(type=step) if isinstance(step, str) else step).mask(ev)
        if j > 0:
            before = reach[scope_no]
            mask &= (before >= 0) & (rows > before)
            if within_seconds is not None:
                mask &= ev.ts - first_ts[scope_no] <= within_seconds
        hit_scope, first_row = np.unique(scope_no[mask], return_index=True)
        reach = np.full(n_scopes, -1, dtype=np.int64)
        reach[hit_scope] = rows[mask][first_row]
        if j == 0:
            first_ts[hit_scope] = ev.ts[reach[hit_scope]]
        counts.append(len(hit_scope))
    names = tuple(s if isinstance(s, str) else f"step{j + 1}" for j, s in enumerate(steps))
    return Funnel(steps=names, reached=np.asarray(counts, dtype=np.int64), scopes=n_scopes)


# ---- named patterns -----------------------------------------------------------------------------------------
_VIEW = Symbol(type="view")
_EMPTY_SEARCH = Symbol(type="search", result_count=0)
_CART_OR_BUY = Symbol(type=("cart", *CONVERSION_TYPES))
_CART = Symbol(type="cart")
_BUY = Symbol(type=CONVERSION_TYPES)

NAMED_PATTERNS: Mapping[str, Pattern] = MappingProxyType(
    {
        "serious_shopper_abandonment": Pattern(
            "V (~[C V]* V){4,} (~[C V Z]* Z){2,}",
            {"V": _VIEW, "Z": _EMPTY_SEARCH, "C": _CART_OR_BUY},
            window_events=10,
            followed_by="~C* $",
            description="5+ product views, then 2+ searches that found nothing, within 10 events, then no "
            "cart or purchase for the rest of the session",
        ),
        "cart_abandonment": Pattern(
            "A ~P* $",
            {"A": _CART, "P": _BUY},
            description="a cart event with no purchase after it in the session (from the first such cart)",
        ),
        "cross_channel_conversion": Pattern(
            "~P* P",
            {"P": _BUY},
            scope="customer",
            window_seconds=30 * 86400.0,
            min_channels=2,
            description="a purchase preceded within 30 days by touches on at least one other channel",
        ),
        "email_to_store": Pattern(
            "E ~S* S",
            {"E": Symbol(channel="email"), "S": Symbol(type=CONVERSION_TYPES, channel="store")},
            scope="customer",
            window_seconds=14 * 86400.0,
            description="an email touch followed within 14 days by a purchase in a store",
        ),
    }
)


def named_pattern(name: str) -> Pattern:
    """A shipped pattern by name (raises :class:`NotFound`)."""
    try:
        return NAMED_PATTERNS[name]
    except KeyError:
        raise NotFound(f"no journey pattern named {name!r}", details={"known": sorted(NAMED_PATTERNS)}) from None


def match_named(events: Events, name: str) -> Matches:
    """Matches of a shipped pattern."""
    return match_pattern(events, named_pattern(name))
