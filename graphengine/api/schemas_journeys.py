"""Response models of the journey endpoints (documented top-level fields; nested rows as JSON objects)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class JourneyOut(_Open):
    customer: dict[str, Any]
    events: list[dict[str, Any]]
    returned: int
    truncated: bool
    sessions: int
    channelPath: list[Any]
    patterns: dict[str, Any]


class PatternMatchesOut(_Open):
    pattern: str
    description: str
    since: str | None
    total: int
    customers: int
    withheld: int = Field(0, description="matches of customers without profiling consent: counted, not listed")
    matches: list[dict[str, Any]]


class AttributionOut(_Open):
    since: str | None
    lookbackDays: float
    channels: list[str]
    paths: int
    convertingPaths: int
    totalConversions: float
    totalValue: float
    models: dict[str, Any]


class TransitionsOut(_Open):
    scope: str
    since: str | None
    channels: list[str]
    counts: list[list[float]]
    probabilities: list[list[float]]
    total: int
    transitions: list[dict[str, Any]]
