"""graphengine: graph-based customer intelligence on Neo4j."""

from graphengine.config import Settings, get_settings
from graphengine.errors import (
    AnalysisError,
    ConfigError,
    Conflict,
    GraphEngineError,
    LocalServerError,
    NotFound,
    PrivacyViolation,
    StoreUnavailable,
    ValidationFailed,
)
from graphengine.store import LocalNeo4j, Store, apply_schema

__version__ = "0.1.0"

__all__ = [
    "AnalysisError",
    "ConfigError",
    "Conflict",
    "GraphEngineError",
    "LocalNeo4j",
    "LocalServerError",
    "NotFound",
    "PrivacyViolation",
    "Settings",
    "Store",
    "StoreUnavailable",
    "ValidationFailed",
    "__version__",
    "apply_schema",
    "get_settings",
]
