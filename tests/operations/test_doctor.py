"""``rpa doctor`` on real installations: keys, permissions, Chromium, the ledger, portals, the clock."""

from __future__ import annotations

import base64
import email.utils
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rpa.cli import app
from rpa.config import write_config
from rpa.evidence.keys import init_keys
from rpa.ledger import Ledger
from rpa.operations.doctor import Check, _guarded
from rpa.sandbox.cli import bot_config
from rpa.sandbox.serving import sandbox


class _Portal(BaseHTTPRequestHandler):
    offset_s = 0.0  # how far this portal's clock is from ours

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(time.time() + self.offset_s, usegmt=True)

    def log_message(self, *args: Any) -> None:
        pass


def _serve(offset_s: float) -> Iterator[str]:
    handler = type("Portal", (_Portal,), {"offset_s": offset_s})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def portal() -> Iterator[str]:
    yield from _serve(0.0)


def _closed_port() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _install(root: Path, provincial: str, portal: str, **extra: Any) -> Path:
    init_keys(root / "work" / "keys" / "signing.key", root / "work" / "keys" / "master.key")
    for folder in ("recordings", "reports"):
        (root / folder).mkdir(mode=0o700)
    config = root / "rpa.toml"
    account = {"username": "bot", "password": "mat-khau"}
    write_config(
        config,
        {
            "provincial": {"base_url": provincial, "account": account},
            "portals": {"moj-lltp": {"base_url": portal, "account": account}},
            "ledger_url": f"sqlite:///{root / 'ledger.sqlite'}",
            "recordings_dir": str(root / "recordings"),
            "reports_dir": str(root / "reports"),
            "work_dir": str(root / "work"),
        }
        | extra,
    )
    return config


def _tables(config: Path) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(config.read_text(encoding="utf-8"))


def _doctor(config: Path) -> tuple[int, dict[str, Any]]:
    done = CliRunner().invoke(app, ["doctor", "--json", "--config", str(config)])
    result: dict[str, Any] = json.loads(done.stdout)
    return done.exit_code, result


def _statuses(result: dict[str, Any]) -> dict[str, str]:
    return {check["name"]: check["status"] for check in result["checks"]}


@pytest.fixture(autouse=True)
def _key_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RPA_MASTER_KEY", raising=False)  # the installation's own key files


def test_a_healthy_installation(tmp_path: Path, portal: str) -> None:
    code, result = _doctor(_install(tmp_path, portal, portal))
    statuses = _statuses(result)
    assert code == 0 and result["ok"], result
    for name in (
        "config",
        "passwords",
        "keys.signing",
        "keys.master",
        "folders",
        "chromium",
        "clock",
        "disk",
    ):
        assert statuses[name] == "ok", result
    assert statuses["portal.provincial"] == statuses["portal.moj-lltp"] == "ok"
    assert statuses["database"] in ("ok", "warn")  # a new ledger is migrated by the first run
    assert all(set(check) == {"name", "status", "detail", "fix"} for check in result["checks"])
    human = CliRunner().invoke(app, ["doctor", "--config", str(_install(tmp_path / "b", portal, portal))])
    assert human.exit_code == 0 and "✓ keys.master" in human.stdout and "Sẵn sàng chạy." in human.stdout


def test_open_keys_folders_and_missing_passwords_are_named_with_their_fix(
    tmp_path: Path, portal: str
) -> None:
    config = _install(tmp_path, portal, portal)
    master = tmp_path / "work" / "keys" / "master.key"
    os.chmod(master, 0o644)
    os.chmod(tmp_path / "recordings", 0o755)
    code, result = _doctor(config)
    checks = {c["name"]: c for c in result["checks"]}
    assert code == 1 and not result["ok"]
    assert checks["keys.master"]["status"] == "fail" and checks["keys.master"]["fix"] == f"chmod 600 {master}"
    assert (
        checks["folders"]["status"] == "fail"
        and f"chmod 700 {tmp_path / 'recordings'}" in checks["folders"]["fix"]
    )
    master.unlink()
    (tmp_path / "work" / "keys" / "signing.key").unlink()
    checks = {c["name"]: c for c in _doctor(config)[1]["checks"]}
    assert checks["keys.master"]["fix"] == checks["keys.signing"]["fix"] == "rpa keys init"

    account = {"username": "bot", "password_from": "file"}
    (tmp_path / "c").mkdir()
    config = _install(tmp_path / "c", portal, portal)
    write_config(config, {**_tables(config), "provincial": {"base_url": portal, "account": account}})
    checks = {c["name"]: c for c in _doctor(config)[1]["checks"]}
    assert (
        checks["passwords"]["status"] == "fail"
        and "rpa credentials set provincial bot" in checks["passwords"]["detail"]
    )


