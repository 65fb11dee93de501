"""Recommendations for a customer, products bought together, people you may know."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from graphengine.api.deps import CacheDep, ReadKeyDep, StoreDep, cached
from graphengine.api.recommender import (
    RecommenderDep,
    recommendation_answer,
    recommendation_key,
    recommendation_tags,
)
from graphengine.api.routes import error_responses
from graphengine.api.schemas import PeopleOut, SimilarProductsOut, people_out, similar_out
from graphengine.api.schemas_recommend import RecommendationQuery, ServedRecommendationsOut
from graphengine.recommend.links.online import PeopleMethod, people_you_may_know, similar_products

router = APIRouter()

CustomerId = Annotated[str, Path(min_length=1, max_length=200, description="Customer.customerId")]
Limit = Annotated[int, Query(ge=1, le=100, description="how many items (1–100)")]
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
    query: Annotated[RecommendationQuery, Query()],
) -> Response:
    """What to offer this customer next, scored by the promoted model from the customer's current interactions
    (a purchase posted a moment ago counts). Leaves out everything the customer already has; without profiling
    consent the list is the popularity list everybody gets, and ``personalized`` is false with the reason."""
    query.filters()  # min_price > max_price: 422 before anything else
    # a customer whose state is kept in process needs no Neo4j round trip: score on the event loop (requests
    # with a clean query string are answered before this route by graphengine.api.served_fastpath)
    inline = recommender.answers_from_memory(customer_id)
    return await cached(
        request,
        recommendation_key(customer_id, query),
        lambda: recommendation_answer(recommender, customer_id, query),
        tags=lambda answer: recommendation_tags(customer_id, answer, query),
        inline=inline,
    )


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
