"""Recommendations for a customer, products bought together, people you may know."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from graphengine.api.cache import MODEL, PRODUCTS, customer_tag, product_tag
from graphengine.api.deps import CacheDep, ReadKeyDep, StoreDep, cached
from graphengine.api.recommender import RecommenderDep
from graphengine.api.routes import error_responses
from graphengine.api.schemas import PeopleOut, SimilarProductsOut, people_out, similar_out
from graphengine.api.schemas_recommend import ServedRecommendationsOut, served_out
from graphengine.recommend.filters import Filters
from graphengine.recommend.links.online import PeopleMethod, people_you_may_know, similar_products

router = APIRouter()

CustomerId = Annotated[str, Path(min_length=1, max_length=200, description="Customer.customerId")]
Limit = Annotated[int, Query(ge=1, le=100, description="how many items (1–100)")]
Price = Annotated[float | None, Query(ge=0, le=1e12, allow_inf_nan=False)]
ERRORS = error_responses(401, 404, 422, 503)


@router.get(
    "/customers/{customer_id}/recommendations",
    response_model=ServedRecommendationsOut,
    responses=ERRORS,
    tags=["recommendations"],
)
async def get_recommendations(
    request: Request,
    customer_id: CustomerId,
    recommender: RecommenderDep,
    _key: ReadKeyDep,
    limit: Limit = 10,
    category: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    min_price: Price = None,
    max_price: Price = None,
    in_stock: bool | None = None,
    explain: Annotated[bool, Query(description='add the reasons behind each item ("because you bought X")')] = False,
    social: Annotated[
        bool, Query(description="re-rank by what accounts the customer follows bought or praised")
    ] = True,
) -> Response:
    """What to offer this customer next, scored by the promoted model from the customer's current interactions
    (a purchase posted a moment ago counts). Leaves out everything the customer already has; without profiling
    consent the list is the popularity list everybody gets, and ``personalized`` is false with the reason."""
    filters = Filters(category=category, min_price=min_price, max_price=max_price, in_stock=in_stock).validate()
    key = ("recommendations", customer_id, limit, filters, explain, social)

    def compute() -> ServedRecommendationsOut:
        result = recommender.recommend(customer_id, limit=limit, filters=filters, explain=explain, social=social)
        return served_out(result, explain)

    def tags(out: ServedRecommendationsOut) -> list[Hashable]:
        return [customer_tag(customer_id), MODEL, PRODUCTS, *(product_tag(item.productId) for item in out.items)]

    # a customer whose state is kept in process needs no Neo4j round trip: score on the event loop
    inline = recommender.answers_from_memory(customer_id)
    return await cached(request, key, compute, tags=tags, inline=inline)


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
