"""BG/NBD (Fader, Hardie & Lee 2005) for repeat purchases and P(alive), Gamma-Gamma (Fader, Hardie & Lee 2005b)
for spend per transaction, both fitted by maximum likelihood with scipy.

The formulas are the published ones, as the ``lifetimes`` package implements them (its BG/NBD is the peer
in the CDNOW evaluation). Times are in any unit as long as it is the same for fit and prediction; the code here
passes weeks. Customers with identical ``(x, t_x, T)`` are fitted once, weighted by their count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

from graphengine.errors import AnalysisError

Array = NDArray[np.float64]
LOG_BOUND = 15.0


def _check(x: Array, t_x: Array, age: Array) -> None:
    if not (len(x) == len(t_x) == len(age)):
        raise AnalysisError("frequency, recency and age need one value per customer")
    if len(x) == 0:
        raise AnalysisError("no customers to fit")
    if np.any(~np.isfinite(x) | ~np.isfinite(t_x) | ~np.isfinite(age)):
        raise AnalysisError("non-finite frequency, recency or age")
    if np.any((x < 0) | (t_x < 0) | (t_x > age)):
        raise AnalysisError("need 0 <= recency <= age and frequency >= 0 for every customer")


def _compress(*columns: Array) -> tuple[list[Array], Array]:
    stacked = np.stack(columns, axis=1)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, k] for k in range(unique.shape[1])], counts.astype(np.float64)


def fit_likelihood(
    log_likelihood: Callable[[Array, Array, Array, Array], Array], x: Array, t_x: Array, age: Array, start: Array
) -> Array:
    """Maximum-likelihood parameters of a per-customer ``log_likelihood(params, x, t_x, age)``, fitted on the
    distinct (x, t_x, age) triples weighted by how many customers share each."""
    _check(x, t_x, age)
    (ux, ut, ua), weights = _compress(x, t_x, age)

    def negative_ll(log_params: Array) -> float:
        value = -np.sum(weights * log_likelihood(np.exp(log_params), ux, ut, ua)) / weights.sum()
        return float(value) if np.isfinite(value) else 1e12

    return _fit(negative_ll, start)


def _fit(negative_ll: Callable[[Array], float], start: Array) -> Array:
    options = {"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-10}
    # Parameters in log space, bounded: degenerate data (no dropout, no heterogeneity) sends some to infinity.
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    best = optimize.minimize(negative_ll, np.log(start), method="Nelder-Mead", options=options, bounds=bounds)
    polished = optimize.minimize(negative_ll, best.x, method="L-BFGS-B", bounds=bounds)
    chosen = polished if polished.success and polished.fun <= best.fun else best
    if not np.all(np.isfinite(chosen.x)):
        raise AnalysisError("the maximum-likelihood fit did not converge")
    return np.asarray(np.exp(chosen.x), dtype=np.float64)


@dataclass(frozen=True)
class BGNBD:
    """Fitted BG/NBD parameters: purchase rates ~ Gamma(r, alpha), dropout probabilities ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    @staticmethod
    def log_likelihood(params: Array, x: Array, t_x: Array, age: Array) -> Array:
        r, alpha, a, b = params
        a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        a2 = special.betaln(a, b + x) - special.betaln(a, b)
        a3 = -(r + x) * np.log(alpha + age)
        with np.errstate(divide="ignore", invalid="ignore"):
            a4 = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
        return np.asarray(a1 + a2 + np.logaddexp(a3, a4), dtype=np.float64)

    @classmethod
    def fit(cls, x: Array, t_x: Array, age: Array) -> BGNBD:
        scale = float(np.mean(age)) or 1.0
        return cls(*map(float, fit_likelihood(cls.log_likelihood, x, t_x, age, np.array([1.0, scale, 1.0, 1.0]))))

    def _dropout_odds(self, x: Array, t_x: Array, age: Array) -> Array:
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = (
                np.log(self.a)
                - np.log(self.b + x - 1)
                + (self.r + x) * (np.log(self.alpha + age) - np.log(self.alpha + t_x))
            )
        return np.where(x > 0, np.exp(np.minimum(log_odds, 700.0)), 0.0)

    def p_alive(self, x: Array, t_x: Array, age: Array) -> Array:
        """P(the customer is still active at the end of observation | history)."""
        return np.asarray(1.0 / (1.0 + self._dropout_odds(x, t_x, age)))

    def expected_purchases(self, horizon: float, x: Array, t_x: Array, age: Array) -> Array:
        """E[repeat transactions in (T, T + horizon] | x, t_x, T]."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = horizon / (alpha + age + horizon)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        first = (a + b + x - 1) / (a - 1)
        with np.errstate(all="ignore"):
            second = 1.0 - np.power((alpha + age) / (alpha + age + horizon), r + x) * hyp
            exact = first * second / (1.0 + self._dropout_odds(x, t_x, age))
        # Where the hypergeometric series does not evaluate (extreme fits), the limit without further dropout.
        limit = (r + x) / (alpha + age) * horizon * self.p_alive(x, t_x, age)
        return np.asarray(np.maximum(np.where(np.isfinite(exact), exact, limit), 0.0))

    def params(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class GammaGamma:
    """Fitted Gamma-Gamma spend model: value per transaction ~ Gamma(p, nu), nu ~ Gamma(q, v) per customer."""

    p: float
    q: float
    v: float

    @staticmethod
    def log_likelihood(params: Array, x: Array, m: Array) -> Array:
        p, q, v = params
        return np.asarray(
            special.gammaln(p * x + q)
            - special.gammaln(p * x)
            - special.gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(x * m + v)
        )

    @classmethod
    def fit(cls, x: Array, m: Array) -> GammaGamma:
        """Fit on the customers with at least one repeat purchase and a positive mean repeat value."""
        keep = (x > 0) & (m > 0) & np.isfinite(m)
        if keep.sum() < 3:
            raise AnalysisError("Gamma-Gamma needs at least 3 customers with a repeat purchase of positive value")
        (ux, um), weights = _compress(x[keep], m[keep])

        def negative_ll(log_params: Array) -> float:
            value = -np.sum(weights * cls.log_likelihood(np.exp(log_params), ux, um)) / weights.sum()
            return float(value) if np.isfinite(value) else 1e12

        return cls(*map(float, _fit(negative_ll, np.array([1.0, 1.0, float(np.mean(m[keep]))]))))

    def expected_spend(self, x: Array, m: Array, fallback: float | None = None) -> Array:
        """E[value per transaction | x, m]; a customer without repeats gets the population mean."""
        population = self.p * self.v / (self.q - 1) if self.q > 1 else (fallback or 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            conditional = self.p * (self.v + x * m) / (self.p * x + self.q - 1)
        return np.where((x > 0) & (m > 0), conditional, population)

    def params(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "v": self.v}
