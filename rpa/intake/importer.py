"""Importing the provincial Excel export: each row validated as the API's dossiers are, then queued.

A row goes, in order:

- **skipped** when its dossier does not wait for the ministry (status other than "Được tiếp nhận");
- **refused** when the workbook itself is wrong about it: a cell that cannot be read (mojibake that is
  neither TCVN3 nor VNI, a label that maps to no code, a column that is no field), a dossier code
  that is malformed, a procedure code no active procedure takes, an attachment file that is missing,
  outside the workbook's folder, too big or not the one listed (size, SHA-256). Nothing is queued;
  the clerk fixes the workbook and imports it again;
- otherwise it is assembled exactly as a source assembles an API dossier
  (:func:`rpa.sources.base.assemble`: one validation path) and queued with the ledger's ``enqueue``:
  **new**, or **known** when the ledger already had it with the same content (importing a file again
  adds nothing), or **updated** when its content changed before any worker took it (a corrected row);
  a changed row of a transfer already under way is **refused**, never applied halfway. A
  dossier with validation problems is queued too, as the poll queues one: the worker parks it for a
  clerk with these same reasons; the row lists them.

Each queued dossier is kept as imported (:mod:`rpa.intake.store`), attachments included: the worker
types that, not what the provincial system may show later.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from loguru import logger

from rpa.config import Settings
from rpa.domain import dossier_code_problem
from rpa.errors import InvalidDossier
from rpa.intake.store import ImportedDossiers, content_digest, imported_dir
from rpa.intake.workbook import Issue, SheetRow, read_rows
from rpa.ledger import STATE_LABELS, Ledger, TransferState
from rpa.ledger.states import is_clerk
from rpa.procedures import Procedure, active_procedures, procedure_codes
from rpa.sources.base import SourceRecord, assemble
from rpa.sources.provincial import max_bytes, verify_attachment
from rpa.sources.sealed import SealedAttachments
from rpa.transfer.intake import WAITING_STATUSES
from rpa.vault import vault_for

__all__ = ["ImportReport", "RowOutcome", "import_workbook"]

S = TransferState
CHANGEABLE = frozenset({S.QUEUED, S.FAILED_SYSTEM, S.FAILED_BUSINESS})
"""Transfers whose kept dossier a new import may replace: no worker has it in hand, nothing was typed
that counts (a business failure is fixed by the clerk and sent again)."""


@dataclass
class RowOutcome:
    """What became of one row (``status``: new, known, refused or skipped)."""

    row: SheetRow
    status: str
    code: str | None = None
    procedure: str | None = None
    transfer_id: int | None = None
    problems: list[Issue] = field(default_factory=list)
    record: SourceRecord | None = None
    """The dossier as assembled (its files copied to a temporary folder, gone after the import)."""

    @property
    def flawed(self) -> bool:
        return self.status == "refused" or bool(self.problems)


@dataclass
class ImportReport:
    path: Path
    sheets: list[str]
    rows: list[RowOutcome]
    annotated: Path | None = None

    @property
    def ok(self) -> bool:
        return not any(row.flawed for row in self.rows)


def _issue(row: SheetRow, path: str, message: str, english: str) -> Issue:
    return Issue(row.cell(path), message, english)


def _attachment_issues(row: SheetRow, folder: Path, settings: Settings) -> list[Issue]:
    """Each listed file must lie in the workbook's folder and be the one the dossier lists."""
    issues: list[Issue] = []
    listed = row.data.get("attachments")
    for index, meta in enumerate(listed if isinstance(listed, list) else []):
        where = f"attachments.{index}.file"
        name = meta.get("file") if isinstance(meta, dict) else None
        if not isinstance(name, str):
            issues.append(_issue(row, where, "không có đường dẫn tệp đính kèm", "no attachment path"))
            continue
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()):
            issues.append(
                _issue(row, where, f"“{name}” nằm ngoài thư mục của tệp Excel", f"{name} is outside")
            )
        elif not path.is_file():
            issues.append(
                _issue(row, where, f"không tìm thấy tệp “{name}” cạnh tệp Excel", f"{name} is missing")
            )
        elif path.stat().st_size > max_bytes(settings.max_attachment_mb):
            issues.append(_issue(row, where, f"tệp “{name}” quá lớn", f"{name} is too large"))
        else:
            try:
                verify_attachment(path, index, meta, row.data.get("code"))
            except InvalidDossier as exc:
                issues += [_issue(row, where, p.message, f"{name} does not match") for p in exc.problems]
    return issues


