"""Account passwords from the environment, the OS keyring or the encrypted file; never in the clear."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from typer.testing import CliRunner

from rpa.cli import app
from rpa.config import load_settings, write_config
from rpa.errors import ConfigError
from rpa.evidence.keys import init_keys, load_master_key
from rpa.passwords import file_passwords, move_to_file, set_password

SECRET = "Mk-" + "ổn-định-" + os.urandom(8).hex()


class MemoryKeyring(KeyringBackend):
    """A real keyring backend (the ``keyring`` API) keeping its entries in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture()
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Key files of their own (not the test run's key in the environment)."""
    monkeypatch.delenv("RPA_MASTER_KEY", raising=False)
    init_keys(tmp_path / "work" / "keys" / "signing.key", tmp_path / "work" / "keys" / "master.key")
    return tmp_path


def _config(root: Path, account: dict[str, Any]) -> Path:
    path = root / "rpa.toml"
    write_config(
        path,
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "ledger_url": f"sqlite:///{root / 'ledger.sqlite'}",
            "work_dir": str(root / "work"),
        },
    )
    return path


def test_the_file_round_trips_is_private_and_holds_no_password_in_the_clear(installation: Path) -> None:
    master = load_master_key(installation / "work" / "keys" / "master.key")
    path = installation / "work" / "keys" / "credentials.enc"
    set_password(path, master, "moj-lltp", "canbo", SECRET)
    assert file_passwords(path, master) == {"moj-lltp": {"canbo": SECRET}}
    assert SECRET.encode() not in path.read_bytes() and os.stat(path).st_mode & 0o777 == 0o600
    with pytest.raises(ConfigError, match="không mở được"):
        file_passwords(path, os.urandom(32))


def test_each_source_resolves_and_a_missing_password_says_what_to_run(
    installation: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROVINCIAL_PW", SECRET)
    config = _config(
        installation, {"username": "bot", "password_from": "env", "password_env": "PROVINCIAL_PW"}
    )
    assert load_settings(config).provincial.account.secret == SECRET
    assert SECRET not in config.read_text(encoding="utf-8")

    memory = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: memory)
    keyring.set_keyring(memory)
    config = _config(installation, {"username": "bot", "password_from": "keyring"})
    with pytest.raises(ConfigError, match="rpa credentials set provincial bot --keyring"):
        load_settings(config)
    runner = CliRunner()
    command = ["credentials", "set", "provincial", "bot", "--keyring", "--config", str(config)]
    stored = runner.invoke(app, command, input=SECRET + "\n")
    assert stored.exit_code == 0, stored.output
    assert load_settings(config).provincial.account.secret == SECRET

    config = _config(installation, {"username": "bot", "password_from": "file"})
    with pytest.raises(ConfigError, match="Chưa có mật khẩu cho tài khoản bot của provincial"):
        load_settings(config)
    stored = runner.invoke(app, ["credentials", "set", "provincial", "bot", "--config", str(config)],
                           input=SECRET + "\n")  # fmt: skip
    assert stored.exit_code == 0 and SECRET not in stored.output
    assert load_settings(config).provincial.account.secret == SECRET
    listed = runner.invoke(app, ["credentials", "list", "--json", "--config", str(config)])
    assert listed.exit_code == 0 and SECRET not in listed.output and '"username": "bot"' in listed.output
    deleted = runner.invoke(app, ["credentials", "delete", "provincial", "bot", "--config", str(config)])
    assert deleted.exit_code == 0
    with pytest.raises(ConfigError, match="rpa credentials set provincial bot"):
        load_settings(config)


def test_a_written_configuration_moves_its_passwords_into_the_file(installation: Path) -> None:
    master_path = installation / "work" / "keys" / "master.key"
    config = {
        "provincial": {"base_url": "http://p.invalid", "account": {"username": "bot", "password": SECRET}},
        "portals": {
            "moj-lltp": {
                "base_url": "http://m.invalid",
                "account": {"username": "cb", "password": "x" + SECRET},
            }
        },
        "ledger_url": f"sqlite:///{installation / 'ledger.sqlite'}",
        "work_dir": str(installation / "work"),
    }
    move_to_file(config, installation / "work" / "keys" / "credentials.enc", load_master_key(master_path))
    path = installation / "rpa.toml"
    write_config(path, config)
    assert SECRET not in path.read_text(encoding="utf-8")
    settings = load_settings(path)
    assert settings.provincial.account.secret == SECRET
    assert settings.portals["moj-lltp"].account.secret == "x" + SECRET
