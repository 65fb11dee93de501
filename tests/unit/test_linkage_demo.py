"""The demo's planted identity data: misspelt copies with truth, households as decoys, the rest unchanged."""

import csv
from pathlib import Path

from graphengine.analytics.linkage.model import link_records
from graphengine.analytics.linkage.prepare import CUSTOMER_MODEL, customer_table
from graphengine.analytics.linkage.resolve import DEFAULT_THRESHOLD
from graphengine.demo import DemoSpec, generate_demo
from graphengine.demo.people import People


def _customers(path: Path) -> dict[str, dict[str, str]]:
    with (path / "customers.csv").open() as handle:
        rows: dict[str, dict[str, str]] = {}
        for row in csv.DictReader(handle):
            rows.setdefault(row["customerId"], row)
        return rows


def test_misspelt_copies_and_households_are_planted_with_truth(tmp_path: Path) -> None:
    truth = generate_demo(tmp_path, DemoSpec(customers=600, seed=4))
    rows = _customers(tmp_path)
    pairs = truth["misspeltDuplicates"]
    assert len(pairs) == len(truth["duplicates"]) // 2 == 9
    taken = {c for pair in truth["duplicates"] + truth["decoys"] for c in pair}
    for original, copy in pairs:
        assert copy == "M" + original[1:] and original not in taken
        a, b = rows[original], rows[copy]
        assert a["name"] != b["name"] or a["address"] != b["address"] or a["birthDate"] != b["birthDate"]
        assert b["email"] == b["phone"] == b["loyaltyId"] == "" and a["country"] == b["country"]
    identifiers = (tmp_path / "identifiers.csv").read_text()
    assert not any(copy in identifiers for _, copy in pairs)
    for a, b in truth["decoys"]:
        ra, rb = rows[a], rows[b]
        assert ra["name"].split()[-1] == rb["name"].split()[-1] and ra["name"].split()[0] != rb["name"].split()[0]
        assert (ra["address"], ra["postcode"], ra["city"]) == (rb["address"], rb["postcode"], rb["city"])
    assert all(r["birthDate"] for k, r in rows.items() if k.startswith("C0"))


def test_the_linkage_finds_every_copy_and_no_household_in_the_files(tmp_path: Path) -> None:
    truth = generate_demo(tmp_path, DemoSpec(customers=600, seed=4))
    records = [
        {**r, "birthDate": r["birthDate"] or None, "address": r["address"] or None, "postcode": r["postcode"] or None}
        for r in _customers(tmp_path).values()
        if r["customerId"][:1] in "CM" and r["name"]
    ]
    links = link_records([customer_table(records)], CUSTOMER_MODEL, threshold_weight=DEFAULT_THRESHOLD)
    found = {tuple(sorted(p)) for p in zip(links.left, links.right, strict=True)}
    assert found == {tuple(sorted(p)) for p in truth["misspeltDuplicates"]}


def test_people_are_reproducible_and_a_household_keeps_its_own_given_name() -> None:
    a, b = People(50, 7, n_cities=5), People(50, 7, n_cities=5)
    assert a.people == b.people
    a.household(1, 2)
    assert a[2].address == a[1].address and a[2].postcode == a[1].postcode
    assert a[2].name.split()[0] != a[1].name.split()[0] and a[2].birth_date == b[2].birth_date
