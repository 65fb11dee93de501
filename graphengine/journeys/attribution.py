"""Multi-touch attribution: paths to conversion, five heuristics and the Markov chain removal effect.

**Paths.** :func:`conversion_paths` walks each customer's events in time order: every conversion event
(``purchase``/``conversion`` by default) closes a path made of the customer's touches since the previous
conversion and within ``lookback_seconds`` before it; touches after a customer's last conversion form one
non-converting path (within the lookback of its last touch). A conversion with no touch in its lookback is
counted as *unattributed* and left out, so every model's credits add up to ``total_conversions`` (and
``total_value``) of the attributed paths. :meth:`Paths.from_sequences` builds paths directly (tests, peers).

**Heuristics** (per converting path, weights over its touches sum to 1; repeated channels add up):
first-touch, last-touch, linear (1/n each), time-decay (``2 ** (-age / half_life)``, normalised; age is the
time from the touch to the conversion) and position-based (40% first, 40% last, 20% shared by the middle;
one touch gets 100%, two touches 50/50).

**Markov** (order k): states are the last k channels (a path shorter than k is one state of its own),
consecutive repeats of a state collapse, and every path adds counts start → s1 → … → sn → conversion (its
conversions) / null (its non-conversions). With Q the transient block and r the one-step conversion
probabilities, the conversion probability from the start is the first entry of ``(I - Q)^-1 r``, solved with a
sparse LU, not by simulation. Removing a channel sends every state that contains it to null; the removal
effect is ``1 - P(conversion without c) / P(conversion)``, and credits are the total shared in proportion to
the removal effects. On value, r is weighted by the mean value of the conversions leaving each state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from graphengine.errors import AnalysisError
from graphengine.journeys.events import Events, FloatArray, IntArray, encode

__all__ = [
    "HEURISTIC_MODELS",
    "Attribution",
    "Paths",
    "attribute",
    "attribute_all",
    "attribute_available",
    "conversion_paths",
    "credits_by_channel",
    "heuristic",
    "markov",
]

HEURISTIC_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based")
TIMED_MODELS = ("time_decay",)
DAY = 86400.0


@dataclass(frozen=True, eq=False)
class Paths:
    """Touch paths as a ragged array: path ``p`` is ``touch_channel[offsets[p]:offsets[p + 1]]``.

    Per path: ``conversions`` (count; 0 for a non-converting path), ``nulls`` (non-converting journeys),
    ``value`` (conversion value) and ``end_ts`` (conversion time, or last touch).
    """

    channels: tuple[str, ...]
    offsets: IntArray
    touch_channel: IntArray
    touch_ts: FloatArray
    end_ts: FloatArray
    conversions: FloatArray
    nulls: FloatArray
    value: FloatArray
    unattributed_conversions: float = 0.0
    unattributed_value: float = 0.0

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> IntArray:
        return np.diff(self.offsets)

    @property
    def has_times(self) -> bool:
        """Whether every touch and path end has a time (aggregated paths have none)."""
        return not (np.isnan(self.touch_ts).any() or np.isnan(self.end_ts).any())

    @classmethod
    def from_sequences(
        cls,
        sequences: Sequence[Sequence[str]],
        *,
        conversions: Sequence[float] | None = None,
        nulls: Sequence[float] | None = None,
        value: Sequence[float] | None = None,
        touch_ts: Sequence[Sequence[float]] | None = None,
        end_ts: Sequence[float] | None = None,
    ) -> Paths:
        """Paths from channel-name sequences (default: each path is one conversion worth 0)."""
        if any(len(s) == 0 for s in sequences):
            raise AnalysisError("every path needs at least one touch")
        n = len(sequences)
        flat = [c for s in sequences for c in s]
        codes, channels = encode(np.array(flat, dtype=object))
        ts = (
            np.array([t for s in touch_ts for t in s], dtype=np.float64)
            if touch_ts is not None
            else np.full(len(flat), np.nan)
        )
        if len(ts) != len(flat):
            raise AnalysisError("touch_ts must give one time per touch")
        return cls(
            channels=channels,
            offsets=np.r_[0, np.cumsum([len(s) for s in sequences])].astype(np.int64),
            touch_channel=codes,
            touch_ts=ts,
            end_ts=np.asarray(end_ts, dtype=np.float64) if end_ts is not None else np.full(n, np.nan),
            conversions=np.asarray(conversions, dtype=np.float64) if conversions is not None else np.ones(n),
            nulls=np.asarray(nulls, dtype=np.float64) if nulls is not None else np.zeros(n),
            value=np.asarray(value, dtype=np.float64) if value is not None else np.zeros(n),
        )

    def to_strings(self, sep: str = " > ") -> list[str]:
        """Each path as channel names joined by ``sep`` (for peers such as ChannelAttribution)."""
        names = np.asarray(self.channels, dtype=object)[self.touch_channel]
        return [sep.join(names[a:b]) for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)]


def conversion_paths(
    events: Events,
    *,
    conversion_types: Sequence[str] = ("purchase", "conversion"),
    touch_types: Sequence[str] | None = None,
    lookback_seconds: float = 30 * DAY,
    include_non_converting: bool = True,
) -> Paths:
    """Paths to conversion per customer (see the module docstring); touches need a channel."""
    ev, _ = events.sorted()
    n = len(ev)
    is_conv = np.isin(ev.type, ev.codes_of("types", conversion_types))
    is_touch = ~is_conv & (ev.channel >= 0)
    if touch_types is not None:
        is_touch &= np.isin(ev.type, ev.codes_of("types", touch_types))
    conv_rows = np.flatnonzero(is_conv)
    n_conv = len(conv_rows)
    target: IntArray = (
        np.cumsum(is_conv, dtype=np.int64) - is_conv
    )  # index of the next conversion at or after each row, globally
    safe = np.minimum(target, max(n_conv - 1, 0))
    converting = (target < n_conv) & (ev.customer[conv_rows[safe]] == ev.customer if n_conv else np.zeros(n, bool))
    conv_ts = ev.ts[conv_rows]
    keep = is_touch & converting & (conv_ts[safe] - ev.ts <= lookback_seconds if n_conv else False)
    key = np.where(converting, target, -1)
    if include_non_converting:
        tail = is_touch & ~converting
        last_touch = np.full(len(ev.customers), -np.inf)
        np.maximum.at(last_touch, ev.customer[tail], ev.ts[tail])
        tail &= last_touch[ev.customer] - ev.ts <= lookback_seconds
        keep |= tail
        key = np.where(tail, n_conv + ev.customer, key)
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(key[rows], kind="stable")]
    path_key, first = np.unique(key[rows], return_index=True)
    offsets = np.r_[first, len(rows)].astype(np.int64)
    is_conv_path = path_key < n_conv
    conv_of_path = np.where(is_conv_path, path_key, 0)
    conv_value = np.nan_to_num(ev.value[conv_rows]) if n_conv else np.zeros(1)
    path_end = np.where(
        is_conv_path, conv_ts[conv_of_path] if n_conv else 0.0, ev.ts[rows[offsets[1:] - 1]] if len(rows) else 0.0
    )
    attributed = np.zeros(n_conv, dtype=bool)
    attributed[path_key[is_conv_path]] = True
    return Paths(
        channels=ev.channels,
        offsets=offsets,
        touch_channel=ev.channel[rows],
        touch_ts=ev.ts[rows],
        end_ts=np.asarray(path_end, dtype=np.float64),
        conversions=is_conv_path.astype(np.float64),
        nulls=(~is_conv_path).astype(np.float64),
        value=np.where(is_conv_path, conv_value[conv_of_path], 0.0),
        unattributed_conversions=float(n_conv - attributed.sum()),
        unattributed_value=float(conv_value[:n_conv][~attributed].sum()) if n_conv else 0.0,
    )


@dataclass(frozen=True, eq=False)
class Attribution:
    """Credit per channel under one model, on conversions and on conversion value."""

    model: str
    channels: tuple[str, ...]
    conversions: FloatArray
    value: FloatArray
    total_conversions: float
    total_value: float
    removal_effect: FloatArray | None = None
    removal_effect_value: FloatArray | None = None

    def as_dict(self, on: str = "conversions") -> dict[str, float]:
        """channel → credit (``on`` is ``"conversions"`` or ``"value"``)."""
        credit = self.conversions if on == "conversions" else self.value
        return {c: float(v) for c, v in zip(self.channels, credit, strict=True)}

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {
                "model": self.model,
                "channel": c,
                "conversions": float(self.conversions[k]),
                "value": float(self.value[k]),
                "removalEffect": None if self.removal_effect is None else float(self.removal_effect[k]),
            }
            for k, c in enumerate(self.channels)
        ]


def _positions(paths: Paths) -> tuple[IntArray, IntArray, IntArray]:
    """Per touch: its path, its position in the path, the path length."""
    lengths = paths.lengths
    path = np.repeat(np.arange(len(paths), dtype=np.int64), lengths)
    pos = np.arange(len(path), dtype=np.int64) - paths.offsets[path]
    return path, pos, lengths[path]


def heuristic(
    paths: Paths,
    model: str,
    *,
    half_life_seconds: float = 7 * DAY,
    position_weights: tuple[float, float] = (0.4, 0.4),
) -> Attribution:
    """One of :data:`HEURISTIC_MODELS` on the converting paths."""
    path, pos, length = _positions(paths)
    if model == "first_touch":
        w = (pos == 0).astype(np.float64)
    elif model == "last_touch":
        w = (pos == length - 1).astype(np.float64)
    elif model == "linear":
        w = 1.0 / length
    elif model == "position_based":
        head, tail = position_weights
        middle = (1.0 - head - tail) / np.maximum(length - 2, 1)
        w = np.where(pos == 0, head, np.where(pos == length - 1, tail, middle))
        w = np.where(length == 1, 1.0, np.where(length == 2, 0.5, w))
    elif model == "time_decay":
        if half_life_seconds <= 0:
            raise AnalysisError("half_life_seconds must be > 0")
        age = paths.end_ts[path] - paths.touch_ts
        if np.isnan(age).any():
            raise AnalysisError("time_decay needs touch and conversion times")
        youngest = np.minimum.reduceat(age, paths.offsets[:-1])[path] if len(age) else age
        raw = np.exp2(-(age - youngest) / half_life_seconds)  # shifted per path: no underflow, cancels out
        w = raw / np.bincount(path, weights=raw, minlength=len(paths))[path]
    else:
        raise AnalysisError(f"unknown attribution model {model!r}", details={"known": [*HEURISTIC_MODELS, "markov"]})
    k = len(paths.channels)
    conv = np.bincount(paths.touch_channel, weights=w * paths.conversions[path], minlength=k).astype(np.float64)
    value = np.bincount(paths.touch_channel, weights=w * paths.value[path], minlength=k).astype(np.float64)
    return Attribution(model, paths.channels, conv, value, float(paths.conversions.sum()), float(paths.value.sum()))


def _states(paths: Paths, order: int) -> tuple[IntArray, IntArray, IntArray]:
    """(state id per kept position, path of each, state → channel digits (states × order, 0 = none))."""
    path, pos, length = _positions(paths)
    base = len(paths.channels) + 1
    if order * np.log2(base) > 62:
        raise AnalysisError(f"order {order} is too high for {base - 1} channels")
    code = np.zeros(len(path), dtype=np.int64)
    digit = paths.touch_channel + 1
    for t in range(order):  # code = digits of the last `order` channels, most recent first
        back = np.arange(len(path)) - t
        ok = pos - t >= 0
        code += np.where(ok, digit[np.maximum(back, 0)], 0) * base**t
    keep = np.where(length >= order, pos >= order - 1, pos == length - 1)
    code, path = code[keep], path[keep]
    fresh = np.r_[True, (path[1:] != path[:-1]) | (code[1:] != code[:-1])] if len(code) else np.zeros(0, bool)
    code, path = code[fresh], path[fresh]
    uniq, state = np.unique(code, return_inverse=True)
    digits = (
        np.stack([(uniq // base**t) % base for t in range(order)], axis=1)
        if len(uniq)
        else np.zeros((0, order), np.int64)
    )
    return state.ravel().astype(np.int64), path, digits


def markov(paths: Paths, *, order: int = 1) -> Attribution:
    """Markov chain removal-effect attribution of order ``order`` (see the module docstring)."""
    if order < 1:
        raise AnalysisError("order must be >= 1")
    k = len(paths.channels)
    total_c, total_v = float(paths.conversions.sum()), float(paths.value.sum())
    state, path, digits = _states(paths, order)
    n_states = len(digits)
    if n_states == 0 or total_c <= 0:
        zeros = np.zeros(k)
        return Attribution(
            f"markov_{order}", paths.channels, zeros, zeros.copy(), total_c, total_v, zeros.copy(), zeros.copy()
        )
    node = state + 1  # 0 = start, 1..n = states, n+1 = conversion, n+2 = null
    conv_node, null_node = n_states + 1, n_states + 2
    weight = paths.conversions + paths.nulls
    first = np.r_[True, path[1:] != path[:-1]]
    last = np.r_[path[1:] != path[:-1], True]
    src = np.r_[np.zeros(first.sum(), np.int64), node[:-1][~first[1:]], node[last], node[last]]
    dst = np.r_[node[first], node[1:][~first[1:]], np.full(last.sum(), conv_node), np.full(last.sum(), null_node)]
    w = np.r_[weight[path[first]], weight[path[1:][~first[1:]]], paths.conversions[path[last]], paths.nulls[path[last]]]
    size = n_states + 3
    counts = sp.coo_matrix((w, (src, dst)), shape=(size, size)).tocsr()
    out = np.asarray(counts.sum(axis=1)).ravel()
    probs = sp.diags(np.divide(1.0, out, out=np.zeros(size), where=out > 0)) @ counts
    q = probs[: n_states + 1, : n_states + 1].tocsr()
    r_conv = probs[: n_states + 1, conv_node].toarray().ravel()
    conv_from = np.bincount(node[last], weights=paths.conversions[path[last]], minlength=n_states + 1)
    value_from = np.bincount(node[last], weights=paths.value[path[last]], minlength=n_states + 1)
    mean_value = np.divide(value_from, conv_from, out=np.zeros(n_states + 1), where=conv_from > 0)
    rhs = np.column_stack([r_conv, r_conv * mean_value])
    eye = sp.identity(n_states + 1, format="csc")

    def start_row(alive: FloatArray) -> FloatArray:
        keep = sp.diags(alive)
        x = splu((eye - keep @ q).tocsc()).solve(rhs * alive[:, None])
        return np.asarray(x[0], dtype=np.float64)

    full = start_row(np.ones(n_states + 1))
    removal = np.zeros((k, 2))
    for c in range(k):
        alive = np.r_[1.0, (~(digits == c + 1).any(axis=1)).astype(np.float64)]
        without = start_row(alive)
        removal[c] = 1.0 - np.divide(without, full, out=np.ones(2), where=full > 0)
    removal = np.clip(removal, 0.0, None)
    sums = removal.sum(axis=0)
    share = np.divide(removal, sums, out=np.zeros_like(removal), where=sums > 0)
    return Attribution(
        f"markov_{order}",
        paths.channels,
        share[:, 0] * total_c,
        share[:, 1] * total_v,
        total_c,
        total_v,
        removal[:, 0],
        removal[:, 1],
    )


def attribute(paths: Paths, model: str, *, order: int = 1, half_life_seconds: float = 7 * DAY) -> Attribution:
    """One model by name: a heuristic, ``"markov"`` (with ``order``) or ``"markov_<k>"``."""
    if model == "markov":
        return markov(paths, order=order)
    if model.startswith("markov_") and model[7:].isdigit():
        return markov(paths, order=int(model[7:]))
    return heuristic(paths, model, half_life_seconds=half_life_seconds)


def attribute_all(
    paths: Paths, *, markov_orders: Sequence[int] = (1, 2), half_life_seconds: float = 7 * DAY
) -> dict[str, Attribution]:
    """Every heuristic plus Markov at each order in ``markov_orders``, keyed by model name."""
    out = {m: heuristic(paths, m, half_life_seconds=half_life_seconds) for m in HEURISTIC_MODELS}
    for order in markov_orders:
        out[f"markov_{order}"] = markov(paths, order=order)
    return out


def attribute_available(
    paths: Paths, model: str = "all", *, markov_orders: Sequence[int] = (1, 2), half_life_seconds: float = 7 * DAY
) -> tuple[dict[str, Attribution], dict[str, str]]:
    """``model`` (or every model for ``"all"``) on ``paths``; models that need touch times are skipped, with the
    reason, when the paths have none. Asking for such a model by name on such paths raises AnalysisError."""
    names = [*HEURISTIC_MODELS, *(f"markov_{o}" for o in markov_orders)] if model == "all" else [model]
    why = "needs touch and conversion times; these paths have none (aggregated paths)"
    skipped = {m: why for m in names if m in TIMED_MODELS and not paths.has_times}
    if model != "all" and skipped:
        raise AnalysisError(f"{model} {why}", details={"model": model})
    done = {m: attribute(paths, m, half_life_seconds=half_life_seconds) for m in names if m not in skipped}
    return done, skipped


def credits_by_channel(results: dict[str, Attribution]) -> dict[str, dict[str, dict[str, float]]]:
    """model → channel → {conversions, value[, removalEffect]}: the JSON shape of every attribution answer."""
    return {
        name: {
            rec["channel"]: {k: rec[k] for k in ("conversions", "value", "removalEffect") if rec[k] is not None}
            for rec in result.to_records()
        }
        for name, result in results.items()
    }
