"""Privacy rules as data: the special-category guard, identifier recognition and hashing, the installation's
hash salt and the redaction of side files. The vocabulary lives in ``graphengine/privacy/data/*.yaml``."""

from graphengine.privacy.guard import (
    classify_column,
    classify_value,
    column_words,
    find_special_columns,
    guard_columns,
    guard_values,
    nested_paths,
)
from graphengine.privacy.identifiers import identifier_key, normalise_identifier, shape_of
from graphengine.privacy.redact import Redactor
from graphengine.privacy.salt import InstallationSalt, installation_salt
from graphengine.privacy.vocabulary import vocabulary, words

__all__ = [
    "InstallationSalt",
    "Redactor",
    "classify_column",
    "classify_value",
    "column_words",
    "find_special_columns",
    "guard_columns",
    "guard_values",
    "identifier_key",
    "installation_salt",
    "nested_paths",
    "normalise_identifier",
    "shape_of",
    "vocabulary",
    "words",
]
