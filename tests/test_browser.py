from __future__ import annotations

import json
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
from loguru import logger
from playwright.sync_api import Browser
from sealed_support import assert_sealed, make_vault

from rpa.portal.browser import BrowserSettings, new_context, open_browser, reap_orphans, save_login_state
from rpa.vault import Vault


def _chromium_processes() -> set[psutil.Process]:
    """Chromium processes descending from this test process."""
    return {p for p in psutil.Process().children(recursive=True) if "chromium" in p.name()}


def test_context_per_dossier_saved_login_and_no_process_left(tmp_path: Path) -> None:
    # pytest-playwright may already run a sync Playwright on this thread; a worker owns its own thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_check_contexts, tmp_path).result()


def _check_contexts(tmp_path: Path) -> None:
    before = _chromium_processes()  # pytest-playwright's own session browser may be running
    settings = BrowserSettings(state_dir=tmp_path / "state")
    vault = make_vault(tmp_path / "vault")
    with open_browser(settings) as browser:
        ours = _chromium_processes() - before
        assert ours
        with new_context(browser, settings, "moj-lltp", "canbo", vault=vault) as context:
            context.add_cookies([{"name": "MOJSESSID", "value": COOKIE, "url": "http://127.0.0.1:9"}])
            saved = save_login_state(context, settings, "moj-lltp", "canbo", vault=vault)
        assert saved.name == "moj-lltp-canbo.json.enc"
        assert_sealed(saved, COOKIE.encode(), b"MOJSESSID")
        with new_context(browser, settings, "moj-lltp", "canbo", vault=vault) as context:
            assert [c["value"] for c in context.cookies("http://127.0.0.1:9")] == [COOKIE]
        with new_context(browser, settings, "moj-lltp", "other", vault=vault) as context:
            assert context.cookies("http://127.0.0.1:9") == []
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in ours)


CRASHING_WORKER = """
import subprocess, sys, time
from pathlib import Path
from rpa.portal.browser import BrowserSettings, open_browser
# A child that outlives its parent for sure (Chromium and the driver usually notice and exit by
# themselves, but not always at once): the reaper must find it through the registry.
subprocess.Popen(["sleep", "120"])
with open_browser(BrowserSettings(), Path(sys.argv[1])):
    print("up", flush=True)
    time.sleep(60)
"""


def test_the_browser_of_a_killed_worker_is_reaped_at_the_next_start(tmp_path: Path) -> None:
    registry = tmp_path / "browsers"
    worker = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WORKER, str(registry)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "up"
        left = [p for p in psutil.Process(worker.pid).children(recursive=True)]
        assert any("chromium" in p.name() for p in left)
        (entry,) = registry.glob("*.json")
        folders = [Path(f) for f in json.loads(entry.read_text())["folders"]]
        assert any(f.name.startswith("playwright_chromiumdev_profile-") for f in folders), folders
        assert any(f.parent == registry for f in folders), "downloads and traces go to the registry"
        worker.send_signal(signal.SIGKILL)  # a crash: nothing gets closed
        worker.wait(timeout=10)
        assert all(f.is_dir() for f in folders)
        assert reap_orphans(registry) >= 1  # at least the sleeping child
        assert not any(f.exists() for f in folders), (
            "a dead worker's profile, downloads and traces are removed"
        )
        psutil.wait_procs(left, timeout=10)
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in left)
        assert list(registry.iterdir()) == []
        assert reap_orphans(registry) == 0
    finally:
        if worker.poll() is None:
            worker.kill()


COOKIE = "s3ss10n-c00k1e-0f-the-p0rtal-7f3a9c"
"""A cookie value long and odd enough to be found nowhere by chance."""


def test_a_saved_login_that_does_not_open_is_ignored_with_a_log_line(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_check_unopenable, tmp_path).result()


def _check_unopenable(tmp_path: Path) -> None:
    settings = BrowserSettings(state_dir=tmp_path / "state")
    vault = make_vault(tmp_path / "vault")
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level="WARNING")
    try:
        with open_browser(settings) as browser:
            saved = _save_cookie(browser, settings, vault, "canbo")
            sealed = saved.read_bytes()
            saved.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))  # altered: the tag fails
            assert _cookies(browser, settings, vault, "canbo") == []
            # moved to another account's name: bound to its own name, it does not open either
            saved.write_bytes(sealed)
            saved.rename(saved.with_name("moj-lltp-khac.json.enc"))
            assert _cookies(browser, settings, vault, "khac") == []
            # sealed under another installation's keys (the master key changed, the ledger lost)
            _save_cookie(browser, settings, make_vault(tmp_path / "other"), "canbo")
            assert _cookies(browser, settings, vault, "canbo") == []
    finally:
        logger.remove(sink)
    ignored = [line for line in lines if "does not open" in line]
    assert len(ignored) == 3, lines
    assert all(COOKIE not in line for line in lines)


def _save_cookie(browser: Browser, settings: BrowserSettings, vault: Vault, username: str) -> Path:
    with new_context(browser, settings, "moj-lltp", username, vault=vault) as context:
        context.add_cookies([{"name": "MOJSESSID", "value": COOKIE, "url": "http://127.0.0.1:9"}])
        return save_login_state(context, settings, "moj-lltp", username, vault=vault)


def _cookies(browser: Browser, settings: BrowserSettings, vault: Vault, username: str) -> list[str]:
    with new_context(browser, settings, "moj-lltp", username, vault=vault) as context:
        return [c["value"] for c in context.cookies("http://127.0.0.1:9")]
