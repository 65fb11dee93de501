"""Check that Neo4j Browser works against our server and runs the analyst library, in headless Chromium.

:func:`check_browser` opens ``<http>/browser/`` with the connect form pre-filled (``?dbms=neo4j://user@host:port``),
types the password, connects, and for each analyst file given: types the whole file into the editor as an analyst
would paste it, runs it (Browser's multi-statement mode: the ``:param`` lines, then the statement) and checks that
every statement succeeded, then runs the statement on its own to show its result (a table, or a graph for
paths) and saves a screenshot. The result says what was seen, so a test or ``make`` can assert on it.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from pathlib import Path
from typing import Any

from graphengine.config import Settings
from graphengine.errors import ConfigError
from graphengine.report._cdp import HeadlessPage
from graphengine.report.analyst import AnalystQuery, analyst_queries, analyst_query

_FRAME = "[data-testid=stream] [data-testid=frame]"
_TOP_FRAME = f"document.querySelector('{_FRAME}')"
_NEW_FRAME = f"({_TOP_FRAME} && !{_TOP_FRAME}.hasAttribute('data-ge-seen'))"
_RECORDS = re.compile(r"(?:Started streaming|returned)\s+(\d+)\s+record|Displaying\s+(\d+)\s+node", re.IGNORECASE)


def browser_url(settings: Settings) -> str:
    host = urllib.parse.urlsplit(settings.bolt_uri).hostname or "127.0.0.1"
    port = urllib.parse.urlsplit(settings.bolt_uri).port or settings.bolt_port
    dbms = f"neo4j://{settings.neo4j_user}@{host}:{port}"
    return settings.browser_url + "?" + urllib.parse.urlencode({"dbms": dbms, "preselectAuthMethod": "NATIVE"})


def _connect(page: HeadlessPage, settings: Settings) -> None:
    page.navigate(browser_url(settings))
    page.wait_for("!!document.querySelector('[data-testid=password]')", timeout_s=60)
    page.evaluate("document.querySelector('[data-testid=password]').focus()")
    page.type_text(settings.neo4j_password.get_secret_value())
    page.evaluate("document.querySelector('[data-testid=connect]').click()")
    page.wait_for("document.body.innerText.includes('You are connected')", timeout_s=60)


def _run_editor(page: HeadlessPage, text: str) -> None:
    """Replace the main editor's text with ``text`` and run it."""
    page.evaluate("document.querySelector('[data-testid=editor-discard]')?.click()")
    page.evaluate("document.querySelector('[data-testid=activeEditor] textarea').focus()")
    page.type_text(text)
    page.evaluate("document.querySelector('[data-testid=editor-Run]').click()")


def _mark_frames(page: HeadlessPage) -> None:
    """Mark the frames on screen, so the next new frame (always added on top) can be told apart."""
    page.evaluate(f"document.querySelectorAll('{_FRAME}').forEach(f => f.setAttribute('data-ge-seen', '1'))")


def _run_analyst(page: HeadlessPage, query: AnalystQuery, out: Path) -> dict[str, Any]:
    statements = len(query.params) + 1
    _mark_frames(page)
    _run_editor(page, query.browser_text)
    icons = f"[...{_TOP_FRAME}.querySelectorAll('[data-testid=multi-statement-list-icon]')].map(e => e.title)"
    statuses: list[str] = page.wait_for(
        f"(() => {{ if (!{_NEW_FRAME}) return null; const t = {icons};"
        f" return t.length === {statements} && t.every(s => /success|error|fail/i.test(s)) ? t : null; }})()",
        timeout_s=60,
    )
    ok = all("success" in s.lower() for s in statuses)
    _mark_frames(page)
    _run_editor(page, query.statement)
    # tables: the status bar says "… completed after N ms" (or "Completed in …" with no rows); graphs: the
    # overview says "Displaying N nodes"; failures show an error status
    bar = f"({_TOP_FRAME}?.querySelector('[data-testid=frameStatusbar]')?.innerText || '')"
    text = f"({_TOP_FRAME}?.innerText || '')"
    page.wait_for(
        f"{_NEW_FRAME} && (/completed|error|fail/i.test({bar}) || /Displaying \\d+ node/.test({text}))",
        timeout_s=60,
    )
    time.sleep(1.0)  # let the table or graph finish drawing
    status_bar: str = page.evaluate(bar)
    found = _RECORDS.search(status_bar) or _RECORDS.search(page.evaluate(text))
    status = found.group(0) if found else status_bar
    page.screenshot(out)
    return {
        "file": query.path.name,
        "statements": statuses,
        "multiStatementOk": ok,
        "status": status.strip(),
        "records": int(found.group(1) or found.group(2)) if found else None,
        "screenshot": str(out),
    }


def check_browser(
    settings: Settings,
    out_dir: Path,
    *,
    analyst: tuple[str, ...] = ("01", "12"),
    width: int = 1400,
    height: int = 1000,
) -> dict[str, Any]:
    """Connect Neo4j Browser in headless Chromium, run the given analyst files (numbers, or ``("all",)``),
    screenshot each step.

    Returns ``{"url", "connected", "screenshots": [...], "queries": [{file, multiStatementOk, records, …}]}``.
    Raises :class:`ConfigError` when Chromium is missing or the page never gets where it should.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"url": browser_url(settings), "connected": False, "screenshots": [], "queries": []}
    with HeadlessPage(width=width, height=height, timeout_s=60) as page:
        try:
            _connect(page, settings)
        except ConfigError:
            page.screenshot(out_dir / "browser-failed.png")
            raise
        result["connected"] = True
        result["screenshots"].append(str(page.screenshot(out_dir / "browser-connected.png")))
        for query in analyst_queries() if analyst == ("all",) else [analyst_query(key) for key in analyst]:
            try:
                done = _run_analyst(page, query, out_dir / f"browser-{query.path.stem}.png")
            except ConfigError:
                page.screenshot(out_dir / "browser-failed.png")
                raise
            result["queries"].append(done)
            result["screenshots"].append(done["screenshot"])
    return result


__all__ = ["browser_url", "check_browser"]
