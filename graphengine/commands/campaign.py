"""``graphengine campaign …``: build a consent- and pressure-aware campaign file, load its responses, list campaigns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graphengine.commands._common import JsonOpt, err, out, print_json, print_rows, settings
from graphengine.store import Store

app = typer.Typer(
    help="Campaigns that do not spam: consent, a contact-pressure cap, next-best offers, a hold-out group.",
    no_args_is_help=True,
)


@app.command("build")
def build(
    channel: Annotated[str, typer.Option(help="email, sms, app (push) or callcenter (phone).")],
    out_file: Annotated[Path, typer.Option("--out", help="The campaign file: .csv or .parquet.")],
    segment: Annotated[str | None, typer.Option(help="Only this RFM segment (profiling).")] = None,
    community: Annotated[int | None, typer.Option(help="Only this community (profiling).")] = None,
    min_clv: Annotated[float | None, typer.Option(help="Only customers with clv at least this (profiling).")] = None,
    min_churn_risk: Annotated[
        float | None, typer.Option(help="Only customers with churnRisk at least this (profiling).")
    ] = None,
    items: Annotated[int, typer.Option(min=1, max=50, help="Offers per customer (next-best products).")] = 3,
    cap: Annotated[
        str, typer.Option(help="Contact-pressure cap: at most N contacts on the channel in D days.")
    ] = "2/7d",
    holdout: Annotated[str, typer.Option(help="Share set aside as a hold-out group, e.g. 10%.")] = "0%",
    seed: Annotated[int, typer.Option(help="Seed of the hold-out draw.")] = 0,
    at: Annotated[str | None, typer.Option(help="Send time, ISO 8601 (default: now).")] = None,
    name: Annotated[str, typer.Option(help="A name for the campaign.")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write the file, record nothing in the graph.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Select customers who consented to the channel and are under the cap, offer each their next-best products
    from the served recommender, record the Campaign and its CONTACTED / HELD_OUT relationships, write the file."""
    from graphengine.campaign.build import build_campaign
    from graphengine.campaign.options import Audience, CampaignSpec, Cap, channel_of, holdout_share, send_time

    spec = CampaignSpec(
        channel=channel_of(channel),
        audience=Audience(segment=segment, community=community, min_clv=min_clv, min_churn_risk=min_churn_risk),
        items=items,
        cap=Cap.parse(cap),
        holdout=holdout_share(holdout),
        seed=seed,
        at=send_time(at),
        name=name,
    )
    config = settings()
    with Store(config) as store:
        result = build_campaign(store, spec, out_file, home=config.home, dry_run=dry_run)
    summary = result.to_dict()
    if as_json:
        print_json(summary)
        return
    counts = summary["counts"]
    recorded = "dry run: nothing recorded" if dry_run else f"campaign {result.campaign_id} recorded"
    out.print(f"{recorded}; {counts['contacted']} customers written to {out_file}", highlight=False)
    out.print(
        f"audience {spec.audience.describe()} on {spec.channel}: {counts['matched']} consenting customers matched, "
        f"{counts['atCap']} left out at the cap {spec.cap}, {counts['heldOut']} held out, "
        f"{counts['refusedAtCap']} refused at the cap while recording, {counts['noOffers']} without any offer; "
        f"offers: {counts['personalized']} "
        f"personalised, {counts['popular']} popular (no profiling consent or no history)",
        highlight=False,
        soft_wrap=True,
    )


@app.command("results")
def results(
    file: Annotated[Path, typer.Argument(help="Responses: customerId, campaignId, opened, clicked, bought (.csv …).")],
    campaign: Annotated[str | None, typer.Option(help="The campaign of rows without a campaignId column.")] = None,
    map_: Annotated[list[str], typer.Option("--map", help="Rename a column: source=ours (repeatable).")] = [],  # noqa: B006
    window_days: Annotated[
        int, typer.Option(min=1, max=365, help="Days after the send that count as the campaign window.")
    ] = 14,
    out_dir: Annotated[Path | None, typer.Option(help="Where the quarantine file goes (default: the loads').")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Load responses (a re-run counts once; rejected rows go to a quarantine file with their reason) and report
    response rates per segment and against the hold-out group. Exit 10 when rows were quarantined."""
    from graphengine.campaign.results import campaign_report, load_results
    from graphengine.cli import EXIT_QUARANTINED, _column_map, missing_file_exit

    missing_file_exit(file)
    config = settings()
    folder = (out_dir or config.loads_dir) / "quarantine"
    with Store(config) as store:
        loaded = load_results(
            store,
            file,
            mapping=_column_map(None, map_, []),
            campaign=campaign,
            quarantine_dir=folder,
            salt=config.hash_salt.get_secret_value(),
        )
        reports = [campaign_report(store, c, window_days=window_days) for c in loaded.campaigns]
    if as_json:
        print_json({"load": loaded.to_dict(), "campaigns": reports})
    else:
        out.print(
            f"{loaded.read} rows read: {loaded.loaded} loaded, {loaded.quarantined} quarantined"
            + (f" ({loaded.quarantine_file})" if loaded.quarantine_file else ""),
            highlight=False,
            soft_wrap=True,
        )
        for reason, count in sorted(loaded.reasons.items(), key=lambda kv: -kv[1]):
            err.print(f"  {count} × {reason}", highlight=False, markup=False)
        for report in reports:
            _print_report(report)
    if loaded.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


def _print_report(report: dict[str, object]) -> None:
    columns = ["segment", "customers", "responded", "openedRate", "clickedRate", "boughtRate", "purchasedRate"]
    rows = [
        {"segment": "all contacted", **report["contacted"]},  # type: ignore[dict-item]
        {"segment": "hold-out (not contacted)", **report["heldOut"]},  # type: ignore[dict-item]
    ]
    print_rows(rows, f"campaign {report['campaignId']} ({report['channel']}, {report['at']})", columns)
    print_rows(list(report["segments"]), "contacted customers per RFM segment", columns)  # type: ignore[call-overload]
    out.print(
        f"customers with a purchase in the {report['windowDays']}-day window: contacted "
        f"{report['contacted']['purchasedRate']}, hold-out {report['heldOut']['purchasedRate']}, "  # type: ignore[index]
        f"lift {report['purchaseLift']}",
        highlight=False,
    )


@app.command("list")
def list_(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Campaigns newest first, with contacted / held-out / responded counts."""
    from graphengine.campaign.build import list_campaigns

    with Store(settings()) as store:
        rows = list_campaigns(store, limit)
    if as_json:
        print_json(rows)
        return
    print_rows(
        rows,
        "campaigns",
        ["campaignId", "name", "channel", "at", "cap", "holdout", "contacted", "heldOut", "responded"],
    )
