"""The timetable: jobs read from the settings, stored in the ledger's database by name (no secret in
the table), restarted without skipping or repeating, replaced when a setting changed."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, text

from rpa.config import Settings
from rpa.errors import ConfigError
from rpa.operations.jobs import report_day
from rpa.operations.scheduler import JOB_TABLE, build_scheduler, install_jobs, job_specs

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "Mật-khẩu-bí-mật-2025"


def _settings(tmp_path: Path, **schedule: object) -> Settings:
    account = {"username": "canbo.qngai", "password": PASSWORD}
    return Settings.model_validate(
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "portals": {"moj-lltp": {"base_url": "http://moj.invalid", "account": account}},
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "schedule": schedule,
        }
    )


def _started(settings: Settings, now: datetime) -> BackgroundScheduler:
    scheduler = build_scheduler(settings)
    scheduler.start(paused=True)  # paused: nothing runs, the store can be read and written
    install_jobs(scheduler, job_specs(settings), now)
    return scheduler


def test_the_timetable_comes_from_the_settings(tmp_path: Path) -> None:
    specs = {s.id: s for s in job_specs(_settings(tmp_path, queue_every_s=30, report_at="17:45"))}
    assert list(specs) == ["poll", "queue", "sync", "health", "report", "purge", "checkpoint"]
    assert str(specs["queue"].trigger) == "interval[0:00:30]"
    assert str(specs["report"].trigger) == "cron[hour='17', minute='45']"
    assert str(specs["report"].trigger.timezone) == "Asia/Ho_Chi_Minh"  # type: ignore[attr-defined]
    assert {s.id for s in specs.values() if s.executor == "browser"} == {"poll", "queue", "sync"}


@pytest.mark.parametrize(
    ("schedule", "complaint"),
    [
        ({"report_at": "18h"}, "schedule.report_at must be HH:MM"),
        ({"purge_at": "25:00"}, "schedule.purge_at must be HH:MM"),
        ({"queue_every_s": 0}, "schedule.queue_every_s must be above 0"),
        ({"timezone": "Asia/Hanoi-ish"}, "unknown time zone"),
    ],
)
def test_a_bad_timetable_is_a_config_error(
    tmp_path: Path, schedule: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ConfigError, match=complaint):
        job_specs(_settings(tmp_path, **schedule))


def test_jobs_are_stored_by_name_and_a_restart_keeps_their_next_runs(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    first_start = datetime(2025, 7, 7, 9, 0, tzinfo=VN)
    scheduler = _started(settings, first_start)
    stored = {job.id: job for job in scheduler.get_jobs()}
    assert stored["queue"].func_ref == "rpa.operations.jobs:process_queue"
    assert stored["queue"].next_run_time == first_start  # interval jobs start with the scheduler
    report_next = stored["report"].next_run_time
    assert (report_next.hour, report_next.minute) == (18, 0)
    scheduler.shutdown(wait=False)

    engine = create_engine(settings.ledger_url)
    with engine.connect() as connection:
        states = connection.execute(text(f"SELECT job_state FROM {JOB_TABLE}")).scalars().all()
    engine.dispose()
    assert len(states) == 7 and not any(PASSWORD.encode() in state for state in states)

    restarted = _started(settings, first_start + timedelta(hours=2))
    again = {job.id: job for job in restarted.get_jobs()}
    assert again["queue"].next_run_time == first_start  # missed while down: runs once (coalesced)
    assert again["report"].next_run_time == report_next
    restarted.shutdown(wait=False)


def test_a_changed_setting_replaces_its_job_at_start(tmp_path: Path) -> None:
    first_start = datetime(2025, 7, 7, 9, 0, tzinfo=VN)
    _started(_settings(tmp_path), first_start).shutdown(wait=False)
    second_start = first_start + timedelta(hours=1)
    scheduler = _started(_settings(tmp_path, queue_every_s=15, report_at="17:00"), second_start)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert str(jobs["queue"].trigger) == "interval[0:00:15]" and jobs["queue"].next_run_time == second_start
    assert (jobs["report"].next_run_time.hour, jobs["report"].next_run_time.minute) == (17, 0)
    scheduler.shutdown(wait=False)


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2025, 7, 7, 18, 0, tzinfo=VN), "2025-07-07"),  # on time
        (datetime(2025, 7, 7, 23, 59, tzinfo=VN), "2025-07-07"),
        (datetime(2025, 7, 8, 9, 30, tzinfo=VN), "2025-07-07"),  # the scheduler was down at 18:00
    ],
)
def test_a_report_is_about_the_day_its_time_last_passed(now: datetime, day: str) -> None:
    assert report_day(now, "18:00").isoformat() == day
