"""Benchmark: sessionize, the named journey patterns and attribution on >= 1M synthetic events.

Run:  .venv/bin/python benchmarks/bench_journeys.py [--events 1000000] [--sample 100000] [--seed 7]

Prints events/s for each step on the full set, and on a sample the same work done by a plain Python loop
(the "naive" peer: the code one writes first, row by row), with the ratio and a check that both agree.
Bounded: one pass per step; the naive peers only see the sample.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from graphengine.journeys.attribution import HEURISTIC_MODELS, Paths, attribute, conversion_paths
from graphengine.journeys.core import NAMED_PATTERNS, Events, match_pattern, sessionize

TYPES = ("view", "search", "click", "cart", "purchase", "email_open", "impression")
TYPE_P = (0.50, 0.15, 0.10, 0.08, 0.03, 0.08, 0.06)
CHANNELS = ("web", "app", "email", "store", "social", "search", "display")


def synthetic(n_events: int, seed: int) -> Events:
    """Customers with bursts of activity (sessions) days apart; types and channels drawn at random."""
    rng = np.random.default_rng(seed)
    n_customers = max(1, n_events // 20)
    customer = np.sort(rng.integers(0, n_customers, n_events))
    gap = np.where(rng.random(n_events) < 0.12, rng.exponential(2 * 86400, n_events), rng.exponential(40, n_events))
    first = np.r_[True, customer[1:] != customer[:-1]]
    run_start = np.maximum.accumulate(np.where(first, np.arange(n_events), 0))
    pos = np.arange(n_events) - run_start
    planted = (rng.random(n_customers) < 0.02)[customer] & (pos < 8)  # 2% of customers: a serious shopper
    gap = np.where(planted & (pos > 0), 20.0, gap)
    csum = np.cumsum(gap)
    ts = 1.7e9 + csum - csum[run_start] + rng.uniform(0, 86400 * 30, n_customers)[customer]
    typ = rng.choice(len(TYPES), n_events, p=TYPE_P)
    channel = rng.choice(len(CHANNELS), n_events, p=(0.5, 0.2, 0.0, 0.0, 0.1, 0.1, 0.1))
    channel = np.where(typ == TYPES.index("email_open"), CHANNELS.index("email"), channel)
    buy = typ == TYPES.index("purchase")
    channel = np.where(buy & (rng.random(n_events) < 0.3), CHANNELS.index("store"), channel)
    shopper = np.array([0, 0, 0, 0, 0, 1, 1, 2])  # view x5, search x2 (found nothing), click
    typ = np.where(planted, shopper[np.minimum(pos, 7)], typ)
    result_count = np.where(typ == TYPES.index("search"), np.where(rng.random(n_events) < 0.35, 0, 5), -1)
    result_count = np.where(planted & (typ == TYPES.index("search")), 0, result_count)
    value = np.where(buy, rng.gamma(2.0, 30.0, n_events).round(2), np.nan)
    shuffle = rng.permutation(n_events)  # arrive out of order, like a real export
    return Events.from_codes(
        customer=customer[shuffle],
        ts=ts[shuffle],
        type=typ[shuffle],
        channel=channel[shuffle],
        customers=[f"c{k:07d}" for k in range(n_customers)],
        types=TYPES,
        channels=CHANNELS,
        event_id=np.arange(n_events)[shuffle],
        product=rng.integers(0, 5000, n_events)[shuffle],
        products=[f"p{k}" for k in range(5000)],
        value=value[shuffle],
        result_count=result_count[shuffle],
    )


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


# ---- naive peers: row-by-row Python -------------------------------------------------------------------------
def rows_of(ev: Events) -> list[tuple[int, float, int, int, str, int, float]]:
    return list(
        zip(
            ev.customer.tolist(),
            ev.ts.tolist(),
            ev.event_id.tolist(),
            ev.session.tolist(),
            [ev.types[t] for t in ev.type.tolist()],
            ev.result_count.tolist(),
            ev.value.tolist(),
            strict=True,
        )
    )


def naive_sessionize(rows: list[tuple[int, float, int, int, str, int, float]], timeout: float) -> int:
    rows = sorted(rows, key=lambda r: (r[0], r[1], r[2]))
    sessions, last_c, last_t = 0, None, 0.0
    for c, t, *_ in rows:
        if c != last_c or t - last_t > timeout:
            sessions += 1
        last_c, last_t = c, t
    return sessions


def naive_serious_shopper(rows: list[tuple[int, float, int, int, str, int, float]]) -> int:
    """The serious-shopper rule written out by hand (same semantics as the named pattern)."""
    by_session: dict[tuple[int, int], list[str]] = defaultdict(list)
    for c, _t, _e, s, typ, rc, _v in sorted(rows, key=lambda r: (r[0], r[3], r[1], r[2])):
        kind = (
            "V"
            if typ == "view"
            else "Z"
            if typ == "search" and rc == 0
            else "C"
            if typ in ("cart", "purchase")
            else "o"
        )
        by_session[(c, s)].append(kind)
    found = 0
    for seq in by_session.values():
        i = 0
        while i < len(seq):
            end = _shopper_end(seq, i)
            if end is None:
                i += 1
            else:
                found += 1
                i = end
    return found


def _shopper_end(seq: list[str], i: int) -> int | None:
    """Five or more views from ``i`` (no cart between), then, after one of those views (the latest that works),
    two or more empty searches before any view or cart, all within 10 events; no cart until the session ends."""
    if seq[i] != "V":
        return None
    stop = min(len(seq), i + 10)
    cut = next((j for j in range(i, stop) if seq[j] == "C"), stop)
    views = [j for j in range(i, cut) if seq[j] == "V"]
    for last_view in reversed(views[4:]):
        stretch_end = next((j for j in range(last_view + 1, cut) if seq[j] == "V"), cut)
        zs = [j for j in range(last_view + 1, stretch_end) if seq[j] == "Z"]
        if len(zs) >= 2:
            return None if "C" in seq[zs[-1] + 1 :] else zs[-1] + 1
    return None


def naive_linear(paths: Paths) -> dict[str, float]:
    credit: dict[str, float] = defaultdict(float)
    for p in range(len(paths)):
        touches = paths.touch_channel[paths.offsets[p] : paths.offsets[p + 1]].tolist()
        for ch in touches:
            credit[paths.channels[ch]] += paths.conversions[p] / len(touches)
    return dict(credit)


def naive_markov(paths: Paths, sweeps: int = 300) -> dict[str, float]:
    """Order-1 removal effect by dict counting and value iteration (the textbook loop)."""
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for p in range(len(paths)):
        seq = [paths.channels[c] for c in paths.touch_channel[paths.offsets[p] : paths.offsets[p + 1]].tolist()]
        seq = [s for k, s in enumerate(seq) if k == 0 or s != seq[k - 1]]
        w = paths.conversions[p] + paths.nulls[p]
        for a, b in zip(["(start)", *seq[:-1]], seq, strict=True):
            counts[a][b] += w
        counts[seq[-1]]["(conv)"] += paths.conversions[p]
        counts[seq[-1]]["(null)"] += paths.nulls[p]

    def p_conv(removed: str | None) -> float:
        prob = {s: 0.0 for s in counts}
        for _ in range(sweeps):
            for s, out in counts.items():
                total = sum(out.values())
                prob[s] = (
                    0.0
                    if s == removed
                    else sum(w * (1.0 if t == "(conv)" else prob.get(t, 0.0)) for t, w in out.items() if t != "(null)")
                    / total
                )
        return prob["(start)"]

    full = p_conv(None)
    effects = {c: 1 - p_conv(c) / full for c in paths.channels}
    total = sum(effects.values())
    return {c: paths.conversions.sum() * e / total for c, e in effects.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    ev, t_gen = timed(lambda: synthetic(args.events, args.seed))
    n = len(ev)
    print(f"events: {n:,} customers: {len(ev.customers):,} (generated in {t_gen:.1f} s, shuffled)")
    sample = ev.take(np.flatnonzero(ev.customer < np.quantile(ev.customer, args.sample / n)))
    ns = len(sample)
    print(f"naive sample: {ns:,} events (whole customers, shuffled; both sides sort it)")

    def line(step: str, seconds: float, extra: str = "") -> None:
        print(f"{step:<36} {seconds:7.3f} s {n / seconds:13,.0f} events/s  {extra}")

    def versus(step: str, t_ours: float, t_naive: float, extra: str) -> None:
        print(
            f"  sample {step}: ours {ns / t_ours:,.0f} ev/s, naive {ns / t_naive:,.0f} ev/s, "
            f"ratio {t_naive / t_ours:.1f}x, {extra}"
        )

    (ev, _), t = timed(ev.sorted)  # an export may come shuffled; the store reads events already ordered
    line("sort (customer, time, event id)", t)
    sessions, t = timed(lambda: sessionize(ev, timeout=1800, bot_min_gap=1.0))
    st = sessions.stats()
    line("sessionize (30 min, bot filter)", t, f"sessions={st['sessions']:,} bots={st['bots']}")
    ev = sessions.apply(ev)
    s_ours, t_ours = timed(lambda: sessionize(sample, timeout=1800))
    s_naive, t_naive = timed(lambda: naive_sessionize(rows_of(sample), 1800))
    versus("sessionize", t_ours, t_naive, f"sessions {len(s_ours.labels)} vs {s_naive}")

    total = 0.0
    for name, pattern in NAMED_PATTERNS.items():
        found, t = timed(lambda p=pattern: match_pattern(ev, p))
        total += t
        line(f"pattern {name}", t, f"matches={len(found):,}")
    line("all four named patterns", total)
    sample = sessionize(sample, timeout=1800).apply(sample)
    ours_s, t_ours = timed(lambda: match_pattern(sample, NAMED_PATTERNS["serious_shopper_abandonment"]))
    naive_s, t_naive = timed(lambda: naive_serious_shopper(rows_of(sample)))
    versus("serious shopper", t_ours, t_naive, f"matches {len(ours_s)} vs {naive_s}")

    paths, t = timed(lambda: conversion_paths(ev, lookback_seconds=30 * 86400))
    line("conversion_paths (30 d lookback)", t, f"paths={len(paths):,} conversions={paths.conversions.sum():,.0f}")
    total = t
    for model in [*HEURISTIC_MODELS, "markov_1", "markov_2", "markov_3"]:
        res, t = timed(lambda m=model: attribute(paths, m))
        total += t
        shares = ", ".join(f"{c}:{v / res.total_conversions:.3f}" for c, v in res.as_dict().items() if v > 0)
        line(f"attribution {model}", t, shares)
    line("paths + all eight models", total, f"touches={len(paths.touch_channel):,}")
    sp = conversion_paths(sample)
    ours_l, t_ours = timed(lambda: attribute(sp, "linear"))
    naive_l, t_naive = timed(lambda: naive_linear(sp))
    agree = all(abs(ours_l.as_dict()[c] - naive_l.get(c, 0.0)) < 1e-6 for c in sp.channels)
    versus("linear attribution", t_ours, t_naive, f"agree={agree}")
    ours_m, t_ours = timed(lambda: attribute(sp, "markov_1"))
    naive_m, t_naive = timed(lambda: naive_markov(sp))
    gap = max(abs(ours_m.as_dict()[c] - naive_m[c]) for c in sp.channels)
    versus("markov_1 (naive: dicts + value iteration)", t_ours, t_naive, f"max |credit diff| {gap:.1e}")


if __name__ == "__main__":
    main()
