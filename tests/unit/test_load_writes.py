"""Write-time rejections without a database: the union of ``rejected`` columns, and bisecting a batch whose
transaction fails because of some rows (the runner stands in for one transaction per call)."""

from typing import Any

import pytest

from graphengine.load.writes import rejected_by_query, write_bisecting


def test_rejected_is_the_union_of_all_records() -> None:
    records: list[dict[str, Any]] = [
        {"rejected": [{"i": 0, "reason": "a"}, None, {"i": 7, "reason": "out of the batch"}]},
        {"rejected": [{"i": 2, "reason": "b"}, {"i": 0, "reason": "c"}, {"i": "x"}]},
        {"written": 3},
    ]
    assert rejected_by_query(records, 3) == {0: ["a", "c"], 2: ["b"]}


def test_bisecting_finds_every_bad_row_in_few_transactions() -> None:
    rows = [{"_i": i, "bad": i in {3, 40, 41, 99}} for i in range(128)]
    written: list[int] = []
    calls = 0

    def run(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
        nonlocal calls
        calls += 1
        if any(row["bad"] for row in part):
            raise OverflowError("Python int too large to convert to C long")
        written.extend(row["_i"] for row in part)
        return [{"rejected": [{"i": 0, "reason": "refused by the query"}]}] if part[0]["_i"] == 0 else []

    result = write_bisecting(run, rows)
    assert set(result.rejected) == {0, 3, 40, 41, 99}
    assert result.rejected[0] == ["refused by the query"]  # the query's own rejections come through a split
    for i in (3, 40, 41, 99):
        assert result.rejected[i] == ["cannot be sent to Neo4j: Python int too large to convert to C long"]
    assert sorted(written) == [i for i in range(128) if i not in {3, 40, 41, 99}]  # every other row written once
    assert calls <= 2 * 4 * 7 + 1  # O(k log n): 4 bad rows, depth 7


def test_other_errors_are_not_split() -> None:
    def run(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raise RuntimeError("not a row's fault")

    with pytest.raises(RuntimeError):
        write_bisecting(run, [{"_i": 0}, {"_i": 1}])
