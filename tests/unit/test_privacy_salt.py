"""The hash salt: per installation, created on first use with mode 0600, reused, never the public constant."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from graphengine.config import Settings
from graphengine.privacy import identifier_key, installation_salt
from graphengine.privacy.salt import salt_path


def _settings(home: Path, **overrides: object) -> Settings:
    return Settings(_env_file=None, home=home, **overrides)  # type: ignore[arg-type]


def test_the_salt_is_created_on_first_use_0600_in_a_0700_directory_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GRAPHENGINE_HASH_SALT", raising=False)
    settings = _settings(tmp_path / "home")
    path = salt_path(tmp_path / "home")
    assert not path.exists()  # nothing is written when settings are made
    salt = settings.hash_salt.get_secret_value()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(salt) == 64 and int(salt, 16) >= 0
    assert salt != "graphengine-local-salt"
    assert _settings(tmp_path / "home").hash_salt.get_secret_value() == salt  # a later run reads it back
    assert installation_salt(tmp_path / "home") == salt
    assert [p.name for p in path.parent.iterdir()] == ["hash_salt"]  # no draft left behind


def test_two_installations_hash_the_same_phone_differently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAPHENGINE_HASH_SALT", raising=False)
    one = _settings(tmp_path / "a").hash_salt.get_secret_value()
    two = _settings(tmp_path / "b").hash_salt.get_secret_value()
    assert one != two
    assert identifier_key("phone", "+46 70 123 45 67", one) != identifier_key("phone", "+46 70 123 45 67", two)


def test_a_salt_set_in_the_environment_wins_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHENGINE_HASH_SALT", "a-shared-secret-of-several-installations")
    settings = _settings(tmp_path / "home")
    assert settings.hash_salt.get_secret_value() == "a-shared-secret-of-several-installations"
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("value", ["graphengine-local-salt", ""])
def test_the_old_public_constant_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="hash_salt"):
        Settings(_env_file=None, hash_salt=value)  # type: ignore[call-arg]


def test_concurrent_first_uses_agree_on_one_salt(tmp_path: Path) -> None:
    code = "import sys; from pathlib import Path; from graphengine.privacy import installation_salt; "
    code += "print(installation_salt(Path(sys.argv[1])))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(4)
    ]
    salts = {proc.communicate()[0].strip() for proc in procs}
    assert len(salts) == 1 and len(salts.pop()) == 64


def test_a_home_where_the_salt_cannot_be_written_is_a_config_error(tmp_path: Path) -> None:
    from graphengine.errors import ConfigError

    home = tmp_path / "not-a-directory"
    home.write_text("x")
    with pytest.raises(ConfigError, match="GRAPHENGINE_HASH_SALT"):
        installation_salt(home)
