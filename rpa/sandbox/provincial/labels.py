"""Vietnamese labels of dossier fields, keyed by dotted path with ``*`` for list indexes."""

from __future__ import annotations

__all__ = ["HINTS", "LABELS", "label_for"]

LABELS: dict[str, str] = {
    "code": "Mã hồ sơ",
    "procedure_code": "Mã thủ tục",
    "procedure_name": "Tên thủ tục",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Hạn trả kết quả",
    "status": "Trạng thái",
    "channel": "Kênh nộp hồ sơ",
    "applicant.full_name": "Họ và tên",
    "applicant.other_name": "Tên gọi khác",
    "applicant.sex": "Giới tính",
    "applicant.birth_date": "Ngày sinh",
    "applicant.birth_place": "Nơi sinh",
    "applicant.nationality": "Quốc tịch",
    "applicant.ethnicity": "Dân tộc",
    "applicant.phone": "Điện thoại",
    "applicant.email": "Email",
    "payload.kind": "Loại yêu cầu",
    "payload.certificate_type": "Loại phiếu",
    "payload.confirm_court_ban": "Xác nhận cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp",
    "payload.purpose": "Mục đích sử dụng phiếu",
    "payload.copies": "Số lượng phiếu",
    "payload.delivery.method": "Hình thức nhận kết quả",
    "payload.authorised_person.full_name": "Người được ủy quyền — Họ và tên",
    "payload.authorised_person.relationship": "Người được ủy quyền — Quan hệ",
    "payload.authorised_person.authorisation_date": "Người được ủy quyền — Ngày ủy quyền",
    "payload.residence_history.*.from_date": "Từ ngày",
    "payload.residence_history.*.to_date": "Đến ngày",
    "payload.residence_history.*.address": "Nơi cư trú",
    "payload.residence_history.*.occupation": "Nghề nghiệp",
    "payload.residence_history.*.workplace": "Nơi làm việc",
    "attachments.*.name": "Tên tệp",
    "attachments.*.media_type": "Loại tệp",
    "attachments.*.size": "Dung lượng (byte)",
    "attachments.*.sha256": "SHA-256",
    "attachments.*.file": "Nơi lưu",
    "attachments.*.download_url": "Tải về",
    "receipt_codes.*": "Mã hồ sơ Bộ Tư pháp",
    "processing_log.*.time": "Thời gian",
    "processing_log.*.actor": "Người xử lý",
    "processing_log.*.status_from": "Từ trạng thái",
    "processing_log.*.status_to": "Sang trạng thái",
    "processing_log.*.note": "Nội dung",
    "processing_log.*.receipt_code": "Mã hồ sơ Bộ Tư pháp",
}

_ADDRESS = {
    "street": "Số nhà, đường phố",
    "commune": "Xã/phường",
    "commune_code": "Mã xã/phường",
    "district": "Quận/huyện (cũ)",
    "district_code": "Mã quận/huyện",
    "province": "Tỉnh/thành phố",
    "province_code": "Mã tỉnh",
}
_IDENTITY = {
    "kind": "Loại giấy tờ",
    "number": "Số giấy tờ",
    "issue_date": "Ngày cấp",
    "issue_place": "Nơi cấp",
}
_RELATIVE = {"full_name": "Họ và tên", "birth_date": "Ngày/năm sinh"}
_GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "applicant.permanent_address": ("Nơi thường trú", _ADDRESS),
    "applicant.temporary_address": ("Nơi tạm trú", _ADDRESS),
    "payload.delivery.address": ("Địa chỉ nhận kết quả", _ADDRESS),
    "applicant.identity": ("Giấy tờ tùy thân", _IDENTITY),
    "payload.authorised_person.identity": ("Người được ủy quyền — Giấy tờ", _IDENTITY),
    "payload.father": ("Cha", _RELATIVE),
    "payload.mother": ("Mẹ", _RELATIVE),
    "payload.spouse": ("Vợ/chồng", _RELATIVE),
}

HINTS: dict[str, str] = {
    "status": "status",
    "status_from": "status",
    "status_to": "status",
    "channel": "channel",
    "applicant.sex": "sex",
    "kind": "identity_kind",
    "payload.kind": "none",
    "payload.certificate_type": "certificate",
    "payload.delivery.method": "delivery",
    "received_at": "datetime",
    "due_at": "datetime",
    "processing_log.*.time": "datetime",
    "payload.residence_history.*.to_date": "until",
    "applicant.nationality": "nationality",
    "applicant.ethnicity": "ethnicity",
}
"""Which kind of human hint (label of a code) a path gets: full generic path first, then last key."""


def label_for(path: str) -> str:
    """The Vietnamese label of a dotted path; an unknown path is its own label."""
    generic = ".".join("*" if part.isdigit() else part for part in path.split("."))
    if generic in LABELS:
        return LABELS[generic]
    head, _, last = generic.rpartition(".")
    if head in _GROUPS:
        group, names = _GROUPS[head]
        return f"{group} — {names.get(last, last)}"
    if generic in _GROUPS:
        return _GROUPS[generic][0]
    if head in ("payload.residence_history", "attachments", "processing_log"):
        index = path.rsplit(".", 1)[-1]
        return f"{label_for(head)} (dòng {int(index) + 1})" if index.isdigit() else path
    return {
        "payload.residence_history": "Quá trình cư trú",
        "attachments": "Tệp đính kèm",
        "processing_log": "Quá trình xử lý",
        "receipt_codes": "Mã hồ sơ Bộ Tư pháp",
        "payload": "Nội dung yêu cầu",
        "payload.authorised_person": "Người được ủy quyền",
        "payload.delivery": "Nhận kết quả",
        "applicant": "Người yêu cầu",
    }.get(generic, path)
