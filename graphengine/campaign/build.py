"""Building a campaign: audience → hold-out → offers → record in the graph → the file.

:func:`build_campaign` does it in this order:

1. the audience (:func:`~graphengine.campaign.audience.select_audience`): channel consent, the options, the cap;
2. the hold-out (:func:`~graphengine.campaign.audience.split_holdout`), seeded;
3. the offers of the customers to contact (:func:`~graphengine.campaign.offers.make_offers`, the served model);
4. unless ``dry_run``: the ``Campaign`` node, then ``CONTACTED`` and ``HELD_OUT`` relationships in batched
   ``UNWIND`` writes. The contact write locks each customer and counts the cap again, so a campaign built at the
   same time that already took a customer's last allowed contact wins and this one leaves the customer out
   (``refused``);
5. the file, with exactly the customers recorded as contacted (all selected ones in a dry run).

A failure before step 4 records nothing; one during step 4 leaves a Campaign with the batches written so far and
no file (build again: a new campaign sees those contacts under the cap).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphengine.campaign.audience import Candidate, select_audience, split_holdout, why_selected
from graphengine.campaign.export import Row, export_format, write_rows
from graphengine.campaign.offers import make_offers, served_recommender
from graphengine.campaign.options import CampaignSpec
from graphengine.load.report import new_run_id
from graphengine.store import Store

WRITE_BATCH = 5_000


@dataclass
class BuildResult:
    campaign_id: str
    spec: CampaignSpec
    out: Path
    dry_run: bool
    matched: int = 0
    at_cap: int = 0
    contacted: int = 0
    held_out: int = 0
    refused: int = 0
    no_offers: int = 0
    personalized: int = 0
    model_version: str = ""
    rows: list[Row] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "campaignId": self.campaign_id,
            "recorded": not self.dry_run,
            "out": str(self.out),
            "channel": spec.channel,
            "at": spec.at.isoformat(),
            "audience": spec.audience_json(),
            "cap": str(spec.cap),
            "holdout": spec.holdout,
            "seed": spec.seed,
            "itemsPerCustomer": spec.items,
            "modelVersion": self.model_version,
            "counts": {
                "matched": self.matched,
                "atCap": self.at_cap,
                "contacted": self.contacted,
                "heldOut": self.held_out,
                "refusedAtCap": self.refused,
                "noOffers": self.no_offers,
                "personalized": self.personalized,
                "popular": self.contacted - self.personalized,
            },
        }


def new_campaign_id() -> str:
    return f"cmp-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def build_campaign(
    store: Store,
    spec: CampaignSpec,
    out: Path,
    *,
    home: Path,
    dry_run: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build one campaign (see the module docstring); returns what was done."""
    export_format(out)  # a wrong suffix fails before anything is read
    result = BuildResult(new_campaign_id(), spec, out, dry_run)
    selection = select_audience(store, spec)
    result.matched, result.at_cap = selection.matched, selection.at_cap
    to_contact, held_out = split_holdout(selection.eligible, spec.holdout, spec.seed)
    recommender = served_recommender(store, home)
    result.model_version = recommender.holder.current().version
    offers = make_offers(recommender, [c.customer_id for c in to_contact], spec.items, on_batch=on_progress)
    # a customer the recommender has nothing for (erased meanwhile, or no product passes) gets no empty offer
    result.no_offers = sum(1 for c in to_contact if not (c.customer_id in offers and offers[c.customer_id].product_ids))
    to_contact = [c for c in to_contact if c.customer_id in offers and offers[c.customer_id].product_ids]
    if not dry_run:
        recorded = _record(store, result, to_contact, held_out)
        to_contact = [c for c in to_contact if c.customer_id in recorded]
    else:
        result.held_out = len(held_out)
    result.rows = [_row(spec, c, offers[c.customer_id].product_ids, offers[c.customer_id].reason) for c in to_contact]
    result.contacted = len(result.rows)
    result.personalized = sum(1 for c in to_contact if offers[c.customer_id].personalized)
    write_rows(out, result.rows)
    return result


def _row(spec: CampaignSpec, candidate: Candidate, products: tuple[str, ...], offer_reason: str) -> Row:
    return Row(candidate.customer_id, products, f"{why_selected(spec, candidate)}. Offers: {offer_reason}")


def _record(store: Store, result: BuildResult, to_contact: list[Candidate], held_out: list[Candidate]) -> set[str]:
    """Campaign node, CONTACTED and HELD_OUT in batches; returns the customers recorded as contacted."""
    spec = result.spec
    now = dt.datetime.now(dt.UTC)
    store.write(
        "campaign.create_campaign",
        {
            "campaign": {
                "campaignId": result.campaign_id,
                "name": spec.name or f"{spec.channel} {spec.at:%Y-%m-%d %H:%M}",
                "channel": spec.channel,
                "createdAt": now,
                "at": spec.at,
                "audience": spec.audience_json(),
                "itemsPerCustomer": spec.items,
                "cap": str(spec.cap),
                "capContacts": spec.cap.contacts,
                "capDays": spec.cap.days,
                "holdout": spec.holdout,
                "seed": spec.seed,
                "modelVersion": result.model_version,
                "runId": new_run_id(),
            }
        },
    )
    recorded: set[str] = set()
    common = {"campaignId": result.campaign_id, "channel": spec.channel, "at": spec.at}
    cap = {"capDays": spec.cap.days, "capContacts": spec.cap.contacts}
    for start in range(0, len(to_contact), WRITE_BATCH):
        rows = [{"customerId": c.customer_id} for c in to_contact[start : start + WRITE_BATCH]]
        answer = store.write("campaign.merge_contacts", {**common, **cap, "rows": rows})[0]
        recorded.update(answer["contacted"])
        result.refused += len(answer["refused"])
    for start in range(0, len(held_out), WRITE_BATCH):
        rows = [{"customerId": c.customer_id} for c in held_out[start : start + WRITE_BATCH]]
        answer = store.write("campaign.merge_holdouts", {**common, "rows": rows})[0]
        result.held_out += int(answer["heldOut"])
    return recorded


def list_campaigns(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """Campaigns newest first, with contacted / held-out / responded counts derived from the relationships."""
    return store.query("campaign.list_campaigns", {"limit": limit})


__all__ = ["BuildResult", "build_campaign", "list_campaigns", "new_campaign_id"]
