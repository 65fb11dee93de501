"""Input records (what the loaders accept) and the kinds of source they belong to."""

from graphengine.model.catalog import ChannelIn, ProductIn
from graphengine.model.commerce import PurchaseIn, RatingIn
from graphengine.model.customers import CustomerIn, IdentifierIn
from graphengine.model.events import EventIn
from graphengine.model.social import FollowIn, MentionIn, ReferralIn, SocialAccountIn

__all__ = [
    "ChannelIn",
    "CustomerIn",
    "EventIn",
    "FollowIn",
    "IdentifierIn",
    "MentionIn",
    "ProductIn",
    "PurchaseIn",
    "RatingIn",
    "ReferralIn",
    "SocialAccountIn",
]
