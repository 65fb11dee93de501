"""Purchase (order line) and rating input records."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from graphengine.model._base import InputRecord, Key, Money, OptStr, Quantity, Timestamp
from graphengine.model.rules import finite


class PurchaseIn(InputRecord):
    """One order line. ``lineId`` makes re-loads idempotent; it defaults to ``orderId:productId``."""

    orderId: Key
    lineId: OptStr = None
    customerId: Key
    productId: Key
    quantity: Quantity = 1
    amount: Money
    at: Timestamp
    channelId: OptStr = None

    @model_validator(mode="after")
    def _default_line_id(self) -> PurchaseIn:
        if self.lineId is None:
            object.__setattr__(self, "lineId", f"{self.orderId}:{self.productId}")
        return self


class RatingIn(InputRecord):
    """A customer's rating of a product (1–5 stars, or any scale up to 10)."""

    customerId: Key
    productId: Key
    rating: Annotated[float, BeforeValidator(finite), Field(ge=0, le=10)]
    at: Timestamp | None = None


__all__ = ["PurchaseIn", "RatingIn"]
