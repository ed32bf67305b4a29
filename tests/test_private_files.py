"""Every file and folder the bot writes is owner-only (files 0o600, folders 0o700) whatever the umask.

The tests run with the widest umask (0): a file created with the default mode would be 0o666 and a
folder 0o777, so any writer that forgets the helpers of :mod:`rpa.private_files` shows up.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from loguru import logger

from rpa.config import Account, Settings, SourceSettings
from rpa.demo import MARKER, _fresh
from rpa.logs import configure_logging
from rpa.operations.alerts import raise_alert, read_alerts
from rpa.operations.health import STATE_FILE, check_health
from rpa.portal.breaker import Breaker
from rpa.private_files import make_private, open_private, private_dir, private_opener, write_private
from rpa.report.data import gather
from rpa.report.workbook import save_report


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private_tree(root: Path) -> None:
    """``root`` and everything under it: folders 0o700, files 0o600."""
    wide = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        expected = 0o700 if path.is_dir() else 0o600
        if mode(path) != expected:
            wide.append(f"{path.relative_to(root.parent)}: {oct(mode(path))}")
    assert not wide, wide


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The widest umask for the duration of the test (restored after)."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def closed_port() -> int:
    """A port the OS gave and nobody listens on any more: connections to it are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- the helpers ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("open_umask")
def test_helpers_are_private_whatever_the_umask(tmp_path: Path) -> None:
    folder = private_dir(tmp_path / "a" / "b" / "c")
    assert private_dir(folder) == folder  # exists already: fine
    write_private(folder / "state.json", '{"trạng_thái": "mở"}')
    write_private(folder / "state.json", b"{}")  # replaced, still private
    with open_private(folder / "alerts.jsonl", "a") as fh:
        fh.write("một\n")
    with open_private(folder / "alerts.jsonl", "a") as fh:
        fh.write("hai\n")
    with open_private(folder / "scan.pdf", "wb") as fh:
        fh.write(b"%PDF")
    assert (folder / "alerts.jsonl").read_text(encoding="utf-8") == "một\nhai\n"
    assert (folder / "state.json").read_bytes() == b"{}"
    assert_private_tree(tmp_path / "a")
    assert sorted(p.name for p in folder.iterdir()) == ["alerts.jsonl", "scan.pdf", "state.json"]


@pytest.mark.usefixtures("open_umask")
def test_a_file_that_was_wide_before_is_narrowed_when_opened(tmp_path: Path) -> None:
    old = tmp_path / "old.log"
    old.write_text("x\n", encoding="utf-8")
    old.chmod(0o666)
    with open(old, "a", encoding="utf-8", opener=private_opener) as fh:
        fh.write("y\n")
    assert mode(old) == 0o600
    other = tmp_path / "screenshot.png"
    other.write_bytes(b"png")
    assert mode(make_private(other)) == 0o600


def test_existing_parents_are_left_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    private_dir(tmp_path / "work")
    assert mode(tmp_path) == 0o755 and mode(tmp_path / "work") == 0o700


# ---- each writer of the bot ----------------------------------------------------------------------


