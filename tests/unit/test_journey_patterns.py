"""The journey pattern language and matcher on hand-built streams, the named patterns, and property tests."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphengine.errors import AnalysisError, NotFound
from graphengine.journeys.core import (
    NAMED_PATTERNS,
    Events,
    Matches,
    Pattern,
    Symbol,
    match_named,
    match_pattern,
    named_pattern,
    sessionize,
)

# token -> (type, channel, result_count, value)
TOKENS: dict[str, tuple[str, str, int | None, float | None]] = {
    "v": ("view", "web", None, None),
    "s0": ("search", "web", 0, None),
    "s": ("search", "web", 7, None),
    "c": ("cart", "web", None, None),
    "p": ("purchase", "web", None, 50.0),
    "ps": ("purchase", "store", None, 80.0),
    "e": ("email_open", "email", None, None),
    "a": ("view", "app", None, None),
    "x": ("click", "web", None, None),
}
SYMBOLS = {
    "V": Symbol(type="view"),
    "Z": Symbol(type="search", result_count=0),
    "S": Symbol(type="search"),
    "C": Symbol(type=("cart", "purchase")),
    "P": Symbol(type="purchase"),
    "W": Symbol(channel="web"),
    "X": Symbol(type="click"),
}


def stream(
    spec: str, customer: str = "c", *, start: float = 0.0, step: float = 10.0, first_id: int = 0
) -> list[dict[str, Any]]:
    """Records from a space-separated token string, one event every ``step`` seconds."""
    out = []
    for k, tok in enumerate(spec.split()):
        typ, ch, rc, val = TOKENS[tok]
        out.append(
            {
                "customer": customer,
                "event_id": first_id + k,
                "ts": start + k * step,
                "type": typ,
                "channel": ch,
                "result_count": rc,
                "value": val,
            }
        )
    return out


def spans(m: Matches) -> list[tuple[Any, Any]]:
    return list(zip(m.start_event.tolist(), m.end_event.tolist(), strict=True))


def run(spec: str, expr: str, **options: Any) -> list[tuple[Any, Any]]:
    options.setdefault("scope", "customer")
    return spans(match_pattern(Events.from_records(stream(spec)), Pattern(expr, SYMBOLS, **options)))


def test_sequence_and_counted_repetition() -> None:
    #         0 1 2 3  4 5
    spec = "v v v s0 v c"
    assert run(spec, "V{3} Z") == [(0, 3)]
    assert run(spec, "V{2} Z") == [(1, 3)]  # leftmost start where two views are directly followed by Z
    assert run(spec, "V{4,} Z") == []
    assert run(spec, "V{1,2} Z") == [(1, 3)]
    assert run(spec, "V+ Z V C") == [(0, 5)]


def test_alternation_classes_negation_and_any() -> None:
    spec = "v s c x p"
    assert run(spec, "V (S | X) C") == [(0, 2)]
    assert run(spec, "V [S X] C") == [(0, 2)]
    assert run(spec, "V ~[C P]+ C") == [(0, 2)]
    assert run(spec, "V . . X") == [(0, 3)]
    assert run(spec, "~W") == []  # every event is on the web channel
    assert run(spec, "C ~P") == [(2, 3)]
    assert run(spec, "V ~P* P?") == [(0, 4)]


def test_anchors() -> None:
    spec = "v v c"
    assert run(spec, "^ V") == [(0, 0)]
    assert run(spec, "V $") == []
    assert run(spec, "C $") == [(2, 2)]
    assert run(spec, "V+ C $") == [(0, 2)]


def test_overlapping_and_non_overlapping() -> None:
    spec = "v v v v"
    assert run(spec, "V V") == [(0, 1), (2, 3)]
    assert run(spec, "V V", overlapping=True) == [(0, 1), (1, 2), (2, 3)]
    assert run(spec, "V+", overlapping=True) == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert run(spec, "V+") == [(0, 3)]


def test_event_window_bounds_the_span_but_hides_no_shorter_match() -> None:
    spec = "v x x s0"
    assert run(spec, "V X* Z", window_events=3) == []
    assert run(spec, "V X* Z", window_events=4) == [(0, 3)]
    # greedy V{2,} is cut by the window instead of failing: 5 views, window 3 -> [0..2] and [3..4]
    assert run("v v v v v", "V{2,}", window_events=3) == [(0, 2), (3, 4)]


def test_time_window() -> None:
    # events every 10 s: a match from the view (t=0) to the search at t=30 spans 30 s
    assert run("v x x s0", "V X* Z", window_seconds=29.9) == []
    assert run("v x x s0", "V X* Z", window_seconds=30) == [(0, 3)]
    # a later start can still fit: views at 0, 10, 20 and Z at 30; window 15 s -> only the view at 20
    assert run("v v v s0", "V+ Z", window_seconds=15) == [(2, 3)]


def test_followed_by_and_not_followed_by_fall_back_to_shorter_ends() -> None:
    # V+ greedily ends at the last view (event 2); "followed by Z" holds only after event 2 -> fine
    assert run("v v v s0", "V+", followed_by="Z") == [(0, 2)]
    # "not followed by a view": the greedy end (event 2, then s0) passes
    assert run("v v v s0", "V+", not_followed_by="V") == [(0, 2)]
    # the greedy end V V V is followed by c; a shorter end V V is followed by V, not by C -> fallback picks it
    assert run("v v v c", "V+", not_followed_by="C") == [(0, 1)]
    # "no cart until the end": every end of V+ here is followed by the cart at event 3 -> no match at all
    assert run("v v v c", "V+", followed_by="~C* $") == []
    # nothing after: "then leaves" holds at the end of the stream
    assert run("v v v", "V+", followed_by="$") == [(0, 2)]


def test_fallback_ends_must_be_exact_body_ends() -> None:
    # body "V (X X)*" spans an odd number of events. Greedy end: v x x (then "x c" follows: rejected).
    # Shorter ends: v x is no body (one X), v is: after it comes "x x c", not "X C" -> the match is the lone view.
    assert run("v x x x c", "V (X X)*", not_followed_by="X C") == [(0, 0)]


def test_scope_end_is_not_faked_by_the_window() -> None:
    # "V+ $" with a 2-event window on three views: from the first view the window ends before the scope does,
    # so "$" cannot hold there; from the second view, two views reach the end
    assert run("v v v", "V+ $", window_events=2) == [(1, 2)]
    assert run("v v v", "V+ $", window_events=3) == [(0, 2)]


def test_followed_by_scans_to_the_end_of_the_scope_only() -> None:
    recs = stream("v v x", "a") + stream("c", "b", first_id=10)
    ev = Events.from_records(recs)
    # customer a is not followed by a cart: customer b's cart is another scope
    m = match_pattern(ev, Pattern("V+", SYMBOLS, scope="customer", not_followed_by=".* C"))
    assert spans(m) == [(0, 1)] and m.customer.tolist() == ["a"]


def test_min_channels() -> None:
    recs = stream("e v p", "a") + stream("v v p", "b", first_id=10)
    ev = Events.from_records(recs)
    m = match_pattern(ev, Pattern("~P* P", SYMBOLS, scope="customer", min_channels=2))
    assert spans(m) == [(0, 2)] and m.channels == (("email", "web"),)


def test_overlapping_symbol_predicates_are_not_first_wins() -> None:
    # a web view satisfies both W and V
    assert run("v v", "W V") == [(0, 1)]
    assert run("v v", "V W") == [(0, 1)]
    assert run("a v", "W V") == []  # the app view is not on the web
    assert run("a v", "V W") == [(0, 1)]


def test_session_scope_does_not_cross_sessions() -> None:
    recs = stream("v v", "c") + stream("v v", "c", start=10_000, first_id=2)
    ev = Events.from_records(recs)
    ev = sessionize(ev).apply(ev)
    assert spans(match_pattern(ev, Pattern("V{3}", SYMBOLS))) == []
    assert spans(match_pattern(ev, Pattern("V{3}", SYMBOLS, scope="customer"))) == [(0, 2)]
    m = match_pattern(ev, Pattern("V{2}", SYMBOLS))
    assert m.session.tolist() == ["c#1", "c#2"]
    with pytest.raises(AnalysisError, match="sessionize"):
        match_pattern(Events.from_records(recs), Pattern("V", SYMBOLS))


def test_per_channel_sessions_are_matched_as_units() -> None:
    # web views at 0, 20, 30 and an app view at 10: per channel, the three web views form one session
    ev = Events.from_records(stream("v a v v", "c"))
    ev = sessionize(ev, per_channel=True).apply(ev)
    m = match_pattern(ev, Pattern("V{3}", SYMBOLS))
    assert spans(m) == [(0, 3)] and m.session.tolist() == ["c#web#1"] and m.channels == (("web",),)


def test_out_of_order_events_match_like_sorted_ones() -> None:
    recs = stream("v v v s0 s0 x", "a") + stream("v s0 v v", "b", first_id=10)
    shuffled = recs[:]
    random.Random(7).shuffle(shuffled)
    pat = Pattern("V+ ~V* Z", SYMBOLS, scope="customer", overlapping=True)
    a = match_pattern(Events.from_records(recs), pat)
    b = match_pattern(Events.from_records(shuffled), pat)
    assert spans(a) == spans(b) == [(0, 4), (1, 4), (2, 4), (10, 11)]
    # rows refer to the input order
    ev = Events.from_records(shuffled)
    assert [int(ev.event_id[r]) for r in b.start_row] == [0, 1, 2, 10]


def test_aggregates() -> None:
    recs = stream("e v p ps", "c")
    recs[1]["value"] = 5.0
    m = match_pattern(Events.from_records(recs), Pattern(". . P . ", {"P": Symbol(type="purchase")}, scope="customer"))
    assert len(m) == 1
    r = m.to_records()[0]
    assert (r["startEvent"], r["endEvent"], r["count"]) == (0, 3, 4)
    assert r["firstValue"] is None and r["lastValue"] == 80.0 and r["totalValue"] == 5.0 + 50.0 + 80.0
    assert r["channels"] == ["email", "store", "web"] and (r["startAt"], r["endAt"]) == (0.0, 30.0)


def test_empty_events_and_no_symbol_present() -> None:
    assert len(match_pattern(Events.from_records([]), Pattern("V", SYMBOLS, scope="customer"))) == 0
    assert run("x x", "V") == []  # symbol V never occurs: its class is empty


@pytest.mark.parametrize(
    ("expr", "kwargs"),
    [
        ("V Q", {}),
        ("V (", {}),
        ("V{3,1}", {}),
        ("V*", {}),
        ("$ ^", {}),
        ("V )", {}),
        ("[]", {}),
        ("V #", {}),
        ("V", {"window_events": 0}),
        ("V", {"followed_by": "Q"}),
        ("^*", {}),
        ("V", {"scope": "world"}),
    ],
)
def test_bad_patterns_raise_analysis_error(expr: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(AnalysisError):
        Pattern(expr, SYMBOLS, **kwargs)


# ---- named patterns ----------------------------------------------------------------------------------------
def named(spec: str, name: str, customer: str = "c") -> list[tuple[Any, Any]]:
    ev = Events.from_records(stream(spec, customer))
    ev = sessionize(ev).apply(ev)
    return spans(match_named(ev, name))


def test_serious_shopper_abandonment() -> None:
    assert named("v v v v v s0 s0", "serious_shopper_abandonment") == [(0, 6)]
    assert named("v x v v v v s s0 x s0 x", "serious_shopper_abandonment") == [(0, 9)]  # 10 events, then x
    assert named("v v v v s0 s0", "serious_shopper_abandonment") == []  # four views
    assert named("v v v v v s0 s", "serious_shopper_abandonment") == []  # one search found nothing
    assert named("v v v v v s0 s0 x c", "serious_shopper_abandonment") == []  # carted afterwards
    assert named("v x x v v v v x s0 x s0", "serious_shopper_abandonment") == []  # 11 events from first view
    # ... but a later start fits: views 3..6 are only four; add one more view to fit in 10
    assert named("v x x v v v v v s0 x s0", "serious_shopper_abandonment") == [(3, 10)]
    assert named("v v v v v c s0 s0", "serious_shopper_abandonment") == []  # cart in between


def test_cart_abandonment() -> None:
    assert named("v c v x", "cart_abandonment") == [(1, 3)]
    assert named("v c p", "cart_abandonment") == []
    assert named("c p c v", "cart_abandonment") == [(2, 3)]
    assert named("c c v", "cart_abandonment") == [(0, 2)]


def test_cross_channel_conversion_and_email_to_store() -> None:
    day = 86400.0
    recs = stream("e v ps", "a", step=day)  # email, web, store purchase within 2 days
    recs += stream("v v p", "b", step=day, first_id=10)  # single channel
    recs += stream("e x ps", "c", step=20 * day, first_id=20)  # email 40 days before the store purchase
    ev = Events.from_records(recs)
    cross = match_named(ev, "cross_channel_conversion")
    assert spans(cross) == [(0, 2), (21, 22)]  # c: email too early; click (web) 20 days before -> 2 channels
    e2s = match_named(ev, "email_to_store")
    assert spans(e2s) == [(0, 2)] and e2s.customer.tolist() == ["a"]


def test_named_pattern_lookup() -> None:
    assert set(NAMED_PATTERNS) == {
        "serious_shopper_abandonment",
        "cart_abandonment",
        "cross_channel_conversion",
        "email_to_store",
    }
    assert named_pattern("cart_abandonment").scope == "session"
    with pytest.raises(NotFound):
        named_pattern("nope")


# ---- properties ---------------------------------------------------------------------------------------------
LETTER = {"v": "V", "s0": "Z", "c": "C", "x": "X"}
token = st.sampled_from(["v", "s0", "c", "x"])


def reference(specs: list[list[str]], body: str, window: int | None) -> list[tuple[int, int]]:
    """Non-overlapping leftmost matches, per customer, by plain re on a letter string; longest fitting end."""
    rx = re.compile(body)
    out, first_id = [], 0
    for spec in specs:
        letters = "".join(LETTER[t] for t in spec)
        i = 0
        while i < len(letters):
            top = len(letters) if window is None else min(len(letters), i + window)
            end = next((e for e in range(top, i, -1) if rx.fullmatch(letters, i, e)), None)
            if end is None:
                i += 1
                continue
            out.append((first_id + i, first_id + end - 1))
            i = end
        first_id += 100
    return out


@settings(max_examples=150, deadline=None)
@given(
    specs=st.lists(st.lists(token, max_size=25), max_size=5),
    window=st.one_of(st.none(), st.integers(1, 8)),
    which=st.integers(0, 2),
)
def test_matcher_agrees_with_a_brute_force_reference(specs: list[list[str]], window: int | None, which: int) -> None:
    # deterministic bodies (greedy end == longest end), so the reference's "longest fitting end" is the same
    body, ref = [("V X* Z", "VX*Z"), ("V ~[C V]* V Z", "V[^CV]*VZ"), ("C X? C", "CX?C")][which]
    recs = [r for k, spec in enumerate(specs) for r in stream(" ".join(spec), f"c{k}", first_id=100 * k)]
    got = spans(
        match_pattern(Events.from_records(recs), Pattern(body, SYMBOLS, scope="customer", window_events=window))
    )
    assert got == reference(specs, ref, window)


EXPRS = st.recursive(
    st.sampled_from(["V", "Z", "C", "X", "~V", "[V Z]", "~[C X]", "."]),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(" ".join),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} | {t[1]})"),
        st.tuples(inner, st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{2,}"])).map(lambda t: f"({t[0]}){t[1]}"),
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(
    # short streams: a random expression may nest unbounded quantifiers, which backtrack exponentially in `re`
    spec=st.lists(st.tuples(token, st.integers(0, 3), st.integers(0, 5000)), max_size=16),
    expr=EXPRS,
    window=st.one_of(st.none(), st.integers(1, 6)),
    seconds=st.one_of(st.none(), st.floats(0, 3000)),
    overlapping=st.booleans(),
    then=st.sampled_from([None, "$", "~C* $", "V"]),
)
def test_matcher_never_crashes_and_respects_its_contract(
    spec: list[tuple[str, int, int]],
    expr: str,
    window: int | None,
    seconds: float | None,
    overlapping: bool,
    then: str | None,
) -> None:
    recs = []
    for k, (tok, cust, ts) in enumerate(spec):
        typ, ch, rc, val = TOKENS[tok]
        recs.append(
            {
                "customer": f"c{cust}",
                "event_id": k,
                "ts": ts,
                "type": typ,
                "channel": ch,
                "result_count": rc,
                "value": val,
            }
        )
    ev = Events.from_records(recs)
    try:
        pat = Pattern(
            expr,
            SYMBOLS,
            scope="customer",
            window_events=window,
            window_seconds=seconds,
            overlapping=overlapping,
            followed_by=then,
        )
    except AnalysisError:
        return  # e.g. a body that can match zero events
    m = match_pattern(ev, pat)
    assert (m.count >= 1).all()
    assert (m.end_ts >= m.start_ts).all()
    if window is not None:
        assert (m.count <= window).all()
    if seconds is not None:
        assert (m.end_ts - m.start_ts <= seconds).all()
    assert len(set(m.start_row.tolist())) == len(m)
    if not overlapping and len(m) > 1:
        # sorted by (customer, ts, id): consecutive matches of a customer never share an event
        order = np.lexsort((m.start_event, m.start_ts, m.customer))
        for a, b in itertools.pairwise(order):
            if m.customer[a] == m.customer[b]:
                assert (m.end_ts[a], m.end_event[a]) < (m.start_ts[b], m.start_event[b])
