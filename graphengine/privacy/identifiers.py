"""Personal identifiers: normalised, salted and hashed; recognised by column name or by the shape of values."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from functools import cache

from graphengine.privacy.vocabulary import vocabulary

HASH_MARK = "sha256:"  # how a side file marks a hashed value


def normalise_identifier(kind: str, value: str) -> str:
    """Canonical form before hashing: emails lower-cased, phones digits only (with a leading +)."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        return ("+" if value.startswith("+") or value.startswith("00") else "") + digits.removeprefix("00")
    return value


def identifier_digest(kind: str, value: str, salt: str) -> str:
    """The salted HMAC-SHA256 (hex) of the normalised value."""
    return hmac.new(salt.encode(), normalise_identifier(kind, value).encode(), hashlib.sha256).hexdigest()


def identifier_key(kind: str, value: str, salt: str) -> str:
    """``kind:hex`` where hex is a salted HMAC-SHA256 of the normalised value; the raw value is never stored."""
    return f"{kind}:{identifier_digest(kind, value, salt)}"


@cache
def shape_patterns() -> dict[str, re.Pattern[str]]:
    """The value shapes of identifiers.yaml: kind → pattern (searched in text; a column check wants a full match)."""
    shapes = vocabulary().shapes
    return {kind: re.compile(shapes[kind]) for kind in ("email", "phone")}


def has_shape(kind: str, text: str, pattern: re.Pattern[str] | None = None, *, whole: bool = True) -> bool:
    """True when ``text`` (all of it, or with ``whole=False`` the match found in it) has the identifier's shape."""
    pattern = pattern or shape_patterns()[kind]
    match = pattern.fullmatch(text) if whole else pattern.search(text)
    return match is not None and (kind != "phone" or phone_digits_ok(match.group(0)))


def phone_digits_ok(text: str) -> bool:
    low, high = vocabulary().shapes["phone_digits"]
    return int(low) <= sum(ch.isdigit() for ch in text) <= int(high)


def shape_of(values: Iterable[object]) -> str | None:
    """The identifier kind (``email``/``phone``) most of the non-empty sampled ``values`` have, or None."""
    shapes = vocabulary().shapes
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    texts = texts[: int(shapes["sample"])]
    if not texts:
        return None
    for kind, pattern in shape_patterns().items():
        hits = sum(1 for text in texts if has_shape(kind, text, pattern))
        if hits >= float(shapes["share"]) * len(texts):
            return kind
    return None


__all__ = [
    "HASH_MARK",
    "has_shape",
    "identifier_digest",
    "identifier_key",
    "normalise_identifier",
    "phone_digits_ok",
    "shape_of",
    "shape_patterns",
]
