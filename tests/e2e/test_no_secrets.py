"""Issue 11, test 5: nothing a run writes holds the portal password, a session cookie or a CAPTCHA reading.

Real transfers against the sandbox portal in headless Chromium, with an account whose password is long
and unique: one that fails after the login with the trace kept on failure, one kept always, one that
logs in through a CAPTCHA a person reads (and then fails, so its trace is kept too). Then every file
under the bots' folders (evidence, work folder, ledger, JSON log, alerts) and what the commands printed
is scanned, zips (the traces) opened recursively. The saved login state is the one place a session
cookie may live, sealed: it is scanned too (it holds no cookie in the clear), and must be owner-only
and outside the evidence.
"""

from __future__ import annotations

import io
import json
import secrets
import stat
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from flows import SELECTORS_DIR
from rpa.domain import DossierStatus
from rpa.evidence.opening import open_attempt_file
from rpa.portal.browser import session_scope
from rpa.sandbox.seed import generate
from rpa.vault import vault_for

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

VALID = [d for d in generate(47, 30) if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)]
USERNAME = "rpa.no-secrets"
PRIMARY_FULL_NAME = '    - {label: Họ và tên, exact: true}\n    - {css: "#fullName"}\n'


def _drifting_maps(folder: Path) -> Path:
    """Selector maps whose step-A name field matches nothing: the attempt fails after the login."""
    folder.mkdir()
    shipped = (SELECTORS_DIR / "moj-lltp.yaml").read_text(encoding="utf-8")
    assert PRIMARY_FULL_NAME in shipped, "the shipped map changed: update this test's drift"
    drifted = shipped.replace(PRIMARY_FULL_NAME, '    - {css: "#no-such-field-after-login"}\n')
    (folder / "moj-lltp.yaml").write_text(drifted, encoding="utf-8")
    return folder


def _configure(world: World, password: str, **extra: Any) -> None:
    """The bots' configuration with the no-secrets account on the ministry portal, and ``extra``."""
    portals: dict[str, dict[str, Any]] = {}
    for name, portal in world.settings.portals.items():
        account = {
            "username": portal.account.username,
            "password": portal.account.password.get_secret_value(),
        }
        portals[name] = {"base_url": portal.base_url, "account": account}
    portals["moj-lltp"]["account"] = {"username": USERNAME, "password": password}
    world.reconfigure(portals=portals, browser={"step_timeout_ms": 4000}, breaker_cooldown_s=3600, **extra)


def _state_files(world: World) -> list[Path]:
    return sorted((world.settings.work_dir / "browser-state").glob("*"))


def _cookie_values(world: World) -> set[str]:
    """The portal session cookies the browser holds, read from the saved login state (opened)."""
    values: set[str] = set()
    vault = vault_for(world.settings)
    for path in _state_files(world):
        assert path.name.endswith(".json.enc"), path
        state = json.loads(vault.read(session_scope("moj-lltp"), path, path.name.removesuffix(".enc")))
        values |= {cookie["value"] for cookie in state["cookies"] if len(cookie["value"]) >= 16}
    return values


def _contents(
    name: str, data: bytes, opener: Callable[[Path], bytes] | None = None
) -> Iterator[tuple[str, bytes]]:
    """``data`` and, for a zip, every member's bytes (recursively), each named by its path; a sealed
    evidence file opened too (a supervisor downloads the trace opened: it must hold no secret either)."""
    yield name, data
    if opener is not None and name.endswith(".enc") and "/recordings/" in name:
        yield from _contents(f"{name}(opened)", opener(Path(name)))
        return
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield from _contents(f"{name}!{member}", archive.read(member))


def _leaks(
    files: list[Path],
    printed: list[str],
    needles: dict[str, str],
    opener: Callable[[Path], bytes] | None = None,
) -> list[str]:
    """``what in where`` for every needle found in a file (zips and sealed evidence opened) or in a
    command's output."""
    found = []
    blobs: list[tuple[str, bytes]] = [(f"output {i}", text.encode()) for i, text in enumerate(printed)]
    for path in files:
        blobs.extend(_contents(str(path), path.read_bytes(), opener))
    for where, data in blobs:
        text = data.decode("utf-8", errors="replace")
        for what, needle in needles.items():
            if needle.encode() in data or needle in text:
                found.append(f"{what} in {where}")
    return found


