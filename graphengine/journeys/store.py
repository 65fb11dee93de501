"""Customer journeys on the graph in Neo4j: the journey core (``core``, ``attribution``) run on Event chains.

Events are read columnar (:func:`read_events`, see ``event_stream``) into the pure core; what is written back
goes through registered queries with the run that wrote it:

* :func:`sessionize_graph` splits each customer's events into sessions and sets ``sessionId`` and
  ``sessionRunId`` on every Event (the loaded ``sessionId`` is kept once as ``sourceSessionId``), recorded as an
  ``AnalysisRun`` of kind ``sessions`` with the sessions-per-customer statistics.
* :func:`find_matches` / :func:`pattern_matches` / :func:`pattern_counts` run journey patterns (the named ones
  or your own :class:`Pattern`) over the stored events, optionally only those ``since`` a moment. Session-scoped
  patterns use the stored ``sessionId``; when no event has one, sessions are computed in memory (30 minutes).
* :func:`channel_transitions` counts channel → channel steps along the ``NEXT`` chains in Cypher (no
  streaming); :func:`funnel` and :func:`attribution` stream the events and use the pure functions.
* :func:`customer_journey` returns one customer's events in order with channels, products and the named
  patterns they match.

Every public function here returns JSON-ready dicts (str, int, float, None, lists, dicts): the HTTP layer can
hand them out as they are. Timestamps are ISO 8601 strings in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from graphengine.analytics.runs import analysis_run
from graphengine.errors import NotFound
from graphengine.journeys.attribution import DAY, attribute, attribute_all, conversion_paths, credits_by_channel
from graphengine.journeys.core import (
    NAMED_PATTERNS,
    Events,
    Matches,
    Pattern,
    Transitions,
    match_pattern,
    named_pattern,
    sessionize,
)
from graphengine.journeys.core import funnel as _funnel
from graphengine.journeys.event_stream import When, as_datetime, iso, read_events
from graphengine.journeys.graph_paths import (
    abandonment_journeys,
    community_connection,
    path_to_account,
    path_to_product,
)
from graphengine.store import Store

DEFAULT_TIMEOUT = 1800.0


# ---- sessions -----------------------------------------------------------------------------------------------
def sessionize_graph(
    store: Store,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    per_channel: bool = False,
    bot_min_gap: float | None = None,
    bot_quantile: float = 0.5,
    bot_min_events: int = 5,
    batch_size: int | None = None,
) -> dict[str, Any]:
    """Sessionize every customer's events (see :func:`journeys.sessionize`) and write ``sessionId`` back.

    Robot customers (with ``bot_min_gap``) get no session (``sessionId`` removed). Returns the run summary
    with ``stats`` (sessions per customer) and the robot customers found.
    """
    params = {
        "timeout": timeout,
        "perChannel": per_channel,
        "botMinGap": bot_min_gap,
        "botQuantile": bot_quantile,
        "botMinEvents": bot_min_events,
    }
    with analysis_run(store, "sessions", "inactivity-timeout", "numpy", "events", params) as run:
        with run.timed("read"):
            events = read_events(store)
        with run.timed("compute"):
            found = sessionize(
                events,
                timeout=timeout,
                per_channel=per_channel,
                bot_min_gap=bot_min_gap,
                bot_quantile=bot_quantile,
                bot_min_events=bot_min_events,
            )
            labels = np.asarray((*found.labels, None), dtype=object)[found.session]  # -1 → None
            rows = [{"id": e, "session": s} for e, s in zip(events.event_id.tolist(), labels.tolist(), strict=True)]
        with run.timed("write"):
            store.write_batches("journeys.write_event_sessions", rows, batch_size=batch_size, runId=run.run_id)
        stats = found.stats()
        run.counts.update(events=len(events), sessions=len(found.labels), botCustomers=len(found.bot_customers))
        run.metrics.update(sessionsPerCustomer=float(stats["mean"]), medianSessionsPerCustomer=float(stats["median"]))
    return run.summary() | {"stats": stats, "botCustomers": list(found.bot_customers[:100])}


def _with_sessions(events: Events) -> Events:
    """The events, sessionized in memory (default timeout) when none carries a stored session id."""
    if len(events) and not (events.session >= 0).any():
        return sessionize(events, timeout=DEFAULT_TIMEOUT).apply(events)
    return events


# ---- patterns -----------------------------------------------------------------------------------------------
def find_matches(store: Store, pattern: str | Pattern, *, since: When = None, events: Events | None = None) -> Matches:
    """Matches of a named pattern (or a :class:`Pattern`) over the stored events at or after ``since``.

    Pass ``events`` (from :func:`read_events`) to match several patterns over one read.
    """
    compiled = named_pattern(pattern) if isinstance(pattern, str) else pattern
    ev = events if events is not None else read_events(store, since=since)
    if compiled.scope == "session":
        ev = _with_sessions(ev)
    return match_pattern(ev, compiled)


def _match_records(matches: Matches) -> list[dict[str, Any]]:
    records = matches.to_records()
    for record in records:
        record["startAt"], record["endAt"] = iso(record["startAt"]), iso(record["endAt"])
    records.sort(key=lambda r: (r["endAt"] or "", r["customer"]), reverse=True)
    return records


def pattern_matches(
    store: Store, name: str, since: When = None, limit: int = 100, *, events: Events | None = None
) -> dict[str, Any]:
    """Matches of the named pattern ``name``, newest first (at most ``limit``), with totals. Totals count every
    match; the listed matches are those of customers with profiling consent (``withheld`` counts the others)."""
    pattern = named_pattern(name)
    matches = find_matches(store, pattern, since=since, events=events)
    customers = sorted({str(c) for c in matches.customer.tolist()})
    rows = store.query("journeys.list_profiled_customers", {"ids": customers}) if customers else []
    shown = set(rows[0]["ids"]) if rows else set()
    records = _match_records(matches)
    listed = [r for r in records if str(r["customer"]) in shown]
    return {
        "pattern": name,
        "description": pattern.description,
        "since": iso(as_datetime(since)),
        "total": len(matches),
        "customers": len(customers),
        "withheld": len(records) - len(listed),
        "matches": listed[: max(limit, 0)],
    }


def pattern_counts(store: Store, since: When = None, *, events: Events | None = None) -> dict[str, int]:
    """Number of matches of every named pattern (one read of the events)."""
    ev = events if events is not None else read_events(store, since=since)
    ev = _with_sessions(ev)
    return {name: len(match_pattern(ev, pattern)) for name, pattern in NAMED_PATTERNS.items()}


# ---- transitions, funnels, attribution ----------------------------------------------------------------------
def transitions_from_graph(
    store: Store, *, scope: Literal["customer", "session"] = "customer", since: When = None
) -> Transitions:
    """Channel → channel counts along the NEXT chains, aggregated in Neo4j."""
    rows = store.query(
        "journeys.count_channel_transitions", {"sameSession": scope == "session", "since": as_datetime(since)}
    )
    channels = tuple(sorted({r["src"] for r in rows} | {r["dst"] for r in rows}))
    index = {c: k for k, c in enumerate(channels)}
    counts = np.zeros((len(channels), len(channels)), dtype=np.int64)
    for r in rows:
        counts[index[r["src"]], index[r["dst"]]] += int(r["transitions"])
    return Transitions(channels=channels, counts=counts)


def channel_transitions(
    store: Store,
    *,
    scope: Literal["customer", "session"] = "customer",
    skip_repeats: bool = False,
    since: When = None,
) -> dict[str, Any]:
    """The channel transition matrix (counts and row probabilities) and the non-zero transitions as records."""
    found = transitions_from_graph(store, scope=scope, since=since)
    counts = found.counts.copy()
    if skip_repeats:
        np.fill_diagonal(counts, 0)
    found = Transitions(channels=found.channels, counts=counts)
    probs, names = found.probabilities, found.channels
    cells = sorted(zip(*np.nonzero(counts), strict=True), key=lambda ab: (-counts[ab], ab))
    return {
        "scope": scope,
        "skipRepeats": skip_repeats,
        "since": iso(as_datetime(since)),
        "channels": list(found.channels),
        "counts": found.counts.tolist(),
        "probabilities": found.probabilities.round(6).tolist(),
        "total": int(found.counts.sum()),
        "transitions": [
            {"from": names[a], "to": names[b], "count": int(counts[a, b]), "probability": float(probs[a, b])}
            for a, b in cells
        ],
    }


def funnel(
    store: Store,
    steps: Sequence[str] = ("view", "cart", "purchase"),
    *,
    scope: Literal["customer", "session"] = "session",
    within_seconds: float | None = None,
    since: When = None,
    events: Events | None = None,
) -> dict[str, Any]:
    """Scopes (sessions or customers) reaching each step after the previous one, with step and overall rates."""
    ev = events if events is not None else read_events(store, since=since)
    if scope == "session":
        ev = _with_sessions(ev)
    found = _funnel(ev, list(steps), scope=scope, within_seconds=within_seconds)
    return {
        "scope": scope,
        "scopes": found.scopes,
        "since": iso(as_datetime(since)),
        "withinSeconds": within_seconds,
        "steps": [
            {"step": step, "reached": int(n), "stepRate": float(a), "overallRate": float(b)}
            for step, n, a, b in zip(found.steps, found.reached, found.step_rates, found.overall_rates, strict=True)
        ],
    }


def attribution(
    store: Store,
    model: str = "all",
    since: When = None,
    *,
    lookback_days: float = 30.0,
    half_life_days: float = 7.0,
    markov_orders: Sequence[int] = (1, 2),
    conversion_types: Sequence[str] = ("purchase", "conversion"),
    events: Events | None = None,
) -> dict[str, Any]:
    """Credit per channel under one model (``first_touch`` … ``markov_2``) or all of them (``"all"``), on
    conversions and on conversion value, from the paths to conversion in the stored events."""
    ev = events if events is not None else read_events(store, since=since)
    paths = conversion_paths(ev, conversion_types=conversion_types, lookback_seconds=lookback_days * DAY)
    half_life = half_life_days * DAY
    if model == "all":
        results = attribute_all(paths, markov_orders=markov_orders, half_life_seconds=half_life)
    else:
        results = {model: attribute(paths, model, half_life_seconds=half_life)}
    models = credits_by_channel(results)
    return {
        "since": iso(as_datetime(since)),
        "lookbackDays": lookback_days,
        "conversionTypes": list(conversion_types),
        "channels": list(paths.channels),
        "paths": len(paths),
        "convertingPaths": int((paths.conversions > 0).sum()),
        "totalConversions": float(paths.conversions.sum()),
        "totalValue": float(paths.value.sum()),
        "unattributedConversions": paths.unattributed_conversions,
        "unattributedValue": paths.unattributed_value,
        "models": models,
    }


# ---- one customer -------------------------------------------------------------------------------------------
def customer_journey(store: Store, customer_id: str, limit: int = 500) -> dict[str, Any]:
    """A customer's events in time order (at most ``limit``) with channels and products, the sessions and
    channels seen, and how often each named pattern matches; raises :class:`NotFound` for an unknown customer."""
    rows = store.query("journeys.get_customer_journey", {"customerId": customer_id, "limit": limit})
    if not rows:
        raise NotFound(f"no customer {customer_id!r}", details={"customerId": customer_id})
    customer, events = rows[0]["customer"], rows[0]["events"]
    records = [
        {
            "customerId": customer_id,
            "eventId": e["eventId"],
            "at": as_datetime(e["at"]),
            "type": e["type"],
            "channelId": (e["channel"] or {}).get("channelId"),
            "productId": (e["product"] or {}).get("productId"),
            "value": e["value"],
            "resultCount": e["resultCount"],
            "sessionId": e["sessionId"],
        }
        for e in events
    ]
    patterns: dict[str, int] = {}
    if records:
        ev = _with_sessions(Events.from_records(records))
        patterns = {name: len(match_pattern(ev, p)) for name, p in NAMED_PATTERNS.items()}
    channels: list[str] = []
    for r in records:
        if r["channelId"] and (not channels or channels[-1] != r["channelId"]):
            channels.append(r["channelId"])
    return {
        "customer": customer,
        "events": events,
        "returned": len(events),
        "truncated": customer["events"] > len(events),
        "sessions": len({r["sessionId"] for r in records if r["sessionId"]}),
        "channelPath": channels,
        "patterns": patterns,
    }


__all__ = [
    "abandonment_journeys",
    "attribution",
    "channel_transitions",
    "community_connection",
    "customer_journey",
    "find_matches",
    "funnel",
    "path_to_account",
    "path_to_product",
    "pattern_counts",
    "pattern_matches",
    "read_events",
    "sessionize_graph",
    "transitions_from_graph",
]
