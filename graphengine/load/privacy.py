"""The privacy guard: GDPR Art. 9 special-category data is refused at load, and identifiers are hashed.

A source whose column names denote special-category data — racial or ethnic origin, political opinions,
religious or philosophical beliefs, trade-union membership, genetic, biometric or health data, sex life or
sexual orientation — is refused with :class:`PrivacyViolation` naming the columns, unless the user drops those
columns (``--drop-column``); dropped values are discarded by the reader and never written.

Detection works on column names and common synonyms in English, Swedish and Dutch: a name is split into
words (``snake_case``, ``camelCase``, spaces, dashes) and matched against single-word terms and multi-word
phrases. Extra terms can be passed in (``GRAPHENGINE_PRIVACY_EXTRA_TERMS``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

from graphengine.errors import PrivacyViolation

# category → terms; a term with a space is a phrase matched on consecutive words.
SPECIAL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "racial or ethnic origin": (
        "race",
        "racial",
        "ethnic",
        "ethnicity",
        "ethnic origin",  # en
        "etnicitet",
        "etnisk",
        "etniskt ursprung",
        "ras",
        "hudfärg",  # sv
        "etniciteit",
        "etnisch",
        "afkomst",
        "huidskleur",  # nl
    ),
    "political opinions": (
        "political",
        "politics",
        "political party",
        "party affiliation",
        "voting",
        "vote intention",
        "politisk",
        "politiska",
        "partitillhörighet",
        "partisympati",
        "politiek",
        "politieke",
        "politieke voorkeur",
        "partijvoorkeur",
    ),
    "religious or philosophical beliefs": (
        "religion",
        "religious",
        "faith",
        "belief",
        "beliefs",
        "denomination",
        "philosophical beliefs",
        "religiös",
        "religios",
        "trosuppfattning",
        "tro",
        "samfund",
        "livsåskådning",
        "religie",
        "religieus",
        "geloof",
        "godsdienst",
        "levensovertuiging",
    ),
    "trade-union membership": (
        "trade union",
        "union member",
        "union membership",
        "labour union",
        "labor union",
        "fackförening",
        "fackforening",
        "fackmedlem",
        "fackligt",
        "facklig",
        "vakbond",
        "vakbondslid",
        "vakbondslidmaatschap",
    ),
    "genetic data": ("genetic", "genome", "dna", "genotype", "genetisk", "genetiska", "genetisch", "erfelijk"),
    "biometric data": (
        "biometric",
        "biometrics",
        "fingerprint",
        "face id",
        "faceprint",
        "retina",
        "iris scan",
        "voiceprint",
        "biometrisk",
        "fingeravtryck",
        "biometrisch",
        "vingerafdruk",
        "gezichtsherkenning",
    ),
    "health data": (
        "health",
        "medical",
        "diagnosis",
        "disease",
        "illness",
        "disability",
        "medication",
        "pregnancy",
        "blood type",
        "hälsa",
        "halsa",
        "sjukdom",
        "diagnos",
        "funktionsnedsättning",
        "medicin",
        "graviditet",
        "gezondheid",
        "medisch",
        "ziekte",
        "diagnose",
        "handicap",
        "medicatie",
        "zwangerschap",
    ),
    "sex life or sexual orientation": (
        "sexual orientation",
        "sexuality",
        "sex life",
        "sexual",
        "lgbt",
        "lgbtq",
        "sexuell läggning",
        "sexuell",
        "sexualitet",
        "sexliv",
        "seksuele geaardheid",
        "geaardheid",
        "seksualiteit",
        "seksleven",
        "seksueel",
    ),
}

_WORD = re.compile(r"[A-ZÅÄÖ]?[a-zåäöéëïü]+|[A-ZÅÄÖ]+(?![a-z])|\d+")


def column_words(name: str) -> list[str]:
    """Split a column name into lower-case words: ``politicalParty`` → ``["political", "party"]``."""
    return [w.lower() for w in _WORD.findall(name)]


def classify_column(name: str, extra_terms: Iterable[str] = ()) -> str | None:
    """The special category a column name denotes, or None."""
    words = column_words(name)
    joined = " " + " ".join(words) + " "
    squashed = "".join(words)
    for category, terms in [*SPECIAL_CATEGORIES.items(), ("configured term", tuple(extra_terms))]:
        for term in terms:
            term = term.lower()
            if f" {term} " in joined or (" " in term and term.replace(" ", "") == squashed):
                return category
    return None


def find_special_columns(columns: Iterable[str], extra_terms: Iterable[str] = ()) -> dict[str, str]:
    """Map each special-category column to its category."""
    extra = tuple(extra_terms)
    found = {}
    for column in columns:
        category = classify_column(column, extra)
        if category:
            found[column] = category
    return found


def guard_columns(columns: Iterable[str], source: str, extra_terms: Iterable[str] = ()) -> None:
    """Refuse a source that still carries special-category columns (after mapping and dropping)."""
    found = find_special_columns(columns, extra_terms)
    if found:
        listed = ", ".join(f"{col!r} ({cat})" for col, cat in found.items())
        raise PrivacyViolation(
            f"{source} carries GDPR special-category data: {listed}. Such data is never stored; drop the "
            f"column(s) with {' '.join('--drop-column ' + c for c in found)} to load the rest.",
            details={"columns": found},
        )


def normalise_identifier(kind: str, value: str) -> str:
    """Canonical form before hashing: emails lower-cased, phones digits only (with a leading +)."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        return ("+" if value.startswith("+") or value.startswith("00") else "") + digits.removeprefix("00")
    return value


def identifier_key(kind: str, value: str, salt: str) -> str:
    """``kind:hex`` where hex is a salted HMAC-SHA256 of the normalised value; the raw value is never stored."""
    digest = hmac.new(salt.encode(), normalise_identifier(kind, value).encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest}"


__all__ = [
    "SPECIAL_CATEGORIES",
    "classify_column",
    "column_words",
    "find_special_columns",
    "guard_columns",
    "identifier_key",
    "normalise_identifier",
]
