"""Request and response models of the customer resources: profile, events in, erasure receipt."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graphengine.api.dates import TIME_PATTERN
from graphengine.api.schemas import Out
from graphengine.api.schemas_value import CustomerValueOut, value_out
from graphengine.model import EventIn, PurchaseIn

MAX_BATCH = 1_000


# ------------------------------------------------------------------------------------------------ profile
class CustomerOut(Out):
    customerId: str
    name: str | None = None
    country: str | None = None
    city: str | None = None
    segment: str | None = None
    communityId: int | None = None
    signupAt: str | None = None
    sources: list[str] = Field(default_factory=list)


class ConsentOut(Out):
    email: bool | None = None
    sms: bool | None = None
    push: bool | None = None
    phone: bool | None = None
    post: bool | None = None
    profiling: bool | None = None


class ProfileMemberOut(Out):
    customerId: str
    confidence: float | None = None
    rule: str | None = None


class IdentityOut(Out):
    profileId: str
    runId: str | None = None
    confidence: float | None = None
    rule: str | None = None
    members: list[ProfileMemberOut]


class IdentifierKindOut(Out):
    kind: str
    count: int


class AccountOut(Out):
    accountId: str
    platform: str | None = None
    handle: str | None = None
    pagerank: float | None = None
    betweenness: float | None = None
    reach2: int | None = None
    advocateLevel: str | None = None
    communityId: int | None = None
    followers: int
    follows: int


class ChannelUseOut(Out):
    channelId: str
    kind: str | None = None
    events: int
    lastAt: str | None = None


class TotalsOut(Out):
    products: int
    lines: int
    amount: float
    lastAt: str | None = None


class PurchaseOut(Out):
    productId: str
    name: str | None = None
    count: int | None = None
    amount: float | None = None
    lastAt: str | None = None


class EventOut(Out):
    eventId: str
    type: str | None = None
    at: str | None = None
    channelId: str | None = None
    productId: str | None = None
    sessionId: str | None = None


class CustomerProfileOut(Out):
    """The unified profile: who, consent, identity resolution, community, influence, channels, activity, value."""

    customer: CustomerOut
    consent: ConsentOut
    identity: IdentityOut | None = Field(default=None, description="the active identity profile, when resolved")
    identifiers: list[IdentifierKindOut] = Field(description="identifier kinds (values are stored only hashed)")
    accounts: list[AccountOut] = Field(description="owned social accounts with their influence scores")
    channels: list[ChannelUseOut]
    totals: TotalsOut
    recentPurchases: list[PurchaseOut]
    recentEvents: list[EventOut]
    value: CustomerValueOut = Field(
        description="RFM, lifetime value, referral value and churn risk with their runIds (withheld without "
        "profiling consent)"
    )


def profile_out(row: dict[str, Any]) -> CustomerProfileOut:
    return CustomerProfileOut(
        customer=CustomerOut.model_validate({**row["customer"], "sources": row["customer"].get("sources") or []}),
        consent=ConsentOut.model_validate(row["consent"]),
        identity=None if row["identity"] is None else IdentityOut.model_validate(row["identity"]),
        identifiers=[IdentifierKindOut.model_validate(x) for x in row["identifiers"]],
        accounts=[AccountOut.model_validate(x) for x in row["accounts"]],
        channels=[ChannelUseOut.model_validate(x) for x in row["channels"]],
        totals=TotalsOut.model_validate(row["totals"]),
        recentPurchases=[PurchaseOut.model_validate(x) for x in row["purchases"]],
        recentEvents=[EventOut.model_validate(x) for x in row["events"]],
        value=value_out(row["value"], consented=row["consent"].get("profiling") is True),
    )


# ------------------------------------------------------------------------------------------------ events in
# Python's str.strip() whitespace, spelt for ECMA-262 and Python regexes alike
_SPACE = r"\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def stripped_text(max_length: int, *, required: bool) -> str:
    """A pattern for text the records strip before checking its length: at most ``max_length`` characters
    between the blanks, and (``required``) at least one."""
    inner = f"[^{_SPACE}](?:[\\s\\S]{{0,{max_length - 2}}}[^{_SPACE}])?"
    return f"^[{_SPACE}]*{inner if required else f'(?:{inner})?'}[{_SPACE}]*$"


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _as_accepted(schema: dict[str, Any]) -> None:
    """The JSON schema of an API record says what the record accepts: texts are stripped before their length
    is checked (a pattern replaces minLength/maxLength), numbers keep their bounds, times follow the API's time
    pattern (the value rules' range), and view and cart events name a product."""
    properties: dict[str, Any] = schema.get("properties", {})
    for name, prop in properties.items():
        if name == "at":
            properties[name] = {"type": "string", "pattern": TIME_PATTERN, "description": "ISO-8601 date or time"}
            continue
        for branch in prop.get("anyOf", [prop]):
            for short, keyword in _BOUNDS.items():  # pydantic leaves ge/le raw after a BeforeValidator
                if short in branch:
                    branch[keyword] = branch.pop(short)
            if isinstance(branch, dict) and branch.get("type") == "string" and "maxLength" in branch:
                required = branch.pop("minLength", 0) >= 1
                branch["pattern"] = stripped_text(branch.pop("maxLength"), required=required)
    if "productId" in properties and "type" in properties and "orderId" not in properties:
        product = {"type": "string", "pattern": stripped_text(1000, required=True)}
        schema["if"] = {"properties": {"type": {"enum": ["view", "cart"]}}, "required": ["type"]}
        schema["then"] = {"required": ["productId"], "properties": {"productId": product}}


def _strip_texts(data: Any) -> Any:
    """Strip every text with Python's notion of whitespace (pydantic's own stripping keeps U+001C–U+001F), so
    the length checks count what the schema's pattern counts."""
    if isinstance(data, dict):
        return {k: v.strip() if v.__class__ is str else v for k, v in data.items()}
    return data


class EventApiIn(EventIn):
    """An event sent to the API: the loaders' record, with unknown fields refused (422) rather than ignored
    (a file's extra columns stay ignored by the loaders)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_as_accepted)
    _strip = model_validator(mode="before")(_strip_texts)


class PurchaseApiIn(PurchaseIn):
    """A purchase line sent to the API: the loaders' record, with unknown fields refused (422)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_as_accepted)
    _strip = model_validator(mode="before")(_strip_texts)


def _one_of(field: str) -> dict[str, Any]:
    return {"required": [field], "properties": {field: {"minItems": 1}}}


class EventBatchIn(BaseModel):
    """Events and/or purchase lines, validated with the loaders' own records (``EventIn``, ``PurchaseIn``);
    a field the records do not know is refused."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"anyOf": [_one_of("events"), _one_of("purchases")]})

    source: str = Field(default="api", pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="provenance of the rows")
    events: list[EventApiIn] = Field(default_factory=list, max_length=MAX_BATCH)
    purchases: list[PurchaseApiIn] = Field(default_factory=list, max_length=MAX_BATCH)

    @model_validator(mode="after")
    def _not_empty(self) -> EventBatchIn:
        if not self.events and not self.purchases:
            raise ValueError("send at least one event or purchase")
        return self


class EventReceiptOut(Out):
    source: str
    events: int = Field(description="events written (merged by eventId)")
    purchases: int = Field(description="purchase lines sent (a line already loaded is counted once)")
    customers: list[str] = Field(description="customers whose data changed")
    relinkedCustomers: int = Field(description="customers whose event chains were re-linked in time order")
    cacheEntriesCleared: int


# ------------------------------------------------------------------------------------------------ erasure
class RemovedOut(Out):
    customers: int
    events: int
    orderLines: int = Field(description="purchase lines (OrderLine facts) of the customer")
    identifiers: int
    socialAccounts: int
    profiles: int = Field(description="identity profiles left with fewer than two members")
    relationships: int
    quarantinedRows: int = Field(description="the customer's rows removed from the quarantine files")


class KeptOut(Out):
    sharedIdentifiers: int = Field(description="identifiers also linked to other customers (their data too)")
    sharedAccounts: int = Field(description="social accounts also owned by other customers")
    shrunkProfiles: int = Field(description="identity profiles that kept two or more members (resolved again)")
    renamedProfiles: int = Field(description="of those, profiles whose id was built from this customer's id")
    linkedCustomers: list[str] = Field(description="customers sharing an identifier: possibly the same person")


class ReresolvedProfileOut(Out):
    profileId: str = Field(description="the profile that lost the customer (replaced)")
    into: list[str] = Field(description="the profiles its remaining members still form")
    alone: list[str] = Field(description="remaining members no longer linked to anyone")


class ProfilesOut(Out):
    removed: list[str] = Field(description="profiles deleted: left with fewer than two members")
    leftAlone: list[str] = Field(description="customers who lost their profile (no one left to be resolved with)")
    reresolved: list[ReresolvedProfileOut]


class RewrittenFileOut(Out):
    path: str
    rowsRemoved: int


class QuarantineErasureOut(Out):
    folder: str = Field(description="the quarantine folder scanned (GRAPHENGINE_LOADS_DIR/quarantine)")
    filesScanned: int
    filesRewritten: list[RewrittenFileOut] = Field(description="files rewritten atomically without the rows")
    rowsRemoved: int


class TransactionLogOut(Out):
    setting: str
    retentionPolicy: str | None = Field(description="the server's value, e.g. '1G size'; null when not readable")
    statement: str


class ErasureReceiptOut(Out):
    customerId: str
    erasedAt: str
    removed: RemovedOut
    kept: KeptOut
    profiles: ProfilesOut
    quarantine: QuarantineErasureOut
    transactionLog: TransactionLogOut
    cacheEntriesCleared: int
    notes: list[str]


__all__ = [
    "MAX_BATCH",
    "CustomerProfileOut",
    "ErasureReceiptOut",
    "EventApiIn",
    "EventBatchIn",
    "EventReceiptOut",
    "KeptOut",
    "PurchaseApiIn",
    "RemovedOut",
    "profile_out",
]
