"""The installation's hash salt: generated on first use, kept under ``GRAPHENGINE_HOME/secrets/hash_salt``.

Identifiers are stored as salted HMAC-SHA256 hashes; the salt makes a hash useless without it (a phone number
hashed with a known salt is recovered by trying every number). Each installation gets its own salt
(:func:`secrets.token_hex`, 32 bytes) on first use, written with mode 0600 in a 0700 directory; later runs read
it back. ``GRAPHENGINE_HASH_SALT`` set in the environment wins (several installations sharing one graph must
share it). Losing the file means new loads hash differently from the graph: back it up with the database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from graphengine.errors import ConfigError

SALT_FILE = Path("secrets") / "hash_salt"
PUBLIC_SALTS = frozenset({"graphengine-local-salt"})  # once the default; a salt everyone knows protects nothing


def salt_path(home: Path) -> Path:
    return home / SALT_FILE


def installation_salt(home: Path) -> str:
    """The salt of the installation at ``home``: read from its file, or created there (0600) on first use.
    Two processes creating it at once end with the same salt: the file appears atomically, the loser reads it."""
    path = salt_path(home)
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(draft, path)  # fails if another process created it first: then its salt is the one
        except FileExistsError:
            pass
        finally:
            with contextlib.suppress(OSError):
                draft.unlink()
        return _read(path)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the hash salt {path}: {exc.strerror or exc}; set GRAPHENGINE_HASH_SALT or make "
            f"{path.parent} writable",
            details={"path": str(path)},
        ) from None


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the hash salt {path}: {exc}; fix it or set GRAPHENGINE_HASH_SALT", details={"path": str(path)}
        ) from None
    if len(text) < 32:
        raise ConfigError(f"the hash salt in {path} is too short (a 64-digit hex string is expected)")
    return text


class InstallationSalt(SecretStr):
    """The ``hash_salt`` setting when ``GRAPHENGINE_HASH_SALT`` is not set: read (or created) on first use."""

    def __init__(self, home: Path) -> None:
        super().__init__("")
        self._home = home
        self._salt: str | None = None

    def get_secret_value(self) -> str:
        if self._salt is None:  # read once: the API asks for it on every request that hashes
            self._salt = installation_salt(self._home)
        return self._salt

    def __repr__(self) -> str:
        return f"InstallationSalt('{salt_path(self._home)}')"


__all__ = ["PUBLIC_SALTS", "SALT_FILE", "InstallationSalt", "installation_salt", "salt_path"]
