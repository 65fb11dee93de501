"""Date and time query parameters: one declared pattern that admits only real times, and the value rules.

The OpenAPI pattern (:data:`TIME_PATTERN`) is what the API accepts, so a client (or a schema-driven test) that
follows the document is not refused: a real calendar date from 1900-01-01 to 2099-12-31 (leap days included),
optionally a time ``HH:MM[:SS[.ffffff]]`` after ``T`` or a space, optionally ``Z`` or an offset up to ±18:00 —
also after a bare date (``2026-01-01Z`` is midnight UTC). The value is then checked with the input value rules
(:mod:`graphengine.model.rules`) in the range the settings give (``earliest_time`` … ``latest_time``); a time
outside it is refused with 422 in the error shape, never a 409 or a 500 further down.
"""

# annotations are evaluated here (no __future__ import): the closure in time_param uses local names in them

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, cast

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationInfo

from graphengine.config import Settings
from graphengine.model.rules import ValueRules, timestamp

_YEAR = r"(?:19|20)[0-9]{2}"
_LEAP = r"(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))"
_MONTH_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|(?:0[13578]|1[02])-31)"
)
_DATE = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP}-02-29)"
_TIME = r"(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?)"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-7]):?[0-5][0-9]|18:?00))"
TIME_PATTERN = rf"^{_DATE}{_TIME}?{_ZONE}?$"
_BARE_DATE_WITH_ZONE = re.compile(rf"^({_DATE})({_ZONE})$")


@dataclass
class _Context:
    """What :func:`graphengine.model.rules.timestamp` reads of a pydantic ValidationInfo."""

    context: dict[str, Any] = field(default_factory=dict)


def rules_of(settings: Settings) -> ValueRules:
    return ValueRules(earliest=settings.earliest_time, latest=settings.latest_time)


def parse_time(text: str, rules: ValueRules) -> dt.datetime:
    """``text`` (matching :data:`TIME_PATTERN`) as a zone-aware datetime; ValueError outside the rules."""
    bare = _BARE_DATE_WITH_ZONE.match(text)
    if bare:  # Python reads "2026-01-01+01:00" as 01:00 local; a date with a zone is that date's midnight there
        text = f"{bare.group(1)}T00:00{bare.group(2)}"
    moment = timestamp(text, cast(ValidationInfo, _Context({"rules": rules})))
    assert isinstance(moment, dt.datetime)
    return moment


def time_param(name: str, description: str) -> Any:
    """A dependency for the optional query parameter ``name``: its ISO-8601 text, zone-aware, or None."""

    def check(
        request: Request,
        value: Annotated[str | None, Query(alias=name, pattern=TIME_PATTERN, description=description)] = None,
    ) -> str | None:
        if value is None:
            return None
        try:
            return parse_time(value, rules_of(request.app.state.settings)).isoformat()
        except ValueError as exc:
            raise RequestValidationError(
                [{"loc": ("query", name), "msg": f"Value error, {exc}", "type": "value_error", "input": value}]
            ) from None

    return Depends(check)


Since = Annotated[
    str | None,
    time_param(
        "since",
        "Only events at or after this time: an ISO-8601 date or date-time, 1900–2099 and inside the configured "
        "range, with an optional Z or offset up to ±18:00 (e.g. 2026-01-01, 2026-01-01Z, 2026-01-01T08:00+02:00).",
    ),
]

__all__ = ["TIME_PATTERN", "Since", "parse_time", "rules_of", "time_param"]
