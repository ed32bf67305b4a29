"""What clerks read for the codes of the judicial-record payload (its ``Procedure.value_labels``)."""

from __future__ import annotations

from typing import Any

__all__ = ["VALUE_LABELS"]

VALUE_LABELS: dict[str, dict[Any, str]] = {
    "payload.certificate_type": {1: "Phiếu số 1", 2: "Phiếu số 2"},
    "payload.delivery.method": {"at_agency": "Nhận tại cơ quan", "post": "Nhận qua bưu chính"},
    "payload.authorised_person.relation": {
        "parent": "Cha, mẹ",
        "spouse": "Vợ, chồng",
        "child": "Con",
        "other": "Người khác (có văn bản ủy quyền)",
    },
}
