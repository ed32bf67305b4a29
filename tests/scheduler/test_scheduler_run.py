"""`rpa scheduler` end to end: one real scheduler subprocess with intervals of a second or two, against
the real sandbox, left alone while the test plays the province and the ministry.

Dossiers added to the provincial system during the run reach the ministry and come back with their
receipt codes; statuses the ministry moves on come back with one SMS each; a second scheduler on the
same ledger refuses to run; the health check alerts once on an outage and once on the recovery; and
SIGTERM in the middle of a pass lets the current transfer finish, starts no new one, exits 0 and leaves
no Chromium and no lock behind.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable
from dataclasses import dataclass

import psutil
import pytest
from scheduler_support import Bot, SchedulerWorld, wait_for
from sqlalchemy import create_engine, text

from rpa.domain import DossierStatus
from rpa.ledger.scheduler_lock import TABLE
from rpa.operations.alerts import read_alerts

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SCHEDULE = {"poll_every_s": 1, "queue_every_s": 1, "sync_every_s": 3, "health_every_s": 1}


@dataclass
class Run:
    world: SchedulerWorld
    bot: Bot
    codes: list[str]  # dossiers added after the scheduler started


@pytest.fixture(scope="module")
def run(make_world: Callable[[str], SchedulerWorld]) -> Run:
    world = make_world("scheduler-run")
    world.configure(SCHEDULE)
    bot = world.start()
    wait_for("the scheduler to start", lambda: world.logged("scheduler started"), 60, bot)
    codes = world.add_valid(2, seed=47)
    wait_for(
        "both dossiers written back",
        lambda: set(world.states(codes).values()) == {"written_back"},
        150,
        bot,
    )
    return Run(world, bot, codes)


def test_dossiers_added_during_the_run_are_transferred_without_anyone_acting(run: Run) -> None:
    world = run.world
    transfers = world.transfers(run.codes)
    applications = {a["receipt"]: a for a in world.applications()}
    dossiers = world.dossiers()
    for code, transfer in transfers.items():
        assert transfer is not None and transfer.receipt_code in applications
        assert transfer.receipt_code in dossiers[code]["receipt_codes"]
        assert len(world.sms(code)) == 1  # the citizen heard of the transfer once
    assert len(applications) == len(run.codes)  # each exactly once


def test_statuses_advanced_at_the_ministry_reach_the_province_with_one_sms_each(run: Run) -> None:
    world = run.world
    receipts = {
        code: t.receipt_code for code, t in world.transfers(run.codes).items() if t and t.receipt_code
    }
    before = {code: len(world.sms(code)) for code in run.codes}
    for receipt in receipts.values():
        world.advance(receipt, "processing")
        world.advance(receipt, "finished")
    finished = int(DossierStatus.FINISHED)
    wait_for(
        "the finished statuses in the provincial system",
        lambda: all(world.dossiers()[code]["status"] == finished for code in run.codes),
        60,
        run.bot,
    )
    passes = len(world.logged("status sync:"))
    wait_for("one more sync pass", lambda: len(world.logged("status sync:")) > passes, 30, run.bot)
    for code in run.codes:
        messages = world.sms(code)
        assert len(messages) == before[code] + 1, messages
        assert messages[-1]["status"] == finished


def test_a_second_scheduler_on_the_same_database_refuses_to_run(run: Run) -> None:
    world = run.world
    checks = len(world.logged("health provincial:"))
    second = world.rpa("scheduler", timeout=60)
    assert second.returncode == 1, second.stderr
    notice = second.stderr.strip().splitlines()[-1]
    assert "bộ lập lịch khác đang chạy" in notice
    assert f"tiến trình {run.bot.process.pid}" in notice
    assert re.search(r"chạy từ \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", notice), notice
    assert run.bot.process.poll() is None  # the first one runs on
    wait_for("the first scheduler's next check", lambda: len(world.logged("health provincial:")) > checks, 30)


def test_the_health_check_alerts_once_on_an_outage_and_once_on_the_recovery(run: Run) -> None:
    world = run.world

    def alerts(kind: str) -> list[dict[str, object]]:
        return [a for a in read_alerts(world.settings.work_dir) if a["kind"] == kind]

    world.knobs(maintenance=True)
    try:
        (down,) = wait_for("the outage alert", lambda: alerts("portal_down"), 30, run.bot)
        checks = len(world.logged("health moj-lltp: DOWN"))
        wait_for("two more checks", lambda: len(world.logged("health moj-lltp: DOWN")) >= checks + 2, 30)
    finally:
        world.knobs(maintenance=False)
    (up,) = wait_for("the recovery alert", lambda: alerts("portal_up"), 30, run.bot)
    assert down["portal"] == up["portal"] == "moj-lltp"
    assert "HTTP 503" in str(down["message"]) and "hoạt động trở lại" in str(up["message"])
    assert len(alerts("portal_down")) == 1  # one alert for the outage, not one per check


def test_sigterm_mid_transfer_finishes_it_starts_no_other_and_exits_0_without_chromium(run: Run) -> None:
    world = run.world
    codes = world.add_valid(2, seed=48)
    submitted = len(world.applications())
    wait_for("a transfer being filled", lambda: "filling" in world.states(codes).values(), 90, run.bot)
    browsers = wait_for("Chromium of the running pass", run.bot.browsers, 10, run.bot)
    run.bot.signal(signal.SIGTERM)
    assert run.bot.wait(timeout=120) == 0, run.bot.tail()
    assert sorted(map(str, world.states(codes).values())) == ["queued", "written_back"]
    assert len(world.applications()) == submitted + 1  # the one under way, nothing half-submitted
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in browsers)
    assert world.logged("scheduler stopped")
    engine = create_engine(world.settings.ledger_url)
    with engine.connect() as connection:  # the lock is released: a successor starts at once
        assert connection.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar() == 0
    engine.dispose()
