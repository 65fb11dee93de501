"""The columnar event container that sessionize, the pattern matcher, funnels and attribution run over.

An :class:`Events` holds one row per event in parallel numpy arrays. Text fields (customer, type, channel,
product, session) are stored as integer codes into a sorted vocabulary tuple, so predicates and group-bys are
integer comparisons on whole columns and a million events cost a few tens of megabytes. Missing values are
``-1`` for codes and result counts and ``nan`` for values.

Rows are kept in the order given; :meth:`Events.sorted` returns the canonical order (customer, timestamp,
event id) that every analysis uses, so out-of-order input is handled in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def to_epoch_seconds(value: Any) -> float:
    """Epoch seconds from a number, a ``datetime`` (naive means UTC), a numpy datetime64 or a Neo4j DateTime."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, np.datetime64):
        return float(value.astype("datetime64[us]").astype(np.int64)) / 1e6
    return float(value)


def timestamps(values: Any) -> FloatArray:
    """A float64 array of epoch seconds from numbers, datetime64 arrays or datetime objects."""
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[us]").astype(np.int64).astype(np.float64) / 1e6
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    return np.fromiter((to_epoch_seconds(v) for v in arr.ravel()), dtype=np.float64, count=arr.size)


def encode(values: Any) -> tuple[IntArray, tuple[str, ...]]:
    """Integer codes (``-1`` for None/NaN/empty) and the sorted vocabulary of a text column."""
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64), ()
    if arr.dtype.kind == "U":
        present = arr != ""
        text = arr
    else:
        present = np.fromiter((v is not None and v == v and v != "" for v in arr), dtype=bool, count=arr.size)
        text = np.where(present, arr, "").astype(str)
    vocab, inverse = np.unique(text[present], return_inverse=True)
    codes = np.full(arr.size, -1, dtype=np.int64)
    codes[present] = inverse
    return codes, tuple(str(v) for v in vocab)


def _float_column(values: Any, n: int) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.dtype == object:
        arr = np.array([np.nan if v is None else float(v) for v in arr], dtype=np.float64)
    return np.asarray(arr, dtype=np.float64)


