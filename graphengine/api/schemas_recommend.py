"""Response model of the served recommendations (the items' and reasons' shapes are those of :mod:`schemas`)."""

from __future__ import annotations

from pydantic import Field

from graphengine.api.schemas import RecommendationsOut, recommendations_out
from graphengine.recommend.serving import Recommendations


class ServedRecommendationsOut(RecommendationsOut):
    modelVersion: str = Field(description="the promoted model version that scored the list")


def served_out(result: Recommendations, explain: bool) -> ServedRecommendationsOut:
    base = recommendations_out(result, explain)  # validated there; the version is added without a second pass
    return ServedRecommendationsOut.model_construct(**dict(base), modelVersion=result.model_version)


__all__ = ["ServedRecommendationsOut", "served_out"]
