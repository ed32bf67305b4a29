"""Reading the provincial export: its dossier sheets, and each row as an API-shaped dossier dict.

A dossier sheet heads its columns with field labels (:mod:`rpa.intake.columns`) and has at least
the dossier code, the procedure code and one payload field; other sheets (the list "Danh sách hồ
sơ") are not read. Row 1 is the header; every other row with any value is one dossier.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from rpa.errors import RpaError
from rpa.intake.cells import CellError, Converted, field_value
from rpa.intake.columns import field_of
from rpa.procedures.display import kind_shown
from rpa.sources.fields import FieldError, rebuild

__all__ = ["Column", "Issue", "SheetRow", "UnreadableWorkbook", "read_rows"]


class UnreadableWorkbook(RpaError):
    """The file is no workbook, or none of its sheets holds dossiers."""


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    path: str | None


@dataclass(frozen=True)
class Issue:
    """What is wrong with one cell: ``message`` for the clerk, ``english`` for the log."""

    column: Column
    message: str
    english: str


@dataclass
class SheetRow:
    """One dossier row: the dict its cells make, and what was converted or wrong on the way."""

    sheet: str
    number: int
    columns: list[Column]
    data: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    converted: list[tuple[Column, Converted]] = field(default_factory=list)

    def column(self, path: str) -> Column | None:
        """The column of field ``path``, else of the nearest field above it that has one."""
        by_path = {c.path: c for c in self.columns if c.path is not None}
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            found = by_path.get(".".join(parts[:cut]))
            if found is not None:
                return found
        return None

    def cell(self, path: str) -> Column:
        """Where a problem on ``path`` is shown: its column, else the dossier code's, else the first."""
        return self.column(path) or self.column("code") or self.columns[0]


def _columns(sheet: Worksheet) -> list[Column]:
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return [
        Column(get_column_letter(i), "" if h is None else str(h).strip(), field_of(h))
        for i, h in enumerate(header, start=1)
    ]


def _is_dossier_sheet(columns: list[Column]) -> bool:
    paths = {c.path for c in columns}
    return {"code", "procedure_code"} <= paths and any(str(p).startswith("payload.") for p in paths)


def _row(sheet: str, number: int, columns: list[Column], values: tuple[Any, ...]) -> SheetRow:
    row = SheetRow(sheet, number, columns)
    shown = {c.path: v for c, v in zip(columns, values, strict=False) if c.path is not None}
    kind_text = shown.get("payload.kind")
    kind = kind_shown(None if kind_text is None else str(kind_text), str(shown.get("procedure_code")))
    pairs: list[tuple[str, Any]] = []
    for column, value in zip(columns, values, strict=False):
        if value is None or (isinstance(value, str) and not value.strip()) or column.header == "STT":
            continue
        if column.path is None:
            row.issues.append(
                Issue(
                    column,
                    f"cột “{column.header}” không phải trường nào của hồ sơ",
                    f"column {column.header!r} is no dossier field",
                )
            )
            continue
        try:
            stored, converted = field_value(column.path, value, kind)
        except CellError as error:
            row.issues.append(Issue(column, error.message, error.english))
            continue
        if converted is not None:
            row.converted.append((column, converted))
        pairs.append((column.path, stored))
    try:
        row.data = rebuild(pairs)
    except FieldError as exc:
        row.issues.append(Issue(columns[0], f"các cột của dòng không ghép được thành hồ sơ: {exc}", str(exc)))
    return row


def read_rows(path: Path) -> tuple[list[SheetRow], list[str]]:
    """Every dossier row of the workbook at ``path``, and the titles of the sheets read.

    Raises:
        UnreadableWorkbook: not an .xlsx file, or no sheet of dossiers in it.
    """
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableWorkbook(f"{path} is not a readable .xlsx workbook: {exc}") from None
    rows: list[SheetRow] = []
    read: list[str] = []
    try:
        for sheet in workbook.worksheets:
            columns = _columns(sheet)
            if not _is_dossier_sheet(columns):
                continue
            read.append(sheet.title)
            for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
                if any(v is not None and str(v).strip() for v in values):
                    rows.append(_row(sheet.title, number, columns, values))
    finally:
        workbook.close()
    if not read:
        raise UnreadableWorkbook(
            f"{path}: no sheet of dossiers (a header row with Mã hồ sơ, Mã thủ tục and the request's fields)"
        )
    return rows, read
