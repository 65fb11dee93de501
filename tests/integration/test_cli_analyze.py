"""`graphengine analyze …` from the command line, with --json output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import networkx as nx

from graphengine.config import Settings
from graphengine.store import Store
from tests.integration._cli import run_graphengine
from tests.integration.test_analytics_db import _load_social


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return run_graphengine(settings, "analyze", *args)


def test_analyze_commands_print_one_json_object(store: Store, settings: Settings, tmp_path: Path) -> None:
    _load_social(store, settings, nx.florentine_families_graph(), tmp_path)
    proc = _cli(settings, "centrality", "--algorithm", "betweenness", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["top"]["betweenness"][0][0] == "Medici" and summary["counts"]["nodes"] == 15
    proc = _cli(settings, "communities", "--algorithm", "louvain", "--json")
    assert json.loads(proc.stdout)["metrics"]["modularity"] > 0.3
    proc = _cli(settings, "influencers", "--limit", "3", "--json")
    listed = json.loads(proc.stdout)["influencers"]
    assert len(listed) == 3 and listed[0]["score"] >= listed[1]["score"] >= listed[2]["score"]
    runs = json.loads(_cli(settings, "runs", "--json").stdout)
    assert [r["kind"] for r in runs[:3]] == ["influencers", "communities", "centrality"]
    assert all(r["status"] == "finished" for r in runs[:3])
    bad = _cli(settings, "communities", "--algorithm", "nonsense")
    assert bad.returncode == 8 and "nonsense" in bad.stderr
