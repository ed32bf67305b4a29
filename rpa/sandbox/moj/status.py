"""Application statuses on the ministry portal, their Vietnamese labels and allowed transitions."""

from __future__ import annotations

from typing import Final

from rpa.sandbox.portal_store import Lifecycle

__all__ = ["AUTO_NEXT", "LABELS", "LIFECYCLE", "STATUSES", "TRANSITIONS"]

LABELS: Final[dict[str, str]] = {
    "received": "Đã tiếp nhận",
    "processing": "Đang xử lý",
    "supplement_requested": "Yêu cầu bổ sung",
    "finished": "Đã có kết quả",
    "result_returned": "Đã trả kết quả",
    # The ministry refuses the certificate (Luật Lý lịch tư pháp, điều 49: the request is not within its
    # remit, the requester is not entitled, or the documents are not valid), or the application is
    # cancelled by the citizen or the ministry. Both end it, without a certificate.
    "refused": "Từ chối cấp phiếu",
    "cancelled": "Đã hủy",
}
STATUSES: Final = tuple(LABELS)

_ENDED: Final = frozenset({"refused", "cancelled"})
"""Possible at any point before the result exists; nothing follows them."""

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "received": frozenset({"processing"}) | _ENDED,
    "processing": frozenset({"supplement_requested", "finished"}) | _ENDED,
    "supplement_requested": frozenset({"processing"}) | _ENDED,
    "finished": frozenset({"result_returned"}),
    "result_returned": frozenset(),
    "refused": frozenset(),
    "cancelled": frozenset(),
}

AUTO_NEXT: Final[dict[str, str]] = {
    "received": "processing",
    "processing": "finished",
    "finished": "result_returned",
}

LIFECYCLE: Final = Lifecycle(
    labels=LABELS,
    transitions=TRANSITIONS,
    auto_next=AUTO_NEXT,
    certificate_status="result_returned",
    certificate_number=lambda at, issued: f"LLTP-{at.year}-{issued + 1:06d}",
    certificate_note="Số phiếu: {number}",
    supplement_status="supplement_requested",
    default_supplement_reason="Đề nghị bổ sung bản chụp căn cước rõ nét, đủ hai mặt.",
)
