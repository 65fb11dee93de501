"""Write-back of analysis results: columns as lists, batches written by two workers at once."""

from __future__ import annotations

import numpy as np
import pytest

from graphengine.analytics.runs import write_node_properties
from graphengine.errors import AnalysisError
from graphengine.store import Store


def test_columns_reach_every_node_from_concurrent_batches(store: Store) -> None:
    n = 12_345
    store.run_text("UNWIND range(0, $n - 1) AS i CREATE (:SocialAccount {accountId: 'w' + i})", {"n": n})
    ids = np.asarray([f"w{i}" for i in range(n)] + ["not-there"], dtype=object)
    score = np.linspace(0.0, 1.0, n + 1)
    community = np.arange(n + 1) % 7
    tier = np.asarray(["leader" if i % 1000 == 0 else "follower" for i in range(n + 1)], dtype=object)
    written = write_node_properties(
        store,
        "SocialAccount",
        ids,
        {"score": score, "communityId": community, "tier": tier},
        run_id="run-w",
        run_property="testRunId",
        batch_size=1_000,
        workers=2,
    )
    assert written == n, "the unknown key is skipped, every stored node is written once"
    rows = store.run_text(
        "MATCH (a:SocialAccount) RETURN a.accountId AS id, a.score AS s, a.communityId AS c, a.tier AS t, "
        "a.testRunId AS r"
    )
    assert len(rows) == n
    for row in rows:
        i = int(row["id"][1:])
        assert (row["s"], row["c"], row["t"], row["r"]) == (pytest.approx(score[i]), i % 7, tier[i], "run-w")
    again = write_node_properties(
        store, "SocialAccount", ids[:10], {"score": np.zeros(10)}, run_id="run-x", run_property="testRunId"
    )
    assert again == 10
    changed = store.run_text("MATCH (a:SocialAccount {testRunId: 'run-x'}) RETURN count(a) AS n, sum(a.score) AS s")
    assert changed == [{"n": 10, "s": 0.0}]
    with pytest.raises(AnalysisError, match="one value per node"):
        write_node_properties(store, "SocialAccount", ids, {"score": score[:5]}, run_id="r", run_property="p")
    with pytest.raises(AnalysisError, match="cannot write"):
        write_node_properties(store, "Event", ids, {"score": score}, run_id="r", run_property="p")
