"""Choosing a campaign's audience: channel consent, the audience options, the contact-pressure cap, the hold-out.

:func:`select_audience` reads, in one query (``campaign.list_audience``), every customer who consented to the
channel and matches the audience options (profiling options only among customers with profiling consent), with
the number of times they were contacted on that channel in the cap's window before the send. Customers at the
cap are left out. :func:`split_holdout` sets a seeded random share of the rest aside: recorded, never contacted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from graphengine.campaign.options import CHANNEL_CONSENT, CampaignSpec
from graphengine.errors import ConfigError
from graphengine.store import Store

OPTION_OF = {
    "rfmSegment": "--segment",
    "communityId": "--community",
    "clv": "--min-clv",
    "churnRisk": "--min-churn-risk",
}
COMPUTED_BY = {
    "rfmSegment": "graphengine value rfm",
    "communityId": "graphengine analyze communities",
    "clv": "graphengine value clv",
    "churnRisk": "the churn-propensity model",
}


@dataclass(frozen=True)
class Candidate:
    customer_id: str
    profiling_consent: bool
    recent_contacts: int


@dataclass
class Selection:
    """The audience after consent and the cap: who is eligible, how many were left out at the cap."""

    eligible: list[Candidate] = field(default_factory=list)
    at_cap: int = 0

    @property
    def matched(self) -> int:
        return len(self.eligible) + self.at_cap


def require_computed(store: Store, spec: CampaignSpec) -> None:
    """ConfigError when an audience option reads a property no customer has (the analysis never ran here)."""
    used = spec.audience.used_properties()
    if not used:
        return
    counts = store.query("campaign.count_value_properties")[0]
    missing = [prop for prop in used if int(counts[prop]) == 0]
    if missing:
        what = "; ".join(f"{OPTION_OF[p]} reads Customer.{p}: run {COMPUTED_BY[p]} first" for p in missing)
        raise ConfigError(
            f"no customer has {', '.join(missing)} on this graph ({what})",
            details={"missing": missing, "customers": counts["customers"]},
        )


def select_audience(store: Store, spec: CampaignSpec) -> Selection:
    """Customers who consented to the channel and match the options, minus those at the cap (id order)."""
    require_computed(store, spec)
    audience = spec.audience
    rows = store.query(
        "campaign.list_audience",
        {
            "channel": spec.channel,
            "at": spec.at,
            "capDays": spec.cap.days,
            "capContacts": spec.cap.contacts,
            "profiling": audience.profiling,
            "segment": audience.segment,
            "community": audience.community,
            "minClv": audience.min_clv,
            "minChurnRisk": audience.min_churn_risk,
        },
    )
    selection = Selection()
    for row in rows:
        if row["atCap"]:
            selection.at_cap += 1
            continue
        candidate = Candidate(str(row["customerId"]), bool(row["profilingConsent"]), int(row["recentContacts"]))
        selection.eligible.append(candidate)
    return selection


def split_holdout(candidates: list[Candidate], share: float, seed: int) -> tuple[list[Candidate], list[Candidate]]:
    """(contacted, held out): ``round(share × n)`` customers drawn at random with ``seed`` (the same input and seed
    give the same split), both lists in id order."""
    ordered = sorted(candidates, key=lambda c: c.customer_id)
    size = round(share * len(ordered))
    held = set(random.Random(seed).sample(range(len(ordered)), size)) if size else set()
    contacted = [c for i, c in enumerate(ordered) if i not in held]
    held_out = [c for i, c in enumerate(ordered) if i in held]
    return contacted, held_out


def why_selected(spec: CampaignSpec, candidate: Candidate) -> str:
    """Why this customer is in the campaign, in words."""
    consent = f"consented to {spec.channel} ({CHANNEL_CONSENT[spec.channel]})"
    chosen = f"; matches {spec.audience.describe()} (with profiling consent)" if spec.audience.profiling else ""
    pressure = (
        f"; {candidate.recent_contacts} of {spec.cap.contacts} allowed {spec.channel} contacts "
        f"in the {spec.cap.days} days before the send"
    )
    return consent + chosen + pressure


__all__ = ["Candidate", "Selection", "require_computed", "select_audience", "split_holdout", "why_selected"]
