"""The privacy vocabulary: reviewable data files in ``graphengine/privacy/data/``, normalised and indexed once.

Column names and vocabulary terms go through the same :func:`words` normalisation — accents folded (``ä`` → ``a``,
``ß`` → ``ss``), camelCase and separators split, digits apart from letters, lower case — so ``HIVStatus``,
``hiv_status`` and ``HIV-Status`` are the same two words. A :class:`Matcher` finds the terms of a vocabulary in
those words: whole words and phrases (a plural of the name's word counts), and stems marked with ``*`` for
compound words (``gesundheit*``). Phrases of an allow-list hide the words they cover (``party size``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe", "ð": "d", "þ": "th"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_SPLIT = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """``text`` without accents or diacritics (``Gesundheitszustand`` stays, ``hälsa`` → ``halsa``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(name: str) -> tuple[str, ...]:
    """The normalised words of a name: ``bloodGroup`` → ``(blood, group)``, ``ICD10_code`` → ``(icd, 10, code)``."""
    return tuple(w for w in _SPLIT.split(_CAMEL.sub(" ", fold(name)).lower()) if w)


def forms(word: str) -> tuple[str, ...]:
    """``word`` and the singulars it may be the plural of (-s, -es, -ies, and -en/-er/-ar of longer words)."""
    out = [word]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
        if len(word) > 4 and word.endswith("es"):
            out.append(word[:-2])
        if len(word) > 4 and word.endswith("ies"):
            out.append(word[:-3] + "y")
    if len(word) > 6 and word.endswith(("en", "er", "ar")):
        out.append(word[:-2])
    return tuple(out)


@dataclass
class Matcher:
    """Finds vocabulary terms (each with a label) in the words of a name."""

    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)  # first word → terms
    squashed: dict[str, str] = field(default_factory=dict)  # multi-word terms written as one word
    prefixes: list[tuple[str, str]] = field(default_factory=list)
    suffixes: list[tuple[str, str]] = field(default_factory=list)
    infixes: list[tuple[str, str]] = field(default_factory=list)
    allowed: list[tuple[str, ...]] = field(default_factory=list)
    size: int = 0

    @classmethod
    def build(cls, terms: Iterable[tuple[str, str]], allowed: Iterable[str] = ()) -> Matcher:
        matcher = cls(allowed=[w for phrase in allowed if (w := words(phrase))])
        for term, label in terms:
            matcher.add(term, label)
        return matcher

    def add(self, term: str, label: str) -> None:
        self.size += 1
        stem = "".join(words(term.strip("*")))
        if term.startswith("*") and term.endswith("*"):
            self.infixes.append((stem, label))
        elif term.endswith("*"):
            self.prefixes.append((stem, label))
        elif term.startswith("*"):
            self.suffixes.append((stem, label))
        else:
            parts = words(term)
            if parts:
                self.phrases.setdefault(parts[0], []).append((parts, label))
                if len(parts) > 1:
                    self.squashed.setdefault("".join(parts), label)

    def find(self, name: str) -> str | None:
        """The label of the first term found in ``name``, or None."""
        found = self.find_words(words(name))
        return found[1] if found else None

    def find_words(self, name: tuple[str, ...]) -> tuple[str, str] | None:
        """``(term found, label)`` for the words of a name, or None; words an allowed phrase covers are skipped."""
        hidden = self._hidden(name)
        for i, word in enumerate(name):
            if i in hidden:
                continue
            for form in forms(word):
                for parts, label in self.phrases.get(form, ()):
                    if self._phrase_at(name, i, parts, hidden):
                        return " ".join(parts), label
            for found in self._stems(forms(word)):
                return found
        joined = "".join(w for i, w in enumerate(name) if i not in hidden)
        if len(name) > 1 and joined in self.squashed:
            return joined, self.squashed[joined]
        return None

    def _stems(self, variants: tuple[str, ...]) -> Iterable[tuple[str, str]]:
        word = variants[0]
        for stem, label in self.prefixes:
            if word.startswith(stem):
                yield stem + "*", label
        for stem, label in self.suffixes:
            if any(v.endswith(stem) for v in variants):
                yield "*" + stem, label
        for stem, label in self.infixes:
            if stem in word:
                yield "*" + stem + "*", label

    def _hidden(self, name: tuple[str, ...]) -> set[int]:
        hidden: set[int] = set()
        for phrase in self.allowed:
            for i in range(len(name) - len(phrase) + 1):
                if all(phrase[k] in forms(name[i + k]) for k in range(len(phrase))):
                    hidden.update(range(i, i + len(phrase)))
        return hidden

    @staticmethod
    def _phrase_at(name: tuple[str, ...], start: int, parts: tuple[str, ...], hidden: set[int]) -> bool:
        if start + len(parts) > len(name):
            return False
        return all(start + k not in hidden and parts[k] in forms(name[start + k]) for k in range(len(parts)))


@dataclass(frozen=True)
class Vocabulary:
    """Everything the privacy rules read from the data files."""

    labels: Mapping[str, str]  # category id → its label in messages
    names: Matcher  # special-category column names → category id
    values: Matcher  # special-category values → category id
    identifiers: Mapping[tuple[str, ...], str]  # words of an identifier column name → kind (email, phone, loyalty)
    owner_words: frozenset[str]  # a first word that names whose identifier it is (customer_email)
    identifier_fields: Mapping[str, str]  # identifier kind → model field
    shapes: Mapping[str, Any]
    categorical_columns: Mapping[str, tuple[str, ...]]
    sizes: Mapping[str, int]  # terms per language of the name vocabulary

    def label(self, category: str) -> str:
        return self.labels.get(category, category)

    def identifier_kind(self, name: str) -> str | None:
        """The identifier a column name denotes (``E-Mail``, ``customer_phone``, ``kundkort`` …), or None.
        The whole name must be an identifier name, maybe after an owner word: ``consentEmail`` is not one."""
        parts = words(name)
        while parts:
            kind = self.identifiers.get(parts) or self.identifiers.get(("".join(parts),))
            if kind or parts[0] not in self.owner_words:
                return kind
            parts = parts[1:]
        return None


def _data(name: str) -> Any:
    return yaml.safe_load(resources.files("graphengine.privacy").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary of the data files shipped in the package (read once per process)."""
    special = _data("special_categories.yaml")["categories"]
    allowed = _data("innocent_names.yaml")["phrases"]
    name_terms = [
        (term, category) for category, spec in special.items() for terms in spec["terms"].values() for term in terms
    ]
    sizes: dict[str, int] = {}
    for spec in special.values():
        for language, terms in spec["terms"].items():
            sizes[language] = sizes.get(language, 0) + len(terms)
    values = _data("special_values.yaml")["values"]
    ids = _data("identifiers.yaml")
    id_names = {
        words(term): kind for kind, per_language in ids["names"].items() for t in per_language.values() for term in t
    }
    return Vocabulary(
        labels={category: spec["label"] for category, spec in special.items()},
        names=Matcher.build(name_terms, allowed),
        values=Matcher.build((value, category) for category, listed in values.items() for value in listed),
        identifiers=id_names,
        owner_words=frozenset(ids["owner_words"]),
        identifier_fields=dict(ids["fields"]),
        shapes=dict(ids["shapes"]),
        categorical_columns={kind: tuple(cols) for kind, cols in ids["categorical_columns"].items()},
        sizes=sizes,
    )


__all__ = ["Matcher", "Vocabulary", "fold", "forms", "vocabulary", "words"]
