"""``rpa doctor``: is this installation fit to run, and if not, what to fix (in Vietnamese).

Each check is independent and bounded in time (HTTP and the database 5 s, Chromium Playwright's
launch timeout): one that fails, even with an unexpected error, never hides the others. Nothing is
changed (the database is neither created nor migrated, no key is made): the doctor only looks.
"""

from __future__ import annotations

import email.utils
import json
import os
import shutil
import stat
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import httpx

from rpa.config import Settings
from rpa.evidence.keys import MASTER_ENV, load_master_key, load_signing_key

__all__ = ["Check", "diagnose"]

Status = Literal["ok", "warn", "fail"]
CLOCK_WARN_S = 60.0
DISK_WARN = 1 << 30
DISK_FAIL = 100 << 20
TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


def _ok(name: str, detail: str) -> Check:
    return Check(name, "ok", detail)


def _too_open(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _config(path: Path | None) -> Check:
    if path is None:
        return _ok("config", "Cấu hình lấy từ biến môi trường RPA_*.")
    if _too_open(path):
        mode = stat.filemode(path.stat().st_mode)
        return Check(
            "config", "fail", f"Tệp cấu hình {path} để người khác đọc được ({mode}).", f"chmod 600 {path}"
        )
    return _ok("config", f"Tệp cấu hình {path} đọc được, chỉ chủ sở hữu truy cập.")


def _passwords(settings: Settings) -> Check:
    from rpa.config import resolve_passwords
    from rpa.errors import ConfigError

    try:
        resolve_passwords(settings.model_copy(deep=True))  # the doctor's settings stay as loaded
    except ConfigError as exc:  # the message names the account and what to run
        return Check("passwords", "fail", str(exc), "rpa credentials set <phạm vi> <tài khoản>")
    return _ok("passwords", "Mật khẩu mọi tài khoản đều lấy được.")


def _key(name: str, path: Path, load: Callable[[Path], object]) -> Check:
    from_env = name == "keys.master" and bool(os.environ.get(MASTER_ENV))
    try:
        load(path)
    except Exception as exc:  # a missing, open or malformed key: each says what to run
        text = str(exc)
        fix = f"chmod 600 {path}" if "chmod" in text else "rpa keys init"
        return Check(name, "fail", text, fix)
    if from_env:
        return _ok(name, f"Khoá chủ lấy từ biến môi trường {MASTER_ENV}.")
    if _too_open(path):
        return Check(name, "fail", f"Khoá {path} để người khác đọc được.", f"chmod 600 {path}")
    return _ok(name, f"{path} có, chỉ chủ sở hữu đọc được.")


def _folders(settings: Settings) -> Check:
    folders = [settings.recordings_dir, settings.work_dir, settings.reports_dir]
    if settings.log_file is not None:
        folders.append(settings.log_file.parent)
    problems, fixes = [], []
    for folder in folders:
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent  # a folder made on first use: its parent must take it
        if not os.access(existing, os.W_OK):
            problems.append(f"{existing} không ghi được")
            fixes.append(f"chown $(whoami) {existing}")
        elif existing == folder and _too_open(folder):
            problems.append(f"{folder} để người khác đọc được ({stat.filemode(folder.stat().st_mode)})")
            fixes.append(f"chmod 700 {folder}")
    if problems:
        return Check("folders", "fail", "; ".join(problems) + ".", "; ".join(fixes))
    return _ok("folders", "Các thư mục bằng chứng, làm việc, báo cáo ghi được và chỉ chủ sở hữu đọc được.")


def _chromium(settings: Settings) -> Check:
    from rpa.portal.browser import open_browser

    path = settings.browser.executable_path
    if not path.is_file():
        return Check("chromium", "fail", f"Không có Chromium tại {path}.", "apt-get install chromium")

    def launch() -> str:
        with open_browser(settings.browser) as browser:
            browser.new_page().goto("about:blank")
            return browser.version

    try:
        # Playwright's Sync API refuses a thread with a running asyncio loop (the console's, a
        # test's): a thread of its own launches the browser wherever the doctor is called from.
        with ThreadPoolExecutor(max_workers=1) as pool:
            version = pool.submit(launch).result()
    except Exception as exc:  # a browser that cannot start: the message is Playwright's
        return Check(
            "chromium",
            "fail",
            f"Chromium không khởi động được: {exc}",
            "apt-get install --reinstall chromium",
        )
    return _ok("chromium", f"Chromium {version} chạy được (không giao diện).")


def _database(settings: Settings) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from rpa.ledger.engine import alembic_config, make_engine

    url = make_url(settings.ledger_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        file = Path(url.database or "")
        if not file.exists():  # make_engine would create it: the doctor only looks
            return Check(
                "database",
                "warn",
                f"Chưa có sổ cái {file}.",
                "lệnh đầu tiên của bot tạo sổ cái (ví dụ rpa runs list)",
            )
        if _too_open(file):  # it names citizens' dossiers and receipts
            mode = stat.filemode(file.stat().st_mode)
            return Check(
                "database", "fail", f"Sổ cái {file} để người khác đọc được ({mode}).", f"chmod 600 {file}"
            )
        engine = make_engine(settings.ledger_url)
    else:  # a database server that does not answer must not hang the doctor
        engine = create_engine(url, connect_args={"connect_timeout": int(TIMEOUT_S)})
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    except Exception as exc:  # unreachable server, wrong password, unreadable file
        return Check("database", "fail", f"Không mở được sổ cái {engine.url!r}: {exc}", "kiểm tra ledger_url")
    finally:
        engine.dispose()
    if current != head:
        return Check(
            "database",
            "warn",
            f"Sổ cái ở phiên bản {current or 'trống'}, mới nhất là {head}.",
            "rpa runs list (bot mở sổ cái là nâng cấp lên phiên bản mới nhất)",
        )
    return _ok("database", f"Sổ cái mở được, phiên bản {head}.")


def _systems(settings: Settings) -> list[tuple[str, str]]:
    systems = [("provincial", settings.provincial.base_url)]
    return systems + [(name, portal.base_url) for name, portal in settings.portals.items()]


def _reach(name: str, url: str) -> tuple[Check, float | None]:
    """The system's answer and, from its ``Date`` header, how far its clock is from ours (s)."""
    started = time.time()
    try:
        response = httpx.get(url, timeout=TIMEOUT_S, follow_redirects=False)
    except httpx.HTTPError as exc:
        return Check(
            f"portal.{name}", "fail", f"Không kết nối được {url}: {exc}", "kiểm tra mạng và base_url"
        ), None
    ours = (started + time.time()) / 2
    offset = None
    try:
        if date := response.headers.get("date"):
            offset = email.utils.parsedate_to_datetime(date).timestamp() - ours
    except (TypeError, ValueError):  # a malformed Date says nothing about the clock
        offset = None
    if response.status_code >= 500:
        detail = f"{url} trả lời lỗi {response.status_code}."
        return Check(f"portal.{name}", "fail", detail, "báo đơn vị quản lý cổng"), offset
    return _ok(f"portal.{name}", f"{url} trả lời ({response.status_code})."), offset


def _clock(settings: Settings, offsets: dict[str, float]) -> Check:
    if not offsets:
        return Check(
            "clock", "warn", "Không hệ thống nào cho biết giờ của nó để so.", "kiểm tra NTP: timedatectl"
        )
    name, worst = max(offsets.items(), key=lambda item: abs(item[1]))
    detail = f"Lệch nhiều nhất {worst:+.0f} giây so với {name} (giờ máy: {datetime.now(UTC):%H:%M:%S} UTC)."
    if abs(worst) > settings.lookup_clock_skew_s:
        return Check("clock", "fail", detail, "đồng bộ giờ: timedatectl set-ntp true")
    if abs(worst) > CLOCK_WARN_S:
        return Check("clock", "warn", detail, "đồng bộ giờ: timedatectl set-ntp true")
    return _ok("clock", detail)


def _disk(settings: Settings) -> Check:
    folder = settings.recordings_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    detail = f"Còn {free / (1 << 30):.1f} GB trống nơi lưu bằng chứng ({folder})."
    if free < DISK_FAIL:
        return Check("disk", "fail", detail, "giải phóng ổ đĩa hoặc rút ngắn thời hạn lưu ([retention])")
    if free < DISK_WARN:
        return Check("disk", "warn", detail, "giải phóng ổ đĩa")
    return _ok("disk", detail)


def _typed_in_the_clear(manifest: Path) -> bool:
    """A manifest of an older version keeps the typed values themselves."""
    try:
        return bool(json.loads(manifest.read_text(encoding="utf-8")).get("typed"))
    except (OSError, ValueError, AttributeError):
        return False  # an unreadable manifest is for rpa evidence verify to name


def _clear_evidence(settings: Settings) -> Check:
    """Evidence written before sealing at rest: screenshots and values still readable on disk."""
    from rpa.evidence.core import MANIFEST
    from rpa.vault import SUFFIX

    folders: list[Path] = []
    for folder in settings.recordings_dir.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/*"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        files = [f for f in folder.iterdir() if f.is_file() and not f.name.startswith(".")]
        clear = [f for f in files if not f.name.endswith(SUFFIX) and f.name != MANIFEST]
        manifest = folder / MANIFEST
        if clear or (manifest.is_file() and _typed_in_the_clear(manifest)):
            folders.append(folder)
    if not folders:
        return _ok("evidence", "Không còn bằng chứng nào lưu không mã hoá.")
    codes = sorted({folder.parent.name for folder in folders})
    return Check(
        "evidence",
        "warn",
        f"{len(folders)} lần gửi của {len(codes)} hồ sơ (ví dụ {codes[0]}) còn bằng chứng không mã hoá, "
        "ghi trước khi có mã hoá: ai đọc được thư mục là đọc được dữ liệu cá nhân.",
        "chúng bị xoá khi hết hạn lưu giữ ([retention]); xoá sớm hồ sơ đã xong: "
        "rpa evidence erase MÃ --reason ...",
    )


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    """``check()``, or a failed check naming the error: one broken check never stops the others."""
    try:
        return check()
    except Exception as exc:  # whatever it is, the operator sees it beside the other checks
        return Check(
            name, "fail", f"Không kiểm tra được: {type(exc).__name__}: {exc}", "báo kỹ sư kèm dòng này"
        )


def diagnose(settings: Settings, config_path: Path | None) -> list[Check]:
    """Every check, in the order an operator fixes things."""
    signing, master = settings.keys.signing_key_path(settings), settings.keys.master_key_path(settings)
    checks = [
        _guarded("config", lambda: _config(config_path)),
        _guarded("passwords", lambda: _passwords(settings)),
        _guarded("keys.signing", lambda: _key("keys.signing", signing, load_signing_key)),
        _guarded("keys.master", lambda: _key("keys.master", master, load_master_key)),
        _guarded("folders", lambda: _folders(settings)),
        _guarded("chromium", lambda: _chromium(settings)),
        _guarded("database", lambda: _database(settings)),
    ]
    offsets: dict[str, float] = {}
    for name, url in _systems(settings):
        try:
            check, offset = _reach(name, url)
        except Exception as exc:  # an invalid base_url (httpx.InvalidURL is no HTTPError): this portal only
            check, offset = Check(f"portal.{name}", "fail", f"{url}: {exc}", "kiểm tra base_url"), None
        checks.append(check)
        if offset is not None:
            offsets[name] = offset
    checks += [
        _guarded("clock", lambda: _clock(settings, offsets)),
        _guarded("disk", lambda: _disk(settings)),
        _guarded("evidence", lambda: _clear_evidence(settings)),
    ]
    return checks
