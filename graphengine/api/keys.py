"""API keys and their scopes, parsed from ``settings.api_keys`` (``GRAPHENGINE_API_KEYS``).

Each entry of the JSON list is one key:

====================================  =================================================================
entry                                 meaning
====================================  =================================================================
``my-secret``                         a plain key with every scope (``read`` and ``write``)
``my-secret:read``                    a plain key with the scopes after the last ``:``
``sha256:<64 hex>``                   a key given by the SHA-256 of its text, every scope
``sha256:<64 hex>:read,write``        a hashed key with those scopes
====================================  =================================================================

``read`` opens the endpoints that return a person's data (profile, journey, recommendations, people you may
know); ``write`` opens ``POST /events`` and ``DELETE /customers/{id}``. A plain entry's last ``:`` part is read
as scopes when it is lower-case words separated by commas, and then every word must be a known scope. A
presented key is hashed and compared with every configured digest in constant time (no early exit), so neither
the key nor which entry it matched leaks through timing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from graphengine.errors import ConfigError

READ = "read"
WRITE = "write"
SCOPES = frozenset({READ, WRITE})
_HEX = re.compile(r"^[0-9a-fA-F]{64}$")
_SCOPE_LIST = re.compile(r"^[a-z]+(,[a-z]+)*$")


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True)
class ApiKey:
    digest: bytes
    scopes: frozenset[str]


def _scopes(text: str, entry_no: int) -> frozenset[str]:
    words = frozenset(word.strip() for word in text.split(","))
    unknown = sorted(words - SCOPES)
    if unknown or not words:
        raise ConfigError(
            f"GRAPHENGINE_API_KEYS entry {entry_no}: unknown scope(s) {', '.join(unknown) or '(none)'}; "
            f"the scopes are {', '.join(sorted(SCOPES))}"
        )
    return words


def parse_entry(entry: str, entry_no: int = 1) -> ApiKey:
    """One configured entry → :class:`ApiKey`; raises ConfigError (the message never repeats the key)."""
    if not entry.strip():
        raise ConfigError(f"GRAPHENGINE_API_KEYS entry {entry_no} is empty")
    if entry.startswith("sha256:"):
        hex_digest, sep, scopes = entry.removeprefix("sha256:").partition(":")
        if not _HEX.match(hex_digest):
            raise ConfigError(f"GRAPHENGINE_API_KEYS entry {entry_no}: sha256: needs 64 hex digits")
        return ApiKey(bytes.fromhex(hex_digest), _scopes(scopes, entry_no) if sep else SCOPES)
    key, sep, tail = entry.rpartition(":")
    if sep and key and _SCOPE_LIST.match(tail):
        return ApiKey(digest(key), _scopes(tail, entry_no))
    return ApiKey(digest(entry), SCOPES)


class KeyRing:
    """The configured keys; :meth:`scopes_of` says what a presented key may do (None: not a valid key)."""

    def __init__(self, entries: list[str]) -> None:
        self.keys = tuple(parse_entry(entry, n) for n, entry in enumerate(entries, start=1))

    def __bool__(self) -> bool:
        return bool(self.keys)

    def scopes_of(self, presented: str | bytes) -> frozenset[str] | None:
        candidate = hashlib.sha256(presented if isinstance(presented, bytes) else presented.encode()).digest()
        granted: set[str] = set()
        matched = False
        for key in self.keys:  # every entry is compared, matched or not
            if hmac.compare_digest(candidate, key.digest):
                matched = True
                granted |= key.scopes
        return frozenset(granted) if matched else None


__all__ = ["READ", "SCOPES", "WRITE", "ApiKey", "KeyRing", "digest", "parse_entry"]
