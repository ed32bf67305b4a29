"""The dossier (hồ sơ thủ tục hành chính) as the provincial one-stop system holds it."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from rpa.domain.dossier_code import dossier_code_problem
from rpa.domain.person import Applicant, Code, DomainModel, Text

__all__ = ["Attachment", "Channel", "Dossier", "DossierStatus", "Payload"]


class DossierStatus(IntEnum):
    """National public-service portal status codes 1-10."""

    NEW = 1
    ACCEPTED = 2
    NOT_ACCEPTED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWN = 7
    STOPPED = 8
    FINISHED = 9
    RESULT_RETURNED = 10

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    DossierStatus.NEW: "Mới đăng ký",
    DossierStatus.ACCEPTED: "Được tiếp nhận",
    DossierStatus.NOT_ACCEPTED: "Không được tiếp nhận",
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    DossierStatus.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.FINISHED: "Đã xử lý xong",
    DossierStatus.RESULT_RETURNED: "Đã trả kết quả",
}


class Channel(StrEnum):
    DIRECT = "direct"
    ONLINE = "online"
    POST = "post"

    @property
    def label(self) -> str:
        return {"direct": "Trực tiếp", "online": "Trực tuyến", "post": "Bưu chính"}[self.value]


_DOSSIER_CODE = re.compile(r"(?P<agency>[0-9A-Za-z][0-9A-Za-z.]*)-(?P<day>[0-9]{6})-(?P<seq>[0-9]{4})")


def _dossier_code(value: Any) -> Any:
    """Check ``{agency}-{yyMMdd}-{NNNN}``: the middle part must be a real day.

    The code is checked as it is, never stripped: the bot names folders and URLs with the code the
    provincial system lists, so " X" must not pass as "X".
    """
    if not isinstance(value, str):
        return value
    unusable = dossier_code_problem(value)
    if unusable is not None:
        raise PydanticCustomError("dossier_code", "{reason}", {"reason": unusable.message})
    match = _DOSSIER_CODE.fullmatch(value)
    if match:
        day = match["day"]
        try:
            date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
            return value
        except ValueError:
            pass
    raise PydanticCustomError(
        "dossier_code",
        "“{value}” không đúng dạng mã cơ quan-yyMMdd-NNNN (ví dụ 000.00.01.H55-251103-0007)",
        {"value": value},
    )


def _sha256(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{64}", value.strip()):
        return value.strip().lower()
    if value is None:
        return value
    raise PydanticCustomError("sha256", "phải gồm đúng 64 ký tự thập lục phân (0-9, a-f)")


DossierCode = Annotated[str, BeforeValidator(_dossier_code)]
Sha256 = Annotated[str, BeforeValidator(_sha256)]
MediaType = Annotated[Code, StringConstraints(pattern=r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")]


class Attachment(DomainModel):
    """A file attached to the dossier (identity-card scan, authorisation letter...)."""

    name: Text
    media_type: MediaType
    size: Annotated[int, Field(gt=0)]
    sha256: Sha256  # lower-case hex
    file: Path | None = None  # where the bytes are stored locally, once downloaded


class Payload(DomainModel):
    """The procedure's own part of a dossier. Each procedure's payload model derives from this and
    narrows ``kind`` to its name (``Literal["..."]``), which is what tells the procedures apart."""

    kind: str


class Dossier(DomainModel):
    """One dossier. ``code`` is ``{agency}-{yyMMdd}-{NNNN}``, e.g. ``000.00.01.H55-251103-0007``."""

    code: DossierCode
    procedure_code: Code
    procedure_name: Text
    received_at: datetime
    due_at: datetime
    status: DossierStatus
    channel: Channel
    applicant: Applicant
    attachments: list[Attachment] = Field(default_factory=list)
    payload: Payload
    """One procedure's payload; :func:`rpa.domain.parse_dossier` reads it as the discriminated union
    of every registered procedure's model (see :func:`rpa.procedures.dossier_model`)."""
