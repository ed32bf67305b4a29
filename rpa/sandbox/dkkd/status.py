"""Statuses of an application on the business-registration portal, their labels and transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from rpa.sandbox.portal_store import Lifecycle

__all__ = ["LABELS", "LIFECYCLE", "enterprise_code"]

LABELS: Final[dict[str, str]] = {
    "submitted": "Đã nộp",
    "processing": "Đang xử lý",
    "supplement_requested": "Yêu cầu sửa đổi bổ sung",
    "granted": "Đã cấp Giấy chứng nhận",
}

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "submitted": frozenset({"processing", "supplement_requested", "granted"}),
    "processing": frozenset({"supplement_requested", "granted"}),
    "supplement_requested": frozenset({"processing"}),
    "granted": frozenset(),
}

AUTO_NEXT: Final[dict[str, str]] = {"submitted": "processing", "processing": "granted"}


def enterprise_code(at: datetime, issued: int) -> str:
    """The 10-digit enterprise (tax) code: Quảng Ngãi's start with 43."""
    return f"43{at:%y}{issued + 1:06d}"


LIFECYCLE: Final = Lifecycle(
    labels=LABELS,
    transitions=TRANSITIONS,
    auto_next=AUTO_NEXT,
    certificate_status="granted",
    certificate_number=enterprise_code,
    certificate_note="Mã số doanh nghiệp: {number}",
    supplement_status="supplement_requested",
    default_supplement_reason=(
        "Đề nghị bổ sung bản sao giấy tờ pháp lý của cá nhân đối với chủ sở hữu và người đại diện "
        "theo pháp luật."
    ),
)
