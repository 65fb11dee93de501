"""Referral value by hand: direct, decayed indirect, each customer once, never oneself."""

from __future__ import annotations

import numpy as np
import pytest

from graphengine.errors import AnalysisError
from graphengine.value.referral import referral_value


def test_direct_and_decayed_values_by_hand() -> None:
    # a → b, a → c, b → d, c → e, d → a (a cycle back to a); e is also reached from a at depth 2 only.
    src, dst = np.array(["a", "a", "b", "c", "d"]), np.array(["b", "c", "d", "e", "a"])
    ids, spent = np.array(["a", "b", "c", "d", "e"]), np.array([1.0, 10, 100, 1000, 10000])
    r = referral_value(src, dst, ids, spent, decay=0.5, max_depth=3)
    got = {k: (n, d, t) for k, n, d, t in zip(r.ids, r.referred, r.direct, r.total, strict=True)}
    assert got["a"] == (4, 110.0, 110 + 0.5 * (1000 + 10000))  # depth 3 would be a itself
    assert got["b"] == (3, 1000.0, 1000 + 0.5 * 1 + 0.25 * 100)  # b → d → a → c (b itself skipped)
    assert got["c"] == (1, 10000.0, 10000.0)
    assert got["d"] == (4, 1.0, 1 + 0.5 * 110 + 0.25 * (1000 + 10000) - 0.25 * 1000)  # d is not counted for d
    assert "e" not in got  # referred nobody


def test_depth_one_is_the_direct_value_and_a_customer_without_purchases_is_worth_zero() -> None:
    r = referral_value(np.array(["a", "a"]), np.array(["b", "x"]), np.array(["b"]), np.array([5.0]), max_depth=1)
    assert r.ids.tolist() == ["a"] and r.total.tolist() == r.direct.tolist() == [5.0] and r.referred.tolist() == [2]
    with pytest.raises(AnalysisError):
        referral_value(np.array(["a"]), np.array(["b"]), np.array([]), np.array([]), decay=2.0)
