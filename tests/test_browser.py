from __future__ import annotations

import json
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from rpa.portal.browser import BrowserSettings, new_context, open_browser, reap_orphans, save_login_state


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
    with open_browser(settings) as browser:
        ours = _chromium_processes() - before
        assert ours
        with new_context(browser, settings, "moj-lltp", "canbo") as context:
            context.add_cookies([{"name": "MOJSESSID", "value": "abc", "url": "http://127.0.0.1:9"}])
            saved = save_login_state(context, settings, "moj-lltp", "canbo")
        assert saved.stat().st_mode & 0o777 == 0o600
        with new_context(browser, settings, "moj-lltp", "canbo") as context:
            assert [c["value"] for c in context.cookies("http://127.0.0.1:9")] == ["abc"]
        with new_context(browser, settings, "moj-lltp", "other") as context:
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
