"""The graphengine error tree.

Domain code raises these; only ``graphengine.api.errors`` maps them to HTTP, and the CLI prints them.

::

    GraphEngineError                 base of everything graphengine raises on purpose
    ├── ConfigError                  settings are missing or inconsistent, or Neo4j rejects the credentials
    ├── StoreUnavailable             Neo4j cannot be reached (down, starting, wrong address)      → HTTP 503
    ├── LocalServerError             the project-provisioned Neo4j cannot be installed, started or stopped
    ├── ValidationFailed             input rows were rejected; carries the rejected rows            → HTTP 422
    │   └── PrivacyViolation         a source carries GDPR special-category data                    → HTTP 422
    ├── NotFound                     a customer, product, community, query or run id does not exist → HTTP 404
    ├── Conflict                     a write contradicts a stored fact (an event owned by another customer) → 409
    └── AnalysisError                an analysis cannot run on the given graph or parameters        → HTTP 409
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class GraphEngineError(Exception):
    """Base class, never raised itself: every error raised on purpose derives from it; ``code`` is stable."""

    code = "graphengine_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class ConfigError(GraphEngineError):
    """Raised when settings are invalid, a required tool is missing, or Neo4j rejects the credentials."""

    code = "config_error"


class StoreUnavailable(GraphEngineError):
    """Raised when Neo4j cannot be reached: the server is down, still starting, or the URI is wrong."""

    code = "store_unavailable"


class LocalServerError(GraphEngineError):
    """Raised when the project-provisioned Neo4j cannot be installed, started (busy port, timeout) or stopped."""

    code = "local_server_error"


class ValidationFailed(GraphEngineError):
    """Raised when input rows are rejected; ``rejected`` holds each row with its reasons."""

    code = "validation_failed"

    def __init__(
        self,
        message: str,
        *,
        rejected: Sequence[dict[str, Any]] = (),
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.rejected = list(rejected)


class PrivacyViolation(ValidationFailed):
    """Raised when a source carries GDPR Art. 9 special-category columns that were not dropped."""

    code = "privacy_violation"


class NotFound(GraphEngineError):
    """Raised when a requested entity (customer, product, community, run, named query) does not exist."""

    code = "not_found"


class Conflict(GraphEngineError):
    """Raised when a write contradicts a stored fact, such as an eventId that belongs to another customer;
    nothing of the write is kept. ``details["rejected"]`` lists the rows and their reasons."""

    code = "conflict"


class AnalysisError(GraphEngineError):
    """Raised when an analysis cannot run: empty projection, unknown algorithm, missing backend."""

    code = "analysis_error"


__all__ = [
    "AnalysisError",
    "ConfigError",
    "Conflict",
    "GraphEngineError",
    "LocalServerError",
    "NotFound",
    "PrivacyViolation",
    "StoreUnavailable",
    "ValidationFailed",
]
