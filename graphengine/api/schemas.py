"""Response models of the API (JSON fields are camelCase, like the graph's properties)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graphengine.recommend.links.online import Item, People, Recommendations, SimilarProducts


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


# ------------------------------------------------------------------------------------------------ errors
class ErrorBody(Out):
    code: str = Field(description="stable machine-readable code, e.g. not_found, validation_failed")
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(Out):
    """The one shape of every error the API returns."""

    error: ErrorBody


# --------------------------------------------------------------------------------------- recommendations
class ReasonOut(Out):
    kind: str = Field(description="copurchase, paths, neighbours, social, similar or popular")
    text: str = Field(description='the graph path in words: "customers who bought X also bought Y"')
    weight: float = Field(description="this reason's share of the item's score")
    viaProductId: str | None = None
    viaProductName: str | None = None
    viaAccountId: str | None = None
    viaHandle: str | None = None
    support: int | None = Field(default=None, description="customers, paths or accounts behind the reason")


class ItemOut(Out):
    productId: str
    name: str | None = None
    category: str | None = None
    price: float | None = None
    inStock: bool | None = None
    score: float = Field(description="higher is better; comparable within one strategy")
    strategy: str
    reasons: list[ReasonOut] = Field(default_factory=list, description="empty unless explain=true")


class RecommendationsOut(Out):
    customerId: str
    requestedStrategy: str
    strategy: str = Field(description="the strategy that produced the list (popular when not personalised)")
    personalized: bool
    reason: str | None = Field(default=None, description="why the list is not (fully) personalised")
    count: int
    items: list[ItemOut]


class SimilarProductsOut(Out):
    productId: str
    name: str | None = None
    category: str | None = None
    count: int
    items: list[ItemOut]


class PersonOut(Out):
    accountId: str
    handle: str
    platform: str | None = None
    customerId: str | None = None
    score: float
    common: int = Field(description="common neighbours in the follow graph")
    reason: str


class PeopleOut(Out):
    customerId: str
    method: str
    personalized: bool
    reason: str | None = None
    count: int
    items: list[PersonOut]


def item_out(item: Item, explain: bool) -> ItemOut:
    reasons = (
        [
            ReasonOut(
                kind=r.kind,
                text=r.text,
                weight=r.weight,
                viaProductId=r.via_product_id,
                viaProductName=r.via_product_name,
                viaAccountId=r.via_account_id,
                viaHandle=r.via_handle,
                support=r.support,
            )
            for r in item.reasons
        ]
        if explain
        else []
    )
    return ItemOut(
        productId=item.product_id,
        name=item.name,
        category=item.category,
        price=item.price,
        inStock=item.in_stock,
        score=item.score,
        strategy=item.strategy,
        reasons=reasons,
    )


def recommendations_out(result: Recommendations, explain: bool) -> RecommendationsOut:
    return RecommendationsOut(
        customerId=result.customer_id,
        requestedStrategy=result.requested,
        strategy=result.strategy,
        personalized=result.personalized,
        reason=result.reason,
        count=len(result.items),
        items=[item_out(item, explain) for item in result.items],
    )


def similar_out(result: SimilarProducts) -> SimilarProductsOut:
    return SimilarProductsOut(
        productId=result.product_id,
        name=result.name,
        category=result.category,
        count=len(result.items),
        items=[item_out(item, True) for item in result.items],
    )


def people_out(result: People) -> PeopleOut:
    return PeopleOut(
        customerId=result.customer_id,
        method=result.method,
        personalized=result.personalized,
        reason=result.reason,
        count=len(result.items),
        items=[
            PersonOut(
                accountId=p.account_id,
                handle=p.handle,
                platform=p.platform,
                customerId=p.customer_id,
                score=p.score,
                common=p.common,
                reason=p.reason,
            )
            for p in result.items
        ],
    )


# ------------------------------------------------------------------------------------ influence, communities
REDACTED = "null when the API key lacks the read scope"


class InfluencerOut(Out):
    accountId: str | None = Field(default=None, description=REDACTED)
    handle: str | None = None
    platform: str | None = None
    score: float | None = Field(default=None, description="PageRank")
    betweenness: float | None = None
    followers: int | None = Field(default=None, description="in-degree in the follow graph")
    reach2: int | None = Field(default=None, description="accounts within two hops")
    communityId: int | None = None
    mentions: int | None = None
    advocateLevel: str | None = None
    customerId: str | None = Field(default=None, description=REDACTED)


class InfluencersOut(Out):
    count: int
    items: list[InfluencerOut]


class CommunityOut(Out):
    communityId: int
    size: int


class CommunitiesOut(Out):
    count: int
    items: list[CommunityOut]


class CommunityInfluencerOut(Out):
    accountId: str | None = Field(default=None, description=REDACTED)
    handle: str | None = Field(default=None, description=REDACTED)
    score: float | None = None


class CommunityProductOut(Out):
    productId: str
    name: str | None = None
    purchases: int


class CommunityChannelOut(Out):
    channelId: str
    events: int


class CommunityProfileOut(Out):
    communityId: int
    size: int = Field(description="social accounts in the community")
    customers: int
    influencers: list[CommunityInfluencerOut]
    products: list[CommunityProductOut]
    channels: list[CommunityChannelOut]
    consentShare: float | None = Field(default=None, description="share of its customers with profiling consent")
    emailConsentShare: float | None = None


# ------------------------------------------------------------------------------------------------ health
class RunOut(Out):
    runId: str
    kind: str | None = None
    algorithm: str | None = None
    status: str | None = None
    startedAt: str | None = None
    finishedAt: str | None = None


class Neo4jOut(Out):
    reachable: bool
    uri: str
    versions: dict[str, str]


class CacheOut(Out):
    enabled: bool
    entries: int
    hits: int
    misses: int


class HealthOut(Out):
    status: str = Field(description="ok")
    version: str = Field(description="graphengine version")
    neo4j: Neo4jOut
    runs: list[RunOut] = Field(description="the latest analysis runs, newest first")
    cache: CacheOut


__all__ = [
    "CommunitiesOut",
    "CommunityProfileOut",
    "ErrorResponse",
    "HealthOut",
    "InfluencersOut",
    "PeopleOut",
    "RecommendationsOut",
    "SimilarProductsOut",
    "item_out",
    "people_out",
    "recommendations_out",
    "similar_out",
]
