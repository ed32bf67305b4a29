"""What one status-sync pass did: typed for the scheduler, JSON for ``--json``, Vietnamese text for people."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from rpa.domain import DossierStatus

__all__ = ["Finished", "Overdue", "Parked", "StatusChange", "SyncError", "SyncSummary", "summary_lines"]


@dataclass
class StatusChange:
    dossier_code: str
    receipt_code: str
    from_status: str | None  # the ministry's status last seen, None before the first pass
    to_status: str
    label: str  # the portal's Vietnamese wording of ``to_status``
    national_status: int
    written: bool  # the provincial system was updated in this pass
    certificate_number: str | None = None
    supplement_reason: str | None = None
    agency: str = "Bộ"  # who decides, as the procedure names it
    certificate_name: str = "số giấy tờ"  # what the procedure calls ``certificate_number``


@dataclass
class Finished:
    dossier_code: str
    receipt_code: str
    certificate_number: str | None
    certificate_name: str = "số giấy tờ"


@dataclass
class Overdue:
    dossier_code: str
    receipt_code: str | None
    due_on: str  # ISO date
    deadline_days: int
    working_days_late: int
    alerted: bool  # first seen overdue in this pass (an alert went out)


@dataclass
class Parked:
    """A transfer whose portal status the procedure does not know, parked for a person in this pass
    (listed once: later passes that still see the label stay silent)."""

    dossier_code: str
    receipt_code: str
    label: str  # the portal's wording, as seen
    agency: str = "Bộ"


@dataclass
class SyncError:
    dossier_code: str | None  # None: the whole pass (portal unreachable, login refused...)
    error: str


@dataclass
class SyncSummary:
    """What one pass did; ``to_dict()`` is what ``rpa sync --once --json`` prints."""

    started_at: str
    finished_at: str | None = None
    checked: int = 0
    changed: list[StatusChange] = field(default_factory=list)
    finished: list[Finished] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)
    errors: list[SyncError] = field(default_factory=list)
    parked: list[Parked] = field(default_factory=list)
    skipped: str | None = None  # why no status was read (the portal's circuit breaker is open)
    agencies: list[str] = field(default_factory=list)  # whose statuses the pass read

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def summary_lines(summary: SyncSummary) -> list[str]:
    """The pass in Vietnamese, for a supervisor reading a terminal or a scheduler's mail."""
    whose = ", ".join(summary.agencies) or "với các Bộ"
    lines = [
        f"Đồng bộ trạng thái {whose}: đã kiểm tra {summary.checked} hồ sơ, "
        f"{len(summary.changed)} thay đổi, {len(summary.finished)} hoàn thành, "
        f"{len(summary.overdue)} quá hạn, {len(summary.errors)} lỗi."
    ]
    if summary.parked:
        lines[0] = lines[0][:-1] + f", {len(summary.parked)} trạng thái chưa xác định."
    if summary.skipped:
        lines.append(f"Không đọc trạng thái: {summary.skipped}")
    for c in summary.changed:
        national = f"{c.national_status} {DossierStatus(c.national_status).label}"
        done = "đã cập nhật" if c.written else "đã có sẵn"
        line = f"  {c.dossier_code} ({c.receipt_code}): {c.agency} “{c.label}”, một cửa {national} ({done})"
        if c.supplement_reason and c.national_status == DossierStatus.SUPPLEMENT_REQUESTED:
            line += f"; nội dung yêu cầu bổ sung: {c.supplement_reason}"
        if c.certificate_number:
            line += f"; {c.certificate_name} {c.certificate_number}"
        lines.append(line)
    for f in summary.finished:
        lines.append(
            f"  Hoàn thành: {f.dossier_code} ({f.receipt_code}), "
            f"{f.certificate_name} {f.certificate_number or '-'}"
        )
    for o in summary.overdue:
        due = date.fromisoformat(o.due_on).strftime("%d/%m/%Y")
        lines.append(
            f"  Quá hạn: {o.dossier_code} ({o.receipt_code or '-'}), hạn {due} "
            f"({o.deadline_days} ngày làm việc), trễ {o.working_days_late} ngày làm việc"
        )
    for p in summary.parked:
        lines.append(
            f"  Chờ người xử lý: {p.dossier_code} ({p.receipt_code}): {p.agency} hiển thị trạng thái "
            f"chưa xác định “{p.label}”; một cửa chưa được cập nhật"
        )
    for e in summary.errors:
        lines.append(f"  Lỗi: {e.dossier_code or 'cả lượt đồng bộ'}: {e.error}")
    return lines
