"""Plain inline-SVG charts, drawn in Python: no JavaScript, no CDN, nothing to download.

Each function returns one ``<figure class="chart" id="chart-…">`` holding a caption, an ``<svg>`` whose marks
are ``rect``/``path`` elements (each with a ``<title>`` tooltip) and an optional note. Text is escaped; numbers
are rounded to keep the file small. An empty data set gives the figure with a "no data" message instead of an
SVG, so a report always has the same sections.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
FONT = "font-family:system-ui,sans-serif"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def fmt(value: float) -> str:
    """Short human number: 1234 → 1,234; 0.01234 → 0.0123; 12.5 → 12.5."""
    if value == 0:
        return "0"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def nice_max(value: float) -> float:
    """The smallest 1/2/5 × 10^k at or above ``value`` (for an axis)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value))


class Svg:
    """Collects SVG elements; ``render`` wraps them in an ``<svg>`` with a viewBox."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str = "", cls: str = "mark") -> None:
        title = f"<title>{esc(tip)}</title>" if tip else ""
        self.parts.append(
            f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'fill="{fill}">{title}</rect>'
        )

    def path(self, d: str, fill: str, tip: str = "", opacity: float = 1.0, cls: str = "mark") -> None:
        title = f"<title>{esc(tip)}</title>" if tip else ""
        self.parts.append(f'<path class="{cls}" d="{d}" fill="{fill}" fill-opacity="{opacity}">{title}</path>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#999") -> None:
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"/>')

    def text(self, x: float, y: float, s: object, anchor: str = "start", size: int = 11, weight: str = "") -> None:
        bold = ' font-weight="bold"' if weight else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{bold}>{esc(s)}</text>'
        )

    def render(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" style="{FONT};max-width:100%;height:auto" role="img">'
            + "".join(self.parts)
            + "</svg>"
        )


def figure(chart_id: str, title: str, body: str, note: str = "", extra_html: str = "") -> str:
    """A chart section; ``extra_html`` (already escaped) goes under the note."""
    notes = f'<p class="note">{esc(note)}</p>' if note else ""
    return (
        f'<figure class="chart" id="chart-{esc(chart_id)}"><figcaption>{esc(title)}</figcaption>'
        f"{body}{notes}{extra_html}</figure>"
    )


def empty(chart_id: str, title: str, why: str) -> str:
    return figure(chart_id, title, f'<p class="empty">No data: {esc(why)}</p>')


def hbar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    note: str = "",
    unit: str = "",
    extra_html: str = "",
) -> str:
    """Horizontal bars, one per label, in the order given."""
    if not labels:
        return empty(chart_id, title, note or "nothing to show")
    row, right = 22, 70
    left = min(260, 12 + 7 * max(len(label) for label in labels))
    svg = Svg(640, 20 + row * len(labels))
    top = nice_max(max(values))
    span = svg.width - left - right
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + k * row
        svg.text(left - 6, y + 15, label[:36], anchor="end")
        svg.rect(left, y + 3, span * value / top, row - 6, PALETTE[0], f"{label}: {fmt(value)}{unit}")
        svg.text(left + span * value / top + 4, y + 15, fmt(value) + unit, size=10)
    return figure(chart_id, title, svg.render(), note, extra_html)


def column_chart(
    chart_id: str, title: str, labels: Sequence[str], values: Sequence[float], *, note: str = "", color: str = ""
) -> str:
    """Vertical bars with a value axis (labels under the bars)."""
    if not labels:
        return empty(chart_id, title, note or "nothing to show")
    svg = Svg(640, 260)
    left, bottom, top_pad = 50, 40, 15
    plot_h = svg.height - bottom - top_pad
    top = nice_max(max(values))
    width = (svg.width - left - 10) / len(labels)
    for tick in range(5):
        v = top * tick / 4
        y = top_pad + plot_h * (1 - v / top)
        svg.line(left, y, svg.width - 10, y, "#e5e5e5")
        svg.text(left - 5, y + 4, fmt(v), anchor="end", size=10)
    for k, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = left + k * width
        svg.rect(
            x + width * 0.1, top_pad + plot_h - h, width * 0.8, h, color or PALETTE[k % 10], f"{label}: {fmt(value)}"
        )
        if len(labels) <= 30:
            svg.text(x + width / 2, svg.height - bottom + 14, label[:8], anchor="middle", size=10)
    return figure(chart_id, title, svg.render(), note)


def histogram(
    chart_id: str, title: str, values: Sequence[float], *, bins: int = 24, log: bool = True, note: str = ""
) -> str:
    """Counts of ``values`` in equal-width bins (of log10 when ``log``; non-positive values are left out)."""
    data = [math.log10(v) for v in values if v > 0] if log else [float(v) for v in values]
    if not data:
        return empty(chart_id, title, note or "nothing to show")
    lo, hi = min(data), max(data)
    hi = hi if hi > lo else lo + 1.0
    counts = [0] * bins
    for v in data:
        counts[min(int((v - lo) / (hi - lo) * bins), bins - 1)] += 1
    svg = Svg(640, 260)
    left, bottom, top_pad = 50, 40, 15
    plot_h, plot_w = svg.height - bottom - top_pad, svg.width - left - 30
    top = nice_max(max(counts))
    for tick in range(5):
        v = top * tick / 4
        y = top_pad + plot_h * (1 - v / top)
        svg.line(left, y, svg.width - 10, y, "#e5e5e5")
        svg.text(left - 5, y + 4, fmt(v), anchor="end", size=10)
    width = plot_w / bins
    for k, n in enumerate(counts):
        a, b = lo + (hi - lo) * k / bins, lo + (hi - lo) * (k + 1) / bins
        shown = (10**a, 10**b) if log else (a, b)
        h = plot_h * n / top
        svg.rect(
            left + k * width, top_pad + plot_h - h, width - 1, h, PALETTE[0], f"{fmt(shown[0])}–{fmt(shown[1])}: {n}"
        )
    for k in range(0, bins + 1, max(bins // 4, 1)):
        v = lo + (hi - lo) * k / bins
        svg.text(left + k * width, svg.height - bottom + 14, fmt(10**v if log else v), anchor="middle", size=10)
    return figure(chart_id, title, svg.render(), note)


def grouped_bars(
    chart_id: str, title: str, groups: Sequence[str], series: Mapping[str, Sequence[float]], *, note: str = ""
) -> str:
    """For each group (x position), one bar per series, side by side, with a legend."""
    if not groups or not series:
        return empty(chart_id, title, note or "nothing to show")
    names = list(series)
    svg = Svg(760, 300)
    left, bottom, top_pad = 55, 40, 15 + 16 * math.ceil(len(names) / 4)
    plot_h = svg.height - bottom - top_pad
    top = nice_max(max((max(v) for v in series.values() if len(v)), default=1.0))
    for k, name in enumerate(names):
        lx, ly = left + (k % 4) * 170, 8 + 16 * (k // 4)
        svg.rect(lx, ly, 10, 10, PALETTE[k % 10], name, cls="legend")
        svg.text(lx + 14, ly + 9, name, size=10)
    for tick in range(5):
        v = top * tick / 4
        y = top_pad + plot_h * (1 - v / top)
        svg.line(left, y, svg.width - 10, y, "#e5e5e5")
        svg.text(left - 5, y + 4, fmt(v), anchor="end", size=10)
    slot = (svg.width - left - 10) / len(groups)
    bar = slot * 0.85 / len(names)
    for g, group in enumerate(groups):
        x0 = left + g * slot + slot * 0.075
        for k, name in enumerate(names):
            value = series[name][g]
            h = plot_h * value / top
            svg.rect(
                x0 + k * bar, top_pad + plot_h - h, bar * 0.9, h, PALETTE[k % 10], f"{group} · {name}: {fmt(value)}"
            )
        svg.text(left + g * slot + slot / 2, svg.height - bottom + 14, group, anchor="middle", size=11)
    return figure(chart_id, title, svg.render(), note)


def funnel_chart(
    chart_id: str, title: str, steps: Sequence[str], reached: Sequence[int], rates: Sequence[float], *, note: str = ""
) -> str:
    """Centred bars shrinking step by step, with counts and the conversion from the previous step."""
    if not steps or max(reached, default=0) == 0:
        return empty(chart_id, title, note or "no scope reached the first step")
    row = 46
    svg = Svg(640, 10 + row * len(steps))
    centre, span = 320, 420
    for k, (step, n, rate) in enumerate(zip(steps, reached, rates, strict=True)):
        w = span * n / reached[0]
        y = 6 + k * row
        svg.rect(centre - w / 2, y, w, row - 10, PALETTE[k % 10], f"{step}: {n:,} ({rate:.1%} of the step before)")
        svg.text(centre, y + row / 2, f"{step}: {n:,}", anchor="middle", size=12, weight="bold")
        if k:
            svg.text(centre + span / 2 + 10, y + row / 2, f"{rate:.1%} of previous", size=10)
    return figure(chart_id, title, svg.render(), note)


def pyramid_chart(chart_id: str, title: str, tiers: Sequence[str], counts: Sequence[int], *, note: str = "") -> str:
    """Tiers from the top (fewest) down, bar width by log count so a long tail stays visible."""
    if not tiers or max(counts, default=0) == 0:
        return empty(chart_id, title, note or "no tiers assigned")
    row = 34
    svg = Svg(640, 10 + row * len(tiers))
    widest = math.log10(max(counts) + 1)
    for k, (tier, n) in enumerate(zip(tiers, counts, strict=True)):
        w = 40 + 360 * math.log10(n + 1) / widest
        y = 5 + k * row
        svg.rect(320 - w / 2, y, w, row - 6, PALETTE[(k + 4) % 10], f"{tier}: {n:,} accounts")
        svg.text(320, y + row / 2 + 1, f"{tier}: {n:,}", anchor="middle", size=12, weight="bold")
    return figure(chart_id, title, svg.render(), note)


__all__ = [
    "PALETTE",
    "Svg",
    "column_chart",
    "empty",
    "esc",
    "figure",
    "fmt",
    "funnel_chart",
    "grouped_bars",
    "hbar_chart",
    "histogram",
    "nice_max",
    "pyramid_chart",
]
