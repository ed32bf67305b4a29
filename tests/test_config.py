from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from rpa.config import Settings, load_settings, write_config
from rpa.errors import ConfigError
from rpa.sandbox.cli import bot_config
from rpa.sandbox.serving import start_sandbox

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


def _settings(**values: object) -> Settings:
    return Settings.model_validate({**TABLES, **values})


def test_locks_live_beside_a_sqlite_ledger_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _settings(ledger_url=f"sqlite:///{tmp_path / 'db' / 'ledger.sqlite'}").locks_dir == (
        tmp_path / "db" / "ledger.sqlite.locks"
    )
    monkeypatch.chdir(tmp_path)
    relative = _settings(ledger_url="sqlite:///rpa-ledger.sqlite", work_dir="elsewhere").locks_dir
    assert relative == tmp_path / "rpa-ledger.sqlite.locks" and relative.is_absolute()


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://rpa@db.internal/rpa", "sqlite://", "sqlite:///:memory:"]
)
def test_without_a_ledger_file_locks_go_in_the_absolute_work_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _settings(ledger_url=url, work_dir="work").locks_dir == tmp_path / "work" / "locks"


def test_a_sandbox_config_names_absolute_folders_and_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command started in another folder must find the same ledger, work folder, evidence and reports."""
    (tmp_path / "started-here").mkdir()
    monkeypatch.chdir(tmp_path / "started-here")
    running = start_sandbox(Path("data"))
    try:
        config = bot_config(running)
    finally:
        running.stop()
    for key in ("work_dir", "recordings_dir", "reports_dir"):
        assert Path(config[key]).is_absolute(), key
    ledger = make_url(config["ledger_url"])
    assert ledger.get_backend_name() == "sqlite"
    assert ledger.database is not None and Path(ledger.database).is_absolute()
    write_config(tmp_path / "rpa.toml", config)
    (tmp_path / "started-there").mkdir()
    monkeypatch.chdir(tmp_path / "started-there")
    settings = load_settings(tmp_path / "rpa.toml")
    assert settings.locks_dir == tmp_path / "started-here" / "data" / "rpa-ledger.sqlite.locks"
    assert settings.work_dir.is_absolute() and str(settings.work_dir).startswith(
        str(tmp_path / "started-here")
    )
