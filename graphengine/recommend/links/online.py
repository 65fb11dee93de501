"""Products bought together and "people you may know", computed online with bounded Cypher.

Recommendations *for a customer* come from the trained model (:mod:`graphengine.recommend.serving`); what stays
here is graph analytics served as is:

* :func:`similar_products`  products bought together with one product (cosine over co-purchases, at most
  ``max_neighbours`` other buyers per product), topped up with popular products of its category;
* :func:`people_you_may_know` accounts two hops from the customer's own in the follow graph (``score_people``);
* :func:`popular`  the most bought products overall, per category or per community, with :class:`Filters`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from graphengine.errors import NotFound, ValidationFailed
from graphengine.recommend.filters import Filters
from graphengine.recommend.items import Item, Reason, fill, handle_of, to_items
from graphengine.recommend.serving import Recommendations
from graphengine.store import Store

PeopleMethod = Literal["aa", "ra", "cn", "jaccard", "pa"]
PEOPLE_METHODS: tuple[PeopleMethod, ...] = ("aa", "ra", "cn", "jaccard", "pa")
POPULAR_POOL = 300
T = TypeVar("T")


class Memo(Protocol):
    """Somewhere to keep results that many requests share (the API passes its cache)."""

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T: ...


def filter_params(filters: Filters) -> dict[str, Any]:
    """The query parameters of ``filters`` (validated first)."""
    filters.validate()
    return {
        "category": filters.category,
        "minPrice": filters.min_price,
        "maxPrice": filters.max_price,
        "inStock": filters.in_stock,
    }


@dataclass(frozen=True)
class Bounds:
    """How far one online request may reach into the graph."""

    max_neighbours: int = 100
    max_fanout: int = 200


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
    params = filter_params(filters)
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
    "PEOPLE_METHODS",
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
    "customer_context",
    "filter_params",
    "people_you_may_know",
    "popular",
    "similar_products",
]
