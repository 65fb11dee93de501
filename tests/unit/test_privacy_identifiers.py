"""Identifier columns: recognised by name in several languages, or by the shape of their values."""

from __future__ import annotations

import pytest

from graphengine.privacy import shape_of, vocabulary
from graphengine.privacy.identifiers import has_shape


@pytest.mark.parametrize(
    "name,kind",
    [
        ("e-mail", "email"),
        ("mail", "email"),
        ("E-Mail", "email"),
        ("emailAddress", "email"),
        ("customer_email", "email"),
        ("courriel", "email"),
        ("correo", "email"),
        ("correo_electrónico", "email"),
        ("E-Post", "email"),
        ("e-mailadres", "email"),
        ("mobile", "phone"),
        ("phone_number", "phone"),
        ("tel", "phone"),
        ("msisdn", "phone"),
        ("telefon", "phone"),
        ("Telefonnummer", "phone"),
        ("handy", "phone"),
        ("gsm", "phone"),
        ("téléphone", "phone"),
        ("teléfono_móvil", "phone"),
        ("mobiel_nummer", "phone"),
        ("loyalty_number", "loyalty"),
        ("kundkort", "loyalty"),
        ("klantenkaart", "loyalty"),
        ("Kundenkarte", "loyalty"),
        ("carte_fidélité", "loyalty"),
        ("tarjeta_fidelidad", "loyalty"),
    ],
)
def test_identifier_column_names(name: str, kind: str) -> None:
    assert vocabulary().identifier_kind(name) == kind


@pytest.mark.parametrize("name", ["consentEmail", "email_opens", "mail_campaign", "telemetry", "phone_model", "city"])
def test_names_that_only_contain_an_identifier_word_are_not_identifiers(name: str) -> None:
    assert vocabulary().identifier_kind(name) is None


@pytest.mark.parametrize(
    "values,kind",
    [
        (["anna@example.com", "bo.ek@mail.se", "x+tag@sub.example.org"], "email"),
        (["+46 70 123 45 67", "070-123 45 67", "+31612345678", "0046701234567"], "phone"),
        (["(040) 12 34 56", "0612345678", "+49 151 2345 6789"], "phone"),
        (["anna@example.com", "", None, "bo@example.org"], "email"),
    ],
)
def test_columns_shaped_like_identifiers(values: list[object], kind: str) -> None:
    assert shape_of(values) == kind


@pytest.mark.parametrize(
    "values",
    [
        ["12", "7", "1999"],
        ["2026-01-05 10:00", "2026-02-01 11:30"],
        ["2026-01-05T10:00:00+01:00"],
        ["1234567890", "9876543210"],  # plain numbers: order ids, not phone numbers
        ["gold", "silver"],
        ["a@b", "not@an"],
        ["0.5", "0.25"],
        [],
    ],
)
def test_columns_not_shaped_like_identifiers(values: list[object]) -> None:
    assert shape_of(values) is None


def test_a_column_is_an_identifier_only_when_most_values_have_the_shape() -> None:
    assert shape_of(["anna@example.com"] * 7 + ["n/a"] * 3) is None
    assert shape_of(["anna@example.com"] * 8 + ["n/a"] * 2) == "email"
    assert has_shape("phone", "call 070-123 45 67 today", whole=False)
    assert not has_shape("phone", "01-05 10", whole=False)  # six digits: too few for a phone number
