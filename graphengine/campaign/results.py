"""Campaign responses: load ``opened``, ``clicked``, ``bought`` per contacted customer and report response rates.

:func:`load_results` reads a CSV, JSONL or Parquet file (the loaders' readers and ``--map`` column mapping) with
``customerId``, ``campaignId`` (or one campaign for the whole file), ``opened``, ``clicked``, ``bought`` and an
optional ``at``. Flags are ``true/false``, ``1/0``, ``yes/no`` (empty = false). A response is a fact keyed by
(customer, campaign): ``RESPONDED {campaignId, opened, clicked, bought, at}`` is merged, so loading a file twice
counts once and a later row for the same key corrects the earlier one. Rows that cannot be recorded — a bad flag,
a missing id, an unknown customer or campaign, a hold-out customer, a customer the campaign did not contact — go
to a quarantine file with their reason (the loaders' :class:`~graphengine.load.quarantine.Quarantine`, in the
loads' quarantine folder, where erasure looks). ``read = loaded + quarantined`` always holds.

:func:`campaign_report` gives the rates of one campaign per RFM segment and against its hold-out group. Opened,
clicked and bought rates are over the contacted customers (no response row = did not respond). The hold-out
group was not contacted and so has no responses; its baseline is the share of hold-out customers with a purchase
line in the campaign window, read from the graph, set beside the same share of the contacted customers — the
difference is the campaign's lift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphengine.errors import NotFound
from graphengine.load.quarantine import Quarantine
from graphengine.load.readers import ColumnMap, read_rows, require_columns, source_columns
from graphengine.load.report import new_run_id
from graphengine.store import Store

FLAGS = ("opened", "clicked", "bought")
TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f", ""}
BATCH = 5_000
MAX_ID = 1_000


@dataclass
class ResultsLoad:
    file: str
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    repeated: int = 0  # rows whose (customer, campaign) came earlier in the file: the later values count
    quarantine_file: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)
    campaigns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "read": self.read,
            "loaded": self.loaded,
            "quarantined": self.quarantined,
            "repeated": self.repeated,
            "quarantineFile": self.quarantine_file,
            "reasons": self.reasons,
            "campaigns": self.campaigns,
        }


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    return True if text in TRUE else False if text in FALSE else None


def _clean(raw: dict[str, Any], campaign: str | None) -> tuple[dict[str, Any], list[str]]:
    """The row to write and the reasons it cannot be written (none: fine)."""
    reasons = []
    row: dict[str, Any] = {}
    for key in ("customerId", "campaignId"):
        value = raw.get(key)
        text = str(value).strip() if value is not None else ""
        if key == "campaignId" and not text and campaign:
            text = campaign
        if not text:
            reasons.append(f"{key}: missing")
        elif len(text) > MAX_ID:
            reasons.append(f"{key}: longer than {MAX_ID} characters")
        row[key] = text
    for name in FLAGS:
        flag = _flag(raw.get(name))
        if flag is None:
            reasons.append(f"{name}: not a yes/no flag ({str(raw.get(name))[:40]!r})")
        row[name] = flag
    at = raw.get("at")
    row["at"] = str(at).strip() if at not in (None, "") else None
    if "__error__" in raw:
        reasons.append(str(raw["__error__"]))
    return row, reasons


def load_results(
    store: Store,
    path: Path,
    *,
    mapping: ColumnMap = ColumnMap(),
    campaign: str | None = None,
    quarantine_dir: Path,
    salt: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ResultsLoad:
    """Load the responses of ``path`` (see the module docstring)."""
    header = mapping.header(source_columns(path))
    required = ["customerId", *FLAGS] + ([] if campaign else ["campaignId"])
    require_columns(path, header, required, hint=" (a responses file: customerId, campaignId, opened, clicked, bought)")
    report = ResultsLoad(str(path))
    quarantine_path = quarantine_dir / f"campaign-results-{path.stem}-{new_run_id()}.jsonl"
    seen: set[tuple[str, str]] = set()
    campaigns: set[str] = set()
    with Quarantine(quarantine_path, path, salt=salt) as quarantine:
        batch: list[tuple[int, dict[str, Any], dict[str, Any]]] = []

        def flush() -> None:
            rows = [{**row, "i": i} for i, (_, _, row) in enumerate(batch)]
            answer = store.write("campaign.merge_responses", {"rows": rows})[0]
            rejected = {int(r["i"]): str(r["reason"]) for r in answer["rejected"]}
            for i, (line, raw, row) in enumerate(batch):
                if i in rejected:
                    quarantine.add(line, raw, [rejected[i]])
                else:
                    campaigns.add(row["campaignId"])
            report.loaded += len(batch) - len(rejected)
            if on_progress is not None:
                on_progress(len(batch))
            batch.clear()

        for line, source in read_rows(path):
            report.read += 1
            raw = mapping.apply(source)
            row, reasons = _clean(raw, campaign)
            if reasons:
                quarantine.add(line, raw, reasons)
                continue
            key = (row["customerId"], row["campaignId"])
            report.repeated += key in seen
            seen.add(key)
            batch.append((line, raw, row))
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    report.quarantined = quarantine.count
    report.reasons = dict(quarantine.reasons)
    report.quarantine_file = str(quarantine_path) if quarantine.count else None
    report.campaigns = sorted(campaigns)
    return report


def _rates(group: dict[str, int]) -> dict[str, Any]:
    n = group["customers"]

    def rate(key: str) -> float | None:
        return round(group[key] / n, 4) if n else None

    return {**group, **{f"{k}Rate": rate(k) for k in ("responded", *FLAGS, "purchased")}}


def _not_contacted(rates: dict[str, Any]) -> dict[str, Any]:
    """The hold-out's rates: it was not contacted, so there is no response rate to give (None), only purchases."""
    return rates | {f"{k}Rate": None for k in ("responded", *FLAGS)}


def _sum(rows: list[dict[str, Any]]) -> dict[str, int]:
    keys = ("customers", "responded", *FLAGS, "purchased")
    return {k: sum(int(r[k]) for r in rows) for k in keys}


def campaign_report(store: Store, campaign_id: str, *, window_days: int = 14) -> dict[str, Any]:
    """Response rates of one campaign, per segment and against the hold-out group (see the module docstring)."""
    found = store.query("campaign.get_campaign", {"campaignId": campaign_id})
    if not found:
        raise NotFound(f"no campaign {campaign_id!r}", details={"campaignId": campaign_id})
    rows = store.query("campaign.list_response_groups", {"campaignId": campaign_id, "windowDays": window_days})
    contacted = [r for r in rows if r["grp"] == "contacted"]
    held = [r for r in rows if r["grp"] == "heldOut"]
    total, baseline = _rates(_sum(contacted)), _not_contacted(_rates(_sum(held)))
    lift = None
    if total["customers"] and baseline["customers"]:
        lift = round(total["purchased"] / total["customers"] - baseline["purchased"] / baseline["customers"], 4)
    return {
        **found[0],
        "windowDays": window_days,
        "contacted": total,
        "heldOut": baseline,
        "purchaseLift": lift,
        "segments": [
            {"segment": r["segment"], **_rates({k: int(r[k]) for k in total if not k.endswith("Rate")})}
            for r in contacted
        ],
        "heldOutSegments": [
            {
                "segment": r["segment"],
                **_not_contacted(_rates({k: int(r[k]) for k in baseline if not k.endswith("Rate")})),
            }
            for r in held
        ],
    }


__all__ = ["ResultsLoad", "campaign_report", "load_results"]
