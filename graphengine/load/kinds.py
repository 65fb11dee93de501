"""The kinds of source graphengine loads: record model, key, references and the query that writes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphengine.errors import NotFound
from graphengine.model import (
    ChannelIn,
    CustomerIn,
    EventIn,
    FollowIn,
    IdentifierIn,
    MentionIn,
    ProductIn,
    PurchaseIn,
    RatingIn,
    ReferralIn,
    SocialAccountIn,
)
from graphengine.model._base import InputRecord
from graphengine.privacy.identifiers import identifier_key

Params = dict[str, Any]

# Referenced labels and the query pair that finds missing keys / creates placeholders for them.
REFERENCE_LABELS = {
    "Customer": ("load.find_missing_customers", "load.merge_placeholder_customers"),
    "Product": ("load.find_missing_products", "load.merge_placeholder_products"),
    "SocialAccount": ("load.find_missing_accounts", "load.merge_placeholder_accounts"),
    "Channel": ("load.find_missing_channels", "load.merge_placeholder_channels"),
}


@dataclass(frozen=True)
class Ref:
    """A field of a record that must name an existing node of ``label``."""

    field: str
    label: str


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[InputRecord]
    query: str
    key: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    to_params: Callable[[Any, str], Params] | None = None
    description: str = ""
    # The write query checks ``refs`` itself (a row naming an unknown node comes back in its ``rejected``
    # column), so an online load without --create-missing skips the pre-write reference check.
    refs_in_write: bool = False

    @property
    def required_columns(self) -> list[str]:
        return [n for n, f in self.model.model_fields.items() if f.is_required()]

    def key_of(self, record: InputRecord) -> tuple[Any, ...]:
        return tuple(getattr(record, f) for f in self.key)

    def params(self, record: InputRecord, salt: str) -> Params:
        """The row sent to Cypher; timestamps travel as ISO-8601 strings (``datetime(row.at)`` in the query),
        which the driver packs ~20x faster than datetime objects."""
        params = self.to_params(record, salt) if self.to_params is not None else _plain(record)
        return _wire_dict(params)


# Values sent as they are; anything else goes through _wire (datetimes become ISO strings, containers are walked).
_AS_IS = frozenset({str, int, float, bool, type(None)})


def _wire(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return _wire_dict(value)
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _wire_dict(values: Params) -> Params:
    """``_wire`` of a dict, without a call per plain value (this runs for every row of a load)."""
    return {k: v if v.__class__ in _AS_IS else _wire(v) for k, v in values.items()}


def _fields(record: InputRecord) -> Params:
    """The record's field values by name, as ``model_dump()`` gives them for these flat records (every field
    holds a plain value, never a nested model), without its serialisation cost."""
    return dict(record.__dict__)


def _plain(record: InputRecord, exclude: frozenset[str] = frozenset()) -> Params:
    if not exclude:
        return _fields(record)
    return {k: v for k, v in record.__dict__.items() if k not in exclude}


def _props(record: InputRecord, exclude: frozenset[str]) -> Params:
    """Properties to SET: only what the source supplied (None never erases an existing value)."""
    return {k: v for k, v in record.__dict__.items() if v is not None and k not in exclude}


_CUSTOMER_IDS = frozenset({"customerId", "email", "phone", "loyaltyId", "signupAt"})


def _customer(record: CustomerIn, salt: str) -> Params:
    identifiers = [
        {"idKey": identifier_key(kind, value, salt), "kind": kind, "at": record.signupAt, "confidence": 1.0}
        for kind, value in (("email", record.email), ("phone", record.phone), ("loyalty", record.loyaltyId))
        if value
    ]
    return {
        "customerId": record.customerId,
        "signupAt": record.signupAt,
        "props": _props(record, _CUSTOMER_IDS),
        "identifiers": identifiers,
    }


def _identifier(record: IdentifierIn, salt: str) -> Params:
    return {
        "customerId": record.customerId,
        "idKey": identifier_key(record.kind, record.value, salt),
        "kind": record.kind,
        "at": record.at,
        "confidence": record.confidence,
    }


def _product(record: ProductIn, salt: str) -> Params:
    return {
        "productId": record.productId,
        "category": record.category,
        "props": _props(record, frozenset({"productId", "category"})),
    }


def _with_props(key: str) -> Callable[[Any, str], Params]:
    def convert(record: InputRecord, salt: str) -> Params:
        return {key: getattr(record, key), "props": _props(record, frozenset({key}))}

    return convert


def _account(record: SocialAccountIn, salt: str) -> Params:
    return {
        "accountId": record.accountId,
        "customerId": record.customerId,
        "props": _props(record, frozenset({"accountId", "customerId"})),
    }


def _event(record: EventIn, salt: str) -> Params:
    params = _plain(record)
    params["props"] = _props(record, frozenset({"eventId", "customerId", "channelId", "productId", "at"}))
    return params


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "customers",
            CustomerIn,
            "load.merge_customers",
            ("customerId",),
            (),
            _customer,
            "customers with consent flags; email/phone/loyaltyId become hashed Identifier nodes",
        ),
        Kind(
            "products",
            ProductIn,
            "load.merge_products",
            ("productId",),
            (),
            _product,
            "products with brand, price, stock and category",
        ),
        Kind(
            "channels",
            ChannelIn,
            "load.merge_channels",
            ("channelId",),
            (),
            _with_props("channelId"),
            "channels (web, app, email, sms, store, social, search, display, callcenter)",
        ),
        Kind(
            "accounts",
            SocialAccountIn,
            "load.merge_accounts",
            ("accountId",),
            (),
            _account,
            "social accounts; customerId links an owner (OWNS) when that customer exists",
        ),
        Kind(
            "follows",
            FollowIn,
            "load.merge_follows",
            ("follower", "followee"),
            (Ref("follower", "SocialAccount"), Ref("followee", "SocialAccount")),
            None,
            "follower → followee edges between social accounts",
        ),
        Kind(
            "mentions",
            MentionIn,
            "load.merge_mentions",
            ("accountId", "productId", "at"),
            (Ref("accountId", "SocialAccount"), Ref("productId", "Product")),
            None,
            "social accounts mentioning products, with sentiment",
        ),
        Kind(
            "referrals",
            ReferralIn,
            "load.merge_referrals",
            ("referrerId", "referredId"),
            (Ref("referrerId", "Customer"), Ref("referredId", "Customer")),
            None,
            "customer referrals",
        ),
        Kind(
            "identifiers",
            IdentifierIn,
            "load.merge_identifiers",
            ("customerId", "kind", "value"),
            (Ref("customerId", "Customer"),),
            _identifier,
            "device/cookie/email/phone/loyalty identifiers of customers (stored hashed)",
        ),
        Kind(
            "purchases",
            PurchaseIn,
            "load.merge_purchases",
            ("lineId",),
            (Ref("customerId", "Customer"), Ref("productId", "Product")),
            None,
            "order lines (OrderLine facts), summed into PURCHASED {count, quantity, amount, orders, firstAt, lastAt}",
            refs_in_write=True,
        ),
        Kind(
            "ratings",
            RatingIn,
            "load.merge_ratings",
            ("customerId", "productId"),
            (Ref("customerId", "Customer"), Ref("productId", "Product")),
            None,
            "product ratings",
        ),
        Kind(
            "events",
            EventIn,
            "load.merge_events",
            ("eventId",),
            (Ref("customerId", "Customer"), Ref("channelId", "Channel"), Ref("productId", "Product")),
            _event,
            "behavioural events of one customer each, chained per customer in time order with NEXT",
            refs_in_write=True,
        ),
    )
}


# Keys and references of every kind (and of orders): side files keep them raw, so a quarantined row can be
# repaired and a customer's rows found for erasure.
ENTITY_KEYS: frozenset[str] = frozenset(
    {f for kind in KINDS.values() for f in (*kind.key, *(ref.field for ref in kind.refs))}
    | {"customerId", "productId", "accountId", "channelId", "eventId", "orderId", "lineId", "lineNumber", "sessionId"}
) - {"value"}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound(f"unknown kind {name!r}; one of {', '.join(KINDS)}", details={"kind": name}) from None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


__all__ = ["ENTITY_KEYS", "KINDS", "REFERENCE_LABELS", "Kind", "Ref", "get_kind"]
