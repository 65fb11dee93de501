import pytest

from graphengine.errors import PrivacyViolation
from graphengine.privacy import (
    classify_column,
    column_words,
    find_special_columns,
    guard_columns,
    identifier_key,
    normalise_identifier,
)


@pytest.mark.parametrize(
    "column,category",
    [
        ("religion", "religious or philosophical beliefs"),
        ("politicalParty", "political opinions"),
        ("ethnic_origin", "racial or ethnic origin"),
        ("Etniskt ursprung", "racial or ethnic origin"),
        ("trosuppfattning", "religious or philosophical beliefs"),
        ("fackförening", "trade-union membership"),
        ("vakbondslid", "trade-union membership"),
        ("health_score", "health data"),
        ("gezondheid", "health data"),
        ("sexualOrientation", "sex life or sexual orientation"),
        ("seksuele_geaardheid", "sex life or sexual orientation"),
        ("fingerprint_hash", "biometric data"),
        ("DNA_sample", "genetic data"),
    ],
)
def test_special_category_columns_are_detected(column: str, category: str) -> None:
    assert classify_column(column) == category


@pytest.mark.parametrize("column", ["customerId", "email", "trace_id", "party_size", "city", "stad", "brand", "price"])
def test_ordinary_columns_pass(column: str) -> None:
    assert classify_column(column) is None


def test_extra_terms_are_configurable() -> None:
    assert classify_column("loyalty_tier") is None
    assert classify_column("loyalty_tier", extra_terms=["loyalty tier"]) == "configured term"


def test_guard_names_every_column_and_the_way_out() -> None:
    with pytest.raises(PrivacyViolation) as info:
        guard_columns(["customerId", "religion", "hälsa"], "crm.csv")
    assert set(info.value.details["columns"]) == {"religion", "hälsa"}
    assert "--drop-column religion" in info.value.message and "--drop-column hälsa" in info.value.message
    guard_columns(["customerId", "email"], "crm.csv")
    assert find_special_columns(["a", "b"]) == {}


def test_column_words() -> None:
    assert column_words("consentSMSFlag") == ["consent", "sms", "flag"]
    assert column_words("ethnic-origin 2") == ["ethnic", "origin", "2"]


def test_identifier_hashing_is_salted_normalised_and_never_raw() -> None:
    a = identifier_key("email", " Anna@Example.COM ", "s1")
    b = identifier_key("email", "anna@example.com", "s1")
    c = identifier_key("email", "anna@example.com", "s2")
    assert a == b != c
    assert a.startswith("email:") and "anna" not in a and len(a) == len("email:") + 64
    assert normalise_identifier("phone", "+46 (70) 123-45 67") == "+46701234567"
    assert normalise_identifier("phone", "0046 70 1234567") == "+46701234567"