def test_an_unreachable_portal_and_a_clock_that_is_off(tmp_path: Path, portal: str) -> None:
    code, result = _doctor(_install(tmp_path, portal, _closed_port()))
    statuses = _statuses(result)
    assert code == 1 and statuses["portal.moj-lltp"] == "fail" and statuses["portal.provincial"] == "ok"
    for offset, expected in ((120.0, "warn"), (-1200.0, "fail")):
        for skewed in _serve(offset):
            _, result = _doctor(_install(tmp_path / str(offset), skewed, skewed))
            clock = next(c for c in result["checks"] if c["name"] == "clock")
            assert clock["status"] == expected, clock
            shown = re.search(r"([+-]\d+) giây", clock["detail"])
            assert shown and abs(float(shown.group(1)) - offset) <= 2  # Date has whole seconds
            assert "timedatectl" in clock["fix"]


def test_a_configuration_that_does_not_load_is_a_failed_check(tmp_path: Path) -> None:
    config = tmp_path / "rpa.toml"
    config.write_text('ledger_url = "sqlite:///x"\n', encoding="utf-8")
    os.chmod(config, 0o600)
    code, result = _doctor(config)
    assert (
        code == 1
        and result["checks"][0]["name"] == "config"
        and "provincial" in result["checks"][0]["detail"]
    )


def test_a_sandbox_installation_with_a_current_ledger_is_healthy(tmp_path: Path) -> None:
    with sandbox(tmp_path / "sandbox") as running:
        tables = bot_config(running) | {
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "recordings_dir": str(tmp_path / "recordings"),
            "reports_dir": str(tmp_path / "reports"),
            "work_dir": str(tmp_path / "work"),
            "log_file": str(tmp_path / "logs" / "rpa.jsonl"),  # folders made on first use: fine
        }
        config = tmp_path / "rpa.toml"
        write_config(config, tables)
        init_keys(tmp_path / "work" / "keys" / "signing.key", tmp_path / "work" / "keys" / "master.key")
        Ledger(tables["ledger_url"]).close()  # migrated to head, as any bot command leaves it
        code, result = _doctor(config)
    statuses = _statuses(result)
    assert code == 0 and result["ok"], result
    assert set(statuses) >= {f"portal.{name}" for name in running.urls}
    assert set(statuses.values()) == {"ok"}, result


def test_the_ledger_is_looked_at_never_created_and_must_be_private(tmp_path: Path, portal: str) -> None:
    config = _install(tmp_path, portal, portal)
    ledger = tmp_path / "ledger.sqlite"
    checks = {c["name"]: c for c in _doctor(config)[1]["checks"]}
    assert checks["database"]["status"] == "warn" and "rpa runs list" in checks["database"]["fix"]
    assert not ledger.exists()
    Ledger(f"sqlite:///{ledger}").close()
    os.chmod(ledger, 0o644)
    code, result = _doctor(config)
    database = next(c for c in result["checks"] if c["name"] == "database")
    assert code == 1 and database["status"] == "fail" and database["fix"] == f"chmod 600 {ledger}"


