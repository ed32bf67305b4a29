"""Excel export of the dossier list, as iGate's "Xuất Excel" gives clerks."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from rpa.domain import Channel, DossierStatus
from rpa.sandbox.provincial.excel_dossiers import add_procedure_sheets
from rpa.sandbox.provincial.views import DossierView, to_local

__all__ = ["COLUMNS", "SHEET_TITLE", "export_dossiers"]

SHEET_TITLE = "Danh sách hồ sơ"
COLUMNS: list[tuple[str, int]] = [
    ("STT", 6),
    ("Mã hồ sơ", 28),
    ("Mã thủ tục", 12),
    ("Tên thủ tục", 34),
    ("Họ và tên người nộp", 26),
    ("Số giấy tờ tùy thân", 16),
    ("Ngày sinh", 12),
    ("Điện thoại", 13),
    ("Ngày tiếp nhận", 17),
    ("Hạn trả kết quả", 17),
    ("Kênh nộp", 12),
    ("Mã trạng thái", 9),
    ("Trạng thái", 24),
    ("Mã hồ sơ Bộ Tư pháp", 24),
]
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _when(raw: Any) -> datetime | str | None:
    """A real Excel date-time when the stored value is one; otherwise the raw text, as stored."""
    local = to_local(raw) if raw is not None else None
    return local if local is not None else (None if raw is None else str(raw))


def _label(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except (ValueError, TypeError):
        return "" if value is None else str(value)


def _row(number: int, view: DossierView) -> list[Any]:
    data = view.data
    return [
        number,
        view.code,
        data.get("procedure_code"),
        data.get("procedure_name"),
        _get(data, "applicant", "full_name"),
        _get(data, "applicant", "identity", "number"),
        _get(data, "applicant", "birth_date"),
        _get(data, "applicant", "phone"),
        _when(data.get("received_at")),
        _when(data.get("due_at")),
        _label(Channel, data.get("channel")),
        view.status,
        DossierStatus(view.status).label,
        "; ".join(view.receipt_codes),
    ]


def export_dossiers(views: Sequence[DossierView], subtitle: str = "") -> bytes:
    """The list as an .xlsx file: Vietnamese headers in row 1 (frozen, with autofilter), one dossier
    per row; identity numbers and phones stay text so leading zeros survive. Then one sheet per
    procedure with every field of its dossiers (:mod:`rpa.sandbox.provincial.excel_dossiers`)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    header_fill = PatternFill("solid", fgColor="1F4E79")
    thin = Side(style="thin", color="BFBFBF")
    for column, (title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = 32
    for number, view in enumerate(views, start=1):
        values = _row(number, view)
        for column, value in enumerate(values, start=1):
            if isinstance(value, dict | list):  # a flawed dossier may hold anything
                value = json.dumps(value, ensure_ascii=False)
            cell = sheet.cell(row=number + 1, column=column, value=value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, str):
                cell.number_format = "@"
    last = get_column_letter(len(COLUMNS))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{max(len(views) + 1, 1)}"
    add_procedure_sheets(workbook, views)
    workbook.properties.title = SHEET_TITLE
    workbook.properties.subject = subtitle
    workbook.properties.creator = "Hệ thống một cửa điện tử tỉnh Quảng Ngãi (sandbox)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
