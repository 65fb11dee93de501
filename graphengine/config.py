"""Settings: environment variables with the ``GRAPHENGINE_`` prefix, or a ``.env`` file.

Nothing is read at import time: the CLI and the app factory call :func:`get_settings` (or build a
:class:`Settings` themselves, as the tests do).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graphengine.privacy.salt import PUBLIC_SALTS, InstallationSalt

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All configuration of graphengine; each field maps to ``GRAPHENGINE_<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="GRAPHENGINE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- Neo4j connection -------------------------------------------------------------------------
    neo4j_uri: str | None = Field(
        default=None,
        description="An existing server (bolt://, neo4j://, neo4j+s://). When set, nothing is installed or "
        "started locally and everything uses that server.",
    )
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("graphengine-dev")
    neo4j_database: str = "neo4j"
    connect_timeout_s: float = Field(default=5.0, gt=0)
    retry_time_s: float = Field(
        default=10.0, ge=0, description="How long a transaction is retried on transient errors or a lost server."
    )

    # --- Local, project-provisioned server --------------------------------------------------------
    home: Path = Field(default=PROJECT_ROOT / ".graphengine", description="Jars, Maven cache, instances.")
    instance: str = Field(default="default", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    bolt_port: int = Field(default=7687, ge=1, le=65535)
    http_port: int = Field(default=7474, ge=1, le=65535)
    heap_size: str = Field(default="2g", pattern=r"^\d+[kmg]$")
    pagecache_size: str = Field(default="2g", pattern=r"^\d+[kmg]$")
    start_timeout_s: float = Field(default=120.0, gt=0)
    java_home: Path | None = None
    # Transaction memory cap of the local server (db.memory.transaction.max); unset: Neo4j's default (no cap).
    transaction_memory_max: str | None = Field(default=None, pattern=r"^\d+[kmg]$")

    # --- Data and privacy -------------------------------------------------------------------------
    # --- Hash salt (privacy guard): per installation, see graphengine/privacy/salt.py -----------
    hash_salt: SecretStr = Field(
        default_factory=lambda data: InstallationSalt(data["home"]),
        description="Salt of the identifier hashes; unset: generated on first use in HOME/secrets/hash_salt (0600).",
    )
    batch_size: int = Field(default=10_000, ge=1, le=200_000)
    earliest_time: dt.datetime = Field(
        default=dt.datetime(1900, 1, 1, tzinfo=dt.UTC), description="Loads refuse times before this."
    )
    latest_time: dt.datetime = Field(
        default=dt.datetime(2100, 1, 1, tzinfo=dt.UTC), description="Loads refuse times at or after this."
    )

    # --- Erasure of side files (consent and erasure, issue 12) ----------------------------------------
    loads_dir: Path = Field(
        default=Path(".graphengine/loads"),
        description="Where loads write quarantine files and reports (the default of `graphengine load --out-dir`); "
        "erasure removes the customer's rows from the quarantine files under <loads_dir>/quarantine.",
    )

    # --- API --------------------------------------------------------------------------------------
    api_keys: list[str] = Field(
        default_factory=list,
        description="JSON list of keys: 'key', 'key:read', 'sha256:<hex>' or 'sha256:<hex>:read,write' "
        "(no scopes = read and write); see graphengine/api/keys.py.",
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)

    # --- API access: scopes and the body limit (issue 12) ---------------------------------------
    api_open: bool = Field(
        default=False,
        description="Development only: requests without a key may read personal data (writes still need one).",
    )
    api_max_body_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1024, le=1024**3, description="Larger request bodies are refused (413)."
    )

    @field_validator("hash_salt")
    @classmethod
    def _secret_salt(cls, value: SecretStr) -> SecretStr:
        if not isinstance(value, InstallationSalt) and value.get_secret_value() in PUBLIC_SALTS | {""}:
            raise ValueError("hash_salt must be a secret: unset it to use the installation's own salt")
        return value

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError(f"neo4j_uri must start with one of {', '.join(schemes)}")
        return value

    @property
    def managed(self) -> bool:
        """True when graphengine provisions and runs the Neo4j server itself."""
        return self.neo4j_uri is None

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"


def get_settings(**overrides: object) -> Settings:
    """Read settings from the environment and ``.env``; keyword overrides win."""
    return Settings(**overrides)  # type: ignore[arg-type]


__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]
