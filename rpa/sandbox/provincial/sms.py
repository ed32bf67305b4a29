"""The text message a citizen receives when their dossier changes status.

Real SMS gateways used by one-stop centres usually send Vietnamese without diacritics: GSM-7 fits
160 characters in a segment, UCS-2 (needed for "ễ") only 70. The sandbox does the same: the outbox
stores the plain-ASCII text the gateway would send, at most :data:`MAX_LENGTH` characters (two
concatenated GSM-7 segments). Format::

    UBND tinh Quang Ngai: Ho so {code} cua {ong|ba|ong/ba} {NAME} {what happened}[, ma ho so {receipt}].
    Tra cuu: {base_url}/tra-cuu
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rpa.sandbox.provincial.labels import payload_kind

__all__ = ["MAX_LENGTH", "SENDER", "compose_sms", "fold_diacritics"]

SENDER = "UBND tinh Quang Ngai"
MAX_LENGTH = 306  # two concatenated GSM-7 segments (153 characters each)

_EVENTS = {
    1: "da duoc dang ky",
    2: "da duoc tiep nhan, hen tra ket qua ngay {due}",
    3: "khong duoc tiep nhan",
    4: "dang duoc xu ly",
    5: "can bo sung giay to",
    6: "can thuc hien nghia vu tai chinh",
    7: "da duoc rut theo yeu cau",
    8: "da dung xu ly",
    9: "da xu ly xong, moi den nhan ket qua",
    10: "da tra ket qua, moi danh gia muc do hai long",
}
_FORWARDED = "da duoc chuyen Bo Tu phap"
_FORWARDED_BY_KIND = {
    "business_registration": "da duoc chuyen Phong Dang ky kinh doanh",
    "road_transport": "da duoc chuyen So Xay dung",
}
"""Where a procedure other than the judicial record forwards its dossiers (by payload kind)."""


def fold_diacritics(text: str) -> str:
    """``"NGUYỄN ĐỨC"`` → ``"NGUYEN DUC"``: strip combining marks; Đ/đ have no decomposition."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if ch.isascii() else "?" for ch in stripped)


def _honorific(applicant: dict[str, Any]) -> str:
    return {"male": "ong", "female": "ba"}.get(str(applicant.get("sex")), "ong/ba")


def _due_date(data: dict[str, Any]) -> str:
    raw = str(data.get("due_at") or "")
    # ISO "2025-11-17T17:00:00+07:00" → "17/11/2025"; anything else is shown as stored.
    if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-":
        return f"{raw[8:10]}/{raw[5:7]}/{raw[0:4]}"
    return raw or "?"


def compose_sms(data: dict[str, Any], code: str, status: int, receipt_code: str | None, base_url: str) -> str:
    """The message for ``status`` of the dossier ``data`` (raw dict), ASCII, ≤ :data:`MAX_LENGTH`."""
    applicant = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
    assert isinstance(applicant, dict)
    name = " ".join(fold_diacritics(str(applicant.get("full_name") or "")).upper().split())
    if status == 4 and receipt_code:
        event = _FORWARDED_BY_KIND.get(payload_kind(data) or "", _FORWARDED)
    else:
        event = _EVENTS.get(status, "da thay doi trang thai").format(due=_due_date(data))
    if receipt_code:
        event += f", ma ho so {fold_diacritics(receipt_code)}"
    tail = f". Tra cuu: {base_url.rstrip('/')}/tra-cuu"
    head = f"{SENDER}: Ho so {code} cua {_honorific(applicant)} "
    room = MAX_LENGTH - len(head) - len(event) - len(tail) - 1
    if len(name) > room:
        name = name[: max(room - 3, 1)].rstrip() + "..."
    return f"{head}{name} {event}{tail}"[:MAX_LENGTH]
