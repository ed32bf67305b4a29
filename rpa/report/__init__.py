"""The daily Excel report for supervisors: the figures (data) and the workbook."""

from typing import TYPE_CHECKING

from rpa.lazy import lazy_exports

if TYPE_CHECKING:
    from rpa.report.data import (
        ALL_PROCEDURES,
        HISTORY_DAYS,
        VN,
        DayVolume,
        Failure,
        Overdue,
        ProcedureSummary,
        ReportData,
        Waiting,
        build_report,
        day_bounds,
        first_attempt_by_day,
        gather,
        median,
        p95,
        procedure_names,
        read_ledger,
        summary_line,
        vn_number,
    )
    from rpa.report.workbook import build_workbook, report_path, save_report, write_daily_report

_PUBLIC = {
    "ALL_PROCEDURES": "data",
    "DayVolume": "data",
    "Failure": "data",
    "HISTORY_DAYS": "data",
    "Overdue": "data",
    "ProcedureSummary": "data",
    "ReportData": "data",
    "VN": "data",
    "Waiting": "data",
    "build_report": "data",
    "build_workbook": "workbook",
    "day_bounds": "data",
    "first_attempt_by_day": "data",
    "gather": "data",
    "median": "data",
    "p95": "data",
    "procedure_names": "data",
    "read_ledger": "data",
    "report_path": "workbook",
    "save_report": "workbook",
    "summary_line": "data",
    "vn_number": "data",
    "write_daily_report": "workbook",
}
__all__ = [
    "ALL_PROCEDURES",
    "HISTORY_DAYS",
    "VN",
    "DayVolume",
    "Failure",
    "Overdue",
    "ProcedureSummary",
    "ReportData",
    "Waiting",
    "build_report",
    "build_workbook",
    "day_bounds",
    "first_attempt_by_day",
    "gather",
    "median",
    "p95",
    "procedure_names",
    "read_ledger",
    "report_path",
    "save_report",
    "summary_line",
    "vn_number",
    "write_daily_report",
]
__getattr__ = lazy_exports(__name__, _PUBLIC)
