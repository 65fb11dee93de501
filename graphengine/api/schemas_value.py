"""Response models of customer value: the profile's value block, RFM segments, a product's basket rules.

The value block shows what the customer-value runs wrote on the customer (``graphengine value rfm|clv|referral``
and the churn model), each part with the runId that wrote it, or null when that analysis never ran for them.
These are profiling results: for a customer without profiling consent the block is withheld as a whole
(``withheld`` true, every part null, the reason given), whatever the runs wrote.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from graphengine.api.schemas import Out

WITHHELD_REASON = "withheld: the customer has not consented to profiling (consentProfiling is not true)"


# ------------------------------------------------------------------------------------------------ profile block
class RfmOut(Out):
    recency: int | None = Field(default=None, description="recency score (1 = longest ago … bins = most recent)")
    frequency: int | None = Field(default=None, description="frequency score (distinct orders)")
    monetary: int | None = Field(default=None, description="monetary score (total or mean spend)")
    segment: str | None = Field(default=None, description="RFM segment, e.g. champions, at risk, lost")
    runId: str | None = None


class LifetimeOut(Out):
    clv: float | None = Field(default=None, description="expected spend over the horizon of the CLV run")
    pAlive: float | None = Field(default=None, description="BG/NBD probability that the customer is still active")
    expectedPurchases: float | None = Field(default=None, description="forecast purchases over the horizon")
    runId: str | None = None


class ReferralOut(Out):
    value: float | None = Field(default=None, description="spend of referred customers, indirect ones decayed")
    direct: float | None = Field(default=None, description="spend of the customers referred directly")
    referredCustomers: int | None = Field(default=None, description="customers referred, all depths")
    runId: str | None = None


class ChurnOut(Out):
    risk: float | None = Field(default=None, description="churn propensity, 0–1")
    drivers: list[str] = Field(default_factory=list, description="the features that raise this customer's risk most")
    runId: str | None = None


class CustomerValueOut(Out):
    """What the customer-value runs wrote on this customer; a part is null when its analysis never ran for them."""

    withheld: bool = Field(description="true when the customer has not consented to profiling: nothing is shown")
    reason: str | None = Field(default=None, description="why the block is withheld")
    rfm: RfmOut | None = None
    lifetime: LifetimeOut | None = None
    referral: ReferralOut | None = None
    churn: ChurnOut | None = None


def _part(model: type[Out], row: dict[str, Any], fields: dict[str, str], run: str) -> Any:
    """``model`` from the row's properties (``fields``: output name → property), or None when the run never
    wrote any of them."""
    if all(row.get(prop) is None for prop in fields.values()):
        return None
    values = {name: row.get(prop) for name, prop in fields.items()}
    return model.model_validate({**{k: v for k, v in values.items() if v is not None}, "runId": row.get(run)})


def value_out(row: dict[str, Any] | None, *, consented: bool) -> CustomerValueOut:
    """The value block from the profile query's ``value`` map (null without profiling consent)."""
    if not consented or row is None:
        return CustomerValueOut(withheld=True, reason=WITHHELD_REASON)
    rfm = {"recency": "rfmRecency", "frequency": "rfmFrequency", "monetary": "rfmMonetary", "segment": "rfmSegment"}
    lifetime = {"clv": "clv", "pAlive": "pAlive", "expectedPurchases": "expectedPurchases"}
    referral = {"value": "referralValue", "direct": "referralValueDirect", "referredCustomers": "referredCustomers"}
    churn = {"risk": "churnRisk", "drivers": "churnDrivers"}
    return CustomerValueOut(
        withheld=False,
        rfm=_part(RfmOut, row, rfm, "rfmRunId"),
        lifetime=_part(LifetimeOut, row, lifetime, "clvRunId"),
        referral=_part(ReferralOut, row, referral, "referralRunId"),
        churn=_part(ChurnOut, row, churn, "churnRunId"),
    )


# ------------------------------------------------------------------------------------------------ segments
class SegmentOut(Out):
    segment: str
    customers: int = Field(description="customers in the segment (everyone with RFM scores)")
    consenting: int = Field(description="of those, customers with profiling consent: the means cover these")
    meanMonetary: float | None = Field(default=None, description="mean total spend (PURCHASED amounts)")
    meanClv: float | None = Field(default=None, description="mean clv; null before `graphengine value clv`")
    clvScored: int = Field(description="consenting customers of the segment with a clv")
    meanChurnRisk: float | None = Field(default=None, description="mean churnRisk; null before the churn model ran")
    churnScored: int = Field(description="consenting customers of the segment with a churnRisk")


class SegmentRunsOut(Out):
    rfm: list[str] = Field(description="runIds of the RFM scores counted (one, unless runs were mixed)")
    clv: list[str]
    churn: list[str]


class SegmentsOut(Out):
    """RFM segments with counts and means: an aggregate that names nobody."""

    count: int = Field(description="segments listed")
    customers: int = Field(description="customers with an RFM segment")
    items: list[SegmentOut]
    runIds: SegmentRunsOut
    note: str | None = Field(default=None, description="what to run when nothing has been computed yet")


def segments_out(rows: list[dict[str, Any]]) -> SegmentsOut:
    def runs(name: str) -> list[str]:
        return sorted({run for row in rows for run in row[name] if run is not None})

    return SegmentsOut(
        count=len(rows),
        customers=sum(int(row["customers"]) for row in rows),
        items=[SegmentOut.model_validate(row) for row in rows],
        runIds=SegmentRunsOut(rfm=runs("rfmRunIds"), clv=runs("clvRunIds"), churn=runs("churnRunIds")),
        note=None if rows else "no RFM segments yet: run `graphengine value rfm`",
    )


# ------------------------------------------------------------------------------------------------ basket rules
class RuleOut(Out):
    consequent: str = Field(description="the product bought with this one (productId)")
    name: str | None = None
    orders: int = Field(description="orders holding both products")
    support: float = Field(description="orders with both / all orders")
    confidence: float = Field(description="orders with both / orders with this product")
    lift: float = Field(description="confidence / support of the consequent (> 1: bought together more than chance)")


class ProductRulesOut(Out):
    productId: str
    runId: str | None = Field(default=None, description="the basket run that wrote these rules (null: none)")
    count: int
    items: list[RuleOut]


def product_rules_out(product_id: str, rows: list[dict[str, Any]]) -> ProductRulesOut:
    return ProductRulesOut(
        productId=product_id,
        runId=rows[0]["runId"] if rows else None,
        count=len(rows),
        items=[RuleOut.model_validate({**row, "consequent": row["productId"]}) for row in rows],
    )


__all__ = [
    "WITHHELD_REASON",
    "CustomerValueOut",
    "ProductRulesOut",
    "SegmentsOut",
    "product_rules_out",
    "segments_out",
    "value_out",
]
