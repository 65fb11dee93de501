"""Customer-value structure planted in the demo's purchases, with its truth (``truth["value"]``).

The purchases span a year: ``HISTORY_DAYS`` before the demo epoch plus the demo's own days. Each customer buys
in a Poisson process from the day they join until they churn (or the end):

* **loyal high spenders** (``LOYAL_SHARE``) buy about ``LOYAL_RATE`` orders a year, with more and dearer lines,
  and never churn;
* everybody else buys about ``REGULAR_RATE`` orders a year (a Gamma-distributed rate per customer);
* **churners** stop buying at a known day: seed churners (``CHURN_SHARE``, higher in some communities than in
  others) at a day drawn uniformly, and churn **spreads along follows**: when a customer churns, each follower
  of their social account churns too with probability ``SPREAD``, ``SPREAD_DELAY`` days later (and passes it on,
  up to ``SPREAD_GENERATIONS`` steps from a seed). A churner whose followee already churned is therefore
  visible in the graph before their own purchases stop, which is what the churn model's follow features can
  pick up. With these settings most churn is passed on (about 70 % of the churners at 10,000 customers);
* **baskets**: ``BUNDLES`` groups of two or three products of one category that are bought together — an order
  adds a whole bundle of the customer's preferred categories with probability ``BUNDLE_RATE``.

Everything here draws from a random stream of its own (seeded from the demo seed), so the social graph and the
identity structure of the demo are the same as without it. Orders carry order ids (``O<customer>-<k>``), so basket
rules work on the demo.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from graphengine.demo.generator import DemoGenerator

HISTORY_DAYS = 275
LOYAL_SHARE = 0.05
LOYAL_RATE = 20.0
REGULAR_RATE = 8.0
CHURN_SHARE = 0.08
SPREAD = 0.5
SPREAD_GENERATIONS = 3
SPREAD_DELAY = (45, 120)
BUNDLES = 12
BUNDLE_RATE = 0.12
STREAM = 1509  # the plant's own random stream: np.random.default_rng([seed, STREAM])
DAY = 86_400


class ValuePlant:
    """Plans who is loyal and who churns when, then writes the purchase rows that follow from the plan."""

    def __init__(self, gen: DemoGenerator, follows: set[tuple[int, int]]) -> None:
        self.gen = gen
        self.rng = np.random.default_rng([gen.spec.seed, STREAM])
        self.start = -HISTORY_DAYS
        self.end = gen.spec.days
        n = gen.spec.customers
        rng = self.rng
        self.loyal = rng.random(n) < LOYAL_SHARE
        rates = rng.gamma(2.0, REGULAR_RATE / 2.0, size=n)
        self.rate = np.where(self.loyal, rng.gamma(8.0, LOYAL_RATE / 8.0, size=n), rates)
        # 70 % bought before the year began; the others join during the first nine months
        late = rng.random(n) >= 0.7
        self.join = np.where(late, rng.uniform(self.start, self.end - 90, size=n), float(self.start))
        self.churn_day = np.full(n, np.inf)
        self.seeds = self._seed_churners(n)
        self._spread(follows)

    def _seed_churners(self, n: int) -> np.ndarray[Any, Any]:
        rng, gen = self.rng, self.gen
        lean = rng.uniform(0.4, 1.8, size=gen.spec.communities)  # some communities churn more than others
        seeds = (rng.random(n) < CHURN_SHARE * lean[gen.community]) & ~self.loyal
        days = rng.uniform(self.start + 60, self.end - 10, size=n)
        self.churn_day[seeds] = np.maximum(days[seeds], self.join[seeds] + 30)
        return np.asarray(np.flatnonzero(seeds))

    def _spread(self, follows: set[tuple[int, int]]) -> None:
        """Churn passes from a followee to each follower with probability SPREAD, after SPREAD_DELAY days."""
        followers: dict[int, list[int]] = defaultdict(list)
        for follower, followee in sorted(follows):
            followers[followee].append(follower)
        queue = [(float(self.churn_day[i]), int(i), 0) for i in self.seeds]
        heapq.heapify(queue)
        self.spread_from: dict[int, int] = {}
        while queue:
            day, who, generation = heapq.heappop(queue)
            if day > self.churn_day[who] or generation >= SPREAD_GENERATIONS:
                continue
            for f in followers.get(who, []):
                if self.loyal[f] or self.rng.random() >= SPREAD:
                    continue
                when = day + self.rng.uniform(*SPREAD_DELAY)
                if when < min(self.churn_day[f], self.end):
                    self.churn_day[f] = when
                    self.spread_from[f] = who
                    heapq.heappush(queue, (when, f, generation + 1))

    def _bundles(self, by_cat: dict[int, np.ndarray[Any, Any]]) -> list[list[int]]:
        bundles = []
        for b in range(BUNDLES):
            pool = by_cat[b % len(by_cat)]
            ranks = pool[5 : min(len(pool), 40)]  # not the best sellers, so the pairing stands out
            if len(ranks) < 3:
                continue
            size = 2 + b % 2
            bundles.append(sorted(int(p) for p in self.rng.choice(ranks, size=size, replace=False)))
        return bundles

    def purchase_rows(self, by_cat: dict[int, np.ndarray[Any, Any]], iso: Any) -> list[list[Any]]:
        """One row per purchase line: orderId, lineId, customerId, productId, quantity, amount, at, channelId."""
        gen, rng = self.gen, self.rng
        bundles = self._bundles(by_cat)
        self.bundles = bundles
        bundle_cat = np.array([int(gen.product_category[b[0]]) for b in bundles])
        rows: list[list[Any]] = []
        for i in range(gen.spec.customers):
            stop = max(min(self.churn_day[i], self.end), self.join[i])
            span = max(stop - self.join[i], 0.0)
            n_orders = int(rng.poisson(self.rate[i] * span / 365.0))
            if self.join[i] == self.start and n_orders == 0 and stop > self.start:
                n_orders = 1  # everybody who was a customer before the year bought at least once
            times = np.sort(rng.uniform(self.join[i], stop, size=n_orders))
            prefs = gen.preferred[gen.community[i]]
            mine = np.flatnonzero(np.isin(bundle_cat, prefs))
            for o, day in enumerate(times):
                products = self._order_products(i, by_cat, prefs)
                if len(mine) and rng.random() < BUNDLE_RATE:
                    products += [p for p in bundles[int(rng.choice(mine))] if p not in products]
                channel = "store" if rng.random() < (0.5 if self.loyal[i] else 0.3) else "web"
                for line, j in enumerate(products):
                    qty = int(rng.integers(1, 4 if self.loyal[i] else 3))
                    rows.append(
                        [
                            f"O{i:06d}-{o}",
                            f"O{i:06d}-{o}-{line}",
                            gen.cid(i),
                            f"P{j:05d}",
                            qty,
                            round(float(gen.product_price[j]) * qty, 2),
                            iso(day * DAY),
                            channel,
                        ]
                    )
        return rows

    def _order_products(
        self, i: int, by_cat: dict[int, np.ndarray[Any, Any]], prefs: np.ndarray[Any, Any]
    ) -> list[int]:
        rng, gen = self.rng, self.gen
        products: list[int] = []
        for _ in range(int(rng.integers(2, 6) if self.loyal[i] else rng.integers(1, 3))):
            cat = prefs[rng.integers(0, 2)] if rng.random() < 0.8 else rng.integers(0, len(by_cat))
            pool = by_cat[int(cat)]
            if self.loyal[i]:  # high spenders lean to the dearer half of the category
                pool = pool[gen.product_price[pool] >= np.median(gen.product_price[pool])]
            j = int(pool[min(int(rng.zipf(1.6)) - 1, len(pool) - 1)])
            if j not in products:
                products.append(j)
        return products

    def truth(self, epoch: dt.datetime) -> dict[str, Any]:
        """The planted value structure: the window, loyal customers, churners with their day, bundles."""
        cid, gen = self.gen.cid, self.gen

        def day(d: float) -> str:
            return (epoch + dt.timedelta(days=float(d))).date().isoformat()

        churners = np.flatnonzero(np.isfinite(self.churn_day))
        return {
            "window": [day(self.start), day(self.end)],
            "loyal": [cid(i) for i in np.flatnonzero(self.loyal)],
            "churners": {cid(i): day(self.churn_day[i]) for i in churners},
            "churnSeeds": [cid(i) for i in self.seeds],
            "churnSpread": {cid(f): cid(src) for f, src in sorted(self.spread_from.items())},
            "bundles": [[f"P{j:05d}" for j in b] for b in self.bundles],
            "params": {
                "historyDays": HISTORY_DAYS,
                "loyalShare": LOYAL_SHARE,
                "churnShare": CHURN_SHARE,
                "spread": SPREAD,
                "spreadDelayDays": list(SPREAD_DELAY),
                "bundleRate": BUNDLE_RATE,
                "communities": gen.spec.communities,
            },
        }


__all__ = ["HISTORY_DAYS", "ValuePlant"]
