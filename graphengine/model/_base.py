"""Shared pydantic configuration and field types for input records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from graphengine.model.rules import MAX_AMOUNT, MAX_COUNT, MAX_QUANTITY, finite, timestamp

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


# Blank cells never reach these types: the model drops them first (``_blank_means_absent``), so defaults apply.
Key = Annotated[str, Field(min_length=1, max_length=200)]
OptStr = Annotated[str, Field(max_length=1000)] | None
Flag = Annotated[bool | None, BeforeValidator(_flag)]
Timestamp = Annotated[dt.datetime, BeforeValidator(timestamp)]
OptTimestamp = Annotated[dt.datetime | None, BeforeValidator(timestamp)]
OptFloat = Annotated[Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)] | None, BeforeValidator(finite)]
OptInt = Annotated[Annotated[int, Field(ge=-MAX_COUNT, le=MAX_COUNT)] | None, BeforeValidator(finite)]
Money = Annotated[float, BeforeValidator(finite), Field(ge=0, le=MAX_AMOUNT)]
OptMoney = Annotated[Annotated[float, Field(ge=0, le=MAX_AMOUNT)] | None, BeforeValidator(finite)]
OptNonNegFloat = OptMoney
OptNonNegInt = Annotated[Annotated[int, Field(ge=0, le=MAX_COUNT)] | None, BeforeValidator(finite)]
Quantity = Annotated[int, BeforeValidator(finite), Field(ge=1, le=MAX_QUANTITY)]


class InputRecord(BaseModel):
    """Base of every input record: strings stripped, unknown columns ignored, values checked strictly."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
        coerce_numbers_to_str=True,
        allow_inf_nan=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_means_absent(cls, data: Any) -> Any:
        """An empty cell (CSV) or null (JSON) means "not given", so field defaults apply."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and not (v.__class__ is str and not v.strip())}
        return data


__all__ = [
    "Flag",
    "InputRecord",
    "Key",
    "Money",
    "OptFloat",
    "OptInt",
    "OptMoney",
    "OptNonNegFloat",
    "OptNonNegInt",
    "OptStr",
    "OptTimestamp",
    "Quantity",
    "Timestamp",
]
