"""A bot killed right after the final click: the next run settles the dossier by look-up, never twice.

No hook in the product: the ministry portal is made slow (knob ``latency_ms``, applied before each
request is handled) once the bot is on the last steps, so after the application is stored the browser
still waits seconds for the receipt page. The test sees the application appear through the control
API (exempt from latency) and SIGKILLs the bot at that moment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
import pytest

from rpa.domain import DossierStatus
from rpa.evidence.opening import read_values
from rpa.ledger import TransferState
from rpa.sandbox.seed import generate
from rpa.vault import vault_for

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

S = TransferState
SLOW_MS = 3000
"""Portal latency once the bot is on the last steps: the window between storing and the receipt page."""


def _wait_for(what: str, check: Callable[[], bool], timeout_s: float, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if process.poll() is not None:
            raise AssertionError(f"the bot ended (exit {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.parametrize("lease_s", [5.0, 300.0], ids=["lease-runs-out", "holder-seen-dead"])
def test_a_crash_after_the_final_click_ends_submitted_through_lookup(
    make_world: Callable[..., World], lease_s: float
) -> None:
    # With a short lease the next run takes over once it ran out; with a long one it takes over at
    # once, seeing that the holder's process is gone from this machine: the same look-up either way.
    world = make_world("crash", lease_s=lease_s)
    dossier = next(
        d
        for d in generate(3, 30)
        if d.flaw is None and d.tricky is None and d.data["status"] == int(DossierStatus.ACCEPTED)
    )
    (code,) = world.add(dossier)
    number = world.dossiers()[code]["identity_number"]

    # 1. The bot fills the form at full speed; from step C on, the portal turns slow.
    bot = subprocess.Popen(
        world.command("transfer", code, "--json"),
        cwd=world.root,
        env=world.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    children: list[psutil.Process] = []
    try:
        _wait_for(
            "the step C screenshot",
            lambda: any(f.glob("*-c-residences.png*") for f in world.evidence_folders(code)),
            120,
            bot,
        )
        world.knobs(latency_ms=SLOW_MS)
        _wait_for("the application on the portal", lambda: bool(world.applications_of(number)), 120, bot)
        children = psutil.Process(bot.pid).children(recursive=True)
        os.kill(bot.pid, signal.SIGKILL)  # the crash: right after the portal stored the application
        bot.wait(timeout=10)
    finally:
        world.knobs(latency_ms=0)
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=10)
        for child in children:  # no Chromium left behind by the test (a SIGKILL leaves them today)
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        psutil.wait_procs(children, timeout=10)
    assert bot.returncode == -signal.SIGKILL
    assert "written_back" not in (bot.stdout.read() if bot.stdout else "")
    if bot.stdout:
        bot.stdout.close()
    if bot.stderr:
        bot.stderr.close()
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]

    (application,) = world.applications_of(number)
    receipt = application["receipt"]
    crashed = world.transfer(code)
    assert crashed is not None and crashed.state is S.SUBMITTING, "submitting is committed before the click"
    assert crashed.receipt_code is None
    assert world.dossiers()[code]["receipt_codes"] == []
    assert world.sms(code) == []

    # 2. The next scheduled run settles it by looking it up.
    assert crashed.lease_expires_at is not None
    if lease_s < 60:
        time.sleep(max(0.0, (crashed.lease_expires_at - datetime.now(UTC)).total_seconds()) + 0.5)
    else:
        assert crashed.lease_expires_at > datetime.now(UTC) + timedelta(seconds=200)  # not waited out
    summary = world.rpa_json("run", "--once")
    (outcome,) = [o for o in summary["outcomes"] if o["dossier_code"] == code]
    assert (outcome["state"], outcome["receipt_code"]) == ("written_back", receipt), (
        summary,
        [(e.from_state, e.to_state, e.actor, e.reason) for e in world.events(code)],
    )

    assert world.applications_of(number) == [application], "the look-up must never submit again"
    assert len(world.applications()) == 1
    settled = world.transfer(code)
    assert settled is not None and settled.state is S.WRITTEN_BACK and settled.receipt_code == receipt
    events = [e for e in world.events(code) if e.from_state != e.to_state]  # notes left aside
    path = [e.to_state for e in events]
    assert path == [S.QUEUED, S.FILLING, S.SUBMITTING, S.UNCERTAIN, S.SUBMITTED, S.WRITTEN_BACK], path
    ended_early = [e for e in world.events(code) if "its process is gone from this machine" in e.reason]
    assert len(ended_early) == (0 if lease_s < 60 else 1), [e.reason for e in world.events(code)]
    found = events[4]
    assert "tra cứu" in found.reason and receipt in found.reason, found.reason
    assert found.evidence and all(os.path.exists(p) for p in found.evidence)
    assert len(world.evidence_folders(code)) == 2  # the killed attempt and the look-up
    values = read_values(vault_for(world.settings), code, Path(found.evidence[0]))
    assert receipt in values["extra"]["found"], values["extra"]

    after = world.dossiers()[code]
    assert after["receipt_codes"] == [receipt]
    assert after["status"] == int(DossierStatus.PROCESSING)
    messages = world.sms(code)
    assert len(messages) == 1 and receipt in str(messages[0]), messages
