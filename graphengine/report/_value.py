"""The report's customer-value sections: the RFM grid, the CLV distribution, churn risk by segment, the top basket
rules and campaign contact pressure.

:func:`collect_value` reads the numbers (JSON-ready) from what the value runs and campaigns wrote;
:func:`value_charts` draws them. A section whose data has not been computed yet (no RFM scores, no clv, no
churnRisk, no BOUGHT_WITH rules, no CONTACTED edges in the window) says so and names the command that computes it.

Counts cover every customer (they name nobody); values that profile a person — the CLV distribution, the means
per segment — come from customers with profiling consent, and the CLV section says how many it left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from graphengine.report.svg import PALETTE, Svg, empty, esc, figure, fmt, grouped_bars, hbar_chart, histogram
from graphengine.store import Store

CONTACT_DAYS = 30
CONTACT_BUCKETS = ("1", "2", "3", "4+")


def collect_value(
    store: Store, *, top: int = 10, min_orders: int = 5, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The value sections' numbers: RFM grid cells, clv values, segments, top rules, contacts per channel."""
    since = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=CONTACT_DAYS)
    clv = store.query("report.list_clv_values")[0]
    return {
        "rfmGrid": store.query("report.count_rfm_grid"),
        "clv": {"values": [float(v) for v in clv["values"]], "withheld": clv["withheld"], "runIds": clv["runIds"]},
        "segments": store.query("value.list_segments"),
        "rules": {
            "stored": store.query("report.count_basket_rules")[0]["rules"],
            "minOrders": min_orders,
            "top": store.query("report.list_top_rules", {"limit": top, "minOrders": min_orders}),
        },
        "contacts": {
            "days": CONTACT_DAYS,
            "since": since.isoformat(timespec="seconds"),
            "rows": store.query("report.count_contact_pressure", {"since": since}),
        },
    }


def _rfm_grid(cells: list[dict[str, Any]]) -> str:
    chart, title = "rfm-grid", "RFM grid: customers by recency × frequency score"
    if not cells:
        return empty(chart, title, "RFM has not been computed yet: run `graphengine value rfm`")
    bins = max(max(int(c["recency"]), int(c["frequency"])) for c in cells)
    counts = {(int(c["recency"]), int(c["frequency"])): int(c["customers"]) for c in cells}
    most = max(counts.values())
    size, left, top_pad = 56, 90, 10
    svg = Svg(left + size * bins + 20, top_pad + size * bins + 44)
    for row, r in enumerate(range(bins, 0, -1)):
        y = top_pad + row * size
        svg.text(left - 8, y + size / 2 + 4, f"R {r}", anchor="end")
        for f in range(1, bins + 1):
            n = counts.get((r, f), 0)
            x = left + (f - 1) * size
            shade = 0.08 + 0.92 * n / most
            svg.parts.append(
                f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{size - 2}" height="{size - 2}" '
                f'fill="{PALETTE[0]}" fill-opacity="{shade:.2f}"><title>R {r} · F {f}: {n:,} customers</title></rect>'
            )
            svg.text(x + size / 2 - 1, y + size / 2 + 4, fmt(n), anchor="middle", size=10)
    for f in range(1, bins + 1):
        svg.text(left + (f - 1) * size + size / 2, top_pad + bins * size + 16, f"F {f}", anchor="middle")
    svg.text(left + bins * size / 2, top_pad + bins * size + 36, "frequency score →", anchor="middle", size=10)
    total = sum(counts.values())
    note = f"{total:,} customers with RFM scores; recency 5 = bought most recently, frequency 5 = most orders."
    return figure(chart, title, svg.render(), note)


def _clv(clv: dict[str, Any]) -> str:
    chart, title = "clv", "Customer lifetime value distribution (log scale)"
    values, withheld = clv["values"], int(clv["withheld"])
    left_out = f" {withheld:,} customers without profiling consent left out." if withheld else ""
    if not values:
        why = "CLV has not been computed yet: run `graphengine value clv`" if not withheld else left_out.strip()
        return empty(chart, title, why)
    zero = sum(1 for v in values if v <= 0)
    mean = sum(values) / len(values)
    note = (
        f"{len(values):,} customers, mean clv {fmt(mean)}, total {fmt(sum(values))}"
        + (f"; {zero:,} with clv 0 are not drawn on the log scale" if zero else "")
        + "."
        + left_out
    )
    return histogram(chart, title, values, note=note)


