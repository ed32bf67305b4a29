"""``rpa scheduler``: runs the bots' jobs on a timetable until SIGTERM or Ctrl+C.

Jobs (:mod:`rpa.operations.jobs`), timed by ``Settings.schedule`` in its time zone (Asia/Ho_Chi_Minh):

- ``poll``, every ``poll_every_s``: queue the provincial dossiers waiting for the ministry;
- ``queue``, every ``queue_every_s``: transfer queued dossiers, within the portal's rules;
- ``sync``, every ``sync_every_s``: read the ministry's statuses back (one SMS per change);
- ``health``, every ``health_every_s``: GET every portal and the provincial system, alert on a change;
- ``report``, daily at ``report_at``: the day's Excel report;
- ``purge``, daily at ``purge_at``: delete evidence and reports past the retention period;
- ``checkpoint``, daily at ``checkpoint_at``: sign the evidence chain's head (:mod:`rpa.evidence.chain`);
- ``intake``, every ``intake_every_s`` when ``[intake] watch_dir`` is set: import the Excel exports
  dropped there (:mod:`rpa.intake.watch`).
- ``mail``, every ``[alerts.email] every_s`` when e-mail is configured: mail the new alerts
  (:mod:`rpa.operations.alert_mail`).

APScheduler 3 keeps the jobs in the ledger's database (table ``rpa_jobs``), so a restart resumes the
timetable: a run missed while the scheduler was down happens once at start (``coalesce``, no
``misfire_grace_time`` limit) and is not repeated for every interval missed. At start every job is
written again (``replace_existing``) so a changed setting takes effect; an unchanged job keeps its
stored next run time, so a restart neither skips nor repeats a daily job. A job never overlaps
itself (``max_instances=1``). The browser jobs share one thread: one Chromium at a time in the
process, which also keeps the account's sessions in this process to one.

Only one scheduler runs per ledger database (:mod:`rpa.ledger.scheduler_lock`): a second one exits with
code 1 naming the holder. SIGTERM or SIGINT stops it cleanly: running jobs finish their current
transfer (the worker takes no new one, waits end at once), queued runs are dropped, Chromium is
closed, the lock is released, exit code 0. A second signal exits at once, killing the browsers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

import psutil
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from loguru import logger

from rpa.config import Settings
from rpa.errors import ConfigError
from rpa.ledger import Ledger
from rpa.ledger.engine import make_engine
from rpa.ledger.scheduler_lock import HEARTBEAT_S, SchedulerLock
from rpa.logs import configure_logging
from rpa.operations import jobs
from rpa.operations.rules import PortalRules
from rpa.operations.stopping import StopLatch
from rpa.procedures import active_procedures, check_procedure_settings

__all__ = ["JOB_TABLE", "JobSpec", "build_scheduler", "install_jobs", "job_specs", "run_scheduler"]

JOB_TABLE = "rpa_jobs"
EXIT_OK, EXIT_LOCK_LOST = 0, 1
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
BROWSER = "browser"
"""The executor of jobs that drive Chromium: one thread, so one browser at a time."""


@dataclass(frozen=True)
class JobSpec:
    """One job as the scheduler stores it: id, textual function reference, trigger, executor."""

    id: str
    func: str
    trigger: BaseTrigger
    executor: str = "default"


def job_specs(settings: Settings) -> list[JobSpec]:
    """The timetable from ``settings.schedule``; ``ConfigError`` on a bad time zone or time of day."""
    schedule = settings.schedule
    try:
        tz = ZoneInfo(schedule.timezone)
    except (KeyError, ValueError):
        raise ConfigError(f"schedule.timezone: unknown time zone {schedule.timezone!r}") from None

    def every(seconds: float, name: str) -> IntervalTrigger:
        if seconds <= 0:
            raise ConfigError(f"schedule.{name} must be above 0, got {seconds}")
        return IntervalTrigger(seconds=seconds, timezone=tz)

    def daily(hh_mm: str, name: str) -> CronTrigger:
        hour, _, minute = hh_mm.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ConfigError(f"schedule.{name} must be HH:MM, got {hh_mm!r}")
        return CronTrigger(hour=int(hour), minute=int(minute), timezone=tz)

    specs = [
        JobSpec(
            "poll", "rpa.operations.jobs:poll_sources", every(schedule.poll_every_s, "poll_every_s"), BROWSER
        ),
        JobSpec(
            "queue",
            "rpa.operations.jobs:process_queue",
            every(schedule.queue_every_s, "queue_every_s"),
            BROWSER,
        ),
        JobSpec(
            "sync", "rpa.operations.jobs:sync_statuses", every(schedule.sync_every_s, "sync_every_s"), BROWSER
        ),
        JobSpec(
            "health", "rpa.operations.jobs:check_health", every(schedule.health_every_s, "health_every_s")
        ),
        JobSpec("report", "rpa.operations.jobs:daily_report", daily(schedule.report_at, "report_at")),
        JobSpec("purge", "rpa.operations.jobs:purge_old_files", daily(schedule.purge_at, "purge_at")),
        JobSpec(
            "checkpoint",
            "rpa.operations.jobs:checkpoint_evidence",
            daily(schedule.checkpoint_at, "checkpoint_at"),
        ),
    ]
    if settings.intake.watch_dir is not None:  # Excel intake: no browser, like the API poll
        intake = every(schedule.intake_every_s, "intake_every_s")
        specs.append(JobSpec("intake", "rpa.operations.jobs:import_workbooks", intake))
    if settings.alerts.email is not None:  # e-mail of new alerts: no browser
        mail = every(settings.alerts.email.every_s, "alerts.email.every_s")
        specs.append(JobSpec("mail", "rpa.operations.jobs:mail_alerts", mail))
    return specs


def run_scheduler(settings: Settings) -> int:
    """Run the timetable until SIGTERM/SIGINT: 0 after a clean stop, 1 when the lock was lost.

    Raises:
        LockHeld: another scheduler runs on this ledger database (nothing was started).
        ConfigError: a bad schedule or operating rule (nothing was started).
    """
    configure_logging(settings.log_file, console=True)
    specs = job_specs(settings)
    check_procedure_settings(settings)
    procedures = active_procedures(settings)
    for portal in settings.portals:  # a bad working-hours window stops the start, not a job at 3 a.m.
        PortalRules(settings, portal, [p.name for p in procedures if p.portal == portal])
    with Ledger(settings.ledger_url):
        pass  # migrate the ledger once, before jobs open it from several threads
    lock = SchedulerLock(settings.ledger_url)
    try:
        if (stale := lock.acquire()) is not None:
            logger.warning("took the scheduler lock over from a holder that stopped: {}", stale)
        return _Service(settings, lock, specs).run()
    finally:
        lock.close()


class _Service:
    """The running scheduler: signals, heartbeat, APScheduler, in this order of start."""

    def __init__(self, settings: Settings, lock: SchedulerLock, specs: list[JobSpec]) -> None:
        self.settings = settings
        self.lock = lock
        self.specs = specs
        self.stop = StopLatch()  # SIGTERM, SIGINT or a lost lock: stop taking work
        self.stopped = StopLatch()  # every job has finished: the heartbeat may end
        self.reason = ""
        self.lock_lost = False

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        heartbeat = threading.Thread(target=self._heartbeat, name="scheduler-heartbeat", daemon=True)
        heartbeat.start()
        jobs.bind(jobs.JobContext(self.settings, self.stop))
        scheduler = build_scheduler(self.settings)
        try:
            scheduler.start(paused=True)
            install_jobs(scheduler, self.specs, datetime.now(scheduler.timezone))
            scheduler.resume()
            logger.info(
                "scheduler started (host {}, pid {}): {}",
                self.lock.host, self.lock.pid, ", ".join(f"{s.id} {s.trigger}" for s in self.specs),
            )  # fmt: skip
            self.stop.wait()
            logger.warning("{}: finishing the running jobs, then stopping", self.reason or "stop requested")
            # Not shutdown(wait=True): it holds APScheduler's locks while it waits, and a wake-up
            # blocked behind them then submits to a closed executor. Stop scheduling, then wait here.
            scheduler.shutdown(wait=False)
            jobs.wait_until_idle()
        finally:
            jobs.bind(None)
            self.stopped.set()
            heartbeat.join()
            if not self.lock_lost:
                self.lock.release()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("scheduler stopped")
        return EXIT_LOCK_LOST if self.lock_lost else EXIT_OK

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Runs on the main thread between two bytecodes: set flags, nothing that takes a lock.
        if self.stop.is_set():
            _kill_children()
            os._exit(128 + signum)
        self.reason = signal.Signals(signum).name
        self.stop.set()

    def _heartbeat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_S):
            try:
                mine = self.lock.renew()
            except Exception as exc:  # the database is away: the lease may still outlast it
                logger.warning("scheduler lock heartbeat failed: {}", exc)
                continue
            if not mine:
                logger.error("scheduler lock lost (another scheduler took it over): stopping")
                self.lock_lost = True
                self.reason = "scheduler lock lost"
                self.stop.set()
                return


class _Scheduler(BackgroundScheduler):
    """APScheduler 3's loop runs one more round after ``shutdown()`` wakes it (agronholm/apscheduler#285).
    That round submits due jobs to the closed executors (an error in the log) and moves their stored
    next run times, so a restart would skip them: it is skipped."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        wait_s: float | None = super()._process_jobs()
        return wait_s


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """APScheduler with its jobs in the ledger's database, and the job defaults this module promises."""
    _route_apscheduler_logs()
    store = SQLAlchemyJobStore(engine=make_engine(settings.ledger_url), tablename=JOB_TABLE)
    return _Scheduler(
        jobstores={"default": store},
        executors={"default": ThreadPoolExecutor(4), BROWSER: ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=ZoneInfo(settings.schedule.timezone),
    )


def install_jobs(scheduler: BackgroundScheduler, specs: list[JobSpec], now: datetime) -> None:
    """Write every job into the (started, paused) scheduler's store, replacing what is stored there.

    A job stored with the same function, trigger and executor keeps its stored next run time, so a
    restart neither skips nor repeats a daily job; a new or changed interval job runs at ``now``; a
    stored job that is no longer in ``specs`` is removed.
    """
    wanted = {spec.id for spec in specs}
    for stored in scheduler.get_jobs():
        if stored.id not in wanted:
            stored.remove()
    for spec in specs:
        stored = scheduler.get_job(spec.id)
        options: dict[str, Any] = {}
        if stored is not None and _same(stored, spec):
            options["next_run_time"] = stored.next_run_time
        elif isinstance(spec.trigger, IntervalTrigger):
            options["next_run_time"] = now
        scheduler.add_job(
            spec.func, spec.trigger, id=spec.id, name=spec.id, executor=spec.executor,
            replace_existing=True, **options,
        )  # fmt: skip


def _same(stored: Any, spec: JobSpec) -> bool:
    def key(trigger: BaseTrigger) -> tuple[str, str]:
        return str(trigger), str(getattr(trigger, "timezone", ""))

    return bool(
        stored.func_ref == spec.func
        and stored.executor == spec.executor
        and key(stored.trigger) == key(spec.trigger)
    )


def _kill_children() -> None:
    """Kill the Playwright drivers and browsers of this process (a second signal: stop now)."""
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


class _ToLoguru(logging.Handler):
    """APScheduler logs with the standard library: send its records to the bots' log."""

    def emit(self, record: logging.LogRecord) -> None:
        level: str | int = record.levelname if record.levelname in _LEVELS else record.levelno
        message = record.getMessage()
        if "maximum number of running instances reached" in message:
            level = "DEBUG"  # a long pass skipping its next ticks is the point of max_instances=1
        logger.opt(exception=record.exc_info).log(level, "{}: {}", record.name, message)


def _route_apscheduler_logs() -> None:
    # WARNING and up: missed runs, overlaps skipped, job errors; not "running job" twice a minute.
    apscheduler = logging.getLogger("apscheduler")
    apscheduler.handlers = [_ToLoguru()]
    apscheduler.setLevel(logging.WARNING)
    apscheduler.propagate = False
