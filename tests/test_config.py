from __future__ import annotations

from pathlib import Path

import pytest

from rpa.config import load_settings, write_config
from rpa.errors import ConfigError

TABLES = {
    "provincial": {"base_url": "http://127.0.0.1:1", "account": {"username": "motcua", "password": "bí mật"}},
    "portals": {
        "moj-lltp": {"base_url": "http://127.0.0.1:2", "account": {"username": "cb", "password": "x"}}
    },
}


def test_written_config_loads_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "rpa.toml"
    write_config(path, TABLES)
    assert path.stat().st_mode & 0o777 == 0o600
    settings = load_settings(path)
    assert settings.provincial.account.password.get_secret_value() == "bí mật"
    assert settings.portals["moj-lltp"].base_url == "http://127.0.0.1:2"
    assert "bí mật" not in repr(settings)


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rpa.toml"
    write_config(path, TABLES)
    monkeypatch.setenv("RPA_LEDGER_URL", "sqlite:////tmp/other.sqlite")
    monkeypatch.setenv("RPA_CONFIG", str(path))
    assert load_settings().ledger_url == "sqlite:////tmp/other.sqlite"


def test_password_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rpa.toml"
    write_config(path, TABLES)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_settings(path)


def test_missing_file_and_missing_setting_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")
    path = tmp_path / "rpa.toml"
    write_config(path, {"portals": {}})
    with pytest.raises(ConfigError, match="provincial"):
        load_settings(path)
