"""Application statuses on the ministry portal, their Vietnamese labels and allowed transitions."""

from __future__ import annotations

from typing import Final

__all__ = ["AUTO_NEXT", "LABELS", "STATUSES", "TRANSITIONS", "can_move"]

STATUSES: Final = ("received", "processing", "supplement_requested", "finished", "result_returned")

LABELS: Final[dict[str, str]] = {
    "received": "Đã tiếp nhận",
    "processing": "Đang xử lý",
    "supplement_requested": "Yêu cầu bổ sung",
    "finished": "Đã có kết quả",
    "result_returned": "Đã trả kết quả",
}

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    "received": frozenset({"processing"}),
    "processing": frozenset({"supplement_requested", "finished"}),
    "supplement_requested": frozenset({"processing"}),
    "finished": frozenset({"result_returned"}),
    "result_returned": frozenset(),
}

AUTO_NEXT: Final[dict[str, str]] = {
    "received": "processing",
    "processing": "finished",
    "finished": "result_returned",
}
"""The path taken when statuses advance over time (``auto_advance_s``): never a supplement request."""

DEFAULT_SUPPLEMENT_REASON: Final = "Đề nghị bổ sung bản chụp căn cước rõ nét, đủ hai mặt."


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
