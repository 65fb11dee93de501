"""Reports for people: the analyst Cypher library, the visual HTML report and headless-Chromium checks.

* :func:`build_report` writes one self-contained HTML file with inline SVG charts (``builder``).
* :mod:`~graphengine.report.analyst` parses and runs ``cypher/analyst/NN_<question>.cypher``.
* :func:`check_browser` drives Neo4j Browser in headless Chromium and runs analyst files there.
"""

from graphengine.report.analyst import analyst_queries, analyst_query, run_analyst
from graphengine.report.browser_check import check_browser
from graphengine.report.builder import build_report, collect_report, render_report

__all__ = [
    "analyst_queries",
    "analyst_query",
    "build_report",
    "check_browser",
    "collect_report",
    "render_report",
    "run_analyst",
]
