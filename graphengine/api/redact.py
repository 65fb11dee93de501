"""Redaction of aggregate answers for requests without the ``read`` scope, by the rules in ``redaction.json``.

Influencer lists and community profiles keep their scores, sizes and shares but lose the account ids, handles
and customer ids that would tie a score to a person; pattern matches keep their totals and lose the matches
(each names a customer). Attribution, channel transitions and the community list name no person and pass as
they are. The rules are data (one JSON file, reviewed like the other privacy rules); a test checks that every
model and field they name exists.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel

DROP = "drop"


@cache
def rules() -> dict[str, dict[str, list[str] | str]]:
    text = resources.files("graphengine.api").joinpath("redaction.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return {name: rule for name, rule in data.items() if not name.startswith("_")}


def _redacted_items(items: list[Any], fields: list[str] | str) -> list[Any]:
    if fields == DROP:
        return []
    return [{**item, **dict.fromkeys(fields)} if isinstance(item, dict) else item for item in items]


def redact(model: BaseModel) -> BaseModel:
    """``model`` with the fields its rules name set to null (or lists emptied); other models unchanged."""
    rule = rules().get(type(model).__name__)
    if rule is None:
        return model
    data = model.model_dump()
    for list_field, fields in rule.items():
        data[list_field] = _redacted_items(data.get(list_field) or [], fields)
    return type(model).model_validate(data)


__all__ = ["redact", "rules"]