@pytest.mark.usefixtures("open_umask")
def test_json_log_is_private(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "2026" / "rpa.jsonl"
    configure_logging(log_file, console=False)
    try:
        logger.info("một dòng")
    finally:
        logger.remove()
    assert json.loads(log_file.read_text(encoding="utf-8"))["message"] == "một dòng"
    assert_private_tree(tmp_path / "logs")


@pytest.mark.usefixtures("open_umask")
def test_rotated_log_files_stay_private(tmp_path: Path) -> None:
    """Loguru opens each new file after a rotation with the same opener."""
    folder = private_dir(tmp_path / "logs")
    sink = logger.add(folder / "rpa.log", rotation="200 B", opener=private_opener, format="{message}")
    try:
        for number in range(20):
            logger.info("dòng số {} của nhật ký", number)
    finally:
        logger.remove(sink)
    assert len(list(folder.iterdir())) > 3
    assert_private_tree(folder)


@pytest.mark.usefixtures("open_umask")
def test_alerts_breaker_and_health_state_are_private(tmp_path: Path) -> None:
    work = tmp_path / "work" / "rpa"
    raise_alert(work, "selector_drift", "Cổng moj-lltp đã đổi giao diện")
    Breaker(work, "moj-lltp", 900).open("drift")
    account = Account(username="rpa.bot", password="x")
    url = f"http://127.0.0.1:{closed_port()}"
    settings = Settings(provincial=SourceSettings(base_url=url, account=account), work_dir=work)
    [down] = check_health(settings, timeout_s=1, pause_s=0)
    assert not down.up
    assert [a["kind"] for a in read_alerts(work)] == ["selector_drift", "portal_down"]
    assert (work / STATE_FILE).is_file() and (work / "breakers" / "moj-lltp.json").is_file()
    assert_private_tree(tmp_path / "work")


@pytest.mark.usefixtures("open_umask")
def test_demo_marker_is_private(tmp_path: Path) -> None:
    _fresh(tmp_path / "demo" / "data")
    assert (tmp_path / "demo" / "data" / MARKER).is_file()
    assert_private_tree(tmp_path / "demo")


@pytest.mark.usefixtures("open_umask")
def test_daily_report_is_private(tmp_path: Path) -> None:
    account = Account(username="rpa.bot", password="x")
    settings = Settings(
        provincial=SourceSettings(base_url="http://127.0.0.1:9", account=account),
        ledger_url=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
    )
    out = save_report(gather(settings, date(2026, 1, 5)), tmp_path / "reports" / "2026" / "bao-cao.xlsx")
    assert out.is_file()
    assert_private_tree(tmp_path / "reports")


# ---- a whole process started with umask 0 --------------------------------------------------------

_SCRIPT = """
import json, stat, sys
from pathlib import Path
from loguru import logger
from rpa.operations.alerts import raise_alert
from rpa.portal.breaker import Breaker
from rpa.portal.browser import BrowserSettings, open_browser
from rpa.logs import configure_logging

work = Path(sys.argv[1])
configure_logging(work / "logs" / "rpa.jsonl", console=False)
logger.info("bắt đầu")
raise_alert(work / "state", "job_failing", "Việc đọc hồ sơ bị lỗi")
Breaker(work / "state", "moj-lltp", 900).open("drift")
with open_browser(BrowserSettings(), work / "browsers"):  # its registry entry lives while it runs
    registry = [work / "browsers", *(work / "browsers").glob("*.json")]
    print(json.dumps({p.name: stat.S_IMODE(p.stat().st_mode) for p in registry}))
logger.complete()
"""


@pytest.mark.browser
def test_a_process_started_with_umask_0_writes_owner_only(tmp_path: Path) -> None:
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_SCRIPT), str(work)],
        umask=0,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (work / "logs" / "rpa.jsonl").stat().st_size > 0
    assert (work / "state" / "alerts.jsonl").is_file()
    assert_private_tree(work)
    registry = json.loads(done.stdout.splitlines()[-1])
    assert len(registry) == 2 and registry.pop("browsers") == 0o700
    assert list(registry.values()) == [0o600]


@pytest.mark.usefixtures("open_umask")
def test_the_sqlite_ledger_and_its_journal_files_are_owner_only(tmp_path: Path) -> None:
    from rpa.ledger import Ledger

    folder = tmp_path / "state" / "ledger"
    with Ledger(f"sqlite:///{folder / 'rpa-ledger.sqlite'}") as ledger:
        ledger.enqueue("000.00.01.H55-261204-0001", "judicial_record", actor="scheduler")
        files = sorted(folder.iterdir())
        assert {p.name for p in files} >= {"rpa-ledger.sqlite", "rpa-ledger.sqlite-wal"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
