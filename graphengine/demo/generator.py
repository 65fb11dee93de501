"""Demo data with planted structure, written as source files that the real loaders then load.

What is planted (and written to ``truth.json`` so tests can check the analytics find it):

* customers in ``communities`` groups, each preferring two product categories (80 % of its purchases);
* a heavy-tailed follower graph, mostly within communities, with a few clear cross-community influencers;
* duplicate customers (the same person in the web shop and the loyalty system): half share an email
  (one strong identifier), half share a device *and* a cookie (two weak ones); decoys share one device only
  (a family tablet; the two live in one household: same surname, address and postcode) and must not be merged;
* misspelt duplicates (``misspeltDuplicates``): ``M…`` copies of other customers as another source spells them
  ("Jon Smith, 12 Main St" for "John Smith, 12 Main Street"), sharing no identifier — only probabilistic
  identity resolution (``analyze identity --method probabilistic``) can link them;
* omnichannel journeys in sessions: browsing, searches with no results, carts, purchases, email opens that
  lead to store visits; planted "serious shopper" abandonments (5+ product views, 2+ fruitless searches, leave);
* a year of purchases with customer-value structure (:mod:`graphengine.demo.value_plant`): loyal high spenders,
  churners who stop buying at a known day (churn spreading along follows) and products bought together;
* consent opt-outs; a sprinkling of dirty rows (missing keys, bad dates, unknown references, test rows,
  duplicates); and one extra CRM file that carries a special-category column (refused unless dropped).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from graphengine.demo.people import People
from graphengine.demo.value_plant import ValuePlant

CATEGORIES = ("Kitchen", "Outdoor", "Books", "Garden", "Toys", "Beauty", "Sports", "Music", "Fashion", "Tech")
CHANNELS = (
    ("web", "Web shop", "web"),
    ("app", "Mobile app", "app"),
    ("email", "Newsletter", "email"),
    ("sms", "SMS", "sms"),
    ("store", "Stores", "store"),
    ("social", "Social ads", "social"),
    ("search", "Paid search", "search"),
    ("display", "Display ads", "display"),
)
PLATFORMS = ("instagram", "tiktok", "x")
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class DemoSpec:
    customers: int = 10_000
    products: int = 500
    communities: int = 8
    influencers: int = 12
    seed: int = 7
    duplicate_share: float = 0.03
    days: int = 90


def _write_csv(path: Path, columns: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def _iso(seconds: float | np.integer[Any]) -> str:
    return (EPOCH + dt.timedelta(seconds=float(seconds))).isoformat().replace("+00:00", "Z")


class DemoGenerator:
    def __init__(self, spec: DemoSpec) -> None:
        self.spec = spec
        self.rng = np.random.default_rng(spec.seed)
        n = spec.customers
        self.community = self.rng.integers(0, spec.communities, size=n)
        prefs = [self.rng.choice(len(CATEGORIES), size=2, replace=False) for _ in range(spec.communities)]
        self.preferred = np.array(prefs)
        self.product_category = self.rng.integers(0, len(CATEGORIES), size=spec.products)
        self.product_price = np.round(self.rng.lognormal(3.2, 0.8, size=spec.products), 2)
        self.truth: dict[str, Any] = {"spec": spec.__dict__}
        self.people = People(n, spec.seed, n_cities=40)  # a random stream of its own
        self.follows: set[tuple[int, int]] = set()  # (follower, followee) customer indices, set by _social

    def cid(self, i: int | np.integer[Any]) -> str:
        return f"C{i:06d}"

    # ------------------------------------------------------------------------------------------ files
    def write(self, out: Path) -> dict[str, Any]:
        out.mkdir(parents=True, exist_ok=True)
        self._products(out)
        _write_csv(out / "channels.csv", ["channelId", "name", "kind"], [list(c) for c in CHANNELS])
        self._customers(out)
        self._social(out)
        self._purchases(out)
        self._events(out)
        self._special_category_file(out)
        (out / "truth.json").write_text(json.dumps(self.truth, indent=1))
        return self.truth

    def _products(self, out: Path) -> None:
        rows = [
            [
                f"P{j:05d}",
                f"{CATEGORIES[c]} item {j}",
                f"Brand{j % 37}",
                CATEGORIES[c],
                self.product_price[j],
                "true" if self.rng.random() > 0.05 else "false",
            ]
            for j, c in enumerate(self.product_category)
        ]
        rows.append(["", "no key", "Brand0", "Books", 3.0, "true"])  # dirty: missing key
        rows.append(["P99999", "negative", "Brand0", "Books", -5, "true"])  # dirty: negative price
        _write_csv(out / "products.csv", ["productId", "name", "brand", "category", "price", "inStock"], rows)

    def _customers(self, out: Path) -> None:
        spec, rng = self.spec, self.rng
        countries = np.array(["SE", "NL", "DE", "DK", "NO"])
        rows = []
        consent_profiling = rng.random(spec.customers) > 0.15
        consent_email = rng.random(spec.customers) > 0.2
        for i in range(spec.customers):
            rows.append(
                [
                    self.cid(i),
                    f"Customer {i}",
                    countries[i % 5],
                    f"City{i % 40}",
                    f"seg{self.community[i]}",
                    _iso(-rng.integers(0, 3 * 365) * 86400),
                    f"person{i}@mail.example",
                    f"+4670{i:07d}",
                    f"LOY{i:07d}" if i % 3 == 0 else "",
                    str(consent_email[i]).lower(),
                    str(rng.random() > 0.3).lower(),
                    str(consent_profiling[i]).lower(),
                ]
            )
        # duplicates: the same people again, as web-shop accounts
        n_dup = int(spec.customers * spec.duplicate_share)
        originals = rng.choice(spec.customers, size=n_dup, replace=False)
        identifiers: list[list[Any]] = []
        duplicates, decoys = [], []
        for k, i in enumerate(originals):
            dup = f"W{int(i):06d}"
            strong = k % 2 == 0
            rows.append(
                [
                    dup,
                    f"Customer {i}",
                    countries[i % 5],
                    "",
                    "",
                    _iso(0),
                    f"PERSON{i}@Mail.Example " if strong else "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
            if not strong:
                for kind in ("device", "cookie"):
                    value = f"{kind}-{i}"
                    identifiers += [[self.cid(int(i)), kind, value], [dup, kind, value]]
            duplicates.append([self.cid(int(i)), dup])
        # decoys: two different people sharing one family device
        pool = np.setdiff1d(np.arange(spec.customers), originals)
        for a, b in rng.choice(pool, size=(max(2, n_dup // 2), 2), replace=False):
            identifiers += [[self.cid(int(a)), "device", f"family-{a}"], [self.cid(int(b)), "device", f"family-{a}"]]
            decoys.append([self.cid(int(a)), self.cid(int(b))])
        misspelt = self._people(rows, originals, decoys)
        rows.append(["", "no key", "SE", "", "", _iso(0), "", "", "", "", "", ""])  # dirty
        rows.append(["C000001", "Customer 1 (duplicate row)", "NL", "", "", "", "", "", "", "", "", ""])  # dup
        rows.append(["TEST-0001", "QA account", "SE", "", "", _iso(0), "qa@test.example", "", "", "", "", ""])  # test
        rows.append(["C999998", "Bad date", "SE", "", "", "31/02/2026", "", "", "", "", "", ""])  # dirty date
        columns = [
            "customerId",
            "name",
            "country",
            "city",
            "segment",
            "signupAt",
            "email",
            "phone",
            "loyaltyId",
            "consentEmail",
            "consentSms",
            "consentProfiling",
            "address",
            "postcode",
            "birthDate",
        ]
        _write_csv(out / "customers.csv", columns, [r + [""] * (len(columns) - len(r)) for r in rows])
        _write_csv(out / "identifiers.csv", ["customerId", "kind", "value"], identifiers)
        self.truth["duplicates"] = duplicates
        self.truth["decoys"] = decoys
        self.truth["misspeltDuplicates"] = misspelt
        self.truth["communities"] = {self.cid(i): int(c) for i, c in enumerate(self.community)}
        self.truth["noProfilingConsent"] = [self.cid(i) for i in np.flatnonzero(~consent_profiling)]

    def _people(
        self, rows: list[list[Any]], originals: np.ndarray[Any, Any], decoys: list[list[str]]
    ) -> list[list[str]]:
        """Names, addresses, postcodes and birth dates for the customer rows (decoy pairs become households);
        then misspelt copies of other customers, with no shared identifier, as ``M…`` rows. Returns the
        (original, copy) pairs."""
        n = self.spec.customers
        people = self.people
        for a, b in decoys:
            people.household(int(a[1:]), int(b[1:]))
            rows[int(b[1:])][3] = rows[int(a[1:])][3]  # one household, one city
        for row in rows:
            i = int(row[0][1:])
            person = people[i]
            row[1] = person.name
            if row[0].startswith("C"):
                row += [person.address, person.postcode, person.birth_date]
        taken = set(originals.tolist()) | {int(c[1:]) for pair in decoys for c in pair}
        pool = np.array([i for i in range(n) if i not in taken])
        chosen = people.rng.choice(pool, size=min(len(pool), max(2, len(originals) // 2)), replace=False)
        pairs = []
        for i in sorted(int(i) for i in chosen):
            copy = people.misspelt(i, f"City{i % 40}")
            rows.append(
                [f"M{i:06d}", copy["name"], rows[i][2], copy["city"], "", _iso(0)]
                + [""] * 6
                + [copy["address"], copy["postcode"], copy["birthDate"]]
            )
            pairs.append([self.cid(i), f"M{i:06d}"])
        return pairs

    def _social(self, out: Path) -> None:
        spec, rng = self.spec, self.rng
        has_account = rng.random(spec.customers) < 0.6
        owners = np.flatnonzero(has_account)
        influencers = rng.choice(owners, size=spec.influencers, replace=False)
        accounts = [
            [f"A{i:06d}", PLATFORMS[i % 3], f"@user{i}", int(rng.integers(0, 500)), self.cid(i)] for i in owners
        ]
        _write_csv(out / "accounts.csv", ["accountId", "platform", "handle", "followers", "customerId"], accounts)
        by_comm = {c: owners[self.community[owners] == c] for c in range(spec.communities)}
        follows: set[tuple[int, int]] = set()
        for i in owners:
            comm = by_comm[int(self.community[i])]
            k = int(min(40, 1 + rng.pareto(1.8) * 3))
            targets = comm[rng.integers(0, len(comm), size=k)]
            # a minority of ties leave the community; influencers attract many followers everywhere
            stray = owners[rng.integers(0, len(owners), size=max(1, k // 10))]
            for t in (*targets, *stray):
                if t != i:
                    follows.add((int(i), int(t)))
            if rng.random() < 0.35:
                follows.add((int(i), int(influencers[rng.integers(0, len(influencers))])))
        self.follows = follows
        rows = [[f"A{a:06d}", f"A{b:06d}", _iso(-rng.integers(0, 700) * 86400)] for a, b in sorted(follows)]
        rows.append(["A999999", f"A{owners[0]:06d}", ""])  # dirty: unknown account
        _write_csv(out / "follows.csv", ["follower", "followee", "since"], rows)
        mentions = []
        for i in influencers:
            for j in rng.choice(self.spec.products, size=8, replace=False):
                mentions.append(
                    [
                        f"A{i:06d}",
                        f"P{j:05d}",
                        _iso(rng.integers(0, self.spec.days) * 86400),
                        round(float(rng.uniform(0.2, 1.0)), 2),
                    ]
                )
        fans = rng.choice(owners, size=len(owners) // 6, replace=False)  # ordinary accounts that engage
        for i in fans:
            for j in rng.choice(self.spec.products, size=int(rng.integers(1, 4)), replace=False):
                mentions.append(
                    [
                        f"A{i:06d}",
                        f"P{j:05d}",
                        _iso(rng.integers(0, self.spec.days) * 86400),
                        round(float(rng.uniform(-0.5, 1.0)), 2),
                    ]
                )
        _write_csv(out / "mentions.csv", ["accountId", "productId", "at", "sentiment"], mentions)
        refs = [
            [self.cid(int(a)), self.cid(int(b))]
            for a, b in rng.choice(spec.customers, size=(spec.customers // 50, 2))
            if a != b
        ]
        _write_csv(out / "referrals.csv", ["referrerId", "referredId"], refs)
        self.truth["influencers"] = [f"A{i:06d}" for i in influencers]

    def _purchases(self, out: Path) -> None:
        by_cat = {c: np.flatnonzero(self.product_category == c) for c in range(len(CATEGORIES))}
        plant = ValuePlant(self, self.follows)  # loyal spenders, churners, bundles: a random stream of its own
        rows = plant.purchase_rows(by_cat, _iso)
        self.truth["value"] = plant.truth(EPOCH)
        rows.append(["OX-1", "OX-1-0", "C000000", "P77777", 1, 10.0, _iso(0), "web"])  # unknown product
        rows.append(rows[0])  # exact duplicate line
        columns = ["orderId", "lineId", "customerId", "productId", "quantity", "amount", "at", "channelId"]
        _write_csv(out / "purchases.csv", columns, rows)

    def _events(self, out: Path) -> None:
        spec, rng = self.spec, self.rng
        serious, carts = [], []
        with (out / "events.jsonl").open("w", encoding="utf-8") as handle:
            seq = 0

            def emit(i: int, kind: str, at: float, channel: str, session: str, **extra: Any) -> None:
                nonlocal seq
                seq += 1
                event = {
                    "eventId": f"E{seq:08d}",
                    "customerId": self.cid(i),
                    "type": kind,
                    "at": _iso(at),
                    "channelId": channel,
                    "sessionId": session,
                    **extra,
                }
                handle.write(json.dumps(event) + "\n")

            for i in range(spec.customers):
                t = rng.uniform(0, spec.days * 86400 * 0.8)
                for s in range(int(rng.integers(1, 4))):
                    session = f"S{i:06d}-{s}"
                    channel = "app" if rng.random() < 0.3 else "web"
                    if rng.random() < 0.3:
                        emit(i, "email_open", t, "email", session)
                        t += 60
                        emit(i, "click", t, "email", session)
                        t += 30
                    plan = rng.random()
                    prefs = self.preferred[self.community[i]]
                    products = np.flatnonzero(np.isin(self.product_category, prefs))
                    if plan < 0.03:  # planted serious-shopper abandonment
                        for _ in range(int(rng.integers(5, 8))):
                            emit(i, "view", t, channel, session, productId=f"P{int(rng.choice(products)):05d}")
                            t += rng.uniform(20, 90)
                        for _ in range(int(rng.integers(2, 4))):
                            emit(i, "search", t, channel, session, query="something rare", resultCount=0)
                            t += rng.uniform(10, 40)
                        serious.append([self.cid(i), session])
                    else:
                        for _ in range(int(rng.integers(1, 5))):
                            emit(i, "view", t, channel, session, productId=f"P{int(rng.choice(products)):05d}")
                            t += rng.uniform(20, 120)
                        if rng.random() < 0.3:
                            emit(i, "search", t, channel, session, query="gift", resultCount=int(rng.integers(1, 50)))
                            t += 30
                        if rng.random() < 0.35:
                            product = f"P{int(rng.choice(products)):05d}"
                            emit(i, "cart", t, channel, session, productId=product)
                            t += 60
                            if rng.random() < 0.6:
                                emit(
                                    i,
                                    "purchase",
                                    t,
                                    channel,
                                    session,
                                    productId=product,
                                    value=float(self.product_price[int(product[1:])]),
                                )
                                emit(i, "conversion", t + 1, channel, session, value=1.0)
                            else:
                                carts.append([self.cid(i), session])
                        if rng.random() < 0.1:
                            t += 86400
                            emit(i, "visit", t, "store", session + "-store")
                    t += rng.uniform(1, 10) * 86400
            handle.write(
                '{"eventId": "EBAD1", "customerId": "C000000", "type": "view", "at": "not a date", '
                '"channelId": "web", "productId": "P00001"}\n'
            )
            handle.write("{this is not json}\n")
        self.truth["seriousShoppers"] = serious
        self.truth["cartAbandonments"] = carts

    def _special_category_file(self, out: Path) -> None:
        rows = [
            [self.cid(i), self.people[i].name, ("none", "x-faith", "y-faith")[i % 3], f"seg{self.community[i]}"]
            for i in range(0, self.spec.customers, 97)
        ]
        _write_csv(out / "crm_extract.csv", ["customerId", "name", "religion", "segment"], rows)


def generate_demo(out: Path, spec: DemoSpec) -> dict[str, Any]:
    """Write the demo source files and ``truth.json`` into ``out``; returns the planted truth."""
    return DemoGenerator(spec).write(out)


# The load order of the demo files (references must exist before they are used).
DEMO_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("channels", "channels.csv", "demo-catalogue", "first"),
    ("products", "products.csv", "demo-catalogue", "first"),
    ("customers", "customers.csv", "demo-crm", "first"),
    ("identifiers", "identifiers.csv", "demo-web", "first"),
    ("accounts", "accounts.csv", "demo-social", "third"),
    ("follows", "follows.csv", "demo-social", "third"),
    ("mentions", "mentions.csv", "demo-social", "third"),
    ("referrals", "referrals.csv", "demo-crm", "first"),
    ("purchases", "purchases.csv", "demo-orders", "first"),
    ("events", "events.jsonl", "demo-clickstream", "first"),
)

__all__ = ["DEMO_FILES", "DemoGenerator", "DemoSpec", "generate_demo"]
