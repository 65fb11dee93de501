"""Customer journeys, journey patterns, attribution and channel transitions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from graphengine.api.dates import Since
from graphengine.api.deps import ReadKeyDep, StoreDep, cached
from graphengine.api.routes import error_responses
from graphengine.api.schemas_journeys import AttributionOut, JourneyOut, PatternMatchesOut, TransitionsOut
from graphengine.journeys import store as journey_store

router = APIRouter(tags=["journeys"])

PatternName = Literal["serious_shopper_abandonment", "cart_abandonment", "cross_channel_conversion", "email_to_store"]
Model = Literal["all", "first_touch", "last_touch", "linear", "time_decay", "position_based", "markov_1", "markov_2"]


@router.get("/customers/{customer_id}/journey", response_model=JourneyOut, responses=error_responses(404))
async def get_journey(
    request: Request,
    store: StoreDep,
    _key: ReadKeyDep,
    customer_id: Annotated[str, Path(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    """One customer's events in time order, with channels, products, sessions and the patterns they match."""
    return await cached(
        request,
        ("journey", customer_id, limit),
        lambda: JourneyOut.model_validate(journey_store.customer_journey(store, customer_id, limit)),
    )


@router.get("/journeys/patterns/{name}", response_model=PatternMatchesOut, responses=error_responses())
async def get_pattern_matches(
    request: Request,
    store: StoreDep,
    name: Annotated[PatternName, Path(description="A named journey pattern.")],
    since: Since = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Journeys that match a named pattern (e.g. serious_shopper_abandonment), newest first. Without a key with
    the read scope only the totals: ``matches`` is empty (each match names a customer)."""
    return await cached(
        request,
        ("pattern", name, since, limit),
        lambda: PatternMatchesOut.model_validate(journey_store.pattern_matches(store, name, since, limit)),
    )


@router.get("/attribution", response_model=AttributionOut, responses=error_responses())
async def get_attribution(request: Request, store: StoreDep, model: Model = "all", since: Since = None) -> Response:
    """Credit per channel for conversions and conversion value, by model (or all side by side)."""
    return await cached(
        request,
        ("attribution", model, since),
        lambda: AttributionOut.model_validate(journey_store.attribution(store, model, since)),
    )


@router.get("/channels/transitions", response_model=TransitionsOut, responses=error_responses())
async def get_transitions(
    request: Request,
    store: StoreDep,
    scope: Literal["customer", "session"] = "customer",
    since: Since = None,
) -> Response:
    """The channel-to-channel transition matrix (counts and probabilities) along the event chains."""
    return await cached(
        request,
        ("transitions", scope, since),
        lambda: TransitionsOut.model_validate(journey_store.channel_transitions(store, scope=scope, since=since)),
    )