def _int_column(values: Any, n: int) -> IntArray:
    if values is None:
        return np.full(n, -1, dtype=np.int64)
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.dtype == object:
        arr = np.array([-1 if v is None else int(v) for v in arr], dtype=np.int64)
    return np.asarray(arr, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Events:
    """Events as parallel columns; build with :meth:`from_columns`, :meth:`from_records` or :meth:`from_codes`.

    ``customer``, ``type``, ``channel``, ``product`` and ``session`` are codes into ``customers``, ``types``,
    ``channels``, ``products`` and ``sessions``; ``ts`` is epoch seconds; ``event_id`` is an int or str array.
    """

    customer: IntArray
    event_id: NDArray[Any]
    ts: FloatArray
    type: IntArray
    channel: IntArray
    product: IntArray
    value: FloatArray
    result_count: IntArray
    session: IntArray
    customers: tuple[str, ...]
    types: tuple[str, ...]
    channels: tuple[str, ...]
    products: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    _sorted: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.customer)
        for name in ("event_id", "ts", "type", "channel", "product", "value", "result_count", "session"):
            if len(getattr(self, name)) != n:
                raise AnalysisError(f"events column {name!r} has {len(getattr(self, name))} rows, expected {n}")

    def __len__(self) -> int:
        return len(self.customer)

    @classmethod
    def from_codes(
        cls,
        *,
        customer: IntArray,
        ts: FloatArray,
        type: IntArray,
        channel: IntArray,
        customers: Sequence[str],
        types: Sequence[str],
        channels: Sequence[str],
        event_id: NDArray[Any] | None = None,
        product: IntArray | None = None,
        products: Sequence[str] = (),
        value: FloatArray | None = None,
        result_count: IntArray | None = None,
        session: IntArray | None = None,
        sessions: Sequence[str] = (),
    ) -> Events:
        """Build from already-encoded columns (the fast path for large synthetic or projected data)."""
        n = len(customer)
        return cls(
            customer=np.asarray(customer, dtype=np.int64),
            event_id=np.arange(n, dtype=np.int64) if event_id is None else np.asarray(event_id),
            ts=np.asarray(ts, dtype=np.float64),
            type=np.asarray(type, dtype=np.int64),
            channel=np.asarray(channel, dtype=np.int64),
            product=_int_column(product, n),
            value=_float_column(value, n),
            result_count=_int_column(result_count, n),
            session=_int_column(session, n),
            customers=tuple(customers),
            types=tuple(types),
            channels=tuple(channels),
            products=tuple(products),
            sessions=tuple(sessions),
        )

    @classmethod
    def from_columns(
        cls,
        *,
        customer: Any,
        ts: Any,
        type: Any,
        channel: Any = None,
        event_id: Any = None,
        product: Any = None,
        value: Any = None,
        result_count: Any = None,
        session: Any = None,
    ) -> Events:
        """Build from raw columns of equal length; text columns are encoded, timestamps converted."""
        customer_codes, customers = encode(customer)
        n = len(customer_codes)
        type_codes, types = encode(type)
        channel_codes, channels = encode(np.full(n, None, dtype=object) if channel is None else channel)
        product_codes, products = encode(np.full(n, None, dtype=object) if product is None else product)
        session_codes, sessions = encode(np.full(n, None, dtype=object) if session is None else session)
        if event_id is None:
            ids: NDArray[Any] = np.arange(n, dtype=np.int64)
        else:
            ids = np.asarray(event_id)
            if ids.dtype == object:
                ids = ids.astype(str) if any(isinstance(v, str) for v in ids) else ids.astype(np.int64)
        return cls(
            customer=customer_codes,
            event_id=ids,
            ts=timestamps(ts) if n else np.zeros(0),
            type=type_codes,
            channel=channel_codes,
            product=product_codes,
            value=_float_column(value, n),
            result_count=_int_column(result_count, n),
            session=session_codes,
            customers=customers,
            types=types,
            channels=channels,
            products=products,
            sessions=sessions,
        )

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Events:
        """Build from mappings with keys customer, ts (or at), type, and optionally event_id, channel, product,
        value, result_count, session (camelCase ``eventId``/``customerId``/``resultCount``/``sessionId`` work)."""
        aliases = {
            "customerId": "customer",
            "eventId": "event_id",
            "at": "ts",
            "resultCount": "result_count",
            "sessionId": "session",
            "productId": "product",
            "channelId": "channel",
        }
        rows = [{aliases.get(k, k): v for k, v in r.items()} for r in records]
        cols = ("customer", "ts", "type", "channel", "event_id", "product", "value", "result_count", "session")
        data: dict[str, Any] = {}
        for col in cols:
            vals = [r.get(col) for r in rows]
            data[col] = None if col not in ("customer", "ts", "type") and all(v is None for v in vals) else vals
        if not rows:
            data = {"customer": [], "ts": [], "type": []}
        elif data["event_id"] is not None and any(v is None for v in data["event_id"]):
            raise AnalysisError("event_id is missing on some events")
        return cls.from_columns(**{k: np.array(v, dtype=object) if v is not None else None for k, v in data.items()})

    # ---- ordering -------------------------------------------------------------------------------------------
    def order(self) -> IntArray:
        """The permutation that sorts rows by (customer, ts, event id)."""
        return np.lexsort((self.event_id, self.ts, self.customer)).astype(np.int64)

    def is_sorted(self) -> bool:
        if self._sorted or len(self) < 2:
            return True
        dc = np.diff(self.customer)
        dt = np.diff(self.ts)
        ok = (dc > 0) | ((dc == 0) & ((dt > 0) | ((dt == 0) & (self.event_id[1:] >= self.event_id[:-1]))))
        return bool(ok.all())

    def take(self, index: IntArray) -> Events:
        """Rows at ``index`` (vocabularies kept)."""
        return replace(
            self,
            customer=self.customer[index],
            event_id=self.event_id[index],
            ts=self.ts[index],
            type=self.type[index],
            channel=self.channel[index],
            product=self.product[index],
            value=self.value[index],
            result_count=self.result_count[index],
            session=self.session[index],
            _sorted=False,
        )

    def sorted(self) -> tuple[Events, IntArray]:
        """(events in canonical order, permutation from the original rows); a no-op copy if already sorted."""
        if self.is_sorted():
            return replace(self, _sorted=True), np.arange(len(self), dtype=np.int64)
        perm = self.order()
        return replace(self.take(perm), _sorted=True), perm

    def with_sessions(self, session: IntArray, labels: Sequence[str]) -> Events:
        """A copy with session codes (``-1`` for none) and their labels."""
        return replace(self, session=np.asarray(session, dtype=np.int64), sessions=tuple(labels))

    # ---- vocabularies ---------------------------------------------------------------------------------------
    def codes_of(self, vocab_name: str, names: str | Iterable[str]) -> IntArray:
        """Codes of ``names`` in a vocabulary (``types``, ``channels``, ...); unknown names are skipped."""
        vocab: tuple[str, ...] = getattr(self, vocab_name)
        wanted = {names} if isinstance(names, str) else set(names)
        return np.array([i for i, v in enumerate(vocab) if v in wanted], dtype=np.int64)

    def customer_starts(self) -> IntArray:
        """Index of the first row of each customer run (rows must be sorted)."""
        if len(self) == 0:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(np.r_[True, self.customer[1:] != self.customer[:-1]]).astype(np.int64)
