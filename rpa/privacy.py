"""A citizen's request about their data (Personal Data Protection Law 91/2025/QH15): everything this
installation holds about one person, found by their identity number, listed or handed over as one file.

The ledger never keeps the number: a person's transfers are found by the HMAC of it
(:func:`rpa.ledger.search.identity_digest`). From their dossier codes come the events, the evidence
(opened with the dossier's key), the JSON log lines that name those dossiers (log lines mask every
identity number to its last four digits, so they are found by dossier code, not by number) and the
rows of the daily reports that name them (never a whole report: it holds other people's data).
Nothing returned or recorded here spells the full number.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rpa.config import Settings
from rpa.errors import BusinessError
from rpa.evidence.opening import attempt_folders, open_attempt_file
from rpa.ledger import Ledger
from rpa.ledger.data_keys import ErasedKey
from rpa.ledger.models import TransferRow
from rpa.ledger.search import identity_digest
from rpa.logs import mask_id
from rpa.private_files import FILE_MODE
from rpa.vault import SealedDataError, Vault, vault_for

__all__ = ["PersonRecord", "export_person", "find_person", "masked_number", "valid_number"]

_NUMBER = re.compile(r"\d{9}|\d{12}")
_REPORT_DAY = re.compile(r"bao-cao-(\d{4}-\d{2}-\d{2})\.xlsx")


def valid_number(text: str) -> str:
    """The identity number's digits (9-digit CMND or 12-digit CCCD; spaces allowed).

    Raises:
        BusinessError: anything else, in Vietnamese.
    """
    digits = "".join(text.split())
    if not _NUMBER.fullmatch(digits):
        raise BusinessError("Số định danh phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND).")
    return digits


def masked_number(number: str) -> str:
    return mask_id(number)


@dataclass
class PersonRecord:
    identity: str  # masked: ********1234
    transfers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)  # per attempt: folder, files, readable
    log_lines: list[dict[str, Any]] = field(default_factory=list)
    report_rows: list[dict[str, Any]] = field(default_factory=list)  # {report, sheet, row: [...]}

    @property
    def codes(self) -> list[str]:
        return sorted({t["dossier_code"] for t in self.transfers})

    def counts(self) -> dict[str, int]:
        return {
            "transfers": len(self.transfers),
            "events": len(self.events),
            "evidence_attempts": len(self.evidence),
            "log_lines": len(self.log_lines),
            "report_rows": len(self.report_rows),
        }

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"counts": self.counts()}


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _transfers(settings: Settings, digest: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ledger = Ledger(settings.ledger_url)
    try:
        with Session(ledger.engine) as session:
            rows = list(session.scalars(select(TransferRow).where(TransferRow.identity_digest == digest)))
        transfers: list[dict[str, Any]] = [
            {
                "id": row.id,
                "dossier_code": row.dossier_code,
                "procedure": row.flow,
                "state": row.state,
                "applicant_name": row.applicant_name,
                "receipt_code": row.receipt_code,
                "ministry_status": row.ministry_status,
                "created_at": _when(row.created_at),
                "updated_at": _when(row.updated_at),
                "finished_at": _when(row.finished_at),
                "business_reasons": list(row.business_reasons or []),
            }
            for row in rows
        ]
        events = [
            {
                "dossier_code": t["dossier_code"],
                "at": _when(e.at),
                "from": e.from_state,
                "to": e.to_state,
                "actor": e.actor,
                "reason": e.reason,
            }
            for t in transfers
            for e in ledger.events(t["id"])
        ]
    finally:
        ledger.close()
    return transfers, events


def _evidence(settings: Settings, vault: Vault, codes: list[str]) -> list[dict[str, Any]]:
    found = []
    for code in codes:
        for folder in attempt_folders(settings.recordings_dir, code):
            files = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            state = "readable"
            try:
                for name in files:
                    open_attempt_file(vault, code, folder / name)
            except ErasedKey:
                state = "erased"
            except SealedDataError:
                state = "altered"
            relative = folder.relative_to(settings.recordings_dir).as_posix()
            found.append({"dossier_code": code, "folder": relative, "files": files, "state": state})
    return found


def _log_files(log_file: Path | None) -> list[Path]:
    if log_file is None or not log_file.parent.is_dir():
        return []
    return sorted(p for p in log_file.parent.glob(f"{log_file.stem}*{log_file.suffix}") if p.is_file())


def _log_lines(settings: Settings, codes: list[str]) -> list[dict[str, Any]]:
    wanted, lines = set(codes), []
    for path in _log_files(settings.log_file):
        with path.open(encoding="utf-8", errors="replace") as stream:
            for text in stream:
                try:
                    entry = json.loads(text)
                except ValueError:
                    continue
                named = entry.get("dossier") in wanted or any(
                    code in entry.get("message", "") for code in wanted
                )
                if isinstance(entry, dict) and named:
                    lines.append(entry | {"file": path.name})
    return lines


def _report_rows(settings: Settings, vault: Vault, codes: list[str]) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    from rpa.report.workbook import open_report

    rows: list[dict[str, Any]] = []
    if not codes or not settings.reports_dir.is_dir():
        return rows
    for path in sorted(settings.reports_dir.iterdir()):
        matched = _REPORT_DAY.match(path.name)
        if matched is None:
            continue
        try:
            content = open_report(settings, date.fromisoformat(matched.group(1)), vault)
        except (ErasedKey, SealedDataError, FileNotFoundError):
            continue
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in workbook.worksheets:
            for values in sheet.iter_rows(values_only=True):
                shown = ["" if v is None else str(v) for v in values]
                if any(code in cell for cell in shown for code in codes):
                    rows.append({"report": path.name, "sheet": sheet.title, "row": shown})
    return rows


def find_person(settings: Settings, identity_number: str, vault: Vault | None = None) -> PersonRecord:
    """Everything held about the person with ``identity_number``.

    Raises:
        BusinessError: not an identity number.
        MissingKeyError: no master key (evidence and reports cannot be opened).
    """
    number = valid_number(identity_number)
    vault = vault or vault_for(settings)
    record = PersonRecord(masked_number(number))
    record.transfers, record.events = _transfers(settings, identity_digest(settings.work_dir, number))
    codes = record.codes
    record.evidence = _evidence(settings, vault, codes)
    record.log_lines = _log_lines(settings, codes)
    record.report_rows = _report_rows(settings, vault, codes)
    return record


def export_person(settings: Settings, identity_number: str, out: Path) -> PersonRecord:
    """:func:`find_person` as one zip (owner-only, never over an existing file): ``person.json``,
    the opened evidence under ``evidence/<folder>/``, ``logs.jsonl`` and ``report-rows.json``.

    Raises:
        FileExistsError: ``out`` exists.
    """
    vault = vault_for(settings)
    record = find_person(settings, identity_number, vault)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("person.json", json.dumps(record.as_json(), ensure_ascii=False, indent=2))
        for attempt in record.evidence:
            if attempt["state"] != "readable":
                continue
            folder = settings.recordings_dir / attempt["folder"]
            for name in attempt["files"]:
                plain = open_attempt_file(vault, attempt["dossier_code"], folder / name)
                bundle.writestr(f"evidence/{attempt['folder']}/{name.removesuffix('.enc')}", plain)
        bundle.writestr(
            "logs.jsonl", "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in record.log_lines)
        )
        bundle.writestr("report-rows.json", json.dumps(record.report_rows, ensure_ascii=False, indent=2))
    return record
