"""The visual report: one self-contained HTML file with inline SVG charts of what the graph says.

:func:`collect_report` gathers the numbers (JSON-ready) from the graph: community sizes, the influence
distribution and top influencers, the advocate pyramid, channel transitions (drawn as a Sankey), the session
funnel, attribution by model side by side (conversions and value), and journey-pattern match counts. The
events are read once and shared by the funnel, attribution and patterns. :func:`build_report` renders them with
:mod:`graphengine.report.svg` into one HTML file: no scripts, no web fonts, no CDN; the data rides along in a
``<script type="application/json">`` block for anyone who wants the numbers.

People are shown under profiling consent: the influence section (distribution, top list, pyramid) covers the
accounts :func:`~graphengine.analytics.influence.list_influencers` lists, and only counts the accounts of customers
without profiling consent, which it leaves out.

Sections whose analysis has not run yet (no ``pagerank`` or ``communityId`` in the graph) say so instead of
drawing an empty chart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from graphengine.analytics.influence import count_withheld_accounts, list_influencers
from graphengine.analytics.segments import list_communities
from graphengine.journeys import store as js
from graphengine.report._sankey import sankey_chart
from graphengine.report.svg import (
    column_chart,
    esc,
    fmt,
    funnel_chart,
    grouped_bars,
    hbar_chart,
    histogram,
    pyramid_chart,
)
from graphengine.store import Store

TIERS = ("leader", "organizer", "supporter", "follower")
MAX_ACCOUNTS = 200_000  # accounts read for the influence distribution


def collect_report(store: Store, *, top: int = 10) -> dict[str, Any]:
    """Every number the report shows, as a JSON-ready dict."""
    events = js.read_events(store)
    accounts = list_influencers(store, limit=MAX_ACCOUNTS)
    tiers = Counter(a["advocateLevel"] for a in accounts if a.get("advocateLevel"))
    transitions = js.channel_transitions(store, skip_repeats=True)
    return {
        "generatedAt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "graph": store.query("store.count_graph")[0],
        "events": len(events),
        "customersWithEvents": len(events.customers),
        "communities": list_communities(store, limit=40),
        "influence": {
            "accounts": len(accounts),
            "withheld": count_withheld_accounts(store),
            "pagerank": [float(a["score"]) for a in accounts if a["score"] is not None],
            "top": [
                {
                    k: a[k]
                    for k in ("accountId", "handle", "score", "followers", "reach2", "communityId", "advocateLevel")
                }
                for a in accounts[:top]
            ],
        },
        "pyramid": {tier: tiers.get(tier, 0) for tier in TIERS},
        "transitions": transitions,
        "funnel": js.funnel(store, ("view", "cart", "purchase"), events=events),
        "attribution": js.attribution(store, events=events),
        "patterns": js.pattern_counts(store, events=events),
    }


def _influencer_table(top: list[dict[str, Any]]) -> str:
    columns = ("#", "account", "PageRank", "followers", "2-hop reach", "community", "tier")
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>"
    rows = "".join(
        f"<tr><td>{k + 1}</td><td>{esc(a['handle'] or a['accountId'])}</td><td>{a['score']:.5f}</td>"
        f"<td>{fmt(a['followers'] or 0)}</td><td>{fmt(a['reach2'] or 0)}</td><td>{esc(a['communityId'])}</td>"
        f"<td>{esc(a['advocateLevel'] or '')}</td></tr>"
        for k, a in enumerate(top)
    )
    return f'<table class="influencers">{head}{rows}</table>'


def _withheld(influence: dict[str, Any]) -> str:
    withheld = influence.get("withheld", 0)
    return f"{withheld:,} accounts of customers without profiling consent left out." if withheld else ""


def _attribution_charts(data: dict[str, Any]) -> str:
    attribution = data["attribution"]
    channels, models = attribution["channels"], attribution["models"]
    out = []
    for on, label in (("conversions", "conversions"), ("value", "conversion value")):
        series = {m: [float(models[m].get(c, {}).get(on, 0.0)) for c in channels] for m in models}
        total = attribution["totalConversions"] if on == "conversions" else attribution["totalValue"]
        note = (
            f"{fmt(total)} {label} on {attribution['convertingPaths']:,} converting paths "
            f"({attribution['lookbackDays']:.0f}-day lookback); every model shares the same total."
        )
        out.append(grouped_bars(f"attribution-{on}", f"Attribution of {label} by model", channels, series, note=note))
    return "".join(out)


def render_report(data: dict[str, Any]) -> str:
    """The HTML page for the numbers of :func:`collect_report`."""
    influence, transitions, fun = data["influence"], data["transitions"], data["funnel"]
    communities = data["communities"]
    steps = fun["steps"]
    charts = [
        column_chart(
            "communities",
            "Community sizes (social accounts)",
            [str(c["communityId"]) for c in communities],
            [float(c["size"]) for c in communities],
            note="run `graphengine analyze communities` first" if not communities else "Largest first (id 0).",
        ),
        histogram(
            "influence",
            "Influence distribution (PageRank, log scale)",
            influence["pagerank"],
            note="run `graphengine analyze influencers` first"
            if not influence["pagerank"]
            else f"{influence['accounts']:,} accounts; a heavy tail means a few accounts carry most influence. "
            f"{_withheld(influence)}",
        ),
        hbar_chart(
            "top-influencers",
            "Top influencers by PageRank",
            [str(a["handle"] or a["accountId"]) for a in influence["top"]],
            [float(a["score"]) for a in influence["top"]],
            note=_withheld(influence) if influence["top"] else "run `graphengine analyze influencers` first",
            extra_html=_influencer_table(influence["top"]) if influence["top"] else "",
        ),
        pyramid_chart(
            "pyramid",
            "Advocate pyramid",
            list(data["pyramid"]),
            list(data["pyramid"].values()),
            note=f"Bar width on a log scale. {_withheld(influence)}".strip(),
        ),
        sankey_chart(
            "transitions",
            "Channel transitions (next event on another channel)",
            transitions["channels"],
            transitions["counts"],
            note=f"{transitions['total']:,} channel switches along the customers' NEXT chains; staying on the same "
            "channel is left out.",
        ),
        funnel_chart(
            "funnel",
            "Session funnel: view → cart → purchase",
            [s["step"] for s in steps],
            [s["reached"] for s in steps],
            [s["stepRate"] for s in steps],
            note=f"{fun['scopes']:,} sessions; each step counts sessions reaching it after the step before.",
        ),
        _attribution_charts(data),
        hbar_chart(
            "patterns",
            "Journey pattern matches",
            list(data["patterns"]),
            [float(v) for v in data["patterns"].values()],
            note="Named patterns of graphengine.journeys.core over every customer's events.",
        ),
    ]
    graph = data["graph"]
    summary = (
        f"{graph.get('nodes', 0):,} nodes, {graph.get('relationships', 0):,} relationships; "
        f"{data['events']:,} events of {data['customersWithEvents']:,} customers. Generated {data['generatedAt']}."
    )
    payload = json.dumps(data, default=str).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>graphengine report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; padding: 24px; max-width: 1600px; color: #222;
       background: #fafafa; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }} .summary {{ color: #555; margin: 0 0 16px; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }}
figure.chart {{ background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 0; padding: 12px;
               overflow-x: auto; }}
figcaption {{ font-weight: 600; margin-bottom: 8px; }} .note {{ color: #666; font-size: 12px; margin: 6px 0 0; }}
.empty {{ color: #a33; }} svg text {{ fill: #333; }} .mark:hover, .flow:hover {{ opacity: .8; }}
table.influencers {{ border-collapse: collapse; font-size: 12px; margin-top: 8px; }}
table.influencers td, table.influencers th {{ border-bottom: 1px solid #eee; padding: 2px 8px; text-align: left; }}
</style></head>
<body><h1>graphengine: customers, influence and journeys</h1><p class="summary">{esc(summary)}</p>
<div class="grid">{"".join(charts)}</div>
<script type="application/json" id="report-data">{payload}</script>
</body></html>
"""


def build_report(store: Store, out: Path) -> Path:
    """Collect the numbers from the graph and write the self-contained HTML report to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(collect_report(store)), encoding="utf-8")
    return out


__all__ = ["build_report", "collect_report", "render_report"]
