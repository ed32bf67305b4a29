"""Running unattended: the scheduler and its jobs, each portal's operating rules and session slots,
health, retention, alerts."""

from typing import TYPE_CHECKING

from rpa.lazy import lazy_exports

if TYPE_CHECKING:
    from rpa.operations.alerts import raise_alert, read_alerts
    from rpa.operations.health import PROVINCIAL, TIMEOUT_S, Probe, probe
    from rpa.operations.jobs import (
        JobContext,
        bind,
        check_health,
        daily_report,
        poll_sources,
        process_queue,
        purge_old_files,
        report_day,
        sync_statuses,
        wait_until_idle,
    )
    from rpa.operations.retention import STALE_ATTACHMENTS_S, Purged, purge
    from rpa.operations.rules import SLOT_WAIT_S, HeldBack, PortalRules, RateLimit, Window, WorkingHours
    from rpa.operations.scheduler import (
        JOB_TABLE,
        JobSpec,
        build_scheduler,
        install_jobs,
        job_specs,
        run_scheduler,
    )
    from rpa.operations.slots import Slots
    from rpa.operations.stopping import StopLatch

_PUBLIC = {
    "HeldBack": "rules",
    "JOB_TABLE": "scheduler",
    "JobContext": "jobs",
    "JobSpec": "scheduler",
    "PROVINCIAL": "health",
    "PortalRules": "rules",
    "Probe": "health",
    "Purged": "retention",
    "RateLimit": "rules",
    "SLOT_WAIT_S": "rules",
    "STALE_ATTACHMENTS_S": "retention",
    "Slots": "slots",
    "StopLatch": "stopping",
    "TIMEOUT_S": "health",
    "Window": "rules",
    "WorkingHours": "rules",
    "bind": "jobs",
    "build_scheduler": "scheduler",
    "check_health": "jobs",
    "daily_report": "jobs",
    "install_jobs": "scheduler",
    "job_specs": "scheduler",
    "poll_sources": "jobs",
    "probe": "health",
    "process_queue": "jobs",
    "purge": "retention",
    "purge_old_files": "jobs",
    "raise_alert": "alerts",
    "read_alerts": "alerts",
    "report_day": "jobs",
    "run_scheduler": "scheduler",
    "sync_statuses": "jobs",
    "wait_until_idle": "jobs",
}
__all__ = [
    "JOB_TABLE",
    "PROVINCIAL",
    "SLOT_WAIT_S",
    "STALE_ATTACHMENTS_S",
    "TIMEOUT_S",
    "HeldBack",
    "JobContext",
    "JobSpec",
    "PortalRules",
    "Probe",
    "Purged",
    "RateLimit",
    "Slots",
    "StopLatch",
    "Window",
    "WorkingHours",
    "bind",
    "build_scheduler",
    "check_health",
    "daily_report",
    "install_jobs",
    "job_specs",
    "poll_sources",
    "probe",
    "process_queue",
    "purge",
    "purge_old_files",
    "raise_alert",
    "read_alerts",
    "report_day",
    "run_scheduler",
    "sync_statuses",
    "wait_until_idle",
]
__getattr__ = lazy_exports(__name__, _PUBLIC)
