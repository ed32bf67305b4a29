"""The daily Excel report for supervisors: one sheet per topic, Vietnamese headings, dd/mm/yyyy dates.

```python
from rpa.report.workbook import open_report, write_daily_report

path = write_daily_report(settings, date(2025, 7, 2))   # reports/bao-cao-2025-07-02.xlsx.enc
content = open_report(settings, date(2025, 7, 2))        # the .xlsx bytes, for a person
```

The figures come from :mod:`rpa.report.data`; this module only lays them out. Failure reasons quote
citizens' names, so the stored report is sealed like the evidence (:mod:`rpa.vault`): built in memory,
written as ``bao-cao-<day>.xlsx.enc`` under the day's own key (scope ``report:<day>``), replaced
atomically, owner-only; never a clear .xlsx in ``reports_dir``. Erasing the day's key (retention)
makes every copy unreadable. A person's opened copy (``rpa report --out``) is written by
:func:`save_report`, and the command records it in the audit log.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rpa.config import Settings
from rpa.ledger import STATE_LABELS, TransferState
from rpa.private_files import private_dir, write_private
from rpa.report.data import HISTORY_DAYS, VN, ProcedureSummary, ReportData, gather, vn_number
from rpa.vault import SUFFIX, Vault, vault_for

__all__ = [
    "build_workbook",
    "open_report",
    "report_bytes",
    "report_name",
    "report_path",
    "report_scope",
    "save_report",
    "seal_report",
    "write_daily_report",
]

S = TransferState
STATE_NOTES: dict[TransferState, str] = {
    S.QUEUED: "Trong hàng đợi, bot sẽ chuyển (kể cả hồ sơ chờ thử lại).",
    S.FILLING: "Bot đang điền biểu mẫu trên cổng của Bộ.",
    S.SUBMITTING: "Bot đã bấm nộp, đang chờ cổng xác nhận.",
    S.UNCERTAIN: "Có thể đã nộp (lỗi sau khi bấm nộp): bot tra cứu trên cổng, không bao giờ nộp lại.",
    S.SUBMITTED: "Bộ đã cấp mã tiếp nhận; mã chưa được cập nhật về hệ thống một cửa.",
    S.WRITTEN_BACK: "Mã hồ sơ của Bộ đã được cập nhật về hệ thống một cửa; đang theo dõi kết quả.",
    S.FINISHED: "Bộ đã có kết quả cuối cùng (cấp phiếu hoặc từ chối) và đã cập nhật về một cửa.",
    S.WAITING_HUMAN: "Cần người đọc mã xác nhận, nhập OTP hoặc phê duyệt; xem trang «Chờ người xử lý».",
    S.NEEDS_REVIEW: (
        "Tra cứu không xác định được hồ sơ trên cổng của Bộ (nhiều hồ sơ có thể trùng, hoặc nhiều lần không "
        "thấy): cán bộ đối chiếu trên cổng rồi nhập mã tiếp nhận hoặc cho chuyển lại; bot không tự nộp lại."
    ),
    S.FAILED_BUSINESS: "Hồ sơ sai hoặc thiếu: cán bộ sửa hồ sơ rồi gửi lại; xem trang «Lỗi».",
    S.FAILED_SYSTEM: "Cổng lỗi và đã hết số lần thử lại, hoặc đang chờ thử lại; xem trang «Lỗi».",
}
DATE, DATETIME, DECIMAL, INTEGER, GENERAL = "dd/mm/yyyy", "dd/mm/yyyy hh:mm", "0.0", "0", "General"
HEADER_ROW = 3  # row 1: title, row 2: what the sheet shows

_TITLE = Font(bold=True, size=14)
_NOTE = Font(italic=True, color="555555")
_HEADER = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    number_format: str = GENERAL
    wrap: bool = False  # long free text (reasons): wrapped in a column of bounded width


def report_name(day: date) -> str:
    """The plain file name of the report of ``day`` (what a person's copy is called, and the sealed
    file's additional data: a sealed report renamed to another day does not open)."""
    return f"bao-cao-{day:%Y-%m-%d}.xlsx"


def report_scope(day: date) -> str:
    """The data key of one day's report: erasing it makes that report unreadable everywhere."""
    return f"report:{day.isoformat()}"


def report_path(settings: Settings, day: date) -> Path:
    """Where the sealed report of ``day`` is kept."""
    return settings.reports_dir / f"{report_name(day)}{SUFFIX}"


def report_bytes(data: ReportData) -> bytes:
    """The workbook as .xlsx bytes, built in memory (no clear copy touches the disk)."""
    buffer = io.BytesIO()
    build_workbook(data).save(buffer)
    return buffer.getvalue()


def seal_report(settings: Settings, day: date, content: bytes, vault: Vault | None = None) -> Path:
    """Seal ``content`` (:func:`report_bytes`) as the report of ``day`` into :func:`report_path`,
    replacing an older one; return that path.

    Raises:
        MissingKeyError: no master key (the message says to run ``rpa keys init``).
    """
    vault = vault or vault_for(settings)
    private_dir(settings.reports_dir)
    path = report_path(settings, day)
    return vault.write(report_scope(day), path, content, report_name(day), exclusive=False)


def open_report(settings: Settings, day: date, vault: Vault | None = None) -> bytes:
    """The .xlsx bytes of the stored report of ``day``.

    Raises:
        FileNotFoundError: no report of that day was written (or it was purged).
        ErasedKey: its key was erased by the retention purge.
        SealedDataError: the file was altered, or renamed from another day.
    """
    vault = vault or vault_for(settings)
    return vault.read(report_scope(day), report_path(settings, day), report_name(day))


def write_daily_report(settings: Settings, day: date) -> Path:
    """Seal the report of Vietnam day ``day`` into :func:`report_path`; return that path."""
    return seal_report(settings, day, report_bytes(gather(settings, day)))


def save_report(data: ReportData, out: Path) -> Path:
    """Write ``data`` as a clear Excel file for a person, owner-only and atomically; create the
    folder. The caller records who asked for it."""
    private_dir(out.parent)
    return write_private(out, report_bytes(data))


def build_workbook(data: ReportData) -> Workbook:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    _summary_sheet(summary, data)
    _failures_sheet(workbook.create_sheet("Lỗi"), data)
    _waiting_sheet(workbook.create_sheet("Chờ người xử lý"), data)
    _overdue_sheet(workbook.create_sheet("Quá hạn"), data)
    _daily_sheet(workbook.create_sheet("Theo ngày"), data)
    return workbook


# -- sheets -------------------------------------------------------------------------------------------

Metric = tuple[str, str, Callable[[ProcedureSummary], float | int | None], str, str]


def _count_in(state: TransferState) -> Callable[[ProcedureSummary], int]:
    return lambda summary: summary.states[state]


def _metrics(data: ReportData) -> list[Metric]:
    """(group, label, value of one procedure, number format, what it measures), one per summary row."""
    day, minutes = f"{data.day:%d/%m/%Y}", vn_number(data.minutes_per_dossier)
    at_end, today, to_date = "Cuối ngày", "Trong ngày", "Lũy kế"
    rows: list[Metric] = [
        (at_end, STATE_LABELS[s], _count_in(s), INTEGER, STATE_NOTES[s]) for s in STATE_LABELS
    ]
    return [
        *rows,
        (at_end, "Tổng số hồ sơ", lambda p: p.total, INTEGER, f"Mọi hồ sơ bot đã nhận đến hết ngày {day}."),
        (today, "Vào hàng đợi", lambda p: p.queued_today, INTEGER,
         "Hồ sơ bot nhận từ hệ thống một cửa trong ngày (giờ Việt Nam)."),
        (today, "Đã nộp sang Bộ", lambda p: p.submitted_today, INTEGER,
         "Hồ sơ được cổng của Bộ cấp mã tiếp nhận trong ngày."),
        (today, "Thời gian chuyển: trung vị (phút)", lambda p: p.median_minutes, DECIMAL,
         "Từ lúc hồ sơ vào hàng đợi của bot đến lúc cổng của Bộ nhận hồ sơ, trên các hồ sơ nộp trong ngày "
         "(gồm cả thời gian chờ thử lại và chờ cán bộ sửa hồ sơ): một nửa số hồ sơ nhanh hơn mức này."),
        (today, "Thời gian chuyển: phân vị 95 (phút)", lambda p: p.p95_minutes, DECIMAL,
         "Cùng cách đo: 95% số hồ sơ nộp trong ngày được chuyển trong thời gian không quá mức này "
         "(giá trị thật, theo hạng gần nhất)."),
        (today, "Lần chuyển lỗi nghiệp vụ", lambda p: p.failed_business_today, INTEGER,
         "Số lần bị từ chối vì hồ sơ sai hoặc thiếu (một hồ sơ có thể lỗi nhiều lần)."),
        (today, "Lần chuyển lỗi hệ thống", lambda p: p.failed_system_today, INTEGER,
         "Số lần cổng lỗi, hết phiên hoặc không phản hồi; bot tự thử lại."),
        (today, "Giờ công tiết kiệm (ước tính)", lambda p: p.hours_saved_today, DECIMAL,
         f"Hồ sơ nộp trong ngày × {minutes} phút nhập tay mỗi hồ sơ ÷ 60."),
        (to_date, "Giờ công tiết kiệm (ước tính)", lambda p: p.hours_saved_to_date, DECIMAL,
         f"Mọi hồ sơ bot đã nộp đến hết ngày {day} × {minutes} phút ÷ 60."),
    ]  # fmt: skip


def _summary_sheet(ws: Worksheet, data: ReportData) -> None:
    ws.title = "Tổng hợp"
    procedures = [*data.procedures, data.total]
    columns = [
        Column("Nhóm"),
        Column("Chỉ số"),
        *(Column(p.name) for p in procedures),
        Column("Cách tính", wrap=True),
    ]
    rows = [
        [group, label, *(value(p) for p in procedures), note]
        for group, label, value, _format, note in _metrics(data)
    ]
    _table(
        ws,
        f"BÁO CÁO CHUYỂN HỒ SƠ SANG CỔNG DỊCH VỤ CÔNG CỦA BỘ - NGÀY {data.day:%d/%m/%Y}",
        f"Trạng thái tính đến hết ngày {data.day:%d/%m/%Y}, giờ Việt Nam. "
        f"Lập lúc {data.generated_at.astimezone(VN):%d/%m/%Y %H:%M}.",
        columns,
        rows,
    )
    for offset, (*_head, number_format, _note) in enumerate(_metrics(data)):
        for column in range(3, 3 + len(procedures)):
            ws.cell(HEADER_ROW + 1 + offset, column).number_format = number_format
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3).coordinate  # keep the metric names in view too


