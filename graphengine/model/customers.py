"""Customer and identifier input records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from graphengine.model._base import Flag, InputRecord, Key, OptStr, OptTimestamp
from graphengine.model.rules import finite

IdentifierKind = Literal["email", "phone", "device", "cookie", "loyalty"]
STRONG_IDENTIFIERS: frozenset[str] = frozenset({"email", "phone", "loyalty"})
CONSENT_CHANNELS = ("email", "sms", "push", "phone", "post", "profiling")


class CustomerIn(InputRecord):
    """A customer row. email/phone/loyaltyId are never stored raw: they become hashed Identifier nodes."""

    customerId: Key
    name: OptStr = None
    country: OptStr = None
    city: OptStr = None
    segment: OptStr = None
    signupAt: OptTimestamp = None
    email: OptStr = None
    phone: OptStr = None
    loyaltyId: OptStr = None
    # compared by probabilistic identity resolution (graphengine.analytics.linkage); stored as given
    address: OptStr = None
    postcode: OptStr = None
    birthDate: OptStr = None
    consentEmail: Flag = None
    consentSms: Flag = None
    consentPush: Flag = None
    consentPhone: Flag = None
    consentPost: Flag = None
    consentProfiling: Flag = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or value.startswith("@") or value.endswith("@")):
            raise ValueError("not an email address")
        return value

    @field_validator("birthDate")
    @classmethod
    def _birth_date_shape(cls, value: str | None) -> str | None:
        """An ISO date (``1984-03-07``), kept as that text."""
        return None if value is None else dt.date.fromisoformat(value).isoformat()

    @field_validator("phone")
    @classmethod
    def _phone_shape(cls, value: str | None) -> str | None:
        if value is not None and sum(ch.isdigit() for ch in value) < 6:
            raise ValueError("a phone number needs at least 6 digits")
        return value


class IdentifierIn(InputRecord):
    """A link from a customer to one identifier (email, phone, device, cookie, loyalty card)."""

    customerId: Key
    kind: IdentifierKind
    value: Key
    at: OptTimestamp = None
    confidence: Annotated[float, BeforeValidator(finite), Field(ge=0.0, le=1.0)] = 1.0


__all__ = ["CONSENT_CHANNELS", "STRONG_IDENTIFIERS", "CustomerIn", "IdentifierIn", "IdentifierKind"]
