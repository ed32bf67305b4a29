"""SIGTERM (systemd stop, an operator's kill): the current transfer reaches a safe state, no new one
starts, and no Chromium process is left behind."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import psutil
import pytest

from rpa.domain import DossierStatus
from rpa.ledger import TransferState
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
S = TransferState


def test_sigterm_finishes_the_current_transfer_and_stops(make_world: Callable[..., World]) -> None:
    world = make_world("sigterm")
    valid = [
        d for d in generate(47, 30) if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)
    ]
    codes = world.add(*valid[:4])
    bot = subprocess.Popen(world.command("run", "--once", "--json"), cwd=world.root, env=world.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not world.applications():
            assert bot.poll() is None, bot.communicate()
            assert time.monotonic() < deadline, "no dossier was submitted"
            time.sleep(0.2)
        chromium = [p for p in psutil.Process(bot.pid).children(recursive=True) if "chromium" in p.name()]
        assert chromium
        bot.send_signal(signal.SIGTERM)
        stdout, stderr = bot.communicate(timeout=120)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == 0, stderr
    summary = json.loads(stdout)
    states = {code: world.transfer(code) for code in codes}
    done = [c for c, t in states.items() if t is not None and t.state is S.WRITTEN_BACK]
    waiting = [c for c, t in states.items() if t is not None and t.state is S.QUEUED]
    assert 1 <= len(done) < len(codes) and len(done) + len(waiting) == len(codes), states
    assert summary["processed"] == len(done)
    assert len(world.applications()) == len(done)  # nothing half-submitted
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in chromium)
