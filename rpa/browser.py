"""Debian's Chromium driven by Playwright: one browser per worker, a fresh context per dossier.

Login state is saved per portal account (a file only its owner can read) so that a worker does not
log in again for every dossier; a flow that finds the saved session expired logs in again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from pydantic import BaseModel

__all__ = ["CHROMIUM_ARGS", "BrowserSettings", "new_context", "open_browser", "save_login_state"]

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
def open_browser(settings: BrowserSettings) -> Iterator[Browser]:
    """Launch Chromium and close it, and the Playwright driver with it, whatever happens."""
    playwright: Playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(settings.executable_path), headless=settings.headless, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def _state_file(settings: BrowserSettings, portal: str, username: str) -> Path:
    return settings.state_dir / f"{portal}-{username}.json"


@contextmanager
def new_context(
    browser: Browser, settings: BrowserSettings, portal: str, username: str
) -> Iterator[BrowserContext]:
    """A fresh context (memory stays flat over long runs) starting from the account's saved login."""
    state = _state_file(settings, portal, username)
    context = browser.new_context(
        storage_state=str(state) if state.is_file() else None,
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


def save_login_state(context: BrowserContext, settings: BrowserSettings, portal: str, username: str) -> Path:
    """Keep the session cookies for the next dossier; the file grants access, so owner-only."""
    settings.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _state_file(settings, portal, username)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    context.storage_state(path=str(path))
    os.chmod(path, 0o600)
    return path