def _api_dict(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The row's dossier as the API shows it: each attachment's file as its ``download_url``."""
    api = {**data}
    listed = data.get("attachments")
    if isinstance(listed, list):
        api["attachments"] = [
            {k: v for k, v in meta.items() if k != "file"} | {"download_url": str(folder / meta["file"])}
            for meta in listed
        ]
    return api


def _procedure(code: Any, procedures: Sequence[Procedure], settings: Settings) -> Procedure | None:
    return next((p for p in procedures if code in procedure_codes(settings, p)), None)


def _one(
    row: SheetRow,
    folder: Path,
    ledger: Ledger,
    settings: Settings,
    actor: str,
    files: Path,
    today: date | None,
    kept: ImportedDossiers,
) -> RowOutcome:
    data = row.data
    code = data.get("code") if isinstance(data.get("code"), str) else None
    outcome = RowOutcome(row, "refused", code)
    if data.get("status") not in WAITING_STATUSES and "status" in data and not row.issues:
        outcome.status = "skipped"
        return outcome
    issues = list(row.issues)
    problem = dossier_code_problem(code or "")
    if problem is not None:
        issues.append(_issue(row, "code", str(problem), "malformed dossier code"))
    procedures = active_procedures(settings)
    procedure = _procedure(data.get("procedure_code"), procedures, settings)
    if procedure is None:
        shown = data.get("procedure_code")
        issues.append(
            _issue(
                row,
                "procedure_code",
                f"mã thủ tục “{shown}” chưa có bot nào chuyển sang Bộ; cán bộ xử lý như trước",
                f"procedure code {shown!r} is taken by no active procedure",
            )
        )
    issues += _attachment_issues(row, folder, settings)
    outcome.problems = issues
    if issues or code is None or procedure is None:
        return outcome
    outcome.procedure = procedure.name
    api = _api_dict(data, folder)
    attachments = SealedAttachments(kept.vault)  # even the import's own copies are never in the clear

    def copy(index: int, source: str, dest: Path) -> Path:
        return attachments.keep(code, dest, Path(source).read_bytes())

    record = outcome.record = assemble(code, api, copy, files, today)
    if record.problems is not None:
        outcome.problems = [
            _issue(row, p.field, str(p), f"dossier problem on {p.field}") for p in record.problems.problems
        ]
    known = ledger.find(code, procedure.name)
    if known is None:
        kept.keep(code, api)
        outcome.status, outcome.transfer_id = "new", ledger.enqueue(code, procedure.name, actor=actor).id
        return outcome
    outcome.transfer_id = known.id
    before = kept.digest(code)
    if before is None or before == content_digest(api):
        outcome.status = "known"  # the same content again, or a dossier the poll read from the system
    elif known.state in CHANGEABLE:
        kept.keep(code, api)
        outcome.status = "updated"
        if known.state is S.FAILED_BUSINESS and is_clerk(actor):
            ledger.transition(
                known.id, S.QUEUED, actor=actor, reason="cán bộ nhập lại hồ sơ đã sửa từ tệp Excel"
            )
    else:
        outcome.status = "refused"
        outcome.problems = [
            _issue(
                row,
                "code",
                f"hồ sơ đã được bot chuyển sang Bộ (“{STATE_LABELS[known.state]}”) với nội dung của lần nhập "
                "trước; nội dung trong tệp này khác nên không được thay: cán bộ đối chiếu trên cổng của Bộ",
                f"content changed after the transfer started ({known.state})",
            )
        ]
    return outcome


def import_workbook(
    path: Path, ledger: Ledger, settings: Settings, *, actor: str, today: date | None = None
) -> ImportReport:
    """Import every dossier row of the export at ``path`` (see the module's docstring).

    Raises:
        UnreadableWorkbook: the file is no workbook of dossiers.
    """
    rows, sheets = read_rows(path)
    report = ImportReport(path, sheets, [])
    kept = ImportedDossiers(imported_dir(settings.work_dir), vault_for(settings))
    with tempfile.TemporaryDirectory(prefix="rpa-intake-") as temporary:
        for row in rows:
            outcome = _one(row, path.parent, ledger, settings, actor, Path(temporary), today, kept)
            report.rows.append(outcome)
            log = logger.bind(file=str(path), sheet=row.sheet, row=row.number, dossier=outcome.code)
            for column, converted in row.converted:
                log.info("row {} column {}: {} text converted", row.number, column.letter, converted.encoding)
            for issue in outcome.problems:
                log.warning(
                    "row {} column {} ({}): {}",
                    row.number,
                    issue.column.letter,
                    issue.column.path,
                    issue.english,
                )
            log.info("row {}: {}", row.number, outcome.status)
    return report
