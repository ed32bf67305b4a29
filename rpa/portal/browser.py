"""Debian's Chromium driven by Playwright: one browser per worker, a fresh context per dossier.

Login state is saved per portal account so that a worker does not log in again for every dossier; a
flow that finds the saved session expired logs in again. The saved state holds session cookies: it is
sealed under the portal's sessions key (``session:<portal>``, :mod:`rpa.vault`) as ``<name>.json.enc``,
owner-only, and opened into memory only, for the browser context.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from pydantic import BaseModel

from rpa.private_files import DIR_MODE, private_dir, write_private
from rpa.vault import SUFFIX, SealedDataError, Vault

__all__ = [
    "CHROMIUM_ARGS",
    "BrowserSettings",
    "new_context",
    "open_browser",
    "reap_orphans",
    "save_login_state",
    "session_scope",
]

# Without the background-networking flags Chromium keeps dialling Google's hosts, which these closed
# networks refuse many times a second; --no-sandbox because the workers run as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


class BrowserSettings(BaseModel):
    executable_path: Path = Path(os.environ.get("RPA_CHROMIUM", "/usr/bin/chromium"))
    headless: bool = True
    step_timeout_ms: int = 15_000
    navigation_timeout_ms: int = 30_000
    state_dir: Path = Path("browser-state")


@contextmanager
def open_browser(settings: BrowserSettings, registry: Path | None = None) -> Iterator[Browser]:
    """Launch Chromium and close it, and the Playwright driver with it, whatever happens.

    A worker killed outright (SIGKILL, the OOM killer) cannot close anything: its driver and Chromium
    live on as orphans, and their files stay behind (Chromium's temporary profile; downloads, which
    may be a citizen's attachments, and traces). With ``registry``, downloads and traces go to a
    folder of this browser inside it, the processes and folders of this browser are written down
    there, and the next worker to start kills and removes the leftovers of dead ones
    (:func:`reap_orphans`).
    """
    playwright: Playwright = sync_playwright().start()
    entry = None
    files = None
    try:
        if registry is not None:
            private_dir(registry)
            files = Path(tempfile.mkdtemp(prefix="files-", dir=registry))
        browser = playwright.chromium.launch(
            executable_path=str(settings.executable_path),
            headless=settings.headless,
            args=CHROMIUM_ARGS,
            downloads_path=None if files is None else files / "downloads",
            traces_dir=None if files is None else files / "traces",
        )
        if files is not None:
            entry = _register(files)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if files is not None:
            shutil.rmtree(files, ignore_errors=True)
        if entry is not None:
            entry.unlink(missing_ok=True)


PROFILE_FLAG = "--user-data-dir="
TEMPORARY_PROFILE = "playwright_chromiumdev_profile-"
"""How Playwright names the temporary profile it gives Chromium (``--user-data-dir``)."""


def _register(files: Path) -> Path:
    """Write down this browser's processes and folders in the registry that holds ``files``."""
    me = psutil.Process()
    children = me.children(recursive=True)
    processes = [{"pid": p.pid, "started": p.create_time()} for p in children]
    profiles = {
        a.removeprefix(PROFILE_FLAG) for p in children for a in _cmdline(p) if a.startswith(PROFILE_FLAG)
    }
    temporary = {d for d in profiles if Path(d).name.startswith(TEMPORARY_PROFILE)}
    entry = files.parent / f"{me.pid}.json"
    record = {
        "worker": me.pid,
        "started": me.create_time(),
        "processes": processes,
        "folders": sorted({str(files)} | temporary),
    }
    write_private(entry, json.dumps(record))
    return entry


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:  # it ended meanwhile
        return []


def reap_orphans(registry: Path) -> int:
    """Kill the browser processes of workers that died without closing them, and remove their files
    (temporary profile, downloads, traces); how many processes were killed.

    A process counts only if its pid and start time both match, so a reused pid is never touched.
    """
    killed = 0
    for entry in registry.glob("*.json") if registry.is_dir() else ():
        record = json.loads(entry.read_text())
        if _alive(record["worker"], record["started"]):
            continue
        left = [psutil.Process(p["pid"]) for p in record["processes"] if _alive(p["pid"], p["started"])]
        for process in left:
            process.kill()
        killed += len(left)
        psutil.wait_procs(left, timeout=10)  # a dying Chromium may still write to its profile
        for folder in record.get("folders", []):
            shutil.rmtree(folder, ignore_errors=True)
        entry.unlink(missing_ok=True)
    return killed


def _alive(pid: int, started: float) -> bool:
    try:
        process = psutil.Process(pid)
        return abs(process.create_time() - started) < 0.01 and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def session_scope(portal: str) -> str:
    """The key the saved logins of ``portal`` are sealed under."""
    return f"session:{portal}"


def _state_file(settings: BrowserSettings, portal: str, username: str, session: int = 1) -> Path:
    """The saved login of one of the account's sessions (see ``PortalSettings.max_sessions``), sealed."""
    suffix = "" if session <= 1 else f"-{session}"
    return settings.state_dir / f"{portal}-{username}{suffix}.json{SUFFIX}"


def _saved_state(vault: Vault, portal: str, path: Path) -> dict[str, Any] | None:
    """The saved login at ``path``, or None when there is none or it does not open (altered, sealed
    for another portal or name, its key erased or missing): the flow then logs in again."""
    if not path.is_file():
        return None
    try:
        state = json.loads(vault.read(session_scope(portal), path, path.name.removesuffix(SUFFIX)))
    except (SealedDataError, LookupError, ValueError, OSError) as exc:
        logger.warning("saved login {} does not open ({}): ignored, the portal is logged in again", path, exc)
        return None
    if not isinstance(state, dict):
        logger.warning("saved login {} holds no browser state: ignored, the portal is logged in again", path)
        return None
    return state


@contextmanager
def new_context(
    browser: Browser, settings: BrowserSettings, portal: str, username: str, session: int = 1, *, vault: Vault
) -> Iterator[BrowserContext]:
    """A fresh context (memory stays flat over long runs) starting from the saved login of ``session``."""
    state = _saved_state(vault, portal, _state_file(settings, portal, username, session))
    context = browser.new_context(
        storage_state=state,  # type: ignore[arg-type]  # Playwright's StorageState is a TypedDict
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        accept_downloads=True,
    )
    context.set_default_timeout(settings.step_timeout_ms)
    context.set_default_navigation_timeout(settings.navigation_timeout_ms)
    try:
        yield context
    finally:
        context.close()


def save_login_state(
    context: BrowserContext,
    settings: BrowserSettings,
    portal: str,
    username: str,
    session: int = 1,
    *,
    vault: Vault,
) -> Path:
    """Keep the session cookies for the next dossier, sealed (they grant access), owner-only.

    It is the one file that may hold a session cookie: never evidence, never a log. Sealed here from
    memory rather than written by Playwright (``storage_state(path=...)`` writes it in the clear),
    atomically, so another worker never reads half of it. A login saved in the clear by an older
    version is removed.
    """
    private_dir(settings.state_dir)
    os.chmod(settings.state_dir, DIR_MODE)  # the bot's own folder: an older, wider one is narrowed
    path = _state_file(settings, portal, username, session)
    data = json.dumps(context.storage_state()).encode("utf-8")
    vault.write(session_scope(portal), path, data, path.name.removesuffix(SUFFIX), exclusive=False)
    path.with_name(path.name.removesuffix(SUFFIX)).unlink(missing_ok=True)
    return path
