"""Response model of the served recommendations (the items' and reasons' shapes are those of :mod:`schemas`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from graphengine.api.schemas import RecommendationsOut, recommendations_out
from graphengine.recommend.filters import Filters
from graphengine.recommend.serving import Recommendations

Price = Annotated[float | None, Field(ge=0, le=1e12, allow_inf_nan=False)]


class RecommendationQuery(BaseModel):
    """The query parameters of ``GET /customers/{id}/recommendations`` — one model for the route and for the
    in-memory fast path (:mod:`graphengine.api.served_fastpath`), so both accept exactly the same requests."""

    model_config = ConfigDict(frozen=True)

    limit: int = Field(10, ge=1, le=100, description="how many items (1–100)")
    category: str | None = Field(None, min_length=1, max_length=200, description="only products of this category")
    min_price: Price = None
    max_price: Price = None
    in_stock: bool | None = None
    explain: bool = Field(False, description='add the reasons behind each item ("because you bought X")')
    social: bool = Field(True, description="re-rank by what accounts the customer follows bought or praised")

    def filters(self) -> Filters:
        """The product filters (raises ValidationFailed when min_price > max_price)."""
        return Filters(
            category=self.category, min_price=self.min_price, max_price=self.max_price, in_stock=self.in_stock
        ).validate()


class ServedRecommendationsOut(RecommendationsOut):
    modelVersion: str = Field(description="the promoted model version that scored the list")


def served_out(result: Recommendations, explain: bool) -> ServedRecommendationsOut:
    base = recommendations_out(result, explain)  # validated there; the version is added without a second pass
    return ServedRecommendationsOut.model_construct(**dict(base), modelVersion=result.model_version)


__all__ = ["RecommendationQuery", "ServedRecommendationsOut", "served_out"]
