import csv
import json
from collections import Counter
from pathlib import Path

from graphengine.demo import DEMO_FILES, DemoSpec, generate_demo
from graphengine.load.privacy import find_special_columns
from graphengine.load.readers import source_columns


def test_same_seed_same_files_and_a_different_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_demo(a, DemoSpec(customers=300, seed=1))
    generate_demo(b, DemoSpec(customers=300, seed=1))
    generate_demo(c, DemoSpec(customers=300, seed=2))
    for _, name, _, _ in DEMO_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "follows.csv").read_bytes() != (c / "follows.csv").read_bytes()


def test_planted_truth_is_consistent_with_the_files(tmp_path: Path) -> None:
    truth = generate_demo(tmp_path, DemoSpec(customers=1000, seed=3))
    with (tmp_path / "customers.csv").open() as handle:
        ids = {row["customerId"] for row in csv.DictReader(handle)}
    assert all(a in ids and b in ids for a, b in truth["duplicates"])
    assert len(truth["duplicates"]) == 30 and len(truth["influencers"]) == 12
    with (tmp_path / "follows.csv").open() as handle:
        followees = [row["followee"] for row in csv.DictReader(handle)]
    top = {acc for acc, _ in Counter(followees).most_common(12)}
    assert len(top & set(truth["influencers"])) >= 10, "planted influencers dominate in-degree"
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()[:-2]]
    sessions = {(e["customerId"], e["sessionId"]) for e in events}
    assert all((c, s) in sessions for c, s in truth["seriousShoppers"])
    assert set(truth["communities"]) <= ids


def test_exactly_one_file_carries_special_category_data(tmp_path: Path) -> None:
    generate_demo(tmp_path, DemoSpec(customers=200))
    flagged = {
        p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".jsonl") and find_special_columns(source_columns(p))
    }
    assert flagged == {"crm_extract.csv"}
