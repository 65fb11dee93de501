"""The part of the graph an analysis runs on: a platform, a time window, a choice of relationship kinds.

Every graph analysis (centrality, influencers, communities, identity resolution) takes a :class:`Scope`.
The projection keeps only the scope's nodes and edges, so write-back touches only the scope's nodes (others
keep what an earlier run wrote), and the AnalysisRun records the scope with its parameters.

* ``platform``: social accounts of that platform (follows between two of them); for customer projections, the
  customers who own an account there.
* ``since`` / ``until``: relationships whose time is in ``[since, until)`` — ``FOLLOWS.since``, purchase lines'
  ``at`` (the weight of a customer–product pair becomes the number of its lines in the window),
  ``REFERRED.at`` and ``HAS_IDENTIFIER.at``. A relationship without a time is outside any time window.
* ``edges``: a choice from the projection's allow-list (:data:`EDGE_CHOICES`): ``PURCHASED`` and/or
  ``REFERRED`` for the customer graph, identifier kinds for identity resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphengine.errors import AnalysisError
from graphengine.model.rules import timestamp

EDGE_CHOICES: dict[str, tuple[str, ...]] = {
    "social": ("FOLLOWS",),
    "purchases": ("PURCHASED",),
    "customers": ("PURCHASED", "REFERRED"),
    "identity": ("email", "phone", "device", "cookie", "loyalty"),
}


@dataclass(frozen=True)
class Scope:
    """A subgraph to analyse; the default (all ``None``) is the whole graph."""

    platform: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    edges: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name, when in (("since", self.since), ("until", self.until)):
            if when is not None and when.tzinfo is None:
                raise AnalysisError(f"--{name} needs a time zone offset (e.g. 2026-01-01T00:00:00Z)")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise AnalysisError("--since must be before --until", details={"since": str(self.since)})
        if self.platform is not None and not self.platform.strip():
            raise AnalysisError("--platform cannot be blank")

    @property
    def timed(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def whole(self) -> bool:
        return self.platform is None and not self.timed and self.edges is None

    def edges_for(self, projection: str) -> tuple[str, ...]:
        """The relationship kinds this scope keeps in ``projection`` (all allowed ones by default)."""
        allowed = EDGE_CHOICES.get(projection, ())
        if self.edges is None:
            return allowed
        unknown = [e for e in self.edges if e not in allowed]
        if unknown:
            raise AnalysisError(
                f"--edges {', '.join(unknown)} is not allowed for the {projection} projection; "
                f"choose from {', '.join(allowed) or 'nothing'}",
                details={"projection": projection, "allowed": list(allowed)},
            )
        return tuple(self.edges)

    def params(self) -> dict[str, Any]:
        """Cypher parameters of the scoped stream queries."""
        return {"platform": self.platform, "since": self.since, "until": self.until}

    def describe(self) -> dict[str, Any]:
        """JSON-ready, for the AnalysisRun and ``--json`` output."""
        return {
            "platform": self.platform,
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
            "edges": None if self.edges is None else list(self.edges),
        }

    @classmethod
    def parse(
        cls,
        platform: str | None = None,
        since: str | None = None,
        until: str | None = None,
        edges: Sequence[str] | None = None,
    ) -> Scope:
        """From command-line or query text: ISO-8601 times (a trailing ``Z`` is UTC; no offset means UTC),
        comma-separated edges."""
        kinds = tuple(k.strip() for item in (edges or ()) for k in item.split(",") if k.strip()) or None
        return cls(platform, _when(since, "since"), _when(until, "until"), kinds)


def _when(text: str | None, name: str) -> datetime | None:
    """The input value rules' reading of a time (a time without offset is UTC; 1900–2100)."""
    if text is None:
        return None
    try:
        when = timestamp(text, None)
    except ValueError as exc:
        raise AnalysisError(f"--{name}: {exc}") from None
    return when if isinstance(when, datetime) else None


WHOLE_GRAPH = Scope()

__all__ = ["EDGE_CHOICES", "WHOLE_GRAPH", "Scope"]
