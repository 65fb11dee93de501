"""Behavioural event input records (clicks, searches, email opens, store visits, conversions…)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from graphengine.model._base import InputRecord, Key, OptFloat, OptNonNegInt, OptStr, Timestamp

EventType = Literal["view", "search", "cart", "purchase", "email_open", "click", "impression", "visit", "conversion"]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]


class EventIn(InputRecord):
    """One event of a customer on a channel; searches carry ``resultCount`` (0 = nothing found)."""

    eventId: Key
    customerId: Key
    type: EventType
    at: Timestamp
    channelId: Key
    sessionId: OptStr = None
    productId: OptStr = None
    value: OptFloat = None
    query: OptStr = None
    resultCount: OptNonNegInt = None

    @model_validator(mode="after")
    def _product_events_name_a_product(self) -> EventIn:
        if self.type in ("view", "cart") and self.productId is None:
            raise ValueError(f"a {self.type} event needs a productId")
        return self


__all__ = ["EVENT_TYPES", "EventIn", "EventType"]
