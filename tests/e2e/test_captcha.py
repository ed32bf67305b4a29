"""CAPTCHA hand-off: the bot never reads a CAPTCHA; it waits for a person, then goes on.

The test plays the person: it reads the CAPTCHA's answer through the sandbox's control API (what a
clerk would read off the image) and gives it with `rpa captcha answer`.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rpa.domain import DossierStatus
from rpa.ledger import TransferState
from rpa.operations.alerts import read_alerts
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
S = TransferState


VALID = [d for d in generate(41, 30) if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)]


def _with_captcha(world: World, wait_s: float) -> None:
    """CAPTCHA on at the portal, and the bots told how long to wait for a person."""
    world.knobs(captcha=True)
    world.reconfigure(captcha_wait_s=wait_s)


def _open_requests(world: World) -> list[dict[str, Any]]:
    out = world.rpa("captcha", "list", "--json", timeout=60)
    assert out.returncode == 0, out.stderr
    requests: list[dict[str, Any]] = json.loads(out.stdout)["requests"]
    return requests


def test_a_person_reads_the_captcha_and_the_dossier_goes(make_world: Callable[..., World]) -> None:
    world = make_world("captcha")
    (code, second) = world.add(*VALID[:2])
    _with_captcha(world, wait_s=120)
    bot = subprocess.Popen(world.command("transfer", code, "--json"), cwd=world.root, env=world.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not (requests := _open_requests(world)):
            assert bot.poll() is None, bot.communicate()
            assert time.monotonic() < deadline, "no CAPTCHA request appeared"
            time.sleep(0.5)
        (request,) = requests
        assert request["dossier_code"] == code
        with open(request["image"], "rb") as image:
            assert image.read(8) == b"\x89PNG\r\n\x1a\n"
        transfer = world.transfer(code)
        assert transfer is not None and transfer.state is S.WAITING_HUMAN
        assert [a["kind"] for a in read_alerts(world.settings.work_dir)] == ["captcha"]
        assert world.applications() == []

        answer = httpx.get(f"{world.moj}/_sandbox/captcha", timeout=10).json()["answer"]
        given = world.rpa("captcha", "answer", request["id"], answer.lower(), timeout=60)
        assert given.returncode == 0, given.stderr
        stdout, stderr = bot.communicate(timeout=120)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == 0, stderr
    assert json.loads(stdout)["state"] == "written_back"
    assert len(world.applications()) == 1
    trail = [e.to_state for e in world.events(code)]
    assert trail == [
        S.QUEUED,
        S.FILLING,
        S.WAITING_HUMAN,
        S.FILLING,
        S.SUBMITTING,
        S.SUBMITTED,
        S.WRITTEN_BACK,
    ]
    assert _open_requests(world) == []
    # the login is saved: the next dossier needs no CAPTCHA although the portal still shows one
    assert world.rpa_json("transfer", second)["state"] == "written_back"


def test_an_unanswered_captcha_times_out_back_to_the_queue(make_world: Callable[..., World]) -> None:
    world = make_world("captcha-timeout")
    (code,) = world.add(VALID[2])
    _with_captcha(world, wait_s=2)
    out = world.rpa_json("transfer", code, expect_exit=1)
    assert out["state"] == "queued"
    transfer = world.transfer(code)
    assert transfer is not None and transfer.state is S.QUEUED
    last = world.events(code)[-1]
    assert last.from_state is S.WAITING_HUMAN and "cần người hỗ trợ" in last.reason
    assert world.applications() == []
    listed = world.rpa("captcha", "list", "--json", timeout=60)
    assert json.loads(listed.stdout)["requests"] == []  # the expired request is no longer open


def test_sigterm_during_a_captcha_wait_cancels_it_and_stops_at_once(make_world: Callable[..., World]) -> None:
    world = make_world("captcha-sigterm")
    (code,) = world.add(VALID[3])
    _with_captcha(world, wait_s=600)  # a stop must not wait ten minutes for a person
    bot = subprocess.Popen(world.command("run", "--once", "--json"), cwd=world.root, env=world.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _open_requests(world):
            assert bot.poll() is None, bot.communicate()
            assert time.monotonic() < deadline, "the bot never asked for a CAPTCHA"
            time.sleep(0.5)
        stopped_at = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        _, stderr = bot.communicate(timeout=120)
    finally:
        if bot.poll() is None:
            bot.kill()
    assert bot.returncode == 0, stderr
    assert time.monotonic() - stopped_at < 60
    transfer = world.transfer(code)
    assert transfer is not None and transfer.state is S.QUEUED  # safe: nothing was submitted
    assert "cancelled before anyone answered" in world.events(code)[-1].reason
    assert _open_requests(world) == [] and world.applications() == []
