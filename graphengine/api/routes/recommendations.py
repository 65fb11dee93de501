"""Recommendations for a customer, products bought together, people you may know."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from graphengine.analytics.recommend import (
    Filters,
    PeopleMethod,
    Strategy,
    people_you_may_know,
    recommend,
    similar_products,
)
from graphengine.api.deps import CacheDep, ReadKeyDep, StoreDep, cached
from graphengine.api.routes import error_responses
from graphengine.api.schemas import (
    PeopleOut,
    RecommendationsOut,
    SimilarProductsOut,
    people_out,
    recommendations_out,
    similar_out,
)

router = APIRouter()

CustomerId = Annotated[str, Path(min_length=1, max_length=200, description="Customer.customerId")]
Limit = Annotated[int, Query(ge=1, le=100, description="how many items (1–100)")]
Price = Annotated[float | None, Query(ge=0, le=1e12, allow_inf_nan=False)]
ERRORS = error_responses(401, 404, 422, 503)


@router.get(
    "/customers/{customer_id}/recommendations",
    response_model=RecommendationsOut,
    responses=ERRORS,
    tags=["recommendations"],
)
async def get_recommendations(
    request: Request,
    customer_id: CustomerId,
    store: StoreDep,
    cache: CacheDep,
    _key: ReadKeyDep,
    limit: Limit = 10,
    strategy: Annotated[Strategy, Query(description="blend (default) or one strategy")] = "blend",
    category: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    min_price: Price = None,
    max_price: Price = None,
    in_stock: bool | None = None,
    exclude_bought: Annotated[bool, Query(description="leave out what the customer bought")] = True,
    explain: Annotated[bool, Query(description="add the graph path behind each item")] = False,
) -> Response:
    """What to offer this customer next. Without profiling consent the list is the same popularity list
    everybody gets, and ``personalized`` is false with the reason."""
    filters = Filters(category=category, min_price=min_price, max_price=max_price, in_stock=in_stock)
    key = ("recommendations", customer_id, strategy, limit, filters, exclude_bought, explain)

    def compute() -> RecommendationsOut:
        result = recommend(
            store,
            customer_id,
            strategy=strategy,
            limit=limit,
            filters=filters,
            exclude_bought=exclude_bought,
            memo=cache,
        )
        return recommendations_out(result, explain)

    return await cached(request, key, compute)


@router.get(
    "/products/{product_id}/similar", response_model=SimilarProductsOut, responses=ERRORS, tags=["recommendations"]
)
async def get_similar_products(
    request: Request,
    product_id: Annotated[str, Path(min_length=1, max_length=200, description="Product.productId")],
    store: StoreDep,
    cache: CacheDep,
    limit: Limit = 10,
) -> Response:
    """Products bought together with this one (cosine over co-purchases), topped up from its category."""
    return await cached(
        request,
        ("similar", product_id, limit),
        lambda: similar_out(similar_products(store, product_id, limit=limit, memo=cache)),
    )


@router.get("/customers/{customer_id}/people-you-may-know", response_model=PeopleOut, responses=ERRORS, tags=["social"])
async def get_people_you_may_know(
    request: Request,
    customer_id: CustomerId,
    store: StoreDep,
    _key: ReadKeyDep,
    limit: Limit = 10,
    method: Annotated[PeopleMethod, Query(description="aa, ra, cn, jaccard or pa")] = "aa",
) -> Response:
    """Accounts two hops away from the customer's own in the follow graph (never all pairs)."""
    return await cached(
        request,
        ("people", customer_id, limit, method),
        lambda: people_out(people_you_may_know(store, customer_id, limit=limit, method=method)),
    )
