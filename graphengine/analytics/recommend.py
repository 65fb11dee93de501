"""Recommendations for one customer, computed online with bounded Cypher, and "people you may know".

Strategies (each a registered query under ``cypher/queries/recommend/``; ``d_x`` is a node's degree):

* ``copurchase``  "bought together": Σ over the customer's products p of the cosine ``co(p, q) / √(d_p · d_q)``
  (cosine was the best co-purchase normalisation in ``benchmarks/RESULTS_recommend.md``);
* ``paths``       link prediction over customer–product–customer–product paths c→p←o→q with resource
  allocation weights ``1/d^α`` on p and o and popularity damping ``d_q^-β`` (α = 0.7, β = 0.5: the tuned
  RP3β of RESULTS_recommend.md; α = 1, β = 0 is plain RA; ``method="aa"`` uses Adamic–Adar ``1/log d``);
* ``neighbours``  "customers like you": the 100 customers with the highest purchase cosine vote for what
  they bought (the tuned customers-like-you of RESULTS_recommend.md);
* ``social``      products that accounts the customer follows bought (owners with profiling consent only)
  or mentioned positively, weighted by the followee's PageRank;
* ``popular``     most bought products in the customer's community (when known), else overall; with a
  ``category`` filter, per category. The same list for many people, so it is memoised and filtered here;
* ``blend``       ``1.0 × paths + 0.5 × neighbours + 0.25 × social`` (:data:`BLEND_WEIGHTS`), each list scaled
  to a maximum of 1 first. The first two weights are the ones chosen on MovieLens-100k validation data in
  RESULTS_recommend.md (co-purchase cosine and popularity got weight 0 there, so they are left out); the
  social weight is a judgement — no public data set has both purchases and follows to tune it on.

Bounded: every traversal starts from at most ``max_sources`` of the customer's latest purchases and keeps at
most ``max_neighbours`` other buyers per product (co-occurrence counts are scaled up to the product's degree),
so a blockbuster bought by everyone costs the same as any other product. Every list leaves out what the
customer bought (``exclude_bought``), honours :class:`Filters`, is topped up with popular products when short,
and carries a :class:`Reason` per item. A customer without profiling consent (``consentProfiling`` not true)
gets the global popularity list, marked ``personalized=False`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from graphengine.analytics._recommend_items import Item, Reason, blend, explain, fill, handle_of, to_items
from graphengine.errors import NotFound, ValidationFailed
from graphengine.store import Store

Strategy = Literal["blend", "copurchase", "paths", "neighbours", "social", "popular"]
STRATEGIES: tuple[Strategy, ...] = ("blend", "copurchase", "paths", "neighbours", "social", "popular")
PeopleMethod = Literal["aa", "ra", "cn", "jaccard", "pa"]
PEOPLE_METHODS: tuple[PeopleMethod, ...] = ("aa", "ra", "cn", "jaccard", "pa")
BLEND_WEIGHTS: dict[str, float] = {"paths": 1.0, "neighbours": 0.5, "social": 0.25}
POPULAR_POOL = 300
T = TypeVar("T")


class Memo(Protocol):
    """Somewhere to keep results that many requests share (the API passes its cache)."""

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T: ...


@dataclass(frozen=True)
class Filters:
    """Only products of ``category``, priced within [min_price, max_price], in stock (or not) when set."""

    category: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    in_stock: bool | None = None

    def params(self) -> dict[str, Any]:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValidationFailed(
                "min_price is greater than max_price",
                details={"min_price": self.min_price, "max_price": self.max_price},
            )
        return {
            "category": self.category,
            "minPrice": self.min_price,
            "maxPrice": self.max_price,
            "inStock": self.in_stock,
        }


@dataclass(frozen=True)
class Bounds:
    """How far one online request may reach into the graph."""

    max_sources: int = 50
    max_neighbours: int = 100
    max_similar: int = 100
    max_followees: int = 200
    max_fanout: int = 200
    path_method: Literal["ra", "aa"] = "ra"
    alpha: float = 0.7
    beta: float = 0.5


@dataclass(frozen=True)
class Recommendations:
    customer_id: str
    requested: str
    strategy: str
    personalized: bool
    reason: str | None
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class SimilarProducts:
    product_id: str
    name: str | None
    category: str | None
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    account_id: str
    handle: str
    platform: str | None
    customer_id: str | None
    score: float
    common: int
    reason: str


@dataclass(frozen=True)
class People:
    customer_id: str
    method: str
    personalized: bool
    reason: str | None
    items: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    customer_id: str
    consent: bool | None
    community_id: int | None
    bought: frozenset[str]
    accounts: int


class _NoMemo:
    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        return compute()


def customer_context(store: Store, customer_id: str) -> _Context:
    rows = store.query("recommend.get_customer_context", {"customerId": customer_id})
    if not rows:
        raise NotFound(f"no customer {customer_id!r}", details={"customerId": customer_id})
    row = rows[0]
    return _Context(
        customer_id=customer_id,
        consent=row["consentProfiling"],
        community_id=row["communityId"],
        bought=frozenset(row["bought"]),
        accounts=int(row["accounts"]),
    )


def _no_consent_reason(consent: bool | None) -> str:
    if consent is False:
        return "the customer opted out of profiling (consentProfiling = false): popular products for everyone"
    return "no profiling consent on record (consentProfiling is not set): popular products for everyone"


def popular(
    store: Store,
    *,
    community_id: int | None = None,
    filters: Filters = Filters(),
    exclude: frozenset[str] = frozenset(),
    limit: int = 10,
    memo: Memo | None = None,
) -> list[Item]:
    """The most bought products (in a community, a category, or overall), leaving out ``exclude``."""
    params = filters.params()
    scope = "community" if community_id is not None else ("category" if filters.category else "global")

    def pool(size: int) -> list[dict[str, Any]]:
        if community_id is None:
            return store.query("recommend.list_popular_products", {"candidates": size, **params})
        return store.query(
            "recommend.list_community_products", {"communityId": community_id, "candidates": size, **params}
        )

    rows = (memo or _NoMemo()).get_or_compute(("popular", community_id, filters), lambda: pool(POPULAR_POOL))
    kept = [row for row in rows if row["productId"] not in exclude]
    if len(kept) < limit and len(rows) >= POPULAR_POOL:  # the shared pool ran out: ask for this customer alone
        kept = [row for row in pool(POPULAR_POOL + len(exclude)) if row["productId"] not in exclude]
    return to_items("popular", kept[:limit], scope=scope)


def _component(
    store: Store, kind: str, ctx: _Context, filters: Filters, bounds: Bounds, candidates: int, exclude_bought: bool
) -> list[Item]:
    params: dict[str, Any] = {
        "customerId": ctx.customer_id,
        "candidates": candidates,
        "excludeBought": exclude_bought,
        **filters.params(),
    }
    if kind == "social":
        if ctx.accounts == 0:
            return []
        params.update(maxFollowees=bounds.max_followees, rankFloor=1e-6)
        return to_items(kind, store.query("recommend.score_social", params))
    if not ctx.bought:
        return []
    params.update(maxSources=bounds.max_sources, maxNeighbours=bounds.max_neighbours)
    if kind == "paths":
        params.update(method=bounds.path_method, alpha=bounds.alpha, beta=bounds.beta)
    elif kind == "neighbours":
        params.update(maxSimilar=bounds.max_similar)
    return to_items(kind, store.query(f"recommend.score_{kind}", params))


def recommend(
    store: Store,
    customer_id: str,
    *,
    strategy: Strategy = "blend",
    limit: int = 10,
    filters: Filters = Filters(),
    exclude_bought: bool = True,
    bounds: Bounds = Bounds(),
    memo: Memo | None = None,
) -> Recommendations:
    """Up to ``limit`` products for one customer by ``strategy``; see the module docstring."""
    if strategy not in STRATEGIES:
        raise ValidationFailed(f"unknown strategy {strategy!r}; one of {', '.join(STRATEGIES)}")
    filters.params()  # validates the price range before anything runs
    ctx = customer_context(store, customer_id)
    exclude = ctx.bought if exclude_bought else frozenset()
    if ctx.consent is not True:
        items = popular(store, filters=filters, exclude=exclude, limit=limit, memo=memo)
        return Recommendations(customer_id, strategy, "popular", False, _no_consent_reason(ctx.consent), items)

    def fallback() -> list[Item]:
        return popular(store, community_id=ctx.community_id, filters=filters, exclude=exclude, limit=limit, memo=memo)

    if strategy == "popular":
        reason = None if ctx.community_id is not None else "no community known for the customer: overall popularity"
        return Recommendations(customer_id, strategy, "popular", ctx.community_id is not None, reason, fallback())
    candidates = min(max(3 * limit, 30), 300)
    if strategy == "blend":
        lists = {
            kind: _component(store, kind, ctx, filters, bounds, candidates, exclude_bought)
            for kind, weight in BLEND_WEIGHTS.items()
            if weight > 0
        }
        items = blend(lists, BLEND_WEIGHTS)
    else:
        items = _component(store, strategy, ctx, filters, bounds, candidates, exclude_bought)
    if len(items) >= limit:
        return Recommendations(customer_id, strategy, strategy, True, None, items[:limit])
    history = "no purchase history yet" if not ctx.bought else f"only {len(items)} {strategy} candidates"
    where = "in the customer's community" if ctx.community_id is not None else "overall"
    reason = f"{history}: topped up with products popular {where}"
    personalized = bool(items) or ctx.community_id is not None
    used = strategy if items else "popular"
    return Recommendations(customer_id, strategy, used, personalized, reason, fill(items, fallback(), limit, exclude))


def similar_products(
    store: Store, product_id: str, *, limit: int = 10, bounds: Bounds = Bounds(), memo: Memo | None = None
) -> SimilarProducts:
    """Products bought together with ``product_id`` (cosine), topped up with popular ones of its category."""
    rows = store.query(
        "recommend.list_similar_products",
        {"productId": product_id, "maxNeighbours": bounds.max_neighbours, "limit": limit},
    )
    if not rows:
        raise NotFound(f"no product {product_id!r}", details={"productId": product_id})
    head = rows[0]
    via = {"viaProductId": head["productId"], "viaProductName": head["name"]}
    items = to_items("similar", [{**item, **via} for item in head["items"]])
    if len(items) < limit and head["category"]:
        extra = popular(
            store, filters=Filters(category=head["category"]), exclude=frozenset({product_id}), limit=limit, memo=memo
        )
        items = fill(items, extra, limit, {product_id})
    return SimilarProducts(head["productId"], head["name"], head["category"], items)


def people_you_may_know(
    store: Store, customer_id: str, *, limit: int = 10, method: PeopleMethod = "aa", bounds: Bounds = Bounds()
) -> People:
    """Accounts two hops from the customer's own in the follow graph, scored by ``method`` (never all pairs);
    popular accounts when the customer has no account or no profiling consent."""
    if method not in PEOPLE_METHODS:
        raise ValidationFailed(f"unknown method {method!r}; one of {', '.join(PEOPLE_METHODS)}")
    ctx = customer_context(store, customer_id)
    reason: str | None = None
    rows: list[dict[str, Any]] = []
    if ctx.consent is not True:
        reason = _no_consent_reason(ctx.consent).replace("popular products", "popular accounts")
    elif ctx.accounts == 0:
        reason = "the customer owns no social account: popular accounts"
    else:
        params = {
            "customerId": customer_id,
            "method": method,
            "maxNeighbours": bounds.max_neighbours,
            "maxFanout": bounds.max_fanout,
            "limit": limit,
        }
        rows = store.query("recommend.score_people", params)
    personalized = bool(rows)
    if not rows:
        reason = reason or "no accounts two hops away: popular accounts"
        rows = store.query("recommend.list_popular_accounts", {"customerId": customer_id, "limit": limit})
    return People(customer_id, method if personalized else "popular", personalized, reason, _people(rows, personalized))


def _people(rows: Sequence[dict[str, Any]], personalized: bool) -> list[Person]:
    out = []
    for row in rows:
        via = sorted(handle_of(h, "?") for h in row["via"])
        if personalized:
            text = f"you both know {', '.join(via)}" + (
                f" and {row['common'] - len(via)} more" if row["common"] > len(via) else ""
            )
        else:
            text = "popular account"
        out.append(
            Person(
                account_id=row["accountId"],
                handle=handle_of(row["handle"], row["accountId"]),
                platform=row["platform"],
                customer_id=row["customerId"],
                score=float(row["score"]),
                common=int(row["common"]),
                reason=text,
            )
        )
    return out


__all__ = [
    "BLEND_WEIGHTS",
    "PEOPLE_METHODS",
    "STRATEGIES",
    "Bounds",
    "Filters",
    "Item",
    "Memo",
    "People",
    "PeopleMethod",
    "Person",
    "Reason",
    "Recommendations",
    "SimilarProducts",
    "Strategy",
    "customer_context",
    "explain",
    "people_you_may_know",
    "popular",
    "recommend",
    "similar_products",
]
