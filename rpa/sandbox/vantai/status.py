"""Statuses of a badge application on the road-transport portal, their labels and transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from rpa.sandbox.portal_store import Lifecycle

__all__ = ["ISSUED", "LABELS", "LIFECYCLE", "badge_number"]

LABELS: Final[dict[str, str]] = {
    "submitted": "Đã tiếp nhận",
    "processing": "Đang thẩm định",
    "supplement_requested": "Yêu cầu bổ sung",
    "refused": "Từ chối cấp",
    "issued": "Đã cấp phù hiệu",
}
ISSUED: Final = "issued"

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "submitted": frozenset({"processing", "supplement_requested", "refused", "issued"}),
    "processing": frozenset({"supplement_requested", "refused", "issued"}),
    "supplement_requested": frozenset({"processing"}),
    "refused": frozenset(),
    "issued": frozenset(),
}

AUTO_NEXT: Final[dict[str, str]] = {"submitted": "processing", "processing": "issued"}


def badge_number(at: datetime, issued: int) -> str:
    """A badge's number ``76-PH-NNNNNN``, given how many badges were issued before (any date)."""
    del at  # the serial runs on across years, as the department's badge register does
    return f"76-PH-{issued + 1:06d}"


LIFECYCLE: Final = Lifecycle(
    labels=LABELS,
    transitions=TRANSITIONS,
    auto_next=AUTO_NEXT,
    certificate_status=ISSUED,
    certificate_number=badge_number,
    certificate_note="Số phù hiệu: {number}",
    supplement_status="supplement_requested",
    default_supplement_reason=(
        "Đề nghị bổ sung bản sao giấy đăng ký xe và hợp đồng thuê phương tiện còn hiệu lực."
    ),
)
