"""Shared pydantic configuration and field types for input records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

_TRUE = {"1", "true", "t", "yes", "y", "ja", "j"}
_FALSE = {"0", "false", "f", "no", "n", "nej", "nee"}


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return value


def _timestamp(value: Any) -> Any:
    """Accept ISO-8601 strings, dates and epoch seconds; naive times are taken as UTC."""
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"epoch seconds out of range: {value!r}") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an ISO-8601 timestamp: {value!r}") from None
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


Key = Annotated[str, BeforeValidator(_blank_to_none), Field(min_length=1, max_length=200)]
OptStr = Annotated[Annotated[str, Field(max_length=1000)] | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[bool | None, BeforeValidator(_blank_to_none), BeforeValidator(_flag)]
Timestamp = Annotated[dt.datetime, BeforeValidator(_timestamp)]
OptTimestamp = Annotated[dt.datetime | None, BeforeValidator(_timestamp)]
OptFloat = Annotated[float | None, BeforeValidator(_blank_to_none)]
OptInt = Annotated[int | None, BeforeValidator(_blank_to_none)]
OptNonNegFloat = Annotated[Annotated[float, Field(ge=0)] | None, BeforeValidator(_blank_to_none)]
OptNonNegInt = Annotated[Annotated[int, Field(ge=0)] | None, BeforeValidator(_blank_to_none)]


class InputRecord(BaseModel):
    """Base of every input record: strings stripped, unknown columns ignored, values checked strictly."""

    model_config = ConfigDict(
        str_strip_whitespace=True, extra="ignore", frozen=True, populate_by_name=True, coerce_numbers_to_str=True
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_means_absent(cls, data: Any) -> Any:
        """An empty cell (CSV) or null (JSON) means "not given", so field defaults apply."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if _blank_to_none(v) is not None}
        return data


__all__ = [
    "Flag",
    "InputRecord",
    "Key",
    "OptFloat",
    "OptInt",
    "OptNonNegFloat",
    "OptNonNegInt",
    "OptStr",
    "OptTimestamp",
    "Timestamp",
]
