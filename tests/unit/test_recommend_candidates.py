"""Candidates ranked before the request give exactly the list scoring every item at request time gives."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from graphengine.recommend.live import CustomerState, LiveCustomers, Ranked
from graphengine.recommend.ranking import top_k
from graphengine.recommend.serving import _banned, _from_candidates


def _ranked(scores: np.ndarray, history: list[int], k: int) -> Ranked:
    ranked = top_k(scores, k, np.asarray(history, dtype=np.int64))
    return Ranked(
        np.asarray([i for i, _ in ranked], dtype=np.int64),
        np.asarray([s for _, s in ranked], dtype=np.float64),
        complete=len(ranked) < k,
    )


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 40),
    seed=st.integers(0, 10_000),
    k=st.integers(1, 12),
    limit=st.integers(1, 15),
    ties=st.booleans(),
)
def test_filtered_candidates_equal_top_k_over_every_item(n: int, seed: int, k: int, limit: int, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, n).astype(np.float64) if ties else rng.normal(size=n)
    scores[rng.random(n) < 0.1] = np.nan  # unscorable items are never listed
    history = sorted(set(rng.integers(0, n, rng.integers(0, n + 1)).tolist()))
    allowed = rng.random(n) < 0.6
    full = top_k(scores, limit, _banned(allowed.copy(), history))
    got = _from_candidates(_ranked(scores, history, k), allowed, limit)
    if got is None:  # too few candidates passed the filters and more items exist: the caller scores afresh
        ranked = _ranked(scores, history, k)
        assert not ranked.complete and int(allowed[ranked.items].sum()) < limit
    else:
        assert got == full


def test_no_candidates_means_scoring_afresh() -> None:
    assert _from_candidates(None, np.ones(3, dtype=bool), 2) is None


def _state(customer: str) -> CustomerState:
    row = sp.csr_matrix(np.array([[1.0, 0, 0]], dtype=np.float32))
    return CustomerState(customer, True, None, 0, frozenset({"p1"}), row, model_version="v1")


def test_a_bulk_read_never_brings_back_a_state_written_meanwhile() -> None:
    live = LiveCustomers()
    mark = live.begin()
    live.invalidate(["c2"])  # a write through the API while the background pass was reading
    assert live.keep([_state("c1"), _state("c2")], mark) == 1
    assert live.peek("c1", "v1") is not None and live.peek("c2", "v1") is None
    later = live.begin()
    assert live.keep([_state("c2")], later) == 1  # read after the write: kept
    live.clear()
    assert live.keep([_state("c3")], later) == 0  # a clear (erasure) since the mark drops the whole batch
