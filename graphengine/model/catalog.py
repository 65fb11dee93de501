"""Product and channel input records."""

from __future__ import annotations

from typing import Literal

from graphengine.model._base import Flag, InputRecord, Key, OptNonNegFloat, OptStr

ChannelKind = Literal["web", "app", "email", "sms", "store", "social", "search", "display", "callcenter"]


class ProductIn(InputRecord):
    """A product, with its category (a Category node) and price."""

    productId: Key
    name: OptStr = None
    brand: OptStr = None
    category: OptStr = None
    price: OptNonNegFloat = None
    inStock: Flag = None


class ChannelIn(InputRecord):
    """A marketing or sales channel."""

    channelId: Key
    name: OptStr = None
    kind: ChannelKind


__all__ = ["ChannelIn", "ChannelKind", "ProductIn"]
