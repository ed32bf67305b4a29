"""The Excel export of the supervisor's filtered list of transfers.

A citizen's name, an address or a portal's error message reaches this file as typed by someone else:
text that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some spreadsheet
programs skip before reading a formula) would run as a formula when the file is opened. Every such
text is written with a leading apostrophe and stored as a plain string, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from rpa.clock import VN
from rpa.ledger import STATE_LABELS, Transfer

__all__ = ["FORMULA_STARTS", "safe_text", "transfers_workbook"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADERS = (
    "Mã hồ sơ một cửa",
    "Thủ tục",
    "Người nộp",
    "Trạng thái",
    "Số lần thử",
    "Mã hồ sơ Bộ",
    "Lỗi / lý do",
    "Cán bộ yêu cầu",
    "Tạo lúc",
    "Cập nhật lúc",
)


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet must show it: as text, never as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _time(moment: datetime | None) -> str:
    return moment.astimezone(VN).strftime("%d/%m/%Y %H:%M") if moment else ""


def _reason(transfer: Transfer) -> str:
    if transfer.business_reasons:
        return "; ".join(transfer.business_reasons)
    return transfer.last_error or ""


def transfers_workbook(transfers: Iterable[Transfer], names: Mapping[str, str], title: str) -> bytes:
    """The rows as an .xlsx file's bytes; ``names``: each flow's Vietnamese procedure title."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Lượt chuyển"
    sheet.append([safe_text(title)])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for t in transfers:
        texts = (
            t.dossier_code,
            names.get(t.flow, t.flow),
            t.applicant_name or "",
            STATE_LABELS[t.state],
        )
        row: list[str | int] = [safe_text(v) for v in texts]
        row.append(t.attempts)
        row += [
            safe_text(v)
            for v in (
                t.receipt_code or "",
                _reason(t),
                t.requested_by or "",
                _time(t.created_at),
                _time(t.updated_at),
            )
        ]
        sheet.append(row)
    for cell in sheet.iter_rows(min_row=3):  # belt and braces: no cell is ever read as a formula
        for c in cell:
            if isinstance(c.value, str):
                c.data_type = "s"
    for column, width in zip("ABCDEFGHIJ", (26, 34, 26, 28, 10, 22, 50, 16, 17, 17), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
