"""Accounts, sessions and the guards every page relies on: password hashes, roles checked on the
server, CSRF tokens, cookie flags, slowed-down failed logins, and the ``rpa users`` commands."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from rpa.console.accounts import AccountError, Accounts, LoginRefused, Role
from rpa.ledger import Ledger
from rpa.ledger.audit import read_audit


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


def test_password_is_stored_as_an_argon2_hash_and_checked(ledger: Ledger) -> None:
    accounts = Accounts(ledger.engine)
    accounts.add("lan", Role.CLERK, "Mot-cua-2026!", by="test")
    with ledger.engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM console_users")).scalar_one()
    assert stored.startswith("$argon2id$") and "Mot-cua-2026!" not in stored
    info = accounts.login("lan", "Mot-cua-2026!")
    assert info.user.name == "lan" and info.user.role is Role.CLERK
    assert accounts.session(info.token) is not None
    with ledger.engine.connect() as connection:  # only the token's hash is stored
        hashes = connection.execute(text("SELECT token_hash FROM console_sessions")).scalars().all()
    assert info.token not in hashes and len(hashes) == 1
    with pytest.raises(LoginRefused, match="không đúng"):
        accounts.login("lan", "mot-cua-2026!")
    with pytest.raises(LoginRefused, match="không đúng"):  # same answer for an unknown name
        accounts.login("nobody", "Mot-cua-2026!")


def test_bad_names_and_short_passwords_are_refused_in_vietnamese(ledger: Ledger) -> None:
    accounts = Accounts(ledger.engine)
    with pytest.raises(AccountError, match="Tên đăng nhập"):
        accounts.add("Nguyễn Lan", Role.CLERK, "Mot-cua-2026!", by="test")
    with pytest.raises(AccountError, match="ít nhất 10 ký tự"):
        accounts.add("lan", Role.CLERK, "ngan", by="test")
    accounts.add("lan", Role.CLERK, "Mot-cua-2026!", by="test")
    with pytest.raises(AccountError, match="đã có"):
        accounts.add("lan", Role.ADMIN, "Mot-cua-2026!", by="test")


def test_repeated_failed_logins_are_recorded_and_slowed_down(ledger: Ledger) -> None:
    clock = Clock()
    accounts = Accounts(ledger.engine, clock=clock)
    accounts.add("lan", Role.CLERK, "Mot-cua-2026!", by="test")
    for _ in range(5):
        with pytest.raises(LoginRefused) as refused:
            accounts.login("lan", "doan-mo-thoi", client="10.0.0.9")
        assert refused.value.wait_s == 0
        clock.now += timedelta(seconds=1)
    # the sixth attempt waits, even with the right password: guessing is slowed, not only refused
    with pytest.raises(LoginRefused, match="thử lại sau") as refused:
        accounts.login("lan", "Mot-cua-2026!")
    assert 0 < refused.value.wait_s <= 30
    clock.now += timedelta(seconds=31)
    with pytest.raises(LoginRefused):  # a sixth failure doubles the wait
        accounts.login("lan", "doan-mo-thoi")
    clock.now += timedelta(seconds=31)
    assert accounts.login_wait_s("lan") > 0
    clock.now += timedelta(seconds=30)
    assert accounts.login("lan", "Mot-cua-2026!").user.name == "lan"
    assert accounts.login_wait_s("lan") == 0  # a success starts the count again
    failed = read_audit(ledger.engine, action="login_failed", target="lan")
    assert len(failed) == 6 and failed[-1].detail["client"] == "10.0.0.9"
    assert read_audit(ledger.engine, action="login_throttled", target="lan")


def test_the_wait_is_capped_and_failures_age_out(ledger: Ledger) -> None:
    clock = Clock()
    accounts = Accounts(ledger.engine, clock=clock)
    accounts.add("lan", Role.CLERK, "Mot-cua-2026!", by="test")
    for _ in range(12):
        clock.now += timedelta(minutes=1)
        if accounts.login_wait_s("lan") == 0:
            with pytest.raises(LoginRefused):
                accounts.login("lan", "doan-mo-thoi")
    assert 0 < accounts.login_wait_s("lan") <= 15 * 60
    clock.now += timedelta(minutes=16)
    assert accounts.login_wait_s("lan") == 0


def test_disabling_or_resetting_ends_every_session_at_once(ledger: Ledger) -> None:
    accounts = Accounts(ledger.engine)
    accounts.add("lan", Role.CLERK, "Mot-cua-2026!", by="test")
    first, second = accounts.login("lan", "Mot-cua-2026!"), accounts.login("lan", "Mot-cua-2026!")
    accounts.disable("lan", by="cli:root")
    assert accounts.session(first.token) is None and accounts.session(second.token) is None
    with pytest.raises(LoginRefused):
        accounts.login("lan", "Mot-cua-2026!")
    accounts.reset_password("lan", "Mat-khau-moi-2027", by="cli:root")
    info = accounts.login("lan", "Mat-khau-moi-2027")
    accounts.reset_password("lan", "Mat-khau-moi-2028", by="cli:root")
    assert accounts.session(info.token) is None
    with pytest.raises(LoginRefused):
        accounts.login("lan", "Mat-khau-moi-2027")
    actions = [e.action for e in read_audit(ledger.engine, target="lan")]
    assert {"user_added", "user_disabled", "password_reset", "login", "login_failed"} <= set(actions)


def test_an_idle_or_old_session_ends(ledger: Ledger) -> None:
    clock = Clock()
    accounts = Accounts(ledger.engine, clock=clock)
    accounts.add("lan", Role.CLERK, "Mot-cua-2026!", by="test")
    info = accounts.login("lan", "Mot-cua-2026!")
    clock.now += timedelta(hours=1, minutes=59)
    assert accounts.session(info.token) is not None
    clock.now += timedelta(hours=2, minutes=1)
    assert accounts.session(info.token) is None


def test_the_audit_log_refuses_to_be_rewritten(ledger: Ledger) -> None:
    Accounts(ledger.engine).add("lan", Role.CLERK, "Mot-cua-2026!", by="test")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), ledger.engine.begin() as connection:
            connection.execute(text(statement))
    assert read_audit(ledger.engine)[0].actor == "test"


def _rpa(*args: str, config: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rpa", *args, "--config", str(config)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_users_commands(tmp_path: Path) -> None:
    config = tmp_path / "rpa.toml"
    config.write_text(
        f'ledger_url = "sqlite:///{tmp_path / "ledger.sqlite"}"\n'
        '[provincial]\nbase_url = "http://127.0.0.1:9"\n'
        '[provincial.account]\nusername = "x"\npassword = "y"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    added = _rpa("users", "add", "lan", "--role", "clerk", config=config, stdin="Mot-cua-2026!\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {"user": "lan", "role": "clerk", "disabled": False}
    again = _rpa("users", "add", "lan", "--role", "clerk", config=config, stdin="Mot-cua-2026!\n")
    assert again.returncode == 2 and "đã có" in again.stderr
    short = _rpa("users", "add", "minh", "--role", "supervisor", config=config, stdin="ngan\n")
    assert short.returncode == 2 and "ít nhất 10 ký tự" in short.stderr
    bad_role = _rpa("users", "add", "minh", "--role", "boss", config=config, stdin="Mot-cua-2026!\n")
    assert bad_role.returncode == 2
    disabled = _rpa("users", "disable", "lan", config=config)
    assert json.loads(disabled.stdout)["disabled"] is True
    reset = _rpa("users", "reset-password", "lan", config=config, stdin="Mat-khau-moi-2027\n")
    assert reset.returncode == 0 and json.loads(reset.stdout)["disabled"] is False
    missing = _rpa("users", "disable", "ai-do", config=config)
    assert missing.returncode == 2 and "Không có tài khoản" in missing.stderr
    with Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}") as ledger:
        assert Accounts(ledger.engine).login("lan", "Mat-khau-moi-2027").user.role is Role.CLERK
        assert {e.actor for e in read_audit(ledger.engine, target="lan")} >= {f"cli:{_user()}"}


def _user() -> str:
    import getpass

    return getpass.getuser()
