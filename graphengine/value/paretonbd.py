"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987) fitted by maximum likelihood with scipy: the peer of the
CDNOW evaluation beside BG/NBD (the served forecast does not use it).

Likelihood from Fader & Hardie, "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005),
equations (18)–(20); the conditional expectation from Fader, Hardie & Lee (2005), "RFM and CLV", appendix.
Purchase rates ~ Gamma(r, alpha), dropout rates ~ Gamma(s, beta).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from graphengine.value.bgnbd import Array, fit_likelihood


@dataclass(frozen=True)
class ParetoNBD:
    r: float
    alpha: float
    s: float
    beta: float

    @staticmethod
    def _log_a0(params: Array, x: Array, t_x: Array, age: Array) -> Array:
        r, alpha, s, beta = params
        low, high, shape = (alpha, beta, r + x) if alpha < beta else (beta, alpha, s + 1.0 + 0 * x)
        rsx = r + s + x
        gap = high - low
        with np.errstate(all="ignore"):
            f1 = special.hyp2f1(rsx, shape, rsx + 1.0, gap / (high + t_x))
            f2 = special.hyp2f1(rsx, shape, rsx + 1.0, gap / (high + age))
            # log(F1/(high+t_x)^rsx − F2/(high+T)^rsx), the first term being the larger
            first = np.log(f1) - rsx * np.log(high + t_x)
            second = np.log(f2) - rsx * np.log(high + age)
            return np.asarray(first + np.log1p(-np.exp(second - first)))

    @classmethod
    def log_likelihood(cls, params: Array, x: Array, t_x: Array, age: Array) -> Array:
        r, alpha, s, beta = params
        a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        stayed = -(r + x) * np.log(alpha + age) - s * np.log(beta + age)
        left = np.log(s) - np.log(r + s + x) + cls._log_a0(params, x, t_x, age)
        return np.asarray(a1 + np.logaddexp(stayed, np.where(np.isfinite(left), left, -np.inf)))

    @classmethod
    def fit(cls, x: Array, t_x: Array, age: Array) -> ParetoNBD:
        scale = float(np.mean(age)) or 1.0
        start = np.array([1.0, scale, 1.0, scale])
        return cls(*map(float, fit_likelihood(cls.log_likelihood, x, t_x, age, start)))

    def expected_purchases(self, horizon: float, x: Array, t_x: Array, age: Array) -> Array:
        """E[repeat transactions in (T, T + horizon] | x, t_x, T]."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        params = np.array([r, alpha, s, beta])
        alive_part = (
            special.gammaln(r + x)
            - special.gammaln(r)
            + r * np.log(alpha)
            + s * np.log(beta)
            - (r + x) * np.log(alpha + age)
            - s * np.log(beta + age)
        )
        p_alive = np.exp(alive_part - self.log_likelihood(params, x, t_x, age))
        rate = (r + x) * (beta + age) / ((alpha + age) * (s - 1.0))
        return np.asarray(p_alive * rate * (1.0 - ((beta + age) / (beta + age + horizon)) ** (s - 1.0)))

    def params(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "s": self.s, "beta": self.beta}
