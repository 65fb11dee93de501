"""Social graph input records: accounts, follows, mentions, referrals."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from graphengine.model._base import InputRecord, Key, OptNonNegInt, OptStr, OptTimestamp
from graphengine.model.rules import finite


class SocialAccountIn(InputRecord):
    """A social media account, optionally owned by a customer."""

    accountId: Key
    platform: Key
    handle: OptStr = None
    followers: OptNonNegInt = None
    customerId: OptStr = None


class FollowIn(InputRecord):
    """``follower`` follows ``followee`` (both account ids)."""

    follower: Key
    followee: Key
    since: OptTimestamp = None

    @model_validator(mode="after")
    def _no_self_follow(self) -> FollowIn:
        if self.follower == self.followee:
            raise ValueError("an account cannot follow itself")
        return self


class MentionIn(InputRecord):
    """An account mentioned a product, with a sentiment in [-1, 1]."""

    accountId: Key
    productId: Key
    at: OptTimestamp = None
    sentiment: Annotated[float, BeforeValidator(finite), Field(ge=-1.0, le=1.0)] = 0.0


class ReferralIn(InputRecord):
    """A customer referred another customer."""

    referrerId: Key
    referredId: Key
    at: OptTimestamp = None

    @model_validator(mode="after")
    def _no_self_referral(self) -> ReferralIn:
        if self.referrerId == self.referredId:
            raise ValueError("a customer cannot refer themself")
        return self


__all__ = ["FollowIn", "MentionIn", "ReferralIn", "SocialAccountIn"]
