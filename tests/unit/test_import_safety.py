"""The import's guards: references in the same import, and import CSVs that read back as written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graphengine.errors import ValidationFailed
from graphengine.load import LoadOptions
from graphengine.load.import_safety import array_cell, check_import_csv, check_references

OPTIONS = LoadOptions(source="shop")


def _plan(*kinds: str, options: LoadOptions = OPTIONS) -> list[tuple[str, Path, LoadOptions]]:
    return [(kind, Path(f"{kind}.csv"), options) for kind in kinds]


@pytest.mark.parametrize(
    ("kinds", "needed"),
    [
        (("purchases",), {"purchases (purchases.csv)": ["customers", "products"]}),
        (("follows",), {"follows (follows.csv)": ["accounts"]}),
        (("customers", "events"), {"events (events.csv)": ["channels", "products"]}),
        (("products", "customers", "referrals", "ratings"), {}),
        (("purchases", "customers", "products"), {"purchases (purchases.csv)": ["customers", "products"]}),
    ],
)
def test_references_must_be_loaded_earlier_in_the_same_import(kinds: tuple[str, ...], needed: dict) -> None:
    if not needed:
        check_references(_plan(*kinds))
        return
    with pytest.raises(ValidationFailed, match="every reference must be loaded earlier") as caught:
        check_references(_plan(*kinds))
    assert caught.value.details["missing"] == needed


def test_a_file_that_creates_placeholders_needs_no_references() -> None:
    check_references(_plan("purchases", options=LoadOptions(source="shop", create_missing=True)))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


HEADER = ["productId:ID(Product)", "name:string", "price:double", "stock:long", "inStock:boolean", "at:datetime"]


def test_awkward_strings_read_back_and_pass(tmp_path: Path) -> None:
    name = 'a "quoted", comma\nnew line; \\ backslash'
    path = _write(tmp_path / "p.csv", [HEADER, ["P1", name, "1.5", "3", "true", "2024-01-01T00:00:00+00:00"]])
    assert check_import_csv(path) == 1
    with path.open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle))[1][1] == name


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (["P1", "x", "inf", "", "", ""], "'inf' is not a finite number"),
        (["P1", "x", "nan", "", "", ""], "'nan' is not a finite number"),
        (["P1", "x", "-inf", "", "", ""], "'-inf' is not a finite number"),
        (["P1", "x", "cheap", "", "", ""], "'cheap' is not a number"),
        (["P1", "x", "", str(2**63), "", ""], "outside the 64-bit integer range"),
        (["P1", "x", "", "2.5", "", ""], "'2.5' is not an integer"),
        (["P1", "x", "", "", "yes", ""], "'yes' is not true or false"),
        (["P1", "x", "", "", "", "yesterday"], "not an ISO-8601 date-time"),
        (["", "x", "", "", "", ""], "the id is empty"),
        (["P1", "x", ""], "3 fields where the header has 6"),
    ],
)
def test_bad_values_are_refused_with_file_record_and_column(tmp_path: Path, cells: list[str], problem: str) -> None:
    path = _write(tmp_path / "nodes-Product.csv", [HEADER, ["P0", "ok", "1", "1", "false", ""], cells])
    with pytest.raises(ValidationFailed, match="nothing was changed") as caught:
        check_import_csv(path)
    assert problem in caught.value.message
    assert caught.value.details["record"] == 2 and "nodes-Product.csv" in caught.value.message


def test_array_elements_are_checked_by_their_type(tmp_path: Path) -> None:
    header = [":START_ID(Customer)", ":END_ID(Product)", "amounts:double[]", "lineIds:string[]"]
    good = _write(tmp_path / "good.csv", [header, ["C1", "P1", "1.0;2.5", "a;b"]])
    assert check_import_csv(good) == 1
    bad = _write(tmp_path / "bad.csv", [header, ["C1", "P1", "1.0;inf", "a;b"]])
    with pytest.raises(ValidationFailed, match="not a finite number"):
        check_import_csv(bad)


def test_an_unterminated_quote_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('productId:ID(Product),name:string\nP1,"never closed\n', encoding="utf-8")
    with pytest.raises(ValidationFailed, match="not readable as CSV"):
        check_import_csv(path)


def test_a_list_element_holding_the_array_delimiter_is_refused() -> None:
    assert array_cell(["shop", "crm"]) == "shop;crm"
    with pytest.raises(ValidationFailed, match="array delimiter"):
        array_cell(["shop;eu", "crm"])
