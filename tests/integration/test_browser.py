"""Neo4j Browser, served by our local server, works in headless Chromium and runs the analyst library as-is.

Needs Debian's chromium (`apt-get install -y chromium`): without it these tests fail (they are not skipped),
saying how to install it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphengine.analytics.influence import run_influencers
from graphengine.analytics.segments import run_communities
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.errors import ConfigError
from graphengine.report import check_browser
from graphengine.report.chromium import INSTALL_HINT, find_chromium, png_size, screenshot
from graphengine.store import Store

WIDTH, HEIGHT = 1400, 1000


@pytest.fixture(scope="module")
def chromium() -> Path:
    try:
        return find_chromium()
    except ConfigError:
        pytest.fail(f"the Neo4j Browser check needs headless Chromium, which is missing: {INSTALL_HINT}")


@pytest.fixture(scope="module")
def demo(session_store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A 300-customer demo graph with influencers computed, for the analyst files run in Browser."""
    session_store.clear()
    data = tmp_path_factory.mktemp("browser") / "data"
    generate_demo(data, DemoSpec(customers=300, seed=7))
    load_demo(session_store, data, salt=settings.hash_salt.get_secret_value(), out_dir=data.parent / "out")
    run_influencers(session_store)
    run_communities(session_store)
    yield session_store


def _non_trivial_png(path: Path, size: tuple[int, int]) -> None:
    assert path.is_file(), f"no screenshot at {path}"
    assert png_size(path) == size
    assert path.stat().st_size > 20_000, f"{path} is too small to show anything ({path.stat().st_size} bytes)"


def test_browser_page_loads_and_is_screenshot(settings: Settings, chromium: Path, tmp_path: Path) -> None:
    shot = screenshot(settings.browser_url, tmp_path / "browser.png", width=1280, height=800)
    _non_trivial_png(shot, (1280, 800))


def test_browser_connects_and_runs_analyst_files_as_they_are(
    demo: Store, settings: Settings, chromium: Path, tmp_path: Path
) -> None:
    result = check_browser(settings, tmp_path / "shots", analyst=("01", "12", "07"), width=WIDTH, height=HEIGHT)
    assert result["connected"]
    assert [q["file"] for q in result["queries"]] == [
        "01_top_influencers_per_community.cypher",
        "12_path_customer_to_influencer.cypher",
        "07_campaign_audience_with_contact_cap.cypher",
    ]
    for query in result["queries"]:
        assert query["multiStatementOk"], query  # every :param line and the statement succeeded
        assert query["records"] and query["records"] > 0, query
    assert len(result["screenshots"]) == 4  # connected + one per file
    for shot in result["screenshots"]:
        _non_trivial_png(Path(shot), (WIDTH, HEIGHT))
