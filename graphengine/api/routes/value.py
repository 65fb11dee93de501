"""Customer value aggregates: RFM segments, and the basket rules of a product."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from graphengine.api.cache import product_tag
from graphengine.api.deps import StoreDep, cached
from graphengine.api.routes import error_responses
from graphengine.api.schemas_value import ProductRulesOut, SegmentsOut, product_rules_out, segments_out
from graphengine.value.basket import rules_for_product

router = APIRouter(tags=["value"])


@router.get("/segments", response_model=SegmentsOut, responses=error_responses(401, 422, 503))
async def get_segments(request: Request, store: StoreDep) -> Response:
    """RFM segments, largest first: customers per segment, and the mean spend, clv and churn risk of the
    segment's customers with profiling consent. Names nobody; no key needed."""
    return await cached(request, ("segments",), lambda: segments_out(store.query("value.list_segments")))


@router.get(
    "/products/{product_id}/rules", response_model=ProductRulesOut, responses=error_responses(401, 404, 422, 503)
)
async def get_product_rules(
    request: Request,
    product_id: Annotated[str, Path(min_length=1, max_length=200, description="Product.productId")],
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=100, description="how many rules (1–100)")] = 20,
    min_lift: Annotated[float, Query(ge=0, le=1e12, allow_inf_nan=False, description="smallest lift kept")] = 0.0,
) -> Response:
    """Basket rules this product → another (support, confidence, lift; best lift first), as the last
    `graphengine value basket` run wrote them. An empty list when the product has none."""
    return await cached(
        request,
        ("product-rules", product_id, limit, min_lift),
        lambda: product_rules_out(product_id, rules_for_product(store, product_id, limit=limit, min_lift=min_lift)),
        tags=lambda model: (product_tag(product_id),),
    )