def test_the_master_key_may_come_from_the_environment(
    tmp_path: Path, portal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _install(tmp_path, portal, portal)
    (tmp_path / "work" / "keys" / "master.key").unlink()
    monkeypatch.setenv("RPA_MASTER_KEY", base64.b64encode(os.urandom(32)).decode("ascii"))
    master = next(c for c in _doctor(config)[1]["checks"] if c["name"] == "keys.master")
    assert master["status"] == "ok" and "RPA_MASTER_KEY" in master["detail"]
    monkeypatch.setenv("RPA_MASTER_KEY", base64.b64encode(b"short").decode("ascii"))
    master = next(c for c in _doctor(config)[1]["checks"] if c["name"] == "keys.master")
    assert master["status"] == "fail" and "32 bytes" in master["detail"]


def test_a_configuration_that_is_not_toml_or_is_open_is_one_failed_check(tmp_path: Path) -> None:
    config = tmp_path / "rpa.toml"
    config.write_text("ledger_url = \n", encoding="utf-8")
    os.chmod(config, 0o600)
    code, result = _doctor(config)
    assert code == 1 and result == {"ok": False, "checks": [result["checks"][0]]}
    assert result["checks"][0]["name"] == "config" and result["checks"][0]["status"] == "fail"

    config.write_text('[provincial]\nbase_url = "http://x"\naccount = {username = "a", password = "b"}\n')
    os.chmod(config, 0o644)
    human = CliRunner().invoke(app, ["doctor", "--config", str(config)])
    assert human.exit_code == 1 and isinstance(human.exception, SystemExit)  # no traceback
    assert "✗ config: " in human.stdout and f"→ chmod 600 {config}" in human.stdout
    missing = CliRunner().invoke(app, ["doctor", "--json", "--config", str(tmp_path / "none.toml")])
    assert missing.exit_code == 1 and json.loads(missing.stdout)["checks"][0]["name"] == "config"


def test_a_check_that_breaks_is_a_failure_beside_the_others() -> None:
    def full_disk() -> Check:
        raise OSError(28, "No space left on device")

    broken = _guarded("disk", full_disk)
    assert broken.name == "disk" and broken.status == "fail" and "No space left" in broken.detail


def test_chromium_is_checked_even_from_inside_a_running_asyncio_loop(tmp_path: Path, portal: str) -> None:
    # Seen in CI: after a pytest-playwright test left its loop on the thread, the Sync API refused to
    # start and the doctor reported a healthy Chromium as broken. The console calls it from a loop too.
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from rpa.config import load_settings
    from rpa.operations.doctor import _chromium

    settings = load_settings(_install(tmp_path, portal, portal))

    async def inside_a_loop() -> Check:
        return _chromium(settings)

    # In a thread of its own: this test's thread may already run pytest-playwright's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        check = pool.submit(asyncio.run, inside_a_loop()).result()
    assert check.status == "ok", check


def test_evidence_left_in_the_clear_by_an_older_version_is_named(tmp_path: Path, portal: str) -> None:
    config = _install(tmp_path, portal, portal)
    attempt = tmp_path / "recordings" / "2025" / "11" / "20" / "000.00.01.H55-251120-0001" / "1"
    attempt.mkdir(parents=True)
    (attempt / "manifest.json").write_text(json.dumps({"files": {}, "values": "values.json.enc"}))
    (attempt / "01-a.png.enc").write_bytes(b"RPAENC1\n...")
    assert {c["name"]: c for c in _doctor(config)[1]["checks"]}["evidence"]["status"] == "ok"
    (attempt / "manifest.json").write_text(json.dumps({"typed": {"applicant.id_number": "001190001234"}}))
    evidence = {c["name"]: c for c in _doctor(config)[1]["checks"]}["evidence"]
    assert evidence["status"] == "warn" and "000.00.01.H55-251120-0001" in evidence["detail"], evidence
    (attempt / "manifest.json").write_text(json.dumps({"files": {}}))
    (attempt / "01-a.png").write_bytes(b"\x89PNG")  # a screenshot of an older version
    code, result = _doctor(config)
    evidence = {c["name"]: c for c in result["checks"]}["evidence"]
    assert code == 0 and evidence["status"] == "warn" and "rpa evidence erase" in evidence["fix"]
