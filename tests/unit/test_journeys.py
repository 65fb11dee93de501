"""Sessions, channel transitions and funnels on hand-built event streams (expected values worked out by hand)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from graphengine.errors import AnalysisError
from graphengine.journeys.core import Events, Symbol, channel_transitions, funnel, sessionize


def rows(customer: str, spec: list[tuple[float, str, str]], *, first_id: int = 0) -> list[dict[str, Any]]:
    """Events (ts, type, channel) for one customer with consecutive ids."""
    return [
        {"customer": customer, "event_id": first_id + k, "ts": ts, "type": typ, "channel": ch}
        for k, (ts, typ, ch) in enumerate(spec)
    ]


def label_by_event(events: Events, labels: tuple[str, ...], session: np.ndarray) -> dict[int, str | None]:
    return {int(e): (labels[s] if s >= 0 else None) for e, s in zip(events.event_id, session, strict=True)}


def test_timeout_splits_on_gaps_longer_than_the_timeout() -> None:
    # gaps: 100, 1800 (== timeout: same session), 1801 (> timeout: new session), 5
    ev = Events.from_records(
        rows(
            "c1",
            [
                (0, "view", "web"),
                (100, "view", "web"),
                (1900, "view", "web"),
                (3701, "view", "web"),
                (3706, "cart", "web"),
            ],
        )
    )
    s = sessionize(ev, timeout=1800)
    assert label_by_event(ev, s.labels, s.session) == {0: "c1#1", 1: "c1#1", 2: "c1#1", 3: "c1#2", 4: "c1#2"}
    assert s.session_size.tolist() == [3, 2]
    assert s.session_start.tolist() == [0, 3701] and s.session_end.tolist() == [1900, 3706]
    # a shorter timeout splits the 1800 s gap too
    assert len(sessionize(ev, timeout=1000).labels) == 3


def test_out_of_order_input_gives_the_same_sessions() -> None:
    recs = rows("a", [(0, "view", "web"), (10, "view", "web"), (5000, "view", "web")]) + rows(
        "b", [(7, "view", "app"), (4000, "view", "app")], first_id=10
    )
    ordered = sessionize(Events.from_records(recs))
    shuffled_recs = recs[:]
    random.Random(3).shuffle(shuffled_recs)
    shuffled_ev = Events.from_records(shuffled_recs)
    shuffled = sessionize(shuffled_ev)
    ordered_ev = Events.from_records(recs)
    assert label_by_event(ordered_ev, ordered.labels, ordered.session) == label_by_event(
        shuffled_ev, shuffled.labels, shuffled.session
    )
    assert label_by_event(shuffled_ev, shuffled.labels, shuffled.session) == {
        0: "a#1",
        1: "a#1",
        2: "a#2",
        10: "b#1",
        11: "b#2",
    }


def test_equal_timestamps_are_ordered_by_event_id() -> None:
    recs = [
        {"customer": "c", "event_id": 2, "ts": 5, "type": "cart", "channel": "web"},
        {"customer": "c", "event_id": 1, "ts": 5, "type": "view", "channel": "web"},
    ]
    ev, perm = Events.from_records(recs).sorted()
    assert ev.event_id.tolist() == [1, 2] and perm.tolist() == [1, 0]


def test_per_channel_sessions_interleave() -> None:
    # web at 0, 60, 120 and app at 30, 3000: one web session; app split by the 2970 s gap
    recs = rows(
        "c", [(0, "view", "web"), (30, "view", "app"), (60, "view", "web"), (120, "view", "web"), (3000, "view", "app")]
    )
    ev = Events.from_records(recs)
    s = sessionize(ev, per_channel=True)
    assert label_by_event(ev, s.labels, s.session) == {
        0: "c#web#1",
        1: "c#app#1",
        2: "c#web#1",
        3: "c#web#1",
        4: "c#app#2",
    }
    # without per_channel the same events make two sessions (gap 120 -> 3000)
    assert sorted(set(sessionize(ev).labels)) == ["c#1", "c#2"]


def test_bot_filter_by_median_gap() -> None:
    bot = rows("bot", [(k * 0.5, "view", "web") for k in range(10)])  # median gap 0.5 s
    human = rows("hum", [(k * 40.0, "view", "web") for k in range(10)], first_id=100)
    burst = rows("fast", [(0, "view", "web"), (0.1, "view", "web"), (0.2, "view", "web")], first_id=200)
    # one slow gap among quick ones: median still quick -> bot; minimum (quantile 0) obviously too
    mixed = rows(
        "mix",
        [
            (0, "view", "web"),
            (1, "view", "web"),
            (2, "view", "web"),
            (3, "view", "web"),
            (500, "view", "web"),
            (501, "view", "web"),
        ],
        first_id=300,
    )
    ev = Events.from_records(bot + human + burst + mixed)
    s = sessionize(ev, bot_min_gap=2.0, bot_min_events=5)
    assert s.bot_customers == ("bot", "mix")  # "fast" has only 3 events
    assert (s.session[s.is_bot] == -1).all() and (s.session[~s.is_bot] >= 0).all()
    assert s.per_customer[list(ev.customers).index("bot")] == 0
    assert s.stats()["bots"] == 2 and s.stats()["customers"] == 2
    # an upper quantile ignores the quick bursts of "mix": gaps 1,1,1,497,1 -> 0.9 quantile (lower) is 1 -> still
    # below 2; with quantile 1.0 (the maximum gap) only the constant-rate bot stays flagged
    assert sessionize(ev, bot_min_gap=2.0, bot_quantile=1.0).bot_customers == ("bot",)
    kept = sessionize(ev, bot_min_gap=2.0, drop_bots=False)
    assert (kept.session >= 0).all() and kept.is_bot.sum() == 16


def test_bot_quantile_is_the_lower_quantile() -> None:
    # gaps 0.5, 0.5, 3, 3: the lower median is 0.5 (< 1: a robot); the upper one would be 3
    ev = Events.from_records(
        rows(
            "r", [(0, "view", "web"), (0.5, "view", "web"), (1, "view", "web"), (4, "view", "web"), (7, "view", "web")]
        )
    )
    assert sessionize(ev, bot_min_gap=1.0).bot_customers == ("r",)
    assert sessionize(ev, bot_min_gap=1.0, bot_quantile=0.75).bot_customers == ()  # floor(0.75 * 3) = 2 -> 3 s


def test_sessions_per_customer_stats() -> None:
    recs = rows("a", [(0, "view", "web"), (10_000, "view", "web"), (20_000, "view", "web")])
    recs += rows("b", [(0, "view", "web")], first_id=10)
    s = sessionize(Events.from_records(recs))
    assert s.stats() == {
        "customers": 2,
        "sessions": 4,
        "mean": 2.0,
        "median": 2.0,
        "p90": pytest.approx(2.8),
        "max": 3,
        "bots": 0,
    }


def test_empty_events() -> None:
    ev = Events.from_records([])
    s = sessionize(ev, bot_min_gap=1.0)
    assert len(s.session) == 0 and s.labels == () and s.stats()["sessions"] == 0
    assert channel_transitions(ev).counts.shape == (0, 0)
    assert funnel(ev, scope="customer").reached.tolist() == [0, 0, 0]


def test_datetimes_and_camel_case_records() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    recs = [
        {"customerId": "c", "eventId": "e1", "at": t0, "type": "view"},
        {"customerId": "c", "eventId": "e2", "at": datetime(2026, 1, 1, 1, 0), "type": "view"},
    ]
    ev = Events.from_records(recs)
    assert ev.ts[1] - ev.ts[0] == 3600.0  # a naive datetime counts as UTC
    assert len(sessionize(ev, timeout=3599).labels) == 2 and len(sessionize(ev, timeout=3600).labels) == 1


def test_bad_parameters_raise_analysis_error() -> None:
    with pytest.raises(AnalysisError):
        sessionize(Events.from_records([]), timeout=-1)
    with pytest.raises(AnalysisError):
        channel_transitions(Events.from_records(rows("c", [(0, "view", "web")])), scope="session")


def test_channel_transitions_counts_and_probabilities() -> None:
    # c1: web web email store ; c2: email web  (no pair across customers)
    recs = rows("c1", [(0, "view", "web"), (1, "view", "web"), (2, "email_open", "email"), (3, "purchase", "store")])
    recs += rows("c2", [(0, "email_open", "email"), (1, "view", "web")], first_id=10)
    t = channel_transitions(Events.from_records(recs))
    assert t.channels == ("email", "store", "web")
    # rows from, cols to: email->store 1, email->web 1, web->web 1, web->email 1
    assert t.counts.tolist() == [[0, 1, 1], [0, 0, 0], [1, 0, 1]]
    assert t.probabilities.tolist() == [[0, 0.5, 0.5], [0, 0, 0], [0.5, 0, 0.5]]
    assert channel_transitions(Events.from_records(recs), skip_repeats=True).counts[2, 2] == 0
    assert {(r["from"], r["to"]) for r in t.to_records()} == {
        ("email", "store"),
        ("email", "web"),
        ("web", "web"),
        ("web", "email"),
    }


def test_channel_transitions_per_session_do_not_cross_sessions() -> None:
    ev = Events.from_records(rows("c", [(0, "view", "web"), (10_000, "view", "app")]))
    ev = sessionize(ev).apply(ev)
    assert channel_transitions(ev, scope="customer").counts.sum() == 1
    assert channel_transitions(ev, scope="session").counts.sum() == 0


def test_funnel_counts_steps_in_order() -> None:
    recs = rows("a", [(0, "view", "web"), (1, "cart", "web"), (2, "purchase", "web")])  # all three
    recs += rows("b", [(0, "cart", "web"), (1, "view", "web")], first_id=10)  # cart before view: view only
    recs += rows("c", [(0, "view", "web"), (1, "view", "web"), (2, "cart", "web")], first_id=20)  # view, cart
    recs += rows("d", [(0, "email_open", "email")], first_id=30)  # nothing
    f = funnel(Events.from_records(recs), scope="customer")
    assert f.reached.tolist() == [3, 2, 1] and f.scopes == 4
    assert f.step_rates.tolist() == [0.75, pytest.approx(2 / 3), 0.5]
    assert f.overall_rates.tolist() == [1.0, pytest.approx(2 / 3), pytest.approx(1 / 3)]


def test_funnel_with_symbols_and_time_limit() -> None:
    recs = rows("a", [(0, "view", "web"), (100, "purchase", "store")])
    recs += rows("b", [(0, "view", "web"), (5000, "purchase", "web")], first_id=10)
    ev = Events.from_records(recs)
    steps = ["view", Symbol(type="purchase")]
    assert funnel(ev, steps, scope="customer").reached.tolist() == [2, 2]
    assert funnel(ev, steps, scope="customer", within_seconds=3600).reached.tolist() == [2, 1]
    store = [Symbol(type="view"), Symbol(type="purchase", channel="store")]
    assert funnel(ev, store, scope="customer").reached.tolist() == [2, 1]
