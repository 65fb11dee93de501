"""Recommendation strategies and people-you-may-know on a tiny graph with hand-computed answers, loaded through
the real loaders, and checked against the batch scorers (scoring.py, pair_scoring.py) on the same data.

The graph (customer: products bought, in time order)::

    u: p1, p2        a: p1, p3        b: p1, p2, p4        c: p3, p5        n: p1, p5 (no profiling consent)

Degrees: p1 4, p2 2, p3 2, p4 1, p5 2; u 2, a 2, b 3, c 2, n 2.
Follows (accounts A_<customer>, A_m has no owner):  A_u→A_a, A_u→A_n, A_u→A_m, A_a⇄A_b, A_n→A_b, A_m→A_c,
A_c→A_x, A_y→A_m, A_x→A_b. A_m mentions p5 (+0.8), p2 (+0.9), p3 (-0.5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from graphengine.analytics.pair_scoring import symmetric_adjacency, two_hop_scores
from graphengine.analytics.recommend import (
    Bounds,
    Filters,
    Item,
    people_you_may_know,
    popular,
    recommend,
    similar_products,
)
from graphengine.analytics.runs import write_node_properties
from graphengine.analytics.scoring import ItemToItem, PathScorer, UserNeighbours
from graphengine.config import Settings
from graphengine.errors import NotFound, ValidationFailed
from graphengine.load import LoadOptions, load_file
from graphengine.store import Store
from tests.integration._files import write_csv

PURCHASES = {"u": ["p1", "p2"], "a": ["p1", "p3"], "b": ["p1", "p2", "p4"], "c": ["p3", "p5"], "n": ["p1", "p5"]}
PRODUCTS = [
    {"productId": "p1", "name": "Kettle", "category": "Kitchen", "price": 30, "inStock": "true"},
    {"productId": "p2", "name": "Mug", "category": "Kitchen", "price": 5, "inStock": "true"},
    {"productId": "p3", "name": "Tent", "category": "Outdoor", "price": 200, "inStock": "true"},
    {"productId": "p4", "name": "Lamp", "category": "Outdoor", "price": 50, "inStock": "false"},
    {"productId": "p5", "name": "Novel", "category": "Books", "price": 12, "inStock": "true"},
]
FOLLOWS = [("u", "a"), ("u", "n"), ("u", "m"), ("a", "b"), ("b", "a"), ("n", "b"), ("m", "c"), ("c", "x")]
FOLLOWS += [("y", "m"), ("x", "b")]
CUSTOMERS = ["u", "a", "b", "c", "n", "w", "z"]


def _load(store: Store, settings: Settings, tmp: Path, kind: str, rows: Sequence[Mapping[str, object]]) -> None:
    options = LoadOptions(source="test", out_dir=tmp / "out")
    report = load_file(store, kind, write_csv(tmp / f"{kind}.csv", [dict(r) for r in rows]), options, salt="s")
    assert report.loaded == len(rows), report.to_dict()


@pytest.fixture
def tiny(store: Store, settings: Settings, tmp_path: Path) -> Store:
    consent = {"n": "false", "z": ""}
    customers = [{"customerId": c, "name": c.upper(), "consentProfiling": consent.get(c, "true")} for c in CUSTOMERS]
    _load(store, settings, tmp_path, "customers", customers)
    _load(store, settings, tmp_path, "products", PRODUCTS)
    lines = [
        {"orderId": f"o-{c}-{i}", "customerId": c, "productId": p, "amount": 1, "at": f"2026-01-0{i + 1}T10:00:00Z"}
        for c, products in PURCHASES.items()
        for i, p in enumerate(products)
    ]
    _load(store, settings, tmp_path, "purchases", lines)
    owners = {"u", "a", "b", "c", "n", "x", "y"} & set(CUSTOMERS)
    accounts = [
        {"accountId": f"A_{k}", "platform": "x", "handle": k, "customerId": k if k in owners else ""}
        for k in ("u", "a", "b", "c", "n", "m", "x", "y")
    ]
    _load(store, settings, tmp_path, "accounts", accounts)
    _load(store, settings, tmp_path, "follows", [{"follower": f"A_{a}", "followee": f"A_{b}"} for a, b in FOLLOWS])
    mentions = [("p5", 0.8), ("p2", 0.9), ("p3", -0.5)]
    _load(
        store,
        settings,
        tmp_path,
        "mentions",
        [{"accountId": "A_m", "productId": p, "sentiment": s} for p, s in mentions],
    )
    return store


def _scores(items: Sequence[Item]) -> dict[str, float]:
    return {i.product_id: round(i.score, 6) for i in items}


def _matrix() -> tuple[sp.csr_array, list[str], list[str]]:
    users, items = sorted(PURCHASES), ["p1", "p2", "p3", "p4", "p5"]
    rows = [(users.index(u), items.index(p)) for u, ps in PURCHASES.items() for p in ps]
    data = np.ones(len(rows))
    matrix = sp.csr_array((data, ([r for r, _ in rows], [c for _, c in rows])), shape=(len(users), len(items)))
    return matrix, users, items


def _reference(scorer: ItemToItem | PathScorer | UserNeighbours, user: str) -> dict[str, float]:
    matrix, users, items = _matrix()
    scores = scorer.fit(matrix).score(np.array([users.index(user)]))[0]
    return {items[j]: round(float(s), 6) for j, s in enumerate(scores) if s > 0 and items[j] not in PURCHASES[user]}


def test_copurchase_cosine_by_hand_and_by_the_batch_scorer(tiny: Store) -> None:
    result = recommend(tiny, "u", strategy="copurchase", limit=3)
    # p4: 1/√(4·1) via p1 + 1/√(2·1) via p2; p3 and p5: 1/√(4·2) via p1 (tie → product id)
    assert _scores(result.items) == {"p4": round(0.5 + 1 / math.sqrt(2), 6), "p3": 0.353553, "p5": 0.353553}
    assert [i.product_id for i in result.items] == ["p4", "p3", "p5"]
    assert _scores(result.items) == _reference(ItemToItem("cosine"), "u")
    assert result.personalized and result.strategy == "copurchase" and result.reason is None
    assert result.items[0].reasons[0].text == "customers who bought Mug also bought Lamp"


def test_paths_resource_allocation_and_rp3beta_match_the_batch_scorer(tiny: Store) -> None:
    plain = recommend(tiny, "u", strategy="paths", limit=3, bounds=Bounds(alpha=1.0, beta=0.0))
    # p4: (1/4)(1/3) via p1–b + (1/2)(1/3) via p2–b = 0.25; p3: (1/4)(1/2) via p1–a; p5: (1/4)(1/2) via p1–n
    assert _scores(plain.items) == {"p4": 0.25, "p3": 0.125, "p5": 0.125}
    assert _scores(plain.items) == _reference(PathScorer("ra"), "u")
    tuned = recommend(tiny, "u", strategy="paths", limit=3)  # α = 0.7, β = 0.5 by default
    assert _scores(tuned.items) == _reference(PathScorer("ra", alpha=0.7, beta=0.5), "u")
    assert tuned.items[0].reasons[0].text == "you bought Mug; 1 customers who bought it also bought Lamp"
    aa = recommend(tiny, "u", strategy="paths", limit=3, bounds=Bounds(path_method="aa", alpha=1.0, beta=0.0))
    assert _scores(aa.items) == _reference(PathScorer("aa"), "u")


def test_customers_like_you_match_the_batch_scorer(tiny: Store) -> None:
    result = recommend(tiny, "u", strategy="neighbours", limit=3)
    # sim(u,b) = 2/√(2·3), sim(u,a) = 1/√(2·2), sim(u,n) = 1/√(2·2): p4 ← b, p3 ← a, p5 ← n
    assert _scores(result.items) == {"p4": round(2 / math.sqrt(6), 6), "p3": 0.5, "p5": 0.5}
    assert _scores(result.items) == _reference(UserNeighbours(neighbours=100), "u")
    assert result.items[0].reasons[0].text == "1 customers with purchases like yours bought Lamp"


def test_social_uses_followees_purchases_with_consent_and_positive_mentions(tiny: Store) -> None:
    result = recommend(tiny, "u", strategy="social", limit=5)
    social = [i for i in result.items if i.strategy == "social"]
    # A_a's owner bought p3; A_n's owner bought p5 but has no profiling consent; A_m mentioned p5 (+0.8),
    # p2 (bought by u) and p3 (negative). No PageRank yet: every followee weighs the same.
    assert [i.product_id for i in social] == ["p3", "p5"]
    assert social[0].reasons[0].text == "@a you follow bought Tent"
    assert social[1].reasons[0].text == "@m you follow mentioned Novel positively"
    assert social[0].score > social[1].score


def test_blend_combines_the_tuned_components(tiny: Store) -> None:
    result = recommend(tiny, "u", limit=3)
    assert result.strategy == "blend" and result.personalized
    assert [i.product_id for i in result.items] == ["p4", "p3", "p5"]
    top = result.items[0]
    assert {r.kind for r in top.reasons} == {"paths", "neighbours"}
    assert top.score == pytest.approx(1.0 + 0.5)  # best of both lists, each scaled to 1
    assert [r.weight for r in top.reasons] == sorted((r.weight for r in top.reasons), reverse=True)


def test_exclusion_filters_and_bounds(tiny: Store) -> None:
    def ids(**kwargs: object) -> list[str]:
        return [i.product_id for i in recommend(tiny, "u", strategy="copurchase", **kwargs).items]  # type: ignore[arg-type]

    assert ids(limit=3, filters=Filters(category="Outdoor")) == ["p4", "p3"]
    assert ids(limit=3, filters=Filters(in_stock=True)) == ["p3", "p5"]
    assert ids(limit=3, filters=Filters(max_price=100)) == ["p4", "p5"]
    assert ids(limit=3, filters=Filters(min_price=20, max_price=100)) == ["p4"]
    kept = recommend(tiny, "u", strategy="copurchase", limit=5, exclude_bought=False)
    assert {"p1", "p2"} <= {i.product_id for i in kept.items if i.strategy == "copurchase"}
    assert ids(limit=3, bounds=Bounds(max_sources=1)) == ["p4", "p3", "p5"]  # p4 alone, then popularity
    latest_only = recommend(tiny, "u", strategy="copurchase", limit=3, bounds=Bounds(max_sources=1))
    assert _scores(latest_only.items[:1]) == {"p4": round(1 / math.sqrt(2), 6)}  # only the latest purchase, p2
    assert latest_only.reason is not None and "topped up" in latest_only.reason
    with pytest.raises(ValidationFailed):
        recommend(tiny, "u", filters=Filters(min_price=10, max_price=1))


def test_consent_cold_start_and_unknown_customers(tiny: Store) -> None:
    opted_out = recommend(tiny, "n", strategy="paths", limit=5)
    assert not opted_out.personalized and opted_out.strategy == "popular" and opted_out.requested == "paths"
    assert "opted out of profiling" in (opted_out.reason or "")
    assert [i.product_id for i in opted_out.items] == ["p2", "p3", "p4"]  # global popularity minus p1, p5
    unknown = recommend(tiny, "z", limit=2)
    assert not unknown.personalized and "no profiling consent on record" in (unknown.reason or "")
    cold = recommend(tiny, "w", limit=2)
    assert not cold.personalized and cold.strategy == "popular"
    assert [i.product_id for i in cold.items] == ["p1", "p2"]
    assert cold.reason == "no purchase history yet: topped up with products popular overall"
    assert cold.items[0].reasons[0].text == "popular: bought by 4 customers"
    with pytest.raises(NotFound):
        recommend(tiny, "nobody")


def test_popularity_global_community_and_category(tiny: Store) -> None:
    write_node_properties(
        tiny, "Customer", ["u", "a", "c"], {"communityId": [7, 7, 7]}, run_id="t", run_property="communityRunId"
    )
    assert [i.product_id for i in popular(tiny, limit=5)] == ["p1", "p2", "p3", "p5", "p4"]
    community = popular(tiny, community_id=7, exclude=frozenset({"p1", "p2"}), limit=5)
    assert _scores(community) == {"p3": 2.0, "p5": 1.0}
    assert community[0].reasons[0].text == "popular in your community: bought by 2 of its customers"
    kitchen = popular(tiny, filters=Filters(category="Kitchen"), limit=5)
    assert [i.product_id for i in kitchen] == ["p1", "p2"]
    assert kitchen[0].reasons[0].text == "popular in Kitchen: bought by 4 customers"
    result = recommend(tiny, "u", strategy="popular", limit=3)
    assert result.personalized and [i.product_id for i in result.items] == ["p3", "p5"]


def test_similar_products_and_top_up_from_the_category(tiny: Store) -> None:
    result = similar_products(tiny, "p1", limit=5)
    # co-buyers of p1 (u, a, b, n): p2 twice (u, b) → 2/√(4·2); p4 → 1/√4; p3, p5 → 1/√8
    assert _scores(result.items) == {"p2": 0.707107, "p4": 0.5, "p3": 0.353553, "p5": 0.353553}
    assert result.items[0].reasons[0].text == "customers who bought Kettle also bought Mug"
    lamp = similar_products(tiny, "p4", limit=5)
    assert [i.product_id for i in lamp.items] == ["p2", "p1", "p3"]
    assert lamp.items[-1].strategy == "popular"  # topped up from Outdoor
    with pytest.raises(NotFound):
        similar_products(tiny, "p404")


@pytest.mark.parametrize("method", ["cn", "aa", "ra", "jaccard", "pa"])
def test_people_you_may_know_matches_pair_scoring(tiny: Store, method: str) -> None:
    result = people_you_may_know(tiny, "u", limit=10, method=method)  # type: ignore[arg-type]
    names = ["u", "a", "b", "c", "n", "m", "x", "y"]
    src = np.array([names.index(a) for a, _ in FOLLOWS])
    dst = np.array([names.index(b) for _, b in FOLLOWS])
    expected = two_hop_scores(symmetric_adjacency(src, dst, len(names)), np.array([0]), method).tocoo()  # type: ignore[arg-type]
    reference = {f"A_{names[j]}": round(float(v), 6) for j, v in zip(expected.col, expected.data, strict=True)}
    assert {p.account_id: round(p.score, 6) for p in result.items} == reference
    assert set(reference) == {"A_b", "A_c", "A_y"}  # two hops away and not linked yet
    assert result.personalized and result.items[0].account_id == "A_b"  # best on every index
    assert result.items[0].customer_id == "b"
    assert result.items[0].reason == "you both know @a and 1 more"  # @n's owner has no profiling consent


def test_people_you_may_know_falls_back_to_popular_accounts(tiny: Store) -> None:
    no_consent = people_you_may_know(tiny, "n", limit=3)
    assert not no_consent.personalized and "opted out of profiling" in (no_consent.reason or "")
    assert "A_n" not in {p.account_id for p in no_consent.items}
    no_account = people_you_may_know(tiny, "w", limit=3)
    assert not no_account.personalized and "owns no social account" in (no_account.reason or "")
    assert [p.account_id for p in no_account.items][:2] == ["A_b", "A_a"]  # most followed first
    with pytest.raises(ValidationFailed):
        people_you_may_know(tiny, "u", method="xx")  # type: ignore[arg-type]
