"""Attribution: paths from events, exact heuristics, the Markov removal effect worked by hand, properties."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphengine.errors import AnalysisError
from graphengine.journeys.attribution import (
    HEURISTIC_MODELS,
    Paths,
    attribute,
    attribute_all,
    conversion_paths,
    heuristic,
    markov,
)
from graphengine.journeys.core import Events

DAY = 86400.0


def credits(paths: Paths, model: str, on: str = "conversions", **kw: Any) -> dict[str, float]:
    got = attribute(paths, model, **kw).as_dict(on)
    return {k: v for k, v in got.items() if v != 0}


# ---- heuristics, exact --------------------------------------------------------------------------------------
# four converting paths worth 100, 40, 10, 60 and one that did not convert
PATHS = Paths.from_sequences(
    [
        ["search", "email", "web", "email"],
        ["web"],
        ["email", "web"],
        ["display", "search", "web"],
        ["email", "display"],
    ],
    conversions=[1, 1, 1, 1, 0],
    nulls=[0, 0, 0, 0, 1],
    value=[100, 40, 10, 60, 0],
)


def test_first_and_last_touch() -> None:
    assert credits(PATHS, "first_touch") == {"search": 1, "web": 1, "email": 1, "display": 1}
    assert credits(PATHS, "last_touch") == {"email": 1, "web": 3}
    assert credits(PATHS, "first_touch", "value") == {"search": 100, "web": 40, "email": 10, "display": 60}
    assert credits(PATHS, "last_touch", "value") == {"email": 100, "web": 110}


def test_linear() -> None:
    # path1: 1/4 each (email twice -> 1/2); path2: web 1; path3: 1/2, 1/2; path4: 1/3 each
    got = credits(PATHS, "linear")
    assert got == pytest.approx(
        {"search": 1 / 4 + 1 / 3, "email": 1 / 2 + 1 / 2, "web": 1 / 4 + 1 + 1 / 2 + 1 / 3, "display": 1 / 3}
    )
    value = credits(PATHS, "linear", "value")
    assert value == pytest.approx({"search": 25 + 20, "email": 50 + 5, "web": 25 + 40 + 5 + 20, "display": 20})


def test_position_based_40_20_40() -> None:
    # path1 (4 touches): search .4, email .1, web .1, email .4 ; path2 (1): web 1 ; path3 (2): .5/.5 ;
    # path4 (3): display .4, search .2, web .4
    got = credits(PATHS, "position_based")
    assert got == pytest.approx(
        {"search": 0.4 + 0.2, "email": 0.1 + 0.4 + 0.5, "web": 0.1 + 1 + 0.5 + 0.4, "display": 0.4}
    )
    custom = heuristic(PATHS, "position_based", position_weights=(0.3, 0.5)).as_dict()
    assert custom["display"] == pytest.approx(0.3) and custom["search"] == pytest.approx(0.3 + 0.2)


def test_time_decay_half_life() -> None:
    # touches 14, 7 and 0 days before the conversion, half-life 7 days: raw weights 1/4, 1/2, 1 (sum 7/4)
    paths = Paths.from_sequences([["a", "b", "c"]], touch_ts=[[0, 7 * DAY, 14 * DAY]], end_ts=[14 * DAY], value=[70])
    got = attribute(paths, "time_decay", half_life_seconds=7 * DAY)
    assert got.as_dict() == pytest.approx({"a": 1 / 7, "b": 2 / 7, "c": 4 / 7})
    assert got.as_dict("value") == pytest.approx({"a": 10, "b": 20, "c": 40})
    # a very long half-life tends to linear
    assert attribute(paths, "time_decay", half_life_seconds=1e12).as_dict() == pytest.approx(
        {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}
    )
    with pytest.raises(AnalysisError):
        attribute(PATHS, "time_decay")  # no touch times
    with pytest.raises(AnalysisError):
        attribute(paths, "time_decay", half_life_seconds=0)


def test_unknown_model() -> None:
    with pytest.raises(AnalysisError):
        attribute(PATHS, "u_shaped")


# ---- Markov, worked by hand ---------------------------------------------------------------------------------
def test_markov_order_1_removal_effect_by_hand() -> None:
    # paths: a>b converts (value 10), a converts (value 20), b>c does not convert.
    # transitions: start->a 2, start->b 1; a->b 1, a->conv 1; b->conv 1, b->c 1; c->null 1
    # P(conv | b) = 1/2 ; P(conv | a) = 1/2 + 1/2 * 1/2 = 3/4 ; P(conv) = 2/3 * 3/4 + 1/3 * 1/2 = 2/3
    # remove a: P = 1/3 * 1/2 = 1/6 -> RE(a) = 1 - (1/6)/(2/3) = 3/4
    # remove b: P(conv | a) = 1/2 -> P = 2/3 * 1/2 = 1/3 -> RE(b) = 1/2 ;  remove c: RE(c) = 0
    # credits: 2 conversions * (3/4, 1/2) / (5/4) = 1.2 and 0.8
    # value: mean value of conversions leaving a = 20, leaving b = 10.
    # V(b) = 1/2 * 10 = 5 ; V(a) = 1/2 * 20 + 1/2 * V(b) = 12.5 ; V = 2/3 * 12.5 + 1/3 * 5 = 10
    # remove a: V = 1/3 * 5 = 5/3 -> RE = 5/6 ; remove b: V(a) = 10 -> V = 20/3 -> RE = 1/3
    # value credits: 30 * (5/6, 1/3) / (7/6) = 150/7 and 60/7
    paths = Paths.from_sequences(
        [["a", "b"], ["a"], ["b", "c"]], conversions=[1, 1, 0], nulls=[0, 0, 1], value=[10, 20, 0]
    )
    m = markov(paths, order=1)
    assert m.channels == ("a", "b", "c")
    assert m.removal_effect is not None and m.removal_effect_value is not None
    assert m.removal_effect.tolist() == pytest.approx([3 / 4, 1 / 2, 0])
    assert m.conversions.tolist() == pytest.approx([1.2, 0.8, 0])
    assert m.removal_effect_value.tolist() == pytest.approx([5 / 6, 1 / 3, 0])
    assert m.value.tolist() == pytest.approx([150 / 7, 60 / 7, 0])


def test_markov_order_2_by_hand() -> None:
    # order 2 states: "ab" (path 1), "a" (path 2 is shorter than 2), "bc" (path 3)
    # start -> ab, a, bc with 1/3 each; ab -> conv, a -> conv, bc -> null: P(conv) = 2/3
    # remove a (ab and a go): P = 0 -> RE 1 ; remove b (ab, bc): P = 1/3 -> RE 1/2 ; remove c: RE 0
    # credits 2 * (1, 1/2) / (3/2) = 4/3, 2/3 ; value: V = (10 + 20)/3 = 10, without a 0 (RE 1),
    # without b 20/3 (RE 1/3): 30 * (1, 1/3) / (4/3) = 22.5, 7.5
    paths = Paths.from_sequences(
        [["a", "b"], ["a"], ["b", "c"]], conversions=[1, 1, 0], nulls=[0, 0, 1], value=[10, 20, 0]
    )
    m = attribute(paths, "markov_2")
    assert m.model == "markov_2"
    assert m.removal_effect is not None and m.removal_effect.tolist() == pytest.approx([1, 1 / 2, 0])
    assert m.conversions.tolist() == pytest.approx([4 / 3, 2 / 3, 0])
    assert m.value.tolist() == pytest.approx([22.5, 7.5, 0])


def test_markov_repeats_collapse_and_a_lone_channel_gets_everything() -> None:
    base = Paths.from_sequences([["a", "b"], ["b"], ["a", "c"]], conversions=[2, 1, 0], nulls=[1, 3, 2])
    repeated = Paths.from_sequences(
        [["a", "a", "b", "b"], ["b", "b", "b"], ["a", "c", "c"]], conversions=[2, 1, 0], nulls=[1, 3, 2]
    )
    assert markov(base).conversions.tolist() == pytest.approx(markov(repeated).conversions.tolist())
    alone = markov(Paths.from_sequences([["x"], ["x", "x"]], conversions=[3, 2]))
    assert alone.as_dict() == {"x": 5.0}


def test_markov_without_conversions_gives_zero_credit() -> None:
    m = markov(Paths.from_sequences([["a"]], conversions=[0], nulls=[1]))
    assert m.conversions.tolist() == [0.0] and m.total_conversions == 0
    with pytest.raises(AnalysisError):
        markov(PATHS, order=0)


# ---- paths from events --------------------------------------------------------------------------------------
def ev(
    customer: str, day: float, typ: str, channel: str | None, eid: int, value: float | None = None
) -> dict[str, Any]:
    return {"customer": customer, "event_id": eid, "ts": day * DAY, "type": typ, "channel": channel, "value": value}


EVENTS = [
    ev("a", 0, "impression", "display", 1),
    ev("a", 40, "click", "search", 2),  # display is 45 days before the purchase: outside a 30-day lookback
    ev("a", 44, "email_open", "email", 3),
    ev("a", 45, "purchase", "web", 4, 99.0),
    ev("a", 46, "click", "social", 5),
    ev("a", 47, "purchase", "store", 6, 20.0),
    ev("a", 50, "email_open", "email", 7),  # after the last purchase: a non-converting path
    ev("b", 1, "purchase", "store", 8, 15.0),  # no touch before: unattributed
    ev("c", 3, "view", None, 9),  # no channel: not a touch
    ev("c", 4, "click", "search", 10),
]


def path_list(paths: Paths) -> list[tuple[str, float, float]]:
    return [(s, c, v) for s, c, v in zip(paths.to_strings(">"), paths.conversions, paths.value, strict=True)]


def test_conversion_paths_from_events() -> None:
    paths = conversion_paths(Events.from_records(EVENTS), lookback_seconds=30 * DAY)
    assert path_list(paths) == [("search>email", 1, 99), ("social", 1, 20), ("email", 0, 0), ("search", 0, 0)]
    assert paths.unattributed_conversions == 1 and paths.unattributed_value == 15.0
    assert paths.end_ts.tolist() == [45 * DAY, 47 * DAY, 50 * DAY, 4 * DAY]
    longer = conversion_paths(Events.from_records(EVENTS), lookback_seconds=60 * DAY, include_non_converting=False)
    assert path_list(longer) == [("display>search>email", 1, 99), ("social", 1, 20)]
    only_email = conversion_paths(Events.from_records(EVENTS), touch_types=["email_open"])
    assert path_list(only_email)[0] == ("email", 1, 99)


def test_non_converting_path_keeps_the_lookback_of_its_last_touch() -> None:
    recs = [ev("n", 0, "click", "display", 1), ev("n", 50, "click", "search", 2), ev("n", 60, "click", "email", 3)]
    paths = conversion_paths(Events.from_records(recs), lookback_seconds=30 * DAY)
    assert path_list(paths) == [("search>email", 0, 0)]  # the display click is 60 days before the last touch


def test_conversion_paths_ignore_input_order() -> None:
    shuffled = EVENTS[:]
    random.Random(1).shuffle(shuffled)
    assert path_list(conversion_paths(Events.from_records(shuffled))) == path_list(
        conversion_paths(Events.from_records(EVENTS))
    )


def test_conversion_paths_empty_and_attribute_all() -> None:
    empty = conversion_paths(Events.from_records([]))
    assert len(empty) == 0
    results = attribute_all(conversion_paths(Events.from_records(EVENTS)), markov_orders=(1, 2, 3))
    assert set(results) == {*HEURISTIC_MODELS, "markov_1", "markov_2", "markov_3"}
    for res in results.values():
        assert sum(res.as_dict().values()) == pytest.approx(2.0)
        assert sum(res.as_dict("value").values()) == pytest.approx(119.0)
    records = results["markov_1"].to_records()
    # the vocabulary keeps every channel seen (web and store only carry purchases, display is out of the lookback)
    assert {r["channel"] for r in records} == {"display", "email", "search", "social", "store", "web"}
    assert {r["channel"] for r in records if r["conversions"] > 0} == {"email", "search", "social"}


# ---- properties ---------------------------------------------------------------------------------------------
path_st = st.lists(st.sampled_from("abcde"), min_size=1, max_size=8)


@settings(max_examples=120, deadline=None)
@given(
    data=st.lists(
        st.tuples(path_st, st.integers(0, 3), st.integers(0, 3), st.floats(0, 1000)), min_size=1, max_size=25
    ),
    order=st.integers(1, 3),
)
def test_credits_sum_to_the_totals(data: list[tuple[list[str], int, int, float]], order: int) -> None:
    seqs = [d[0] for d in data]
    conv = [float(d[1]) for d in data]
    value = [d[3] if d[1] > 0 else 0.0 for d in data]
    times = [[float(k) * 3600 for k in range(len(s))] for s in seqs]
    paths = Paths.from_sequences(
        seqs,
        conversions=conv,
        nulls=[float(d[2]) for d in data],
        value=value,
        touch_ts=times,
        end_ts=[len(s) * 3600.0 for s in seqs],
    )
    results = attribute_all(paths, markov_orders=(order,))
    for name, res in results.items():
        assert (res.conversions >= -1e-12).all(), name
        assert res.conversions.sum() == pytest.approx(sum(conv), abs=1e-9), name
        assert res.value.sum() == pytest.approx(sum(value), abs=1e-6), name
        if sum(conv) > 0:
            # a channel that never appears on a converting path gets nothing from the heuristics
            on_converting = {c for s, c_ in zip(seqs, conv, strict=True) if c_ > 0 for c in s}
            if not name.startswith("markov"):
                assert all(v == 0 for ch, v in res.as_dict().items() if ch not in on_converting)
    re_ = results[f"markov_{order}"].removal_effect
    assert re_ is not None and ((re_ >= 0) & (re_ <= 1 + 1e-12)).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("uvw"), st.integers(0, 4), st.integers(0, 60), st.sampled_from(["click", "purchase"])
        ),
        max_size=40,
    )
)
def test_paths_from_arbitrary_events_partition_conversions(rows: list[tuple[str, int, int, str]]) -> None:
    recs = [
        {
            "customer": f"c{cust}",
            "event_id": k,
            "ts": day * DAY,
            "type": typ,
            "channel": ch,
            "value": 1.0 if typ == "purchase" else None,
        }
        for k, (ch, cust, day, typ) in enumerate(rows)
    ]
    paths = conversion_paths(Events.from_records(recs), lookback_seconds=10 * DAY)
    n_purchases = sum(1 for r in rows if r[3] == "purchase")
    assert paths.conversions.sum() + paths.unattributed_conversions == n_purchases
    assert paths.value.sum() + paths.unattributed_value == pytest.approx(float(n_purchases))
    assert (np.diff(paths.offsets) >= 1).all()
    touches = sum(1 for r in rows if r[3] == "click")
    assert len(paths.touch_channel) <= touches
