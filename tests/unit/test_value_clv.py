"""Lifetime value: BG/NBD against the published worked example, Gamma-Gamma, the repeat summary by hand, and
the CDNOW figures of the served forecast beside BG/NBD and the naive baseline."""

from __future__ import annotations

import numpy as np
import pytest

from graphengine.errors import AnalysisError
from graphengine.value.bgnbd import BGNBD, GammaGamma
from graphengine.value.cdnow import evaluate_cdnow
from graphengine.value.clv import forecast
from graphengine.value.transactions import Lines, holdout_counts, repeat_summary

A = np.array


def test_bgnbd_matches_the_published_worked_example() -> None:
    # Fader, Hardie & Lee (2005), CDNOW sample: r=0.243, α=4.414, a=0.793, b=2.426; a customer with x=2,
    # t_x=30.43, T=38.86 weeks is expected to make 1.226 purchases in the next 39 weeks.
    model = BGNBD(0.243, 4.414, 0.793, 2.426)
    assert model.expected_purchases(39, A([2.0]), A([30.43]), A([38.86]))[0] == pytest.approx(1.226, abs=5e-4)
    assert model.p_alive(A([0.0, 3.0]), A([0.0, 10.0]), A([38.0, 38.0])).tolist()[0] == 1.0  # x = 0: alive


def test_fit_recovers_simulated_parameters() -> None:
    rng = np.random.default_rng(1)
    n, age = 4000, 52.0
    lam = rng.gamma(0.8, 1 / 4.0, n)  # r = 0.8, α = 4
    p = rng.beta(1.0, 3.0, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > age:
                break
            x[i], t_x[i] = x[i] + 1, t
            if rng.random() < p[i]:
                break
    fit = BGNBD.fit(x, t_x, np.full(n, age))
    assert fit.r == pytest.approx(0.8, rel=0.2) and fit.alpha == pytest.approx(4.0, rel=0.3)
    assert fit.a / (fit.a + fit.b) == pytest.approx(0.25, abs=0.06)


def test_gamma_gamma_shrinks_towards_the_population_mean() -> None:
    model = GammaGamma(6.25, 3.74, 15.44)
    population = 6.25 * 15.44 / (3.74 - 1)
    one, many = model.expected_spend(A([1.0, 50.0]), A([100.0, 100.0]))
    assert population < one < many < 100.0
    assert model.expected_spend(A([0.0]), A([0.0]))[0] == pytest.approx(population)


def test_repeat_summary_by_hand() -> None:
    # Day 0 = Thursday 1970-01-01. c1 buys on days 11 (two lines), 12 and 30; c2 only on day 20.
    lines = Lines(
        A(["c1", "c1", "c1", "c1", "c2"]), A(["1", "2", "3", "4", "5"]), A([11, 11, 12, 30, 20]), A([5.0, 5, 7, 9, 3])
    )
    daily = repeat_summary(lines, 41, 1)  # observed until day 40
    assert daily.ids.tolist() == ["c1", "c2"]
    assert daily.frequency.tolist() == [2, 0] and daily.recency.tolist() == [19, 0] and daily.age.tolist() == [29, 20]
    assert daily.monetary.tolist() == [8.0, 0.0]  # repeat days 12 (7) and 30 (9); the first day is not a repeat
    weekly = repeat_summary(lines, 41, 7)  # Monday-based weeks: days 11 and 12 share the week of Mon 1970-01-12
    assert weekly.frequency.tolist() == [1, 0] and weekly.recency.tolist() == [2, 0] and weekly.age.tolist() == [4, 3]
    assert weekly.monetary.tolist() == [9.0, 0.0]
    assert holdout_counts(lines, daily.ids, 12, 31, 1).tolist() == [2, 1]
    with pytest.raises(AnalysisError):
        repeat_summary(lines, 41, 3)


def test_cdnow_figures_side_by_side() -> None:
    """The published split: BG/NBD reproduces lifetimes' figures and the served forecast beats it on both."""
    result = evaluate_cdnow()
    rows = result["results"]
    assert result["customers"] == 23570 and rows["BG/NBD"]["actual"] == 18440
    assert rows["BG/NBD"]["predicted"] == pytest.approx(16507, abs=5)
    assert rows["BG/NBD"]["mae"] == pytest.approx(0.784, abs=5e-4)
    assert rows["BG/NBD"]["correlation"] == pytest.approx(0.637, abs=5e-4)
    assert rows["Pareto/NBD"]["error"] == pytest.approx(-0.177, abs=5e-4) and rows["Pareto/NBD"][
        "mae"
    ] == pytest.approx(0.743, abs=5e-4)
    assert rows["naive"]["error"] == pytest.approx(0.42, abs=0.01) and rows["naive"]["mae"] == pytest.approx(
        0.939, abs=1e-3
    )
    served = rows["served"]
    assert abs(served["error"]) < abs(rows["BG/NBD"]["error"]) and served["mae"] < rows["BG/NBD"]["mae"]
    assert result["beatsBgnbd"]


def test_forecast_refuses_a_bad_horizon_and_sums_to_its_level() -> None:
    rng = np.random.default_rng(0)
    customers = rng.integers(0, 300, 3000).astype(str)
    days = rng.integers(0, 400, 3000)
    lines = Lines(customers, np.arange(3000).astype(str), days, rng.gamma(2.0, 10.0, 3000))
    result = forecast(lines, 400, 26.0)
    assert result.expected_purchases.sum() == pytest.approx(result.level, rel=1e-6)
    assert np.all(result.expected_purchases >= 0) and np.all((result.p_alive >= 0) & (result.p_alive <= 1))
    assert result.clv == pytest.approx(result.expected_purchases * result.spend)
    with pytest.raises(AnalysisError):
        forecast(lines, 400, 0.0)


def test_degenerate_histories_give_finite_answers_and_fall_back_to_the_bgnbd_total() -> None:
    only_first = Lines(A(["a", "b", "c"]), A(["1", "2", "3"]), A([1, 5, 9]), A([10.0, 20, 30]))
    result = forecast(only_first, 100, 52.0)  # nobody came back: no repeat rate to forecast
    assert result.expected_purchases.tolist() == [0.0, 0.0, 0.0] and result.level_source == "bgnbd expected total"
    one = Lines(A(["a", "a", "a"]), A(["1", "2", "3"]), A([1, 50, 90]), A([10.0, 20, 30]))
    single = forecast(one, 100, 52.0)
    assert np.all(np.isfinite(single.expected_purchases)) and single.expected_purchases[0] > 0
    assert single.clv[0] == pytest.approx(single.expected_purchases[0] * 25.0)  # mean repeat value (20 + 30) / 2
