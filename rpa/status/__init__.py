"""After the ministry took an application: its status read back, written back once, and the legal
deadline."""

from typing import TYPE_CHECKING

from rpa.lazy import lazy_exports

if TYPE_CHECKING:
    from rpa.status.deadlines import (
        HOLIDAYS,
        add_working_days,
        due_date,
        extend_for_pause,
        is_overdue,
        is_working_day,
        vn_today,
        working_days_between,
    )
    from rpa.status.summary import Finished, Overdue, Parked, StatusChange, SyncError, summary_lines
    from rpa.status.sync import SyncSummary, deadline_facts, sync_once
    from rpa.status.writeback import NoLongerAccepted, already_written, write_back_receipt, write_back_status

_PUBLIC = {
    "Finished": "summary",
    "HOLIDAYS": "deadlines",
    "NoLongerAccepted": "writeback",
    "Overdue": "summary",
    "Parked": "summary",
    "StatusChange": "summary",
    "SyncError": "summary",
    "SyncSummary": "sync",
    "add_working_days": "deadlines",
    "already_written": "writeback",
    "deadline_facts": "sync",
    "due_date": "deadlines",
    "extend_for_pause": "deadlines",
    "is_overdue": "deadlines",
    "is_working_day": "deadlines",
    "summary_lines": "summary",
    "sync_once": "sync",
    "vn_today": "deadlines",
    "working_days_between": "deadlines",
    "write_back_receipt": "writeback",
    "write_back_status": "writeback",
}
__all__ = [
    "HOLIDAYS",
    "Finished",
    "NoLongerAccepted",
    "Overdue",
    "Parked",
    "StatusChange",
    "SyncError",
    "SyncSummary",
    "add_working_days",
    "already_written",
    "deadline_facts",
    "due_date",
    "extend_for_pause",
    "is_overdue",
    "is_working_day",
    "summary_lines",
    "sync_once",
    "vn_today",
    "working_days_between",
    "write_back_receipt",
    "write_back_status",
]
__getattr__ = lazy_exports(__name__, _PUBLIC)