def test_no_password_cookie_or_captcha_reading_in_what_a_failed_run_writes(
    make_world: Callable[..., World], tmp_path: Path
) -> None:
    world = make_world("no-secrets", lease_s=300)  # a drift waits out the step timeouts
    password = "Pw-" + secrets.token_hex(24)  # long and unique: any occurrence is a leak
    httpx.post(
        f"{world.moj}/_sandbox/accounts", json={"username": USERNAME, "password": password}, timeout=10
    ).raise_for_status()
    first, second, third = world.add(*VALID[:3])
    drift = _drifting_maps(tmp_path / "selectors")
    printed: list[str] = []
    cookies: set[str] = set()

    def transfer(code: str) -> dict[str, Any]:
        done = world.rpa("transfer", code, "--json")
        printed.extend([done.stdout, done.stderr])
        assert done.stdout.strip(), done.stderr
        out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        assert world.rpa("breaker", "reset", "moj-lltp").returncode == 0
        cookies.update(_cookie_values(world))
        return out

    # 1. a fresh login, then the portal "changes" on step A: failed, trace kept on failure
    _configure(world, password, keep_trace="on_failure", selectors_dir=str(drift))
    out = transfer(first)
    assert out["state"] == "queued", (out, printed[-1][-3000:])
    # 2. the saved login, the trace kept always
    _configure(world, password, keep_trace="always", selectors_dir=str(drift))
    assert transfer(second)["state"] == "queued"

    # 3. the login goes through a CAPTCHA a person reads, and the attempt fails after it
    for path in _state_files(world):
        path.unlink()  # the saved login would skip the login page
    world.knobs(captcha=True)
    _configure(world, password, keep_trace="always", selectors_dir=str(drift), captcha_wait_s=120)
    bot = subprocess.Popen(world.command("transfer", third, "--json"), cwd=world.root, env=world.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not (requests := json.loads(world.rpa("captcha", "list", "--json").stdout)["requests"]):
            assert bot.poll() is None, bot.communicate()
            assert time.monotonic() < deadline, "no CAPTCHA request appeared"
            time.sleep(0.5)
        answer = httpx.get(f"{world.moj}/_sandbox/captcha", timeout=10).json()["answer"]
        # typed in alternating case (the portal ignores case): such a string shows up nowhere by chance
        reading = "".join(c.lower() if i % 2 else c.upper() for i, c in enumerate(answer))
        given = world.rpa("captcha", "answer", requests[0]["id"], reading)
        assert given.returncode == 0, given.stderr
        printed.extend([given.stdout, given.stderr])
        stdout, stderr = bot.communicate(timeout=180)
    finally:
        if bot.poll() is None:
            bot.kill()
    printed.extend([stdout, stderr])
    assert json.loads(stdout.strip().splitlines()[-1])["state"] == "queued", stderr
    cookies.update(_cookie_values(world))
    assert world.applications() == []

    # the runs really did what this test is about: logged in twice, failed after it, kept the traces
    assert len(cookies) >= 2, cookies
    traces = sorted(world.settings.recordings_dir.rglob("trace.zip.enc"))
    assert len(traces) == 3, traces
    log_file = world.settings.log_file
    assert log_file is not None and log_file.stat().st_size > 0
    assert (world.settings.work_dir / "alerts.jsonl").is_file()

    # the saved login state is the one place a session cookie may be: sealed, owner-only, outside the
    # evidence, and scanned with the rest (the cookie is not in it in the clear)
    (state,) = _state_files(world)
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert not state.resolve().is_relative_to(world.settings.recordings_dir.resolve())
    files = [
        p
        for p in world.root.rglob("*")
        if p.is_file()
        and p != world.config  # the configuration holds the password: it is where it belongs
        and not p.is_relative_to(world.running.data_dir)  # the sandboxes' own stores
    ]
    written = {world.settings.recordings_dir, world.settings.work_dir, log_file.parent}
    assert all(any(p.is_relative_to(folder) for p in files) for folder in written)
    assert any(p.name.startswith("rpa-ledger.sqlite") for p in files)
    needles = {"the password": password, "the CAPTCHA reading": reading}
    needles |= {f"session cookie {i}": value for i, value in enumerate(sorted(cookies))}
    vault = vault_for(world.settings)

    def opener(path: Path) -> bytes:  # <recordings>/YYYY/MM/DD/<code>/<attempt>/<name>.enc
        return open_attempt_file(vault, path.parent.parent.name, path)

    leaks = _leaks(files, printed, needles, opener)
    assert not leaks, "\n".join(leaks)
