"""Customer records as the linkage model compares them: normalised names, addresses, postcodes and dates.

Normalisation removes differences that carry no evidence, so the comparisons weigh only real disagreement:
case, accents, punctuation and spacing everywhere; common street-type words are abbreviated one way
("12 Main Street" and "12 Main St." both become ``12 main st``); postcodes lose spaces; a birth date becomes
its eight digits. A name splits into a given name (first word) and a surname (last word). Email and phone are
compared only as the hashed identifier keys the graph holds: equal or not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from graphengine.analytics.linkage.model import LinkageModel, LinkField

STREET_WORDS = {
    "street": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "lane": "ln",
    "drive": "dr",
    "place": "pl",
    "court": "ct",
    "square": "sq",
    "boulevard": "blvd",
    "terrace": "tce",
    "crescent": "cres",
    "highway": "hwy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "apartment": "apt",
}
CUSTOMER_COLUMNS = ("given_name", "surname", "address", "postcode", "city", "birth", "email", "phone")

CUSTOMER_MODEL = LinkageModel(
    fields=(
        LinkField("given_name", "name"),
        LinkField("surname", "name"),
        LinkField("address", "residence", ("postcode", "city")),
        LinkField("birth", "date"),
        LinkField("email", "exact"),
        LinkField("phone", "exact"),
    ),
    blocking=(
        ("postcode",),
        ("substr(surname, 1, 3)", "substr(given_name, 1, 1)"),
        ("substr(birth, 1, 4)", "city"),
        ("email",),
        ("phone",),
    ),
    training=(("given_name", "surname"), ("postcode",), ("birth",)),
    deterministic=(("given_name", "surname", "birth"), ("email",)),
)


def _plain(value: Any) -> str:
    """Lower case, accents folded, anything but letters and digits a single space."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def normalise_name(value: Any) -> tuple[str | None, str | None]:
    """(given name, surname) of a full name; one word is a surname."""
    words = _plain(value).split() if value is not None else []
    if not words:
        return None, None
    return (words[0] if len(words) > 1 else None), words[-1]


def normalise_address(value: Any) -> str | None:
    """A street address with street-type words abbreviated one way."""
    if value is None:
        return None
    words = [STREET_WORDS.get(w, w) for w in _plain(value).split()]
    return " ".join(words) or None


def normalise_postcode(value: Any) -> str | None:
    text = _plain(value).replace(" ", "") if value is not None else ""
    return text or None


def normalise_date(value: Any) -> str | None:
    """A date as its digits, ``YYYYMMDD`` (a time part, if any, is dropped)."""
    digits = re.sub(r"\D", "", str(value)[:10]) if value is not None else ""
    return digits if len(digits) == 8 else None


def _text(value: Any) -> str | None:
    return _plain(value) or None if value is not None else None


def _first(values: Iterable[Any] | None) -> str | None:
    items = sorted(str(v) for v in (values or []) if v)
    return items[0] if items else None


def customer_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows from ``identity.stream_linkage_records`` as the linkage table (``unique_id`` = customerId)."""
    columns: dict[str, list[str | None]] = {c: [] for c in ("unique_id", *CUSTOMER_COLUMNS)}
    for row in rows:
        given, surname = normalise_name(row.get("name"))
        values = {
            "unique_id": str(row["customerId"]),
            "given_name": given,
            "surname": surname,
            "address": normalise_address(row.get("address")),
            "postcode": normalise_postcode(row.get("postcode")),
            "city": _text(row.get("city")),
            "birth": normalise_date(row.get("birthDate")),
            "email": _first(row.get("emails")),
            "phone": _first(row.get("phones")),
        }
        for key, value in values.items():
            columns[key].append(value)
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})


__all__ = [
    "CUSTOMER_MODEL",
    "customer_table",
    "normalise_address",
    "normalise_date",
    "normalise_name",
    "normalise_postcode",
]
