"""Customer journeys, journey patterns, attribution and channel transitions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AfterValidator
from starlette.responses import Response

from graphengine.analytics import journey_store
from graphengine.api.deps import StoreDep, cached, optional_api_key
from graphengine.api.routes import error_responses
from graphengine.api.schemas_journeys import AttributionOut, JourneyOut, PatternMatchesOut, TransitionsOut
from graphengine.model.rules import timestamp

router = APIRouter(dependencies=[Depends(optional_api_key)], tags=["journeys"])

ISO_8601 = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$"


def _real_time(value: str | None) -> str | None:
    """The pattern admits 0000-00-00; the calendar does not, nor do the value rules of every input (a real date,
    1900–2100, an offset within ±18:00; a trailing Z accepted). Returns the time as zone-aware ISO-8601."""
    if value is None:
        return None
    try:
        moment: dt.datetime = timestamp(value, None)
    except ValueError as exc:
        raise ValueError(f"not a valid ISO-8601 date or time: {value!r} ({exc})") from None
    return moment.isoformat()


Since = Annotated[
    str | None,
    Query(pattern=ISO_8601, description="Only events at or after this time (ISO-8601 date or date-time)."),
    AfterValidator(_real_time),
]
PatternName = Literal["serious_shopper_abandonment", "cart_abandonment", "cross_channel_conversion", "email_to_store"]
Model = Literal["all", "first_touch", "last_touch", "linear", "time_decay", "position_based", "markov_1", "markov_2"]


@router.get(
    "/customers/{customer_id}/journey", response_model=JourneyOut, responses=error_responses(401, 404, 422, 503)
)
async def get_journey(
    request: Request,
    store: StoreDep,
    customer_id: Annotated[str, Path(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    """One customer's events in time order, with channels, products, sessions and the patterns they match."""
    return await cached(
        request,
        ("journey", customer_id, limit),
        lambda: JourneyOut.model_validate(journey_store.customer_journey(store, customer_id, limit)),
    )


@router.get("/journeys/patterns/{name}", response_model=PatternMatchesOut, responses=error_responses(401, 422, 503))
async def get_pattern_matches(
    request: Request,
    store: StoreDep,
    name: Annotated[PatternName, Path(description="A named journey pattern.")],
    since: Since = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Journeys that match a named pattern (e.g. serious_shopper_abandonment), newest first."""
    return await cached(
        request,
        ("pattern", name, since, limit),
        lambda: PatternMatchesOut.model_validate(journey_store.pattern_matches(store, name, since, limit)),
    )


@router.get("/attribution", response_model=AttributionOut, responses=error_responses(401, 422, 503))
async def get_attribution(request: Request, store: StoreDep, model: Model = "all", since: Since = None) -> Response:
    """Credit per channel for conversions and conversion value, by model (or all side by side)."""
    return await cached(
        request,
        ("attribution", model, since),
        lambda: AttributionOut.model_validate(journey_store.attribution(store, model, since)),
    )


@router.get("/channels/transitions", response_model=TransitionsOut, responses=error_responses(401, 422, 503))
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
