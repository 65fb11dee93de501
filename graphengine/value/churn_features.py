"""Churn features per customer at a cutoff day, computed only from what happened before the cutoff.

:class:`ChurnData` holds what the graph knows (read in a few bulk queries, no per-customer round trip):
purchase lines with their channel, customers with profiling consent and community, social accounts and follows,
referrals and journey events. :func:`churn_features` turns it into one row per customer who bought before the
cutoff day ``c`` (exclusive). Every input is filtered to times before ``c`` (a follow or referral without a time
counts as structure that was always there), so nothing after the cutoff can change a feature.

A customer has **lapsed** at ``c`` when they bought before ``c − horizon`` and not in ``[c − horizon, c)``: the
churn label, observed one horizon earlier. Feature groups:

* **rfm**: ``recency`` (days from the last line to ``c − 1``), ``frequency`` (orders), ``monetary`` (total);
* **transactions**: ``recency``, the RFM frequency and monetary scores (deciles among the customers at the
  cutoff, so they mean the same at any cutoff), ``orderRate`` (orders per year since the first purchase, at
  least a quarter), orders in the last 30 / 90 days, mean order value,
  BG/NBD ``expectedPurchases`` over the horizon, ``pQuiet`` (the probability of no purchase in the
  horizon: dead, or alive with a zero count) and ``clv`` (expected purchases × mean order value),
  fitted on the lines before ``c`` only (BG/NBD's ``pAlive`` is computed too, as a baseline score, not as an
  input: see :data:`ALL_FEATURES`), and the channel mix (``storeShare`` of lines, distinct ``channels``);
* **graph**: ``communityChurnRate`` (share of the customer's community that lapsed, the customer left out),
  ``pagerank``, ``followers`` and ``following`` of the customer's accounts on the follows before ``c``,
  ``followedLapsedShare`` (share of the customers whose accounts they follow that lapsed) and ``followedQuiet``
  (their mean ``pQuiet``), referrals made (``referred``) and received (``wasReferred``), and journey patterns:
  ``abandonedCarts`` (sessions with a cart and no purchase), ``fruitlessSearches`` (searches that found
  nothing) and the ``appShare`` of events. Missing values (no account, no community) stay NaN.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.store import Store
from graphengine.value.bgnbd import BGNBD
from graphengine.value.rfm import rfm
from graphengine.value.transactions import DAY_MS, Lines, holdout_counts, repeat_summary

Array = NDArray[np.float64]
Strings = NDArray[np.str_]
RFM_FEATURES = ("recency", "frequency", "monetary")
TRANSACTION_FEATURES = (
    "recency",
    "rfmFrequency",
    "rfmMonetary",
    "orderRate",
    "orders30",
    "orders90",
    "meanOrder",
    "expectedPurchases",
    "pQuiet",
    "clv",
    "storeShare",
    "channels",
)
GRAPH_FEATURES = (
    "communityChurnRate",
    "pagerank",
    "followers",
    "following",
    "followedLapsedShare",
    "followedQuiet",
    "referred",
    "wasReferred",
    "abandonedCarts",
    "fruitlessSearches",
    "appShare",
)
FEATURE_SETS = {
    "rfm": RFM_FEATURES,
    "transactions": TRANSACTION_FEATURES,
    "full": TRANSACTION_FEATURES + GRAPH_FEATURES,
}
# pAlive is computed (the BG/NBD baseline scores with it) but is no model input: on a short calibration window
# BG/NBD's fit often finds no dropout (P(alive) ≈ 1 for all), so its tiny differences at the training cutoff mean
# something else at the scoring cutoff; pQuiet and expectedPurchases carry what it knows.
ALL_FEATURES = tuple(dict.fromkeys(RFM_FEATURES + TRANSACTION_FEATURES + ("pAlive",) + GRAPH_FEATURES))


def _strings(values: Iterable[Any]) -> Strings:
    return np.asarray([("" if v is None else str(v)) for v in values], dtype=str)


def _days(timed: Iterable[Any], ms: Iterable[Any]) -> Array:
    """Epoch milliseconds → day numbers (float; NaN where ``timed`` says there is no time)."""
    days = np.asarray(list(ms), dtype=np.int64) // DAY_MS
    return np.where(np.asarray(list(timed), dtype=bool), days.astype(np.float64), np.nan)


@dataclass(frozen=True)
class ChurnData:
    """Everything the churn features read, as aligned arrays ('' and NaN mark missing values)."""

    lines: Lines
    channels: Strings
    customers: Strings
    profiling: NDArray[np.bool_]
    communities: Array
    accounts: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    owners: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    follow_src: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    follow_dst: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    follow_days: Array = field(default_factory=lambda: np.zeros(0))
    referral_src: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    referral_dst: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    referral_days: Array = field(default_factory=lambda: np.zeros(0))
    event_customers: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    event_sessions: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    event_types: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))
    event_days: Array = field(default_factory=lambda: np.zeros(0))
    event_fruitless: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    event_channels: Strings = field(default_factory=lambda: np.zeros(0, dtype=str))

    @classmethod
    def from_lines(cls, lines: Lines) -> ChurnData:
        """Transactions only (no graph): every customer counts as consenting, nobody has a community."""
        ids = np.unique(lines.customers)
        return cls(lines, np.full(len(lines), "", dtype=str), ids, np.ones(len(ids), bool), np.full(len(ids), np.nan))

    def consenting(self, ids: Strings) -> NDArray[np.bool_]:
        """Profiling consent of each of ``ids`` (False for a customer the data does not know)."""
        at = _positions(self.customers, ids)
        return np.where(at >= 0, self.profiling[np.maximum(at, 0)], False)


def read_churn_data(store: Store) -> ChurnData:
    """Read the graph in five bulk queries."""
    lines = store.query("value.stream_purchase_channels")[0]
    people = store.query("value.stream_churn_customers")[0]
    social = store.query("value.stream_owned_follows")[0]
    refs = store.query("value.stream_referrals_timed")[0]
    events = store.query("value.stream_journey_events")[0]
    order = np.argsort(_strings(people["ids"]), kind="stable")
    communities = np.asarray(people["communities"], dtype=np.float64)
    communities[communities < 0] = np.nan
    return ChurnData(
        lines=Lines(
            _strings(lines["customers"]),
            _strings(lines["orders"]),
            np.asarray(lines["atMs"], dtype=np.int64) // DAY_MS,
            np.asarray(lines["amounts"], dtype=np.float64),
        ),
        channels=_strings(lines["channels"]),
        customers=_strings(people["ids"])[order],
        profiling=np.asarray(people["profiling"], dtype=bool)[order],
        communities=communities[order],
        accounts=_strings(social["accounts"]),
        owners=_strings(social["owners"]),
        follow_src=_strings(social["src"]),
        follow_dst=_strings(social["dst"]),
        follow_days=_days(social["timed"], social["sinceMs"]),
        referral_src=_strings(refs["src"]),
        referral_dst=_strings(refs["dst"]),
        referral_days=_days(refs["timed"], refs["atMs"]),
        event_customers=_strings(events["customers"]),
        event_sessions=_strings(events["sessions"]),
        event_types=_strings(events["types"]),
        event_days=(np.asarray(events["atMs"], dtype=np.int64) // DAY_MS).astype(np.float64),
        event_fruitless=np.asarray(events["fruitless"], dtype=bool),
        event_channels=_strings(events["channels"]),
    )


@dataclass(frozen=True)
class Features:
    """One row per customer who bought before the cutoff (sorted ids), one column per feature name."""

    ids: Strings
    names: tuple[str, ...]
    matrix: Array
    cutoff_day: int

    def column(self, name: str) -> Array:
        return np.asarray(self.matrix[:, self.names.index(name)])

    def select(self, names: tuple[str, ...]) -> Features:
        return replace(self, names=names, matrix=self.matrix[:, [self.names.index(n) for n in names]])


def _positions(keys: Strings, wanted: Strings) -> NDArray[np.int64]:
    """Index of each ``wanted`` in the sorted ``keys``; -1 where absent."""
    if len(keys) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, at, -1).astype(np.int64)


def lapsed(lines: Lines, ids: Strings, cutoff_day: int, horizon_days: int) -> Array:
    """1 when a customer bought before ``cutoff − horizon`` but not in ``[cutoff − horizon, cutoff)``, 0 when they
    bought in that window, NaN when they had not bought before it."""
    start = cutoff_day - horizon_days
    earlier = np.isin(ids, lines.before(start).customers)
    recent = holdout_counts(lines, ids, start, cutoff_day) > 0
    return np.where(earlier, np.where(recent, 0.0, 1.0), np.nan)


def churned(lines: Lines, ids: Strings, start_day: int, end_day: int) -> NDArray[np.int64]:
    """The label: 1 for each of ``ids`` (sorted) with no purchase in ``[start_day, end_day)``."""
    quiet: NDArray[np.int64] = (holdout_counts(lines, ids, start_day, end_day) == 0).astype(np.int64)
    return quiet


def _transactions(
    data: ChurnData, cutoff: int, horizon_days: int, period_days: int
) -> tuple[Strings, dict[str, Array]]:
    before = data.lines.before(cutoff)
    if len(before) == 0:
        raise AnalysisError("no purchase lines before the cutoff: nothing to build churn features from")
    r = rfm(before, as_of_day=cutoff - 1, bins=10)
    ids, n = r.ids, len(r.ids)
    who = np.searchsorted(ids, before.customers)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, who, before.days)
    cols = {"recency": r.recency, "frequency": r.frequency, "monetary": r.monetary}
    years = np.maximum(cutoff - first, 1).astype(np.float64) / 365.0
    cols["rfmFrequency"], cols["rfmMonetary"] = r.f.astype(np.float64), r.m.astype(np.float64)
    cols["orderRate"] = r.frequency / np.maximum(years, 0.25)
    for days in (30, 90):
        recent = before.days >= cutoff - days
        pairs = np.unique(np.stack([who[recent], np.unique(before.orders, return_inverse=True)[1][recent]]), axis=1)
        cols[f"orders{days}"] = np.bincount(pairs[0], minlength=n).astype(np.float64)
    cols["meanOrder"] = r.monetary / np.maximum(r.frequency, 1.0)
    summary = repeat_summary(data.lines, cutoff, period_days)
    try:
        model = BGNBD.fit(summary.frequency, summary.recency, summary.age)
        cols["pAlive"] = model.p_alive(summary.frequency, summary.recency, summary.age)
        horizon = horizon_days / period_days
        cols["expectedPurchases"] = model.expected_purchases(horizon, summary.frequency, summary.recency, summary.age)
        # P(no purchase in the horizon) = dead, or alive with a zero negative-binomial count
        quiet_alive = ((model.alpha + summary.age) / (model.alpha + summary.age + horizon)) ** (
            model.r + summary.frequency
        )
        cols["pQuiet"] = 1.0 - cols["pAlive"] + cols["pAlive"] * quiet_alive
    except AnalysisError:
        cols["pAlive"] = cols["expectedPurchases"] = cols["pQuiet"] = np.full(n, np.nan)
    cols["clv"] = cols["expectedPurchases"] * cols["meanOrder"]
    keep = data.lines.days < cutoff
    channels = data.channels[keep]
    cols["storeShare"] = np.bincount(who, weights=(channels == "store"), minlength=n) / np.bincount(who, minlength=n)
    pairs = np.unique(np.stack([who, np.unique(channels, return_inverse=True)[1]]), axis=1)
    cols["channels"] = np.bincount(pairs[0], minlength=n).astype(np.float64)
    return ids, cols


def _mean_over(src: NDArray[np.int64], values: Array, n: int) -> Array:
    """Mean of ``values`` (NaN ignored) per ``src`` index; NaN for an index with no value."""
    ok = ~np.isnan(values)
    total = np.bincount(src[ok], weights=values[ok], minlength=n)
    count = np.bincount(src[ok], minlength=n)
    mean: Array = np.divide(total, count, out=np.full(n, np.nan), where=count > 0)
    return mean


def _social(data: ChurnData, ids: Strings, cutoff: int, status: Array, quiet: Array) -> dict[str, Array]:
    from graphengine.analytics.centrality import compute_centrality
    from graphengine.analytics.graph import ProjectedGraph

    n = len(ids)
    cols = {name: np.full(n, np.nan) for name in ("pagerank", "followers", "following")}
    cols["followedLapsedShare"], cols["followedQuiet"] = np.full(n, np.nan), np.full(n, np.nan)
    owned = data.owners != ""
    if not owned.any():
        return cols
    order = np.argsort(data.accounts)
    accounts, owners = data.accounts[order], data.owners[order]
    keep = ~(data.follow_days >= cutoff)  # a follow without a time counts
    keep &= (_positions(accounts, data.follow_src) >= 0) & (_positions(accounts, data.follow_dst) >= 0)
    src, dst = data.follow_src[keep], data.follow_dst[keep]
    graph = ProjectedGraph.from_edges(
        src.astype(object), dst.astype(object), nodes=accounts.astype(object), directed=True
    )
    rank = compute_centrality(graph, ["pagerank"]).scores["pagerank"] if graph.n_edges else np.zeros(len(accounts))
    rank_by_account = np.zeros(len(accounts))
    rank_by_account[_positions(accounts, graph.node_ids.astype(str))] = rank
    owner_at = _positions(ids, owners)
    mine = owner_at >= 0
    acc_in = np.bincount(_positions(accounts, dst), minlength=len(accounts)).astype(np.float64)
    acc_out = np.bincount(_positions(accounts, src), minlength=len(accounts)).astype(np.float64)
    for name, per_account in (("followers", acc_in), ("following", acc_out)):
        cols[name][np.unique(owner_at[mine])] = 0.0
        np.add.at(cols[name], owner_at[mine], per_account[mine])
    cols["pagerank"][np.unique(owner_at[mine])] = 0.0
    np.maximum.at(cols["pagerank"], owner_at[mine], rank_by_account[mine])
    follower = _positions(ids, owners[_positions(accounts, src)])
    followee = _positions(ids, owners[_positions(accounts, dst)])
    pair = (follower >= 0) & (followee >= 0) & (follower != followee)
    pairs = np.unique(np.stack([follower[pair], followee[pair]]), axis=1)
    cols["followedLapsedShare"] = _mean_over(pairs[0], status[pairs[1]], n)
    cols["followedQuiet"] = _mean_over(pairs[0], quiet[pairs[1]], n)
    return cols


def _journeys(data: ChurnData, ids: Strings, cutoff: int) -> dict[str, Array]:
    n = len(ids)
    keep = data.event_days < cutoff
    who = _positions(ids, data.event_customers[keep])
    types, fruitless, channels = data.event_types[keep], data.event_fruitless[keep], data.event_channels[keep]
    sessions = data.event_sessions[keep]
    known = who >= 0
    cols = {"fruitlessSearches": np.bincount(who[known & fruitless], minlength=n).astype(np.float64)}
    counted = np.bincount(who[known], minlength=n)
    app = np.bincount(who[known & (channels == "app")], minlength=n)
    cols["appShare"] = np.divide(app, counted, out=np.full(n, np.nan), where=counted > 0)
    carts = set(zip(who[known & (types == "cart")].tolist(), sessions[known & (types == "cart")].tolist(), strict=True))
    bought = set(
        zip(who[known & (types == "purchase")].tolist(), sessions[known & (types == "purchase")].tolist(), strict=True)
    )
    abandoned = np.zeros(n)
    for customer, _ in carts - bought:
        abandoned[customer] += 1
    cols["abandonedCarts"] = abandoned
    return cols


def churn_features(data: ChurnData, cutoff_day: int, horizon_days: int, *, period_days: int = 7) -> Features:
    """Every feature of :data:`ALL_FEATURES` for the customers who bought before ``cutoff_day``."""
    if horizon_days <= 0:
        raise AnalysisError(f"the churn horizon must be a positive number of days, not {horizon_days}")
    ids, cols = _transactions(data, cutoff_day, horizon_days, period_days)
    n = len(ids)
    status = lapsed(data.lines, ids, cutoff_day, horizon_days)
    community = data.communities[np.maximum(_positions(data.customers, ids), 0)]
    community = np.where(_positions(data.customers, ids) >= 0, community, np.nan)
    rate = np.full(n, np.nan)
    grouped = ~np.isnan(community) & ~np.isnan(status)
    if grouped.any():
        labels, inverse = np.unique(community[grouped], return_inverse=True)
        total = np.bincount(inverse, weights=status[grouped], minlength=len(labels))
        count = np.bincount(inverse, minlength=len(labels)).astype(np.float64)
        in_community = ~np.isnan(community)
        at = np.searchsorted(labels, community[in_community])
        at = np.minimum(at, len(labels) - 1)
        own = np.where(grouped[in_community], status[in_community], 0.0)
        others = count[at] - grouped[in_community]
        known = labels[at] == community[in_community]
        value = np.divide(total[at] - own, others, out=np.full(len(at), np.nan), where=(others > 0) & known)
        rate[in_community] = value
    cols["communityChurnRate"] = rate
    cols.update(_social(data, ids, cutoff_day, status, cols["pQuiet"]))
    refs = ~(data.referral_days >= cutoff_day)
    referrer = _positions(ids, data.referral_src[refs])
    cols["referred"] = np.bincount(referrer[referrer >= 0], minlength=n).astype(np.float64)
    received = _positions(ids, data.referral_dst[refs])
    cols["wasReferred"] = np.isin(np.arange(n), received[received >= 0]).astype(np.float64)
    cols.update(_journeys(data, ids, cutoff_day))
    names = ALL_FEATURES
    return Features(ids, names, np.column_stack([np.asarray(cols[k], np.float64) for k in names]), cutoff_day)


__all__ = [
    "FEATURE_SETS",
    "GRAPH_FEATURES",
    "RFM_FEATURES",
    "TRANSACTION_FEATURES",
    "ChurnData",
    "Features",
    "churn_features",
    "churned",
    "lapsed",
    "read_churn_data",
]
