"""The dossier sheets of the Excel export: one sheet per procedure, one column per field.

iGate's "Xuất Excel kèm hồ sơ" gives, besides the list, one sheet per procedure code with every
field of each dossier under its Vietnamese label (:func:`rpa.domain.labels.label_for`, list rows
numbered: "Tệp đính kèm 2 – tên tệp") and the value as the clerk pages show it
(:func:`rpa.procedures.display.show`: labels of codes, "Có"/"Không", dd/MM/yyyy HH:mm:ss); numbers
stay Excel numbers and text stays text. Each attachment's column "Tệp đính kèm N – tệp đã lưu" holds
its path relative to the workbook (``tep-dinh-kem/<dossier>/<NN>-<name>``); :func:`export_bundle`
writes those files beside the workbook in one zip.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rpa.domain.labels import label_for
from rpa.procedures.display import kind_of, show
from rpa.sandbox.provincial.fields import flatten
from rpa.sandbox.provincial.views import DossierView

__all__ = ["FILES_DIR", "WORKBOOK_NAME", "add_procedure_sheets", "attachment_path", "export_bundle"]

FILES_DIR = "tep-dinh-kem"
WORKBOOK_NAME = "danh-sach-ho-so.xlsx"
_UNSAFE = re.compile(r"[^\w.-]+")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def attachment_path(code: str, index: int, name: str) -> str:
    """Where attachment ``index`` of dossier ``code`` lies, relative to the workbook."""
    safe = _UNSAFE.sub("_", name).strip("._")[:80] or "tep"
    return f"{FILES_DIR}/{_UNSAFE.sub('_', code)}/{index + 1:02d}-{safe}"


def _pairs(view: DossierView) -> list[tuple[str, Any]]:
    pairs = [(p, v) for p, v in flatten(view.data) if not isinstance(v, list | dict) and p]
    for index, meta in sorted(view.files.items()):
        pairs.append((f"attachments.{index}.file", attachment_path(view.code, index, str(meta["name"]))))
    return pairs


def _cell_value(path: str, value: Any, kind: str | None) -> Any:
    """Numbers stay numbers unless the field shows a label; everything else is the text shown."""
    if value is None:
        return None
    text = show(path, value, kind)
    if isinstance(value, int | float) and not isinstance(value, bool) and text == show("", value):
        return value
    return text


def _sheet_title(code: str, taken: set[str]) -> str:
    title = _SHEET_UNSAFE.sub("-", code)[:28] or "Thủ tục"
    while title in taken:
        title += "+"
    taken.add(title)
    return title


def add_procedure_sheets(workbook: Workbook, views: Sequence[DossierView]) -> None:
    """One sheet per procedure code of ``views``: "STT" then a column per field path met."""
    groups: dict[str, list[DossierView]] = {}
    for view in views:
        groups.setdefault(str(view.data.get("procedure_code") or ""), []).append(view)
    taken = {sheet.title for sheet in workbook.worksheets}
    for code, members in groups.items():
        sheet = workbook.create_sheet(_sheet_title(code, taken))
        rows = [(view, dict(_pairs(view))) for view in members]
        paths = list(dict.fromkeys(path for _, pairs in rows for path in pairs))
        headers = ["STT", *(label_for(path) for path in paths)]
        for column, title in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=column, value=title)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            sheet.column_dimensions[get_column_letter(column)].width = 6 if column == 1 else 22
        for number, (view, pairs) in enumerate(rows, start=1):
            sheet.cell(row=number + 1, column=1, value=number)
            kind = kind_of(view.data)
            for column, path in enumerate(paths, start=2):
                value = _cell_value(path, pairs.get(path), kind) if path in pairs else None
                cell = sheet.cell(row=number + 1, column=column, value=value)
                if isinstance(value, str):
                    cell.number_format = "@"
        sheet.freeze_panes = "B2"


def export_bundle(workbook: bytes, views: Sequence[DossierView], stored: Callable[[str, int], Path]) -> bytes:
    """A zip of the workbook (:data:`WORKBOOK_NAME`) and every attachment at its listed path;
    ``stored(code, index)`` is the stored file of an attachment."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(WORKBOOK_NAME, workbook)
        for view in views:
            for index, meta in sorted(view.files.items()):
                bundle.write(stored(view.code, index), attachment_path(view.code, index, str(meta["name"])))
    return buffer.getvalue()
