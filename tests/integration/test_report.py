"""The visual report: one self-contained HTML file whose charts headless Chromium actually draws."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphengine.analytics.influence import run_influencers
from graphengine.analytics.segments import run_communities
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.errors import ConfigError
from graphengine.report import build_report, collect_report, render_report
from graphengine.report.chromium import INSTALL_HINT, dump_dom, find_chromium, png_size, screenshot
from graphengine.store import Store

# chart id → the fewest drawn marks it must have on the demo graph
CHARTS = {
    "communities": 4,
    "influence": 8,
    "top-influencers": 10,
    "pyramid": 2,
    "transitions": 6,
    "funnel": 3,
    "attribution-conversions": 8,
    "attribution-value": 8,
    "patterns": 3,
}

# Appended to a copy of the report: after layout, measure every chart's drawn marks and write the result into
# the DOM, which `chromium --dump-dom` then prints.
MEASURE = """<script>
addEventListener('load', () => {
  const out = {};
  for (const fig of document.querySelectorAll('figure.chart')) {
    const svg = fig.querySelector('svg');
    const marks = svg ? [...svg.querySelectorAll('rect.mark, rect.node, path.flow, path.mark')] : [];
    const drawn = marks.filter(m => { const b = m.getBoundingClientRect(); return b.width > 0 && b.height > 0; });
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    out[fig.id] = {marks: marks.length, drawn: drawn.length, width: box.width, height: box.height};
  }
  const pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


@pytest.fixture(scope="module")
def chromium() -> Path:
    try:
        return find_chromium()
    except ConfigError:
        pytest.fail(f"the report check renders in headless Chromium, which is missing: {INSTALL_HINT}")


@pytest.fixture(scope="module")
def report(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The report of a 600-customer demo graph with influencers and communities computed."""
    session_store.clear()
    root = tmp_path_factory.mktemp("report")
    generate_demo(root / "data", DemoSpec(customers=600, seed=7))
    load_demo(session_store, root / "data", salt=settings.hash_salt.get_secret_value(), out_dir=root / "out")
    run_influencers(session_store)
    run_communities(session_store)
    path = build_report(session_store, root / "report.html")
    yield session_store, path


def test_report_is_one_self_contained_file(report: Any) -> None:
    _, path = report
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and path.stat().st_size < 2_000_000
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", text, re.IGNORECASE)
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", text)
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in text
    data = json.loads(html.unescape(re.search(r'id="report-data">(.*?)</script>', text, re.S).group(1)))
    assert data["events"] > 0 and data["influence"]["accounts"] > 0 and len(data["communities"]) >= 4


def test_chromium_draws_every_chart(report: Any, chromium: Path, tmp_path: Path) -> None:
    _, path = report
    probe = tmp_path / "report-measured.html"
    probe.write_text(path.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = dump_dom(probe.as_uri(), width=1400, height=1200)
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run"
    measured = json.loads(html.unescape(found.group(1)))
    for chart, fewest in CHARTS.items():
        seen = measured.get(f"chart-{chart}")
        assert seen, f"chart {chart} is missing from the rendered page"
        assert seen["width"] > 200 and seen["height"] > 50, (chart, seen)
        assert seen["drawn"] >= fewest, (chart, seen)
    shot = screenshot(path.as_uri(), tmp_path / "report.png", width=1400, height=2400)
    assert png_size(shot) == (1400, 2400) and shot.stat().st_size > 100_000  # a page full of charts, not blank


def test_report_numbers_are_consistent(report: Any) -> None:
    store, _ = report
    data = collect_report(store)
    influence = data["influence"]  # accounts of customers without profiling consent are counted, not listed
    assert sum(c["size"] for c in data["communities"]) == influence["accounts"] + influence["withheld"]
    assert influence["withheld"] > 0
    assert sum(data["pyramid"].values()) == data["influence"]["accounts"]
    steps = [s["reached"] for s in data["funnel"]["steps"]]
    assert steps == sorted(steps, reverse=True) and steps[-1] > 0
    assert data["patterns"]["serious_shopper_abandonment"] > 0


def test_sections_without_analyses_say_what_to_run() -> None:
    empty: dict[str, Any] = {
        "generatedAt": "2026-01-01T00:00:00Z",
        "graph": {"nodes": 0, "relationships": 0},
        "events": 0,
        "customersWithEvents": 0,
        "communities": [],
        "influence": {"accounts": 0, "pagerank": [], "top": []},
        "pyramid": {"leader": 0, "organizer": 0, "supporter": 0, "follower": 0},
        "transitions": {"channels": [], "counts": [], "total": 0},
        "funnel": {"scopes": 0, "steps": []},
        "attribution": {
            "channels": [],
            "models": {},
            "totalConversions": 0.0,
            "totalValue": 0.0,
            "convertingPaths": 0,
            "lookbackDays": 30.0,
        },
        "patterns": {},
    }
    page = render_report(empty)
    assert page.count('class="empty"') == len(CHARTS)
    assert "graphengine analyze communities" in page and "<svg" not in page
