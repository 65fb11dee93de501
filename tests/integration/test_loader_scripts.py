"""The loaders/ scripts run end to end on small real data against the test server."""

from __future__ import annotations

import subprocess
from pathlib import Path

from graphengine.config import PROJECT_ROOT, Settings
from graphengine.demo import DemoSpec, generate_demo
from graphengine.store import Store
from tests.integration._cli import run_python
from tests.integration._files import write_csv


def _script(settings: Settings, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_python(settings, str(PROJECT_ROOT / "loaders" / name), *args, timeout=600)


def _count(store: Store, query: str) -> int:
    return int(store.run_text(query)[0]["n"])


def test_retail_export_folder(store: Store, settings: Settings, tmp_path: Path) -> None:
    generate_demo(tmp_path / "shop", DemoSpec(customers=200, seed=2))
    proc = _script(
        settings, "retail_csv.py", str(tmp_path / "shop"), "--source", "shop", "--out-dir", str(tmp_path / "out")
    )
    assert proc.returncode == 10, proc.stderr  # the demo export carries a few dirty rows
    assert "quarantined" in proc.stdout
    assert _count(store, "MATCH (c:Customer) RETURN count(c) AS n") >= 200
    assert _count(store, "MATCH ()-[r:PURCHASED]->() RETURN count(r) AS n") > 0
    assert _count(store, "MATCH ()-[r:NEXT]->() RETURN count(r) AS n") > 0
    assert _count(store, "MATCH (s:SocialAccount) RETURN count(s) AS n") == 0, "accounts are not a retail file"


def test_generic_edge_list(store: Store, settings: Settings, tmp_path: Path) -> None:
    edges = tmp_path / "edges.txt"
    edges.write_text("# follower followee\n1 2\n1 3\n2,3\n3 1\n\n4 4\n")
    proc = _script(
        settings,
        "social_edges.py",
        "--edge-list",
        str(edges),
        "--platform",
        "forum",
        "--source",
        "forum",
        "--out-dir",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 10, proc.stderr  # 4 → 4 is a self-follow: quarantined with its reason
    assert _count(store, "MATCH (:SocialAccount)-[f:FOLLOWS]->() RETURN count(f) AS n") == 4
    assert _count(store, "MATCH (a:SocialAccount {platform: 'forum'}) RETURN count(a) AS n") == 4


def test_accounts_and_follows_files(store: Store, settings: Settings, tmp_path: Path) -> None:
    accounts = write_csv(
        tmp_path / "a.csv", [{"accountId": "x1", "platform": "x"}, {"accountId": "x2", "platform": "x"}]
    )
    follows = write_csv(tmp_path / "f.csv", [{"follower": "x1", "followee": "x2"}])
    proc = _script(
        settings,
        "social_edges.py",
        "--accounts",
        str(accounts),
        "--follows",
        str(follows),
        "--source",
        "s",
        "--out-dir",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 0, proc.stderr
    assert _count(store, "MATCH (:SocialAccount)-[f:FOLLOWS]->() RETURN count(f) AS n") == 1


def test_movielens_sample(store: Store, settings: Settings, tmp_path: Path) -> None:
    proc = _script(settings, "movielens.py", "--limit", "3000", "--out-dir", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _count(store, "MATCH ()-[r:RATED]->() RETURN count(r) AS n") == 3000
    ratings = store.run_text("MATCH ()-[r:RATED]->() RETURN min(r.rating) AS lo, max(r.rating) AS hi")[0]
    assert (ratings["lo"], ratings["hi"]) == (1.0, 5.0)
    bought = _count(store, "MATCH ()-[r:PURCHASED]->() RETURN count(r) AS n")
    liked = _count(store, "MATCH ()-[r:RATED]->() WHERE r.rating >= 4 RETURN count(r) AS n")
    assert bought == liked
