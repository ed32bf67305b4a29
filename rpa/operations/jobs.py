"""What the scheduler runs: one public function per job, referenced by name so the job store can pickle it.

The functions take no arguments: a stored job holds nothing but ``rpa.operations.jobs:<name>`` and
its trigger, so no setting (and no password) ever lands in the job table. They read the settings and
the stop latch of the scheduler running in this process (:func:`bind`), and do nothing once a stop
was requested, so a run queued behind a long one does not start during shutdown.

The browser jobs (queue and sync; poll only when the source is the clerk web UI) open their own
worker and Chromium for the run, only when there is work for it, and close it at the run's end. A
scheduler runs for months; Chromium's memory creeps up over a long life (caches, renderer leftovers),
and a browser that crashed would poison every later run. One browser per run bounds both, holds no
memory between runs, and costs a second of start-up per run; the login state is kept on disk, so it
costs no new login. Playwright's sync objects also belong to the thread that made them, and each run
is one thread.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from loguru import logger

from rpa.config import Settings
from rpa.errors import RpaError
from rpa.ledger import SCHEDULER, Ledger, TransferState
from rpa.operations.alerts import raise_alert
from rpa.operations.rules import PortalRules
from rpa.operations.stopping import StopLatch
from rpa.procedures import active_procedures, portals
from rpa.sources import make_source
from rpa.transfer.session import worker_session
from rpa.transfer.worker import intake

__all__ = [
    "JobContext",
    "bind",
    "check_health",
    "checkpoint_evidence",
    "daily_report",
    "import_workbooks",
    "mail_alerts",
    "poll_sources",
    "process_queue",
    "purge_old_files",
    "report_day",
    "sync_statuses",
    "wait_until_idle",
]

S = TransferState
# Not needs_review: only a clerk moves it on, so a worker session would have nothing to do for it.
PENDING = (S.QUEUED, S.FILLING, S.SUBMITTING, S.UNCERTAIN, S.WAITING_HUMAN, S.SUBMITTED)
"""States a queue pass may move on (abandoned leases included; ``submitted`` awaits its write-back)."""


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    stop: StopLatch

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.schedule.timezone)


JOB_LABELS = {
    "poll": "đọc hồ sơ mới",
    "queue": "chuyển hồ sơ sang Bộ",
    "sync": "đồng bộ trạng thái",
    "report": "báo cáo hằng ngày",
    "purge": "dọn bằng chứng cũ",
    "checkpoint": "ký số chuỗi băm bằng chứng",
    "health": "kiểm tra hệ thống",
    "intake": "nhập hồ sơ từ tệp Excel",
    "mail": "gửi thư cảnh báo",
}
"""The jobs as a supervisor reads them in an alert."""

_context: JobContext | None = None
_running = 0
_idle = threading.Condition()
_failing: dict[str, str] = {}  # job name -> when it started failing (Vietnam time, as shown)


def bind(context: JobContext | None) -> None:
    """Give the jobs of this process their settings and stop latch (the scheduler does, at start)."""
    global _context
    _context = context


def wait_until_idle(timeout: float | None = None) -> bool:
    """Wait until no job body runs in this process; False if ``timeout`` passed first."""
    with _idle:
        return _idle.wait_for(lambda: _running == 0, timeout)


def _run(name: str, body: Callable[[JobContext], None]) -> None:
    global _running
    with _idle:  # counted before the stop check, so a stopping scheduler waits for this run or skips it
        _running += 1
    try:
        context = _context
        if context is None or context.stop.is_set():
            return
        _run_body(name, body, context)
    finally:
        with _idle:
            _running -= 1
            _idle.notify_all()


def _run_body(name: str, body: Callable[[JobContext], None], context: JobContext) -> None:
    started = time.monotonic()
    log = logger.bind(job=name)
    try:
        body(context)
    except RpaError as exc:
        log.error("job {} failed: {}", name, exc)
        _alert_failing(name, str(exc), context)
    except Exception as exc:
        log.exception("job {} failed", name)
        _alert_failing(name, f"{type(exc).__name__}: {exc}", context)
    else:
        log.debug("job {} done in {:.1f} s", name, time.monotonic() - started)
        _alert_recovered(name, context)


def _alert_failing(name: str, error: str, context: JobContext) -> None:
    """Alert on a job's first failure only: a broken job fails every interval, one alert says it."""
    with _idle:
        if name in _failing:
            return
        _failing[name] = f"{datetime.now(context.tz):%H:%M %d/%m/%Y}"
    error = (error.splitlines() or [""])[0][:300]  # the log holds the whole traceback
    raise_alert(
        context.settings.work_dir,
        "job_failing",
        f"Tác vụ {JOB_LABELS.get(name, name)} của bộ lập lịch bị lỗi: {error}."
        " Bộ lập lịch sẽ chạy lại tác vụ này theo lịch; cần kiểm tra nếu lỗi còn tiếp diễn.",
        job=name,
    )


def _alert_recovered(name: str, context: JobContext) -> None:
    with _idle:
        since = _failing.pop(name, None)
    if since is not None:
        raise_alert(
            context.settings.work_dir,
            "job_recovered",
            f"Tác vụ {JOB_LABELS.get(name, name)} của bộ lập lịch đã chạy lại bình thường (lỗi từ {since}).",
            job=name,
        )


# -- the jobs (textual references: rpa.operations.jobs:<name>) ----------------------------------------


def poll_sources() -> None:
    """Queue the provincial dossiers that wait for the ministry."""
    _run("poll", _poll)


def process_queue() -> None:
    """Carry queued transfers to the portal, within its operating rules."""
    _run("queue", _queue)


