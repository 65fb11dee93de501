"""The demo files load through the real loaders with balanced reports, provenance and privacy intact."""

from pathlib import Path

from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.store import Store


def test_demo_loads_balanced_and_idempotent(store: Store, settings: Settings, tmp_path: Path) -> None:
    truth = generate_demo(tmp_path / "data", DemoSpec(customers=400, seed=11))
    salt = settings.hash_salt.get_secret_value()
    reports, refusal = load_demo(store, tmp_path / "data", salt=salt, out_dir=tmp_path / "out")
    assert all(r.balanced for r in reports)
    assert refusal is not None and "religion" in refusal.details["columns"]
    by_kind = {(r.kind, Path(r.file).name): r for r in reports}
    assert by_kind[("customers", "customers.csv")].quarantined == 3  # missing key, test row, bad date
    assert by_kind[("customers", "customers.csv")].duplicates == 1
    assert by_kind[("purchases", "purchases.csv")].quarantined == 1  # unknown product
    assert by_kind[("events", "events.jsonl")].quarantined == 2  # bad date, broken JSON
    counts = store.query("store.count_graph")[0]
    reports_again, _ = load_demo(store, tmp_path / "data", salt=salt, out_dir=tmp_path / "out")
    assert store.query("store.count_graph")[0] == counts
    assert [r.loaded for r in reports_again] == [r.loaded for r in reports]
    religion = store.run_text("MATCH (c:Customer) WHERE c.religion IS NOT NULL RETURN count(c) AS n")
    assert religion == [{"n": 0}]
    a, b = truth["duplicates"][1]  # an odd index: linked by device + cookie, not by email
    shared = store.run_text(
        "MATCH (:Customer {customerId: $a})-[:HAS_IDENTIFIER]->(i)<-[:HAS_IDENTIFIER]-(:Customer {customerId: $b}) "
        "RETURN collect(i.kind) AS kinds",
        {"a": a, "b": b},
    )
    assert sorted(shared[0]["kinds"]) == ["cookie", "device"]
    broken = store.run_text(
        "MATCH (e:Event)-[:NEXT]->(f:Event) WHERE f.at < e.at OR e.customerId <> f.customerId RETURN count(*) AS n"
    )
    assert broken == [{"n": 0}]
