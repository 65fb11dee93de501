"""Read Event nodes out of Neo4j into an :class:`Events` table, columnar and in customer-range batches.

One query per batch returns a handful of aligned lists (``journeys.stream_events``): no per-row records, no
per-row round trips. Batches are ranges of customer keys (inclusive, in the order Cypher sorts strings) sized
from each customer's event count (``journeys.list_event_customers``), so every batch carries about
``events_per_batch`` events and is served by a range seek on the Customer key index plus one expansion per
customer. The server's work (reading the properties) dominates, so a few batch queries run at once: each
is answered on its own server thread, in order, while Python appends the finished ones.
Missing values travel as ``''`` (text), ``NaN`` (value) and ``-1`` (result count), the codes the
:class:`Events` container uses for "none".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from graphengine.errors import AnalysisError
from graphengine.journeys.events import Events
from graphengine.store import Store

COLUMNS = ("eventId", "customerId", "atMs", "type", "channelId", "productId", "value", "resultCount", "sessionId")
When = dt.datetime | dt.date | str | float | int | None


def as_datetime(value: When) -> dt.datetime | None:
    """A timezone-aware datetime (naive means UTC) from a datetime, a date, an ISO string or epoch seconds."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    try:
        text = value.strip()
        parsed = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
    except ValueError:
        raise AnalysisError(f"not an ISO date or datetime: {value!r}", details={"value": value}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def iso(value: float | dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (epoch seconds or a datetime)."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def customer_ranges(store: Store, events_per_batch: int) -> list[tuple[str, str]]:
    """Inclusive (first, last) customer-key ranges holding about ``events_per_batch`` events each."""
    if events_per_batch < 1:
        raise AnalysisError("events_per_batch must be >= 1")
    row = store.query("journeys.list_event_customers")[0]
    ids: list[str] = row["ids"]
    if not ids:
        return []
    cumulative = np.cumsum(np.asarray(row["events"], dtype=np.int64))
    # a batch ends at the customer where the running total crosses the next multiple of events_per_batch
    bucket = (cumulative - 1) // events_per_batch
    ends = np.flatnonzero(np.r_[bucket[1:] != bucket[:-1], True])
    starts = np.r_[0, ends[:-1] + 1]
    return [(ids[a], ids[b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def _fetch(
    store: Store, lower: str, upper: str, since: dt.datetime | None, until: dt.datetime | None
) -> dict[str, Any]:
    rows = store.query("journeys.stream_events", {"lower": lower, "upper": upper, "since": since, "until": until})
    return rows[0] if rows else {c: [] for c in COLUMNS}


def _batches(
    store: Store,
    ranges: list[tuple[str, str]],
    since: dt.datetime | None,
    until: dt.datetime | None,
    workers: int,
) -> Iterator[dict[str, Any]]:
    """The batches in order, with up to ``workers`` queries in flight on the server."""
    if len(ranges) <= 1 or workers <= 1:
        yield from (_fetch(store, a, b, since, until) for a, b in ranges)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="event-stream") as pool:
        pending = [pool.submit(_fetch, store, a, b, since, until) for a, b in ranges[:workers]]
        for nxt in ranges[workers:]:
            done = pending.pop(0).result()
            pending.append(pool.submit(_fetch, store, *nxt, since, until))
            yield done
        for future in pending:
            yield future.result()


def read_events(
    store: Store, *, since: When = None, until: When = None, events_per_batch: int = 20_000, workers: int = 2
) -> Events:
    """Every event (``since <= at < until``; ``None`` = open) as an :class:`Events` table in canonical order
    (customer, time, event id), with session ids as stored on the events. ``workers`` batch queries run at
    once (the server answers each on its own thread)."""
    lo, hi = as_datetime(since), as_datetime(until)
    parts: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for batch in _batches(store, customer_ranges(store, events_per_batch), lo, hi, workers):
        for column in COLUMNS:
            parts[column].extend(batch[column])
    n = len(parts["eventId"])
    if n == 0:
        return Events.from_columns(customer=[], ts=[], type=[])
    return events_from_columns(parts)


def events_from_columns(columns: Mapping[str, Sequence[Any]]) -> Events:
    """The :class:`Events` table (canonical order) from the aligned lists of ``journeys.stream_events``."""
    return Events.from_columns(
        customer=np.asarray(columns["customerId"], dtype=str),
        ts=np.asarray(columns["atMs"], dtype=np.float64) / 1000.0,
        type=np.asarray(columns["type"], dtype=str),
        channel=np.asarray(columns["channelId"], dtype=str),
        event_id=np.asarray(columns["eventId"], dtype=str),
        product=np.asarray(columns["productId"], dtype=str),
        value=np.asarray(columns["value"], dtype=np.float64),
        result_count=np.asarray(columns["resultCount"], dtype=np.int64),
        session=np.asarray(columns["sessionId"], dtype=str),
    ).sorted()[0]


__all__ = ["as_datetime", "customer_ranges", "events_from_columns", "iso", "read_events"]
