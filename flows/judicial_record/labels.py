"""Vietnamese labels of the judicial-record payload's fields, as a clerk knows them from the form."""

from __future__ import annotations

from rpa.domain.labels import address_labels, identity_labels

__all__ = ["PAYLOAD_LABELS"]

_RELATIVES = {"father": "cha", "mother": "mẹ", "spouse": "vợ/chồng"}

PAYLOAD_LABELS: dict[str, str] = {
    "payload.residence_history": "Quá trình cư trú",
    "payload.residence_history.*": "Quá trình cư trú, dòng {n}",
    "payload.residence_history.*.from_date": "Quá trình cư trú, dòng {n} – từ ngày",
    "payload.residence_history.*.to_date": "Quá trình cư trú, dòng {n} – đến ngày",
    "payload.residence_history.*.address": "Quá trình cư trú, dòng {n} – nơi cư trú",
    "payload.residence_history.*.occupation": "Quá trình cư trú, dòng {n} – nghề nghiệp",
    "payload.residence_history.*.workplace": "Quá trình cư trú, dòng {n} – nơi làm việc",
    "payload.certificate_type": "Loại phiếu lý lịch tư pháp",
    "payload.confirm_court_ban": ("Yêu cầu xác nhận cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp"),
    "payload.purpose": "Mục đích yêu cầu",
    "payload.copies": "Số lượng phiếu",
    "payload.delivery": "Nhận kết quả",
    "payload.delivery.method": "Hình thức nhận kết quả",
    "payload.authorised_person": "Người được ủy quyền",
    "payload.authorised_person.full_name": "Họ và tên người được ủy quyền",
    "payload.authorised_person.relationship": "Quan hệ giữa người được ủy quyền và người ủy quyền",
    "payload.authorised_person.relation": "Người được ủy quyền là cha, mẹ, vợ, chồng hoặc con",
    "payload.authorised_person.authorisation_date": "Ngày ủy quyền",
    **address_labels("payload.delivery.address", "Địa chỉ nhận kết quả qua bưu chính"),
    **identity_labels("payload.authorised_person.identity", " của người được ủy quyền"),
}
for _key, _who in _RELATIVES.items():
    PAYLOAD_LABELS[f"payload.{_key}"] = f"Thông tin {_who}"
    PAYLOAD_LABELS[f"payload.{_key}.full_name"] = f"Họ và tên {_who}"
    PAYLOAD_LABELS[f"payload.{_key}.birth_date"] = f"Ngày sinh của {_who}"
