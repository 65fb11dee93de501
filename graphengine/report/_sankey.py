"""A two-column Sankey diagram of a transition matrix, laid out and drawn as inline SVG.

Sources (rows) stand on the left, destinations (columns) on the right, each a bar as tall as its total flow;
every non-zero cell is a band from its source bar to its destination bar, as thick as its count. Bands are
stacked on the source in destination order and on the destination in source order, so they never cross
inside a bar. Each band is one closed path of two cubic Béziers (the flow) joined by straight ends.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphengine.report.svg import PALETTE, Svg, empty, figure, fmt


def sankey_chart(
    chart_id: str,
    title: str,
    names: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    note: str = "",
    width: int = 760,
    height: int = 420,
) -> str:
    """``counts[a][b]`` = flow from ``names[a]`` to ``names[b]``; zero rows/columns are left out."""
    k = len(names)
    out_total = [sum(counts[a]) for a in range(k)]
    in_total = [sum(counts[a][b] for a in range(k)) for b in range(k)]
    total = sum(out_total)
    if total == 0:
        return empty(chart_id, title, note or "no transitions")
    sources = [a for a in range(k) if out_total[a] > 0]
    targets = [b for b in range(k) if in_total[b] > 0]
    svg = Svg(width, height)
    pad, gap, bar, label_w = 12, 10, 14, 110
    x_left, x_right = label_w, width - label_w - bar
    usable = height - 2 * pad - gap * (max(len(sources), len(targets)) - 1)
    scale = usable / total

    def stack(nodes: list[int], totals: list[int]) -> dict[int, float]:
        tops, y = {}, float(pad)
        for node in nodes:
            tops[node] = y
            y += totals[node] * scale + gap
        return tops

    top_l, top_r = stack(sources, out_total), stack(targets, in_total)
    next_l, next_r = dict(top_l), dict(top_r)
    mid = (x_left + bar + x_right) / 2
    for a in sources:
        for b in targets:
            n = counts[a][b]
            if n <= 0:
                continue
            h = n * scale
            y0, y1 = next_l[a], next_r[b]
            next_l[a] += h
            next_r[b] += h
            xa, xb = x_left + bar, x_right
            d = (
                f"M{xa:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {xb:.1f},{y1:.1f} "
                f"L{xb:.1f},{y1 + h:.1f} C{mid:.1f},{y1 + h:.1f} {mid:.1f},{y0 + h:.1f} {xa:.1f},{y0 + h:.1f} Z"
            )
            share = n / out_total[a]
            svg.path(d, PALETTE[a % 10], f"{names[a]} → {names[b]}: {n:,} ({share:.1%} of {names[a]})", 0.45, "flow")
    for a in sources:
        h = out_total[a] * scale
        svg.rect(x_left, top_l[a], bar, h, PALETTE[a % 10], f"{names[a]}: {out_total[a]:,} out", cls="node")
        svg.text(x_left - 6, top_l[a] + h / 2 + 4, f"{names[a]} ({fmt(out_total[a])})", anchor="end")
    for b in targets:
        h = in_total[b] * scale
        svg.rect(x_right, top_r[b], bar, h, PALETTE[b % 10], f"{names[b]}: {in_total[b]:,} in", cls="node")
        svg.text(x_right + bar + 6, top_r[b] + h / 2 + 4, f"{names[b]} ({fmt(in_total[b])})")
    return figure(chart_id, title, svg.render(), note)


__all__ = ["sankey_chart"]