def sync_statuses() -> None:
    """Read the ministry's statuses back into the provincial system."""
    _run("sync", _sync)


def daily_report() -> None:
    """Write the day's Excel report."""
    _run("report", _report)


def purge_old_files() -> None:
    """Delete evidence, reports and stray attachments older than the retention period."""
    _run("purge", _purge)


def checkpoint_evidence() -> None:
    """Sign the evidence chain's head (a missing signing key fails the job, which alerts)."""
    _run("checkpoint", _checkpoint)


def check_health() -> None:
    """Check that every portal and the provincial system answer; alert on a change."""
    _run("health", _health)


def import_workbooks() -> None:
    """Import the provincial Excel exports dropped in the watched folder."""
    _run("intake", _intake)


def mail_alerts() -> None:
    """E-mail the alerts not mailed yet (``[alerts.email]``)."""
    _run("mail", _mail)


# -- their bodies -------------------------------------------------------------------------------------


def _poll(context: JobContext) -> None:
    settings = context.settings
    if settings.provincial.kind == "web":  # reading the clerk web UI takes a browser
        with worker_session(settings, stop=context.stop) as worker:
            waiting = worker.intake(actor=SCHEDULER)
    else:
        with Ledger(settings.ledger_url) as ledger, make_source(settings.provincial) as source:
            waiting = intake(source, ledger, settings, actor=SCHEDULER)
    new = [t for t in waiting if t.state is S.QUEUED and t.attempts == 0]
    logger.info("poll: {} dossiers wait for the ministry, {} not started yet", len(waiting), len(new))


def _queue(context: JobContext) -> None:
    settings = context.settings
    procedures = active_procedures(settings)
    with Ledger(settings.ledger_url) as ledger:
        pending = ledger.list(states=PENDING, flows=[p.name for p in procedures], limit=10_000)
    if not pending:
        logger.debug("queue: nothing to do")
        return
    # No Chromium for a pass that could only find every portal closed (write-backs need no portal).
    reasons: list[str] = []
    for portal in portals(procedures):
        flows = [p.name for p in procedures if p.portal == portal]
        waiting = [t for t in pending if t.flow in flows]
        if not waiting:
            continue  # a portal with nothing to do needs no browser, open or closed
        closed = PortalRules(settings, portal, flows).closed()
        if closed is None or any(t.state is S.SUBMITTED for t in waiting):
            reasons = []
            break
        reasons.append(closed.reason)
    if reasons:
        logger.info("queue: {} transfers wait; {}", len(pending), "; ".join(reasons))
        return
    with worker_session(settings, stop=context.stop) as worker:
        outcomes = worker.work()
    logger.info("queue: {} transfers handled {}", len(outcomes), dict(Counter(o.state for o in outcomes)))


def _mail(context: JobContext) -> None:
    from rpa.operations.alert_mail import forward_alerts

    forward_alerts(context.settings)


def _intake(context: JobContext) -> None:
    from rpa.intake.watch import import_folder

    with Ledger(context.settings.ledger_url) as ledger:
        done = import_folder(context.settings, ledger, actor=SCHEDULER)
    if done:
        logger.info("intake: {} workbooks taken from the watched folder", len(done))


def _sync(context: JobContext) -> None:
    from rpa.status.sync import sync_once

    procedures = active_procedures(context.settings)
    for portal in portals(procedures):
        # Status reads log in to the portal account too: they take one of its session slots.
        rules = PortalRules(context.settings, portal, [p.name for p in procedures if p.portal == portal])
        with rules.session_slot(context.stop) as held_back:
            if held_back is not None:
                logger.info("sync of {}: skipped, {}", portal, held_back.reason)
                continue
            summary = sync_once(context.settings, portal)
        if not summary.ok:
            logger.warning("sync of {}: finished with errors", portal)


def _report(context: JobContext) -> None:
    from rpa.report.workbook import write_daily_report

    now = datetime.now(context.tz)
    day = report_day(now, context.settings.schedule.report_at)
    path = write_daily_report(context.settings, day)
    logger.info("report: {} written for {}", path, day.isoformat())


def _purge(context: JobContext) -> None:
    from rpa.operations.retention import purge

    purge(context.settings, datetime.now(context.tz).date())


def _checkpoint(context: JobContext) -> None:
    from rpa.evidence.chain import checkpoint
    from rpa.evidence.core import CHAIN

    settings = context.settings
    if not (settings.recordings_dir / CHAIN).exists():
        logger.info("checkpoint: no evidence chained yet")
        return
    signing = settings.keys.signing_key_path(settings)
    record = checkpoint(settings.recordings_dir, signing, settings.timestamping)
    logger.info("checkpoint: chain head {} signed", record["head"]["seq"])
    if "timestamp_error" in record:  # signed all the same; the supervisor should know the TSA failed
        raise_alert(
            settings.work_dir,
            "timestamp_failed",
            f"Điểm ký số {record['head']['seq']} chưa có dấu thời gian: đơn vị cấp dấu thời gian "
            f"{settings.timestamping.url} không trả lời hợp lệ. Điểm ký số vẫn được lưu; "
            "lần ký sau sẽ xin lại.",
            seq=record["head"]["seq"],
        )


def _health(context: JobContext) -> None:
    from rpa.operations.health import check_health as check

    check(context.settings)


def report_day(now: datetime, report_at: str) -> date:
    """The day a report run at ``now`` is about: today once ``report_at`` has passed, else yesterday.

    So a run held up past midnight (the scheduler was down at 18:00) still reports the day it missed.
    """
    hour, minute = (int(part) for part in report_at.split(":"))
    due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return now.date() if now >= due else now.date() - timedelta(days=1)
