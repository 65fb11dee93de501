"""Basket rules against a hand-computed example."""

from __future__ import annotations

import numpy as np
import pytest

from graphengine.errors import AnalysisError
from graphengine.value.basket import basket_rules

# Orders: o1 {A, B}, o2 {A, B (twice)}, o3 {A, B, C}, o4 {C}, o5 {D}. N = 5 orders.
ORDERS = np.array(["o1", "o1", "o2", "o2", "o2", "o3", "o3", "o3", "o4", "o5"])
PRODUCTS = np.array(["A", "B", "A", "B", "B", "A", "C", "B", "C", "D"])


def _rules(**kw: float) -> dict[tuple[str, str], tuple[int, float, float, float]]:
    rules = basket_rules(ORDERS, PRODUCTS, **kw)  # type: ignore[arg-type]
    return {
        (r["antecedent"], r["consequent"]): (r["orders"], r["support"], r["confidence"], r["lift"])
        for r in rules.rows()
    }


def test_support_confidence_and_lift_by_hand() -> None:
    got = _rules(min_support=0.0, min_count=1)
    # n_A = 3, n_B = 3, n_C = 2; n_AB = 3, n_AC = 1, n_BC = 1.
    expected = {
        ("A", "B"): (3, 3 / 5, 3 / 3, 3 * 5 / (3 * 3)),
        ("B", "A"): (3, 3 / 5, 3 / 3, 3 * 5 / (3 * 3)),
        ("A", "C"): (1, 1 / 5, 1 / 3, 1 * 5 / (3 * 2)),
        ("C", "A"): (1, 1 / 5, 1 / 2, 1 * 5 / (3 * 2)),
        ("B", "C"): (1, 1 / 5, 1 / 3, 1 * 5 / (3 * 2)),
        ("C", "B"): (1, 1 / 5, 1 / 2, 1 * 5 / (3 * 2)),
    }
    assert set(got) == set(expected)
    for pair, values in expected.items():
        assert got[pair][0] == values[0]
        assert got[pair][1:] == pytest.approx(values[1:]), pair


def test_thresholds_and_order() -> None:
    assert set(_rules(min_support=0.3, min_count=1)) == {("A", "B"), ("B", "A")}
    assert set(_rules(min_support=0.0, min_count=2)) == {("A", "B"), ("B", "A")}
    assert set(_rules(min_support=0.0, min_count=1, min_confidence=0.5)) == {
        ("A", "B"),
        ("B", "A"),
        ("C", "A"),
        ("C", "B"),
    }
    rules = basket_rules(ORDERS, PRODUCTS, min_support=0.0, min_count=1)
    assert list(rules.lift) == sorted(rules.lift, reverse=True) and rules.n_orders == 5


def test_no_orders_and_bad_thresholds() -> None:
    assert len(basket_rules(np.array([]), np.array([]))) == 0
    with pytest.raises(AnalysisError):
        basket_rules(ORDERS, PRODUCTS, min_support=2.0)