def _failures_sheet(ws: Worksheet, data: ReportData) -> None:
    columns = [
        Column("Thời điểm", DATETIME),
        Column("Mã hồ sơ"),
        Column("Thủ tục"),
        Column("Loại lỗi"),
        Column("Lý do", wrap=True),
        Column("Số lần thử", INTEGER),
        Column("Trạng thái cuối ngày"),
    ]
    rows = [
        [f.at, f.dossier_code, f.procedure, STATE_LABELS[f.kind], f.reason, f.attempts,
         STATE_LABELS[f.state_at_end]]
        for f in data.failures
    ]  # fmt: skip
    _table(
        ws,
        f"CÁC LẦN CHUYỂN HỒ SƠ BỊ LỖI - NGÀY {data.day:%d/%m/%Y}",
        "Mọi lần chuyển bị lỗi trong ngày, và các hồ sơ lỗi từ những ngày trước chưa được xử lý. "
        "Lỗi nghiệp vụ: cán bộ sửa hồ sơ rồi gửi lại. Lỗi hệ thống: bot tự thử lại.",
        columns,
        rows,
    )


def _waiting_sheet(ws: Worksheet, data: ReportData) -> None:
    columns = [
        Column("Mã hồ sơ"),
        Column("Thủ tục"),
        Column("Chờ từ", DATETIME),
        Column("Số giờ đã chờ", DECIMAL),
        Column("Lý do", wrap=True),
        Column("Số lần thử", INTEGER),
        Column("Việc cần làm"),
    ]
    rows = [
        [w.dossier_code, w.procedure, w.since, w.hours_waiting, w.reason, w.attempts, STATE_LABELS[w.state]]
        for w in data.waiting
    ]
    _table(
        ws,
        f"HỒ SƠ CHỜ NGƯỜI XỬ LÝ - CUỐI NGÀY {data.day:%d/%m/%Y}",
        "Bot cần một người (đọc mã xác nhận, nhập OTP, phê duyệt, đối chiếu hồ sơ trên cổng của Bộ); "
        "số giờ chờ tính đến hết ngày hoặc đến lúc lập báo cáo.",
        columns,
        rows,
    )


