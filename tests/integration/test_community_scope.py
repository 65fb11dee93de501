"""Communities of one platform do not change when an unrelated platform's graph is loaded beside it."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from graphengine.analytics.segments import run_communities
from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.store import Store
from tests.integration._files import write_csv


def _load_platform(store: Store, settings: Settings, graph: nx.Graph, platform: str, tmp_path: Path) -> None:
    accounts = [{"accountId": f"{platform}-{n}", "platform": platform} for n in graph]
    follows = [
        {"follower": f"{platform}-{a}", "followee": f"{platform}-{b}"}
        for u, v in graph.edges
        for a, b in ((u, v), (v, u))
    ]
    options = LoadOptions(source=platform, out_dir=tmp_path)
    salt = settings.hash_salt.get_secret_value()
    load_file(store, "accounts", write_csv(tmp_path / f"{platform}-accounts.csv", accounts), options, salt=salt)
    load_file(store, "follows", write_csv(tmp_path / f"{platform}-follows.csv", follows), options, salt=salt)


def _memberships(store: Store, platform: str) -> dict[str, int]:
    rows = store.run_text(
        "MATCH (a:SocialAccount {platform: $p}) RETURN a.accountId AS id, a.communityId AS c", {"p": platform}
    )
    return {r["id"]: r["c"] for r in rows}


@pytest.mark.parametrize("algorithm", ["auto", "leiden_consensus", "leiden", "louvain"])
def test_a_second_disjoint_platform_leaves_the_first_platforms_communities_unchanged(
    store: Store, settings: Settings, tmp_path: Path, algorithm: str
) -> None:
    planted = nx.planted_partition_graph(12, 20, 0.5, 0.02, seed=3)
    truth = {f"shop-{n}": n // 20 for n in planted}
    _load_platform(store, settings, planted, "shop", tmp_path)
    first = run_communities(store, algorithm=algorithm, seed=9)
    before = _memberships(store, "shop")
    _load_platform(store, settings, nx.gnm_random_graph(1500, 20000, seed=4), "forum", tmp_path)
    second = run_communities(store, algorithm=algorithm, seed=9)
    after = _memberships(store, "shop")
    keys = sorted(before)
    assert len(keys) == 240 and second["counts"]["components"] >= 2 and first["params"]["partition"] == "component"
    if algorithm == "auto":  # the run says which method each component kept, and by which rule
        kept = {k: n for k, n in second["counts"].items() if k.startswith("auto rule ")}
        assert sum(kept.values()) == second["counts"]["components"] and first["algorithm"] == "auto"
    a, b = np.array([before[k] for k in keys]), np.array([after[k] for k in keys])
    assert normalized_mutual_info_score(a, b) == pytest.approx(1.0)
    assert normalized_mutual_info_score([truth[k] for k in keys], b) > 0.9
    # the two platforms never share a community
    forum = set(_memberships(store, "forum").values())
    assert not forum & set(after.values())
