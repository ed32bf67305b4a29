"""The portal logs the bot out in the middle of the wizard: it logs in again and starts the application
over (the portal dropped the draft), and the ministry still gets exactly one application."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from rpa.domain import DossierStatus
from rpa.ledger import TransferState
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
S = TransferState


def _logged(world: World, text: str) -> bool:
    return any(text in record["message"] for record in world.log_records())


def test_session_expiry_mid_wizard_logs_in_again_without_a_duplicate(
    make_world: Callable[..., World],
) -> None:
    world = make_world("session")
    picked = next(
        d for d in generate(53, 30) if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)
    )
    (code,) = world.add(picked)
    world.knobs(latency_ms=800)  # every page is slow, so the idle clock can run out between two steps
    bot = subprocess.Popen(world.command("transfer", code, "--json"), cwd=world.root, env=world.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not any("b-family" in p.name for f in world.evidence_folders(code) for p in f.iterdir()):
            assert bot.poll() is None, bot.communicate()
            assert time.monotonic() < deadline, "the wizard never reached step B"
            time.sleep(0.1)
        world.knobs(session_idle_s=0.3)  # the next request finds the session expired
        while not _logged(world, "logging in again"):
            assert bot.poll() is None, bot.communicate()
            assert time.monotonic() < deadline, "the expiry was never noticed"
            time.sleep(0.1)
        world.knobs(session_idle_s=900, latency_ms=0)
        stdout, stderr = bot.communicate(timeout=180)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == 0, stderr
    assert json.loads(stdout)["state"] == "written_back"
    assert len(world.applications()) == 1
    trail = [e.to_state for e in world.events(code)]
    assert trail == [S.QUEUED, S.FILLING, S.SUBMITTING, S.SUBMITTED, S.WRITTEN_BACK]
    assert len(world.evidence_folders(code)) == 2  # the abandoned attempt keeps its evidence
