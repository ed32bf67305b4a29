"""The dossier (hồ sơ thủ tục hành chính) as the provincial one-stop system holds it."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from pathlib import Path

from rpa.domain.judicial_record import JudicialRecordRequest
from rpa.domain.person import Applicant, DomainModel

__all__ = ["Attachment", "Channel", "Dossier", "DossierStatus"]


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


class Attachment(DomainModel):
    """A file attached to the dossier (identity-card scan, authorisation letter...)."""

    name: str
    media_type: str
    size: int
    sha256: str
    file: Path | None = None  # where the bytes are stored locally, once downloaded


class Dossier(DomainModel):
    """One dossier. ``code`` is ``{agency}-{yyMMdd}-{NNNN}``, e.g. ``000.00.01.H55-251103-0007``."""

    code: str
    procedure_code: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    status: DossierStatus
    channel: Channel
    applicant: Applicant
    attachments: list[Attachment] = []
    payload: JudicialRecordRequest
