"""Hold-out splits for offline evaluation, all reproducible from a seed.

Interaction splits return ``(train, test)`` :class:`InteractionLog` in the same index space; every row
lands in exactly one of them (disjoint and complete). Two scopes:

* ``per_user=False`` (global): the test fraction is taken over all rows at once — a random sample
  (:func:`random_split`, the protocol of cornac's ``RatioSplit``) or the latest rows overall
  (:func:`temporal_split`, a cut at one moment in time, as in production: train on the past, test on
  the future).
* ``per_user=True``: each user keeps ``floor(fraction × n_u)`` rows in test — random ones, or their
  latest ones — so every user with enough history appears in both sets; users with a single row
  stay in train.

:func:`exclude_unknowns` then drops test rows whose user or item never occurs in train (nothing can
be learnt about them). :func:`split_edges` and :func:`sample_non_edges` serve link prediction: hold out
a fraction of an undirected graph's edges, and sample node pairs that are not edges of the full graph.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError
from graphengine.recommend.log import InteractionLog

IntArray = NDArray[np.int64]


def _check_fraction(fraction: float) -> None:
    if not 0.0 < fraction < 1.0:
        raise AnalysisError(f"test_fraction must be in (0, 1), got {fraction}")


def _per_user_test_mask(users: IntArray, keys: tuple[NDArray[np.generic], ...], fraction: float) -> NDArray[np.bool_]:
    """Within each user, rows sorted by ``keys`` (last key primary) descending; the first floor(fraction·n_u)
    go to test."""
    n = len(users)
    order = np.lexsort((*(-np.asarray(k) for k in keys), users))  # by user, then keys descending
    sorted_users = users[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_users[1:] != sorted_users[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank = np.arange(n) - group_start
    counts = np.bincount(users, minlength=int(users.max()) + 1 if n else 0)
    quota = np.floor(fraction * counts[sorted_users]).astype(np.int64)
    mask = np.zeros(n, dtype=bool)
    mask[order] = rank < quota
    return mask


def random_split(
    data: InteractionLog, test_fraction: float = 0.2, *, seed: int = 123, per_user: bool = False
) -> tuple[InteractionLog, InteractionLog]:
    """A random hold-out: ``round(fraction × n)`` rows overall, or floor(fraction × n_u) per user."""
    _check_fraction(test_fraction)
    rng = np.random.default_rng(seed)
    n = len(data)
    if per_user:
        test = _per_user_test_mask(data.users, (rng.random(n),), test_fraction) if n else np.zeros(0, dtype=bool)
    else:
        test = np.zeros(n, dtype=bool)
        test[rng.permutation(n)[: round(test_fraction * n)]] = True
    return data.subset(~test), data.subset(test)


def temporal_split(
    data: InteractionLog, test_fraction: float = 0.2, *, seed: int = 123, per_user: bool = True
) -> tuple[InteractionLog, InteractionLog]:
    """A time hold-out: the latest rows of each user (``per_user``) or the latest rows overall go to test.

    Ties in time are broken by a seeded random key, so the split is reproducible.
    """
    _check_fraction(test_fraction)
    if data.timestamps is None:
        raise AnalysisError("a temporal split needs timestamps")
    rng = np.random.default_rng(seed)
    n = len(data)
    tie_break = rng.random(n)
    if per_user:
        keys = (tie_break, data.timestamps)
        test = _per_user_test_mask(data.users, keys, test_fraction) if n else np.zeros(0, dtype=bool)
    else:
        order = np.lexsort((tie_break, data.timestamps))
        test = np.zeros(n, dtype=bool)
        test[order[n - round(test_fraction * n) :]] = True
    return data.subset(~test), data.subset(test)


def exclude_unknowns(train: InteractionLog, test: InteractionLog) -> InteractionLog:
    """The test rows whose user and item both occur in train."""
    known_users = np.bincount(train.users, minlength=train.n_users) > 0
    known_items = np.bincount(train.items, minlength=train.n_items) > 0
    return test.subset(known_users[test.users] & known_items[test.items])


def split_edges(
    sources: IntArray, targets: IntArray, test_fraction: float = 0.1, *, seed: int = 123
) -> tuple[tuple[IntArray, IntArray], tuple[IntArray, IntArray]]:
    """Randomly hold out ``round(fraction × m)`` of an undirected edge list: ``((train_s, train_t), (test_s, test_t))``.

    As in Lü & Zhou (2011) the probe set is a uniform sample, and the training graph may lose
    connectivity; nodes keep their indices.
    """
    _check_fraction(test_fraction)
    m = len(sources)
    order = np.random.default_rng(seed).permutation(m)
    cut = round(test_fraction * m)
    test, train = order[:cut], order[cut:]
    return (sources[train], targets[train]), (sources[test], targets[test])


def sample_non_edges(
    sources: IntArray, targets: IntArray, n_nodes: int, n_samples: int, *, seed: int = 123
) -> tuple[IntArray, IntArray]:
    """``n_samples`` distinct node pairs ``(a < b)`` drawn uniformly from the pairs that are not edges."""
    possible = n_nodes * (n_nodes - 1) // 2 - len(
        np.unique(np.minimum(sources, targets) * n_nodes + np.maximum(sources, targets))
    )
    if n_samples > possible:
        raise AnalysisError(f"only {possible} non-edges exist, {n_samples} requested")
    rng = np.random.default_rng(seed)
    edge_keys = np.minimum(sources, targets) * n_nodes + np.maximum(sources, targets)
    chosen = np.zeros(0, dtype=np.int64)
    while len(chosen) < n_samples:
        draw = 2 * (n_samples - len(chosen)) + 16
        a = rng.integers(0, n_nodes, draw)
        b = rng.integers(0, n_nodes, draw)
        keys = np.minimum(a, b) * n_nodes + np.maximum(a, b)
        keys = keys[(a != b) & ~np.isin(keys, edge_keys)]
        keys = keys[~np.isin(keys, chosen)]
        _, first = np.unique(keys, return_index=True)  # distinct, in draw order
        chosen = np.concatenate([chosen, keys[np.sort(first)]])
    chosen = chosen[:n_samples]
    return chosen // n_nodes, chosen % n_nodes
