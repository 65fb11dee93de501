"""Influencers and communities, as written back by the analytics runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from graphengine.analytics.influence import list_influencers
from graphengine.analytics.segments import community_profile, list_communities
from graphengine.api.deps import StoreDep, cached
from graphengine.api.routes import error_responses
from graphengine.api.schemas import (
    CommunitiesOut,
    CommunityOut,
    CommunityProfileOut,
    InfluencerOut,
    InfluencersOut,
)

router = APIRouter()

CommunityId = Annotated[int, Query(ge=0, le=2_147_483_647)]


@router.get("/influencers", response_model=InfluencersOut, responses=error_responses(401, 422, 503), tags=["social"])
async def get_influencers(
    request: Request,
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    platform: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    community_id: CommunityId | None = None,
) -> Response:
    """Accounts ranked by PageRank, with reach, community, engagement, advocate tier and owner. Without a key
    with the read scope, accountId, handle and customerId are null."""

    def compute() -> InfluencersOut:
        rows = list_influencers(store, limit=limit, platform=platform, community_id=community_id)
        return InfluencersOut(count=len(rows), items=[InfluencerOut.model_validate(r) for r in rows])

    return await cached(request, ("influencers", limit, platform, community_id), compute)


@router.get("/communities", response_model=CommunitiesOut, responses=error_responses(401, 422, 503), tags=["social"])
async def get_communities(
    request: Request, store: StoreDep, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> Response:
    """Communities of the social graph, largest first."""

    def compute() -> CommunitiesOut:
        rows = list_communities(store, limit=limit)
        return CommunitiesOut(count=len(rows), items=[CommunityOut.model_validate(r) for r in rows])

    return await cached(request, ("communities", limit), compute)


@router.get(
    "/communities/{community_id}",
    response_model=CommunityProfileOut,
    responses=error_responses(401, 404, 422, 503),
    tags=["social"],
)
async def get_community(
    request: Request, community_id: Annotated[int, Path(ge=0, le=2_147_483_647)], store: StoreDep
) -> Response:
    """Size, top influencers, top products, dominant channels and consent share of one community. Without a key
    with the read scope, the influencers' accountId and handle are null."""
    return await cached(
        request,
        ("community", community_id),
        lambda: CommunityProfileOut.model_validate(community_profile(store, community_id)),
    )
