"""What happens to a dossier inside the store, as functions on an open SQLAlchemy session.

Intake (code assignment, files, the first log entry), status changes with the citizen's SMS, log
notes carrying ministry receipt codes, and ratings. :class:`~.store.ProvincialStore` wraps each in a
transaction under its write lock.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rpa.clock import vn_now
from rpa.sandbox.provincial.models import AttachmentRow, DossierRow, LogRow, RatingRow, SmsRow
from rpa.sandbox.provincial.sms import compose_sms
from rpa.sandbox.provincial.views import (
    ChangeResult,
    Conflict,
    NotFound,
    StoreError,
    now_iso,
    to_local,
)
from rpa.sandbox.records import SeededDossier

__all__ = [
    "FINISHED_STATUSES",
    "RECEPTION_ACTOR",
    "add_rating",
    "append_log",
    "change_status",
    "find_row",
    "intake",
    "log_dict",
    "rating_dict",
    "sms_dict",
]

FINISHED_STATUSES = (9, 10)
RECEPTION_ACTOR = "Bộ phận Một cửa"


def _status_of(data: dict[str, Any]) -> int:
    value = data.get("status")
    return value if isinstance(value, int) and 1 <= value <= 10 else 1


def _dig(data: dict[str, Any], *keys: str) -> Any:
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current


def _columns(row: object, *names: str) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def log_dict(row: LogRow) -> dict[str, Any]:
    return _columns(row, "time", "actor", "status_from", "status_to", "note", "receipt_code")


def sms_dict(row: SmsRow) -> dict[str, Any]:
    return _columns(row, "id", "dossier_code", "phone", "status", "text", "sent_at")


def rating_dict(row: RatingRow) -> dict[str, Any]:
    return _columns(row, "dossier_code", "stars", "comment", "rated_at")


def find_row(session: Session, code: str) -> DossierRow:
    row = session.scalar(select(DossierRow).where(DossierRow.code == code))
    if row is None:
        raise NotFound(f"Không tìm thấy hồ sơ có mã {code}")
    return row


def intake(session: Session, item: SeededDossier, agency: str, files_dir: Path) -> str:
    """Store one raw dossier under the next code of its received day; returns the code."""
    data = copy.deepcopy(item.data)
    received = to_local(data.get("received_at")) or vn_now().replace(tzinfo=None)
    day = received.strftime("%y%m%d")
    last = session.scalar(
        select(func.max(DossierRow.seq)).where(DossierRow.agency == agency, DossierRow.day == day)
    )
    seq = (last or 0) + 1
    code = f"{agency}-{day}-{seq:04d}"
    data["code"] = code
    status = _status_of(data)
    row = DossierRow(
        code=code,
        agency=agency,
        day=day,
        seq=seq,
        procedure_code=str(data.get("procedure_code") or ""),
        procedure_name=str(data.get("procedure_name") or ""),
        status=status,
        received_at=received,
        due_at=to_local(data.get("due_at")),
        identity_number=str(_dig(data, "applicant", "identity", "number") or ""),
        applicant_name=str(_dig(data, "applicant", "full_name") or ""),
        data=json.dumps(data, ensure_ascii=False),
        flaw=item.flaw,
        tricky=item.tricky,
    )
    session.add(row)
    session.flush()
    for index, seed_file in enumerate(item.files):
        digest = hashlib.sha256(seed_file.content).hexdigest()
        target = files_dir / digest
        if not target.exists():
            target.write_bytes(seed_file.content)
        session.add(
            AttachmentRow(
                dossier_id=row.id,
                index=index,
                name=seed_file.name,
                media_type=seed_file.media_type,
                size=len(seed_file.content),
                sha256=digest,
            )
        )
    time = str(data.get("received_at")) if to_local(data.get("received_at")) else now_iso()
    session.add(
        LogRow(
            dossier_id=row.id,
            time=time,
            actor=RECEPTION_ACTOR,
            status_from=None,
            status_to=status,
            note="Tiếp nhận hồ sơ",
            receipt_code=None,
        )
    )
    return code


def change_status(
    session: Session, code: str, status: int, note: str, receipt_code: str | None, actor: str, base_url: str
) -> ChangeResult:
    """Set the status, append a log entry and, when the status really changes, text the citizen.

    A repeated identical request (same status and receipt code; or, without a receipt code, the
    same status, note and actor as the latest entry) writes nothing and reports ``duplicate``.
    """
    if not 1 <= status <= 10:
        raise StoreError(f"Mã trạng thái {status} không hợp lệ: phải là số nguyên từ 1 đến 10")
    receipt_code = (receipt_code or "").strip() or None
    row = find_row(session, code)
    entries = list(session.scalars(select(LogRow).where(LogRow.dossier_id == row.id).order_by(LogRow.id)))
    if receipt_code:
        earlier = [e for e in entries if e.receipt_code == receipt_code and e.status_to == status]
    else:
        earlier = [
            e
            for e in entries[-1:]
            if row.status == status
            and e.status_to == status
            and e.receipt_code is None
            and e.note == note
            and e.actor == actor
        ]
    if earlier:
        return ChangeResult(code, row.status, False, True, log_dict(earlier[-1]), None)
    if row.status == 10 and status != 10:
        raise Conflict("Hồ sơ đã trả kết quả, không thể chuyển sang trạng thái khác")
    entry = LogRow(
        dossier_id=row.id,
        time=now_iso(),
        actor=actor,
        status_from=row.status,
        status_to=status,
        note=note,
        receipt_code=receipt_code,
    )
    session.add(entry)
    changed = row.status != status
    sms = None
    if changed:
        data = json.loads(row.data)
        data["status"] = status
        row.status = status
        row.data = json.dumps(data, ensure_ascii=False)
        phone = _dig(data, "applicant", "phone")
        sms = SmsRow(
            dossier_code=code,
            phone=None if phone is None else str(phone),
            status=status,
            text=compose_sms(data, code, status, receipt_code, base_url),
            sent_at=entry.time,
        )
        session.add(sms)
    session.flush()
    sent = None if sms is None else sms_dict(sms)
    return ChangeResult(code, status, changed, False, log_dict(entry), sent)


def append_log(session: Session, code: str, note: str, receipt_code: str | None, actor: str) -> ChangeResult:
    """Append a log entry (typically carrying a receipt code) without changing the status.
    An entry with the same receipt code and note already there makes this a duplicate."""
    receipt_code = (receipt_code or "").strip() or None
    if not receipt_code and not note.strip():
        raise StoreError("Cần có ghi chú hoặc mã hồ sơ Bộ Tư pháp")
    row = find_row(session, code)
    query = select(LogRow).where(
        LogRow.dossier_id == row.id, LogRow.receipt_code == receipt_code, LogRow.note == note
    )
    earlier = session.scalars(query).first() if receipt_code else None
    if earlier is not None:
        return ChangeResult(code, row.status, False, True, log_dict(earlier), None)
    entry = LogRow(
        dossier_id=row.id,
        time=now_iso(),
        actor=actor,
        status_from=row.status,
        status_to=row.status,
        note=note,
        receipt_code=receipt_code,
    )
    session.add(entry)
    return ChangeResult(code, row.status, False, False, log_dict(entry), None)


def add_rating(session: Session, code: str, stars: int, comment: str) -> dict[str, Any]:
    """Record the one satisfaction rating a finished dossier may get."""
    if not 1 <= stars <= 5:
        raise StoreError("Số sao đánh giá phải từ 1 đến 5")
    row = find_row(session, code)
    if row.status not in FINISHED_STATUSES:
        raise Conflict("Chỉ đánh giá được hồ sơ đã xử lý xong hoặc đã trả kết quả")
    if session.scalar(select(RatingRow).where(RatingRow.dossier_code == code)) is not None:
        raise Conflict("Hồ sơ này đã được đánh giá, mỗi hồ sơ chỉ được đánh giá một lần")
    rating = RatingRow(dossier_code=code, stars=stars, comment=comment.strip(), rated_at=now_iso())
    session.add(rating)
    return rating_dict(rating)
