"""Side files without raw personal data: what a quarantined row keeps, and what it loses.

A quarantined row keeps what is needed to repair it — its line, its reasons, entity keys such as ``customerId``
(erasure finds a customer's quarantined rows by it), times, amounts, product ids — but:

* personal identifiers are hashed: a field named as an identifier (``email``, ``E-Mail``, ``phone``,
  ``loyaltyId``, ``telefon`` …, see ``data/identifiers.yaml``), the ``value`` of an email/phone/loyalty row of
  the identifiers kind, and every e-mail- or phone-shaped piece of text in any other field (the raw text of an
  unreadable line and the reasons included) become ``sha256:<hex>``: the salted HMAC of the normalised value,
  the same digest as the ``Identifier`` node's ``idKey`` (``email:<hex>``), so a repaired row can be matched;
* special-category data is removed: a field whose name is a special category, or a value that states one
  (``diabetic``), becomes ``[removed: <category>]``.

Without a salt (a caller that has none) identifiers are removed instead of hashed.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from graphengine.privacy.guard import classify_column, classify_value
from graphengine.privacy.identifiers import HASH_MARK, identifier_digest, phone_digits_ok, shape_patterns
from graphengine.privacy.vocabulary import vocabulary

IDENTIFIER_KINDS = frozenset({"email", "phone", "loyalty"})
_JSON_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\]]*)')


class Redactor:
    """Redacts rows and text for side files with one installation's salt; ``keep`` names fields kept raw."""

    def __init__(self, salt: str | None, keep: Collection[str] = ()) -> None:
        self.salt = salt
        self.keep = frozenset(keep)
        self._names: dict[str, tuple[str, str] | None] = {}  # field name → ("hash", kind) / ("remove", label)

    def mark(self, kind: str, value: object) -> str:
        if self.salt is None:
            return f"[removed: {kind}]"
        return HASH_MARK + identifier_digest(kind, str(value), self.salt)

    def _rule(self, name: str) -> tuple[str, str] | None:
        if name not in self._names:
            vocab = vocabulary()
            kind = vocab.identifier_kind(name) or {v: k for k, v in vocab.identifier_fields.items()}.get(name)
            label = None if kind else classify_column(name)
            self._names[name] = ("hash", kind) if kind else ("remove", label) if label else None
        return self._names[name]

    def row(self, row: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``row`` fit for a side file."""
        pair_kind = row.get("kind") if isinstance(row.get("kind"), str) else None
        out: dict[str, Any] = {}
        for key, value in row.items():
            name = str(key)
            if name in self.keep or value is None or isinstance(value, bool | int | float):
                out[key] = value
                continue
            rule = self._rule(name)
            if rule and rule[0] == "hash":
                out[key] = self.mark(rule[1], value) if value != "" else value
            elif rule:
                out[key] = f"[removed: {rule[1]}]"
            elif name == "value" and pair_kind in IDENTIFIER_KINDS:
                out[key] = self.mark(pair_kind, value)
            elif name == "__raw__" and isinstance(value, str):
                out[key] = self.raw_text(value)
            else:
                out[key] = self.value(value)
        return out

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return self.row(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if not isinstance(value, str):
            return value
        label = classify_value(value)
        return f"[removed: {label}]" if label else self.text(value)

    def text(self, text: str) -> str:
        """``text`` with every e-mail- or phone-shaped piece hashed."""
        for kind, pattern in shape_patterns().items():
            if kind == "email" and "@" not in text:
                continue
            text = pattern.sub(lambda m, kind=kind: self._piece(kind, m.group(0)), text)  # type: ignore[misc]
        return text

    def _piece(self, kind: str, found: str) -> str:
        return self.mark(kind, found) if kind != "phone" or phone_digits_ok(found) else found

    def raw_text(self, text: str) -> str:
        """The raw text of an unreadable line: ``"key": value`` pairs redacted as fields are, then :meth:`text`."""

        def pair(match: re.Match[str]) -> str:
            rule = self._rule(match.group(1))
            if rule is None:
                return match.group(0)
            replaced = self.mark(rule[1], match.group(2).strip().strip('"')) if rule[0] == "hash" else "[removed]"
            return f'"{match.group(1)}": "{replaced}"'

        return self.text(_JSON_PAIR.sub(pair, text))


__all__ = ["IDENTIFIER_KINDS", "Redactor"]
