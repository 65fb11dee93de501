"""Attribution from aggregated paths (the ChannelAttribution layout): hand-worked, equal to the event-based
answer on the same journeys, bad rows left out with their reasons, CSV and Parquet, the CLI."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphengine.errors import AnalysisError, ValidationFailed
from graphengine.journeys.attribution import attribute_all, conversion_paths
from graphengine.journeys.core import Events
from graphengine.journeys.path_files import path_file_attribution, read_path_file

DAY = 86400.0
HEADER = "path,total_conversions,total_conversion_value,total_null\n"


def _csv(tmp_path: Path, body: str, name: str = "paths.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_hand_worked_markov_and_heuristics_from_a_file(tmp_path: Path) -> None:
    # the worked Markov example: a>b converts (10), a converts (20), b>c does not convert
    file = read_path_file(_csv(tmp_path, "a > b,1,10,0\na,1,20,0\nb>c,0,0,1\n"))
    result = path_file_attribution(file)
    markov = result["models"]["markov_1"]
    assert markov["a"]["conversions"] == pytest.approx(1.2) and markov["b"]["conversions"] == pytest.approx(0.8)
    assert markov["a"]["removalEffect"] == pytest.approx(0.75)
    assert markov["a"]["value"] == pytest.approx(150 / 7) and markov["b"]["value"] == pytest.approx(60 / 7)
    assert result["models"]["first_touch"]["a"]["conversions"] == 2.0
    assert result["models"]["last_touch"]["b"]["conversions"] == 1.0
    assert result["models"]["linear"]["a"]["value"] == pytest.approx(5 + 20)
    assert "time_decay" in result["skipped"] and "time_decay" not in result["models"]
    assert result["totalConversions"] == 2 and result["totalNulls"] == 1 and result["rejectedRows"] == 0


def _random_events(seed: int, customers: int = 300) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    eid = 0
    for c in range(customers):
        day = rng.uniform(0, 10)
        for _ in range(rng.randint(1, 8)):
            day += rng.uniform(0.1, 6)
            eid += 1
            if rng.random() < 0.25:
                rows.append(
                    {
                        "customer": f"c{c}",
                        "event_id": eid,
                        "ts": day * DAY,
                        "type": "purchase",
                        "channel": rng.choice(["web", "store"]),
                        "value": float(rng.randint(5, 200)),
                    }
                )
            else:
                rows.append(
                    {
                        "customer": f"c{c}",
                        "event_id": eid,
                        "ts": day * DAY,
                        "type": "click",
                        "channel": rng.choice(["email", "search", "display", "social"]),
                        "value": None,
                    }
                )
    return rows


@pytest.mark.parametrize("seed", [1, 2])
def test_aggregated_paths_give_the_event_based_credits(tmp_path: Path, seed: int) -> None:
    paths = conversion_paths(Events.from_records(_random_events(seed)), lookback_seconds=30 * DAY)
    by_events = attribute_all(paths)
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for text, conv, nulls, value in zip(
        paths.to_strings(" > "), paths.conversions, paths.nulls, paths.value, strict=True
    ):
        totals[text][0] += conv
        totals[text][1] += value
        totals[text][2] += nulls
    body = "".join(f"{p},{c:g},{v:g},{n:g}\n" for p, (c, v, n) in totals.items())
    result = path_file_attribution(read_path_file(_csv(tmp_path, body)))
    assert result["paths"] == len(totals) < len(paths)
    for model, attribution in by_events.items():
        if model == "time_decay":
            continue
        for channel, conv in attribution.as_dict("conversions").items():
            # channels that are never a touch (the purchase events' own channels) get no credit either way
            got = result["models"][model].get(channel, {"conversions": 0.0, "value": 0.0})
            assert got["conversions"] == pytest.approx(conv, abs=1e-9), (model, channel)
            assert got["value"] == pytest.approx(attribution.as_dict("value")[channel], abs=1e-7), (model, channel)


def test_bad_rows_are_left_out_with_reasons_and_counts_add_up(tmp_path: Path) -> None:
    body = (
        "a > b,3,30,1\n"  # line 2: good
        ",1,1,0\n"  # 3: no path
        "a > > b,1,1,0\n"  # 4: empty step
        "a,-1,1,0\n"  # 5: negative conversions
        "a,lots,1,0\n"  # 6: not a number
        "a,nan,1,0\n"  # 7: not finite
        "a,inf,1,0\n"  # 8: not finite
        "a,1,1e309,0\n"  # 9: value overflows
        "b,0,0,0\n"  # 10: nothing happened
        "b > a,0,0,2.5\n"  # 11: good (weighted nulls)
    )
    file = read_path_file(_csv(tmp_path, body))
    assert file.rows == 10 and len(file.paths) == 2 and len(file.rejected) == 8
    by_line = {r["line"]: r["reasons"] for r in file.rejected}
    assert by_line[3] == ["path: empty"]
    assert by_line[4] == ["path: an empty step between separators"]
    assert all("conversions" in by_line[n][0] for n in (5, 6, 7, 8))
    assert "value" in by_line[9][0] and by_line[10] == ["neither conversions nor nulls"]
    result = path_file_attribution(file)
    assert result["totalConversions"] == 3 and result["totalNulls"] == 3.5 and result["rejectedRows"] == 8


def test_parquet_with_other_column_names_and_separator(tmp_path: Path) -> None:
    table = pa.table({"journey": ["email|web", "web"], "orders": [2, 1], "revenue": [50.0, 10.0]})
    path = tmp_path / "paths.parquet"
    pq.write_table(table, path)
    with pytest.raises(ValidationFailed, match="no path or conversions column"):
        read_path_file(path)
    file = read_path_file(path, columns={"path": "journey", "conversions": "orders", "value": "revenue"}, separator="|")
    result = path_file_attribution(file, "last_touch")
    assert result["models"] == {
        "last_touch": {"email": {"conversions": 0.0, "value": 0.0}, "web": {"conversions": 3.0, "value": 60.0}}
    }
    with pytest.raises(AnalysisError, match="time_decay needs touch"):
        path_file_attribution(file, "time_decay")


def test_unreadable_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    not_parquet = tmp_path / "x.parquet"
    not_parquet.write_bytes(b"not parquet at all")
    with pytest.raises(ValidationFailed, match="not a readable"):
        read_path_file(not_parquet)
    with pytest.raises(ValidationFailed, match="no usable path"):
        path_file_attribution(read_path_file(_csv(tmp_path, ",1,1,0\n")))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graphengine", *args], capture_output=True, text=True, timeout=120)


def test_cli_json_table_and_errors(tmp_path: Path) -> None:
    path = _csv(tmp_path, "email > search,10,500,40\nsearch,4,100,10\ndisplay > email,0,0,25\nx > > y,1,1,1\n")
    done = _cli("journeys", "attribution", "--paths", str(path), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result["models"]) == {"first_touch", "last_touch", "linear", "position_based", "markov_1", "markov_2"}
    assert result["rejected"] == [{"line": 5, "path": "x > > y", "reasons": ["path: an empty step between separators"]}]
    table = _cli("journeys", "attribution", "--paths", str(path))
    assert table.returncode == 0 and "markov_1" in table.stdout and "skipped time_decay" in table.stdout
    assert "Traceback" not in table.stderr
    missing = _cli("journeys", "attribution", "--paths", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "not found" in missing.stderr
    renamed = _cli("journeys", "attribution", "--paths", str(path), "--map", "total_conversions")
    assert renamed.returncode != 0 and "Traceback" not in renamed.stderr
