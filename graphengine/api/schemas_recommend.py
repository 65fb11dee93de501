"""Response model of the served recommendations (the items' and reasons' shapes are those of :mod:`schemas`)."""

from __future__ import annotations

from pydantic import Field

from graphengine.api.schemas import RecommendationsOut, item_out
from graphengine.recommend.serving import Recommendations


class ServedRecommendationsOut(RecommendationsOut):
    modelVersion: str = Field(description="the promoted model version that scored the list")


def served_out(result: Recommendations, explain: bool) -> ServedRecommendationsOut:
    return ServedRecommendationsOut(
        customerId=result.customer_id,
        requestedStrategy=result.requested,
        strategy=result.strategy,
        personalized=result.personalized,
        reason=result.reason,
        count=len(result.items),
        items=[item_out(item, explain) for item in result.items],
        modelVersion=result.model_version,
    )


__all__ = ["ServedRecommendationsOut", "served_out"]