def _churn_by_segment(segments: list[dict[str, Any]]) -> str:
    chart, title = "churn-by-segment", "Churn risk by RFM segment (mean churnRisk)"
    if not segments:
        return empty(chart, title, "RFM segments have not been computed yet: run `graphengine value rfm`")
    scored = [s for s in segments if s["churnScored"] and s["meanChurnRisk"] is not None]
    if not scored:
        return empty(chart, title, "churn risk has not been computed yet: run `graphengine value churn`")
    scored.sort(key=lambda s: (-float(s["meanChurnRisk"]), s["segment"]))
    note = (
        f"Mean over {sum(int(s['churnScored']) for s in scored):,} scored customers with profiling consent; "
        "segment sizes count everyone: " + ", ".join(f"{s['segment']} {int(s['customers']):,}" for s in segments) + "."
    )
    return hbar_chart(
        chart, title, [s["segment"] for s in scored], [float(s["meanChurnRisk"]) for s in scored], note=note
    )


def _rules_table(rules: list[dict[str, Any]]) -> str:
    columns = ("rule", "orders", "support", "confidence", "lift")
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in columns) + "</tr>"
    rows = "".join(
        f"<tr><td>{esc(r['antecedentName'] or r['antecedent'])} → {esc(r['consequentName'] or r['consequent'])}</td>"
        f"<td>{fmt(r['orders'])}</td><td>{r['support']:.4f}</td><td>{r['confidence']:.3f}</td>"
        f"<td>{r['lift']:.2f}</td></tr>"
        for r in rules
    )
    return f'<table class="influencers">{head}{rows}</table>'


def _rules(rules: dict[str, Any]) -> str:
    chart, title = "basket-rules", "Top basket rules by lift"
    top = rules["top"]
    if not rules["stored"]:
        return empty(chart, title, "basket rules have not been computed yet: run `graphengine value basket`")
    if not top:
        return empty(
            chart,
            title,
            f"none of the {rules['stored']:,} stored rules was seen in at least {rules['minOrders']} orders",
        )
    labels = [f"{r['antecedent']} → {r['consequent']}" for r in top]
    note = f"Rules seen in at least {rules['minOrders']} orders; lift > 1: bought together more often than by chance."
    return hbar_chart(chart, title, labels, [float(r["lift"]) for r in top], note=note, extra_html=_rules_table(top))


def _contacts(contacts: dict[str, Any]) -> str:
    chart, title = (
        "contact-pressure",
        f"Contact pressure: customers by campaign contacts in the last {contacts['days']} days",
    )
    rows = contacts["rows"]
    if not rows:
        return empty(
            chart,
            title,
            f"no campaign contacts since {contacts['since']} (`graphengine campaign build` records them as CONTACTED)",
        )
    series: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(CONTACT_BUCKETS))
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        n, customers = int(row["contacts"]), int(row["customers"])
        series[row["channel"]][min(n, len(CONTACT_BUCKETS)) - 1] += customers
        totals[row["channel"]][0] += n * customers
        totals[row["channel"]][1] += customers
    per_channel = "; ".join(
        f"{channel}: {sent:,} contacts to {people:,} customers ({sent / people:.2f} each)"
        for channel, (sent, people) in sorted(totals.items())
    )
    groups = [f"{b} contact{'s' if b != '1' else ''}" for b in CONTACT_BUCKETS]
    return grouped_bars(
        chart, title, groups, dict(sorted(series.items())), note=f"Since {contacts['since']}. {per_channel}."
    )


def value_charts(value: dict[str, Any]) -> list[str]:
    """The five value sections, in report order."""
    return [
        _rfm_grid(value["rfmGrid"]),
        _clv(value["clv"]),
        _churn_by_segment(value["segments"]),
        _rules(value["rules"]),
        _contacts(value["contacts"]),
    ]


__all__ = ["CONTACT_DAYS", "collect_value", "value_charts"]