def _overdue_sheet(ws: Worksheet, data: ReportData) -> None:
    columns = [
        Column("Mã hồ sơ"),
        Column("Thủ tục"),
        Column("Hạn trả kết quả", DATE),
        Column("Số ngày quá hạn", INTEGER),
        Column("Trạng thái cuối ngày"),
        Column("Mã hồ sơ tại Bộ"),
        Column("Trạng thái tại Bộ"),
        Column("Bộ tiếp nhận lúc", DATETIME),
        Column("Yêu cầu bổ sung", wrap=True),
    ]
    rows = [
        [o.dossier_code, o.procedure, o.due_on, o.days_overdue, STATE_LABELS[o.state_at_end], o.receipt_code,
         o.ministry_status, o.submitted_at, o.supplement_reason]
        for o in data.overdue
    ]  # fmt: skip
    _table(
        ws,
        f"HỒ SƠ QUÁ HẠN - TÍNH ĐẾN NGÀY {data.day:%d/%m/%Y}",
        "Hồ sơ có hạn trả kết quả trước ngày báo cáo mà chưa có kết quả cuối cùng; "
        "số ngày quá hạn tính theo ngày lịch.",
        columns,
        rows,
    )


def _daily_sheet(ws: Worksheet, data: ReportData) -> None:
    columns = [
        Column("Ngày", DATE),
        Column("Vào hàng đợi", INTEGER),
        Column("Đã nộp sang Bộ", INTEGER),
        Column("Lần lỗi nghiệp vụ", INTEGER),
        Column("Lần lỗi hệ thống", INTEGER),
        Column("Thời gian chuyển trung vị (phút)", DECIMAL),
        Column("Giờ công tiết kiệm (ước tính)", DECIMAL),
    ]
    rows = [
        [v.day, v.queued, v.submitted, v.failed_business, v.failed_system, v.median_minutes, v.hours_saved]
        for v in data.daily
    ]
    _table(
        ws,
        f"SỐ HỒ SƠ THEO NGÀY - {HISTORY_DAYS} NGÀY ĐẾN HẾT {data.day:%d/%m/%Y}",
        "Mọi thủ tục; ngày theo giờ Việt Nam. Cách tính từng cột như trang «Tổng hợp».",
        columns,
        rows,
    )
    first, last = HEADER_ROW + 1, HEADER_ROW + len(rows)
    chart = BarChart()
    chart.title = f"Hồ sơ vào hàng đợi và nộp sang Bộ, {HISTORY_DAYS} ngày"
    chart.y_axis.title = "Số hồ sơ"
    chart.x_axis.title = "Ngày"
    chart.x_axis.number_format = "dd/mm"
    chart.x_axis.delete = False  # recent Excel hides axes that openpyxl leaves unspecified
    chart.y_axis.delete = False
    chart.add_data(
        Reference(ws, min_col=2, max_col=3, min_row=HEADER_ROW, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.width, chart.height = 26, 12
    ws.add_chart(chart, f"{get_column_letter(len(columns) + 2)}{HEADER_ROW}")


# -- layout -------------------------------------------------------------------------------------------


def _table(
    ws: Worksheet, title: str, note: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]
) -> None:
    """Title, note, a header row with an auto filter, frozen above the data, and fitted column widths."""
    ws.cell(1, 1, title).font = _TITLE
    ws.cell(2, 1, note).font = _NOTE
    for index, column in enumerate(columns, 1):
        cell = ws.cell(HEADER_ROW, index, column.heading)
        cell.font, cell.fill, cell.alignment = _HEADER, _HEADER_FILL, _HEADER_ALIGN
    for row_index, row in enumerate(rows, HEADER_ROW + 1):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), 1):
            cell = ws.cell(row_index, index, _excel_value(value))
            cell.number_format = column.number_format
            if column.wrap:
                cell.alignment = _WRAP
    last_column = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + len(rows)}"
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1).coordinate
    widths = [_width(column, [row[i] for row in rows]) for i, column in enumerate(columns)]
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    lines = max(-(-len(c.heading) // int(w - 2)) for c, w in zip(columns, widths, strict=True))
    ws.row_dimensions[HEADER_ROW].height = 15 * lines + 3


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime):  # Excel has no time zones: show the Vietnam wall-clock time
        return value.astimezone(VN).replace(tzinfo=None) if value.tzinfo else value
    return value


def _shown_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("dd/mm/yyyy hh:mm")
    if isinstance(value, date):
        return len("dd/mm/yyyy")
    if isinstance(value, float):
        return len(f"{value:.1f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _width(column: Column, values: Sequence[Any]) -> float:
    """Wide enough for the longest value, never for more than 60 characters; headings wrap instead."""
    longest = max((_shown_length(v) for v in values), default=0)
    heading = max(min(len(column.heading), 18), *(len(word) for word in column.heading.split()))
    return float(min(max(longest, heading, 8), 60) + 2)
