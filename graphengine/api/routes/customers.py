"""The unified customer profile, and GDPR erasure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from graphengine.api.deps import ReadKeyDep, StoreDep, WriteKeyDep, blocking, cached
from graphengine.api.erasure import erase_customer
from graphengine.api.recommender import after_erasure
from graphengine.api.routes import error_responses
from graphengine.api.schemas_customers import CustomerProfileOut, ErasureReceiptOut, profile_out
from graphengine.errors import NotFound
from graphengine.store import Store

router = APIRouter(tags=["customers"])

CustomerId = Annotated[str, Path(min_length=1, max_length=200, description="Customer.customerId")]


def _profile(store: Store, customer_id: str, recent: int) -> CustomerProfileOut:
    rows = store.query("api.get_customer_profile", {"customerId": customer_id, "recent": recent})
    if not rows:
        raise NotFound(f"no customer {customer_id!r}", details={"customerId": customer_id})
    return profile_out(rows[0])


@router.get(
    "/customers/{customer_id}",
    response_model=CustomerProfileOut,
    responses=error_responses(404),
)
async def get_customer(
    request: Request,
    customer_id: CustomerId,
    store: StoreDep,
    _key: ReadKeyDep,
    recent: Annotated[int, Query(ge=1, le=100, description="latest purchases and events to include")] = 10,
) -> Response:
    """Identity profile, community, influence of owned accounts, channels and consent, recent activity, and customer
    value (RFM, CLV, referral value, churn risk with their runIds; withheld without profiling consent)."""
    return await cached(request, ("customer", customer_id, recent), lambda: _profile(store, customer_id, recent))


@router.delete(
    "/customers/{customer_id}",
    response_model=ErasureReceiptOut,
    responses=error_responses(404),
)
async def delete_customer(
    request: Request, customer_id: CustomerId, store: StoreDep, _key: WriteKeyDep
) -> ErasureReceiptOut:
    """GDPR erasure: the customer, their events, identifiers and accounts nobody else shares, emptied identity
    profiles and every cached response go; the receipt counts what was removed and what was kept."""
    receipt = await blocking(erase_customer, store, customer_id)
    cleared = after_erasure(request.app.state)  # cached answers and the recommender's kept customer state
    return ErasureReceiptOut.model_validate({**receipt, "cacheEntriesCleared": cleared})
