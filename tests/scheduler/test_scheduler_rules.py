"""The portal's operating rules under the real scheduler (and `rpa run --once`, `rpa transfer`).

Outside the working hours nothing is submitted: transfers stay queued, the log and a clerk's push say
why. With ``max_per_minute = 1`` one submission starts, the next waits for the minute to pass: the test
sees the wait in the log and in the ledger's count, then SIGTERM ends the wait at once.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime

import psutil
import pytest
from scheduler_support import VN, SchedulerWorld, wait_for

from flows.judicial_record import FLOW
from rpa.operations.rules import RateLimit

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

FAST = {"poll_every_s": 1, "queue_every_s": 1, "sync_every_s": 600, "health_every_s": 600}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_outside_the_working_hours_nothing_is_submitted_and_the_log_says_why(
    make_world: Callable[[str], SchedulerWorld],
) -> None:
    world = make_world("hours")
    other_day = DAYS[(datetime.now(VN).weekday() + 2) % 7]
    world.configure(FAST, working_hours=[f"{other_day} 07:00-21:00"])
    (code,) = world.add_valid(1, seed=47)
    bot = world.start()
    reason = "outside the working hours of moj-lltp"
    wait_for("two queue passes held back", lambda: len(world.logged(reason)) >= 2, 60, bot)
    assert not bot.browsers()  # a pass that can only find the portal closed opens no Chromium
    bot.signal(signal.SIGTERM)
    assert bot.wait(timeout=60) == 0, bot.tail()

    summary = world.rpa("run", "--once", "--json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["processed"] == 0
    pushed = world.rpa("transfer", code, "--json")
    assert pushed.returncode == 1, pushed.stderr
    outcome = json.loads(pushed.stdout)
    assert outcome["state"] == "queued"
    assert f"Ngoài giờ làm việc của cổng moj-lltp ({other_day} 07:00-21:00)" in outcome["error"]

    transfer = world.transfers([code])[code]
    assert transfer is not None and transfer.state.value == "queued" and transfer.attempts == 0
    assert world.applications() == []


def test_the_rate_limit_holds_the_next_submission_and_sigterm_ends_the_wait(
    make_world: Callable[[str], SchedulerWorld],
) -> None:
    world = make_world("rate")
    world.configure(FAST, max_per_minute=1)
    codes = world.add_valid(2, seed=47)
    bot = world.start()
    waiting = "submissions in the last 60 s and 0 being filled (limit 1 per 60 s): waiting"
    (record,) = wait_for("the worker to wait for the rate", lambda: world.logged(waiting), 120, bot)
    assert float(record["message"].rsplit("waiting ", 1)[1].split()[0]) > 30
    rate = RateLimit(1, world.settings.ledger_url, [FLOW])
    use = rate.use(datetime.now(UTC))
    assert len(use.submissions) == 1 and use.in_flight == 0
    assert rate.wait_s(use, datetime.now(UTC)) > 30
    time.sleep(2)  # a moment in which the portal would take more, were it not for the rate
    assert len(world.applications()) == 1
    assert sorted(map(str, world.states(codes).values())) == ["queued", "written_back"]

    browsers = bot.browsers()
    asked = time.monotonic()
    bot.signal(signal.SIGTERM)
    assert bot.wait(timeout=60) == 0, bot.tail()
    assert time.monotonic() - asked < 20, "SIGTERM must end the wait, not sit it out"
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in browsers)
    assert sorted(map(str, world.states(codes).values())) == ["queued", "written_back"]
