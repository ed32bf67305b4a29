"""Vietnamese labels of dossier fields, keyed by dotted path with ``*`` for list indexes."""

from __future__ import annotations

from typing import Any

from rpa.procedures import named

__all__ = ["HINTS", "LABELS", "RECEIPT_LABELS", "label_for", "payload_kind", "receipt_label"]

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
    # Đăng ký thành lập công ty TNHH một thành viên (payload kind business_registration)
    "payload.company_name": "Tên công ty viết bằng tiếng Việt",
    "payload.foreign_name": "Tên công ty viết bằng tiếng nước ngoài",
    "payload.abbreviation": "Tên công ty viết tắt",
    "payload.phone": "Điện thoại trụ sở chính",
    "payload.email": "Thư điện tử (email)",
    "payload.website": "Website",
    "payload.industries.*.code": "Mã ngành (VSIC cấp 4)",
    "payload.industries.*.main": "Ngành chính",
    "payload.charter_capital": "Vốn điều lệ (đồng)",
    "payload.contributions.*.asset": "Loại tài sản góp vốn",
    "payload.contributions.*.amount": "Giá trị (đồng)",
    "payload.contribution_deadline": "Thời hạn góp vốn",
    "payload.tax.start_date": "Ngày bắt đầu hoạt động",
    "payload.tax.accounting": "Hình thức hạch toán",
    "payload.tax.vat_method": "Phương pháp tính thuế GTGT",
    "payload.tax.fiscal_year_start": "Năm tài chính bắt đầu từ ngày (dd/MM)",
    "payload.tax.employees": "Tổng số lao động dự kiến",
    "payload.tax.chief_accountant.full_name": "Kế toán trưởng/phụ trách kế toán — Họ và tên",
    "payload.tax.chief_accountant.phone": "Kế toán trưởng/phụ trách kế toán — Điện thoại",
}
RECEIPT_LABELS: dict[str, str] = {
    "business_registration": "Số hồ sơ đăng ký doanh nghiệp",
}
"""What a procedure's receipt codes are called where it is not "Mã hồ sơ <its agency>" (keyed by payload
kind)."""


def payload_kind(data: dict[str, Any]) -> str | None:
    """The payload ``kind`` of a raw dossier dict (which procedure it is), if it has one."""
    payload = data.get("payload")
    kind = payload.get("kind") if isinstance(payload, dict) else None
    return kind if isinstance(kind, str) else None


def receipt_label(data: dict[str, Any]) -> str:
    """What the receipt code of the dossier ``data`` (raw dict) is called on the clerk's pages."""
    kind = payload_kind(data) or ""
    if kind in RECEIPT_LABELS:
        return RECEIPT_LABELS[kind]
    procedure = named(kind)
    return f"Mã hồ sơ {procedure.agency}" if procedure is not None else LABELS["receipt_codes.*"]


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
_PERSON = {
    "full_name": "Họ và tên",
    "sex": "Giới tính",
    "birth_date": "Ngày sinh",
    "nationality": "Quốc tịch",
    "ethnicity": "Dân tộc",
    "title": "Chức danh",
}
_GROUPS: dict[str, tuple[str, dict[str, str]]] = {  # "{n}": the 1-based number of the group's list item
    "applicant.permanent_address": ("Nơi thường trú", _ADDRESS),
    "applicant.temporary_address": ("Nơi tạm trú", _ADDRESS),
    "payload.delivery.address": ("Địa chỉ nhận kết quả", _ADDRESS),
    "applicant.identity": ("Giấy tờ tùy thân", _IDENTITY),
    "payload.authorised_person.identity": ("Người được ủy quyền — Giấy tờ", _IDENTITY),
    "payload.father": ("Cha", _RELATIVE),
    "payload.mother": ("Mẹ", _RELATIVE),
    "payload.spouse": ("Vợ/chồng", _RELATIVE),
    "payload.head_office": ("Trụ sở chính", _ADDRESS),
    "payload.owner": ("Chủ sở hữu", _PERSON),
    "payload.owner.identity": ("Chủ sở hữu — Giấy tờ", _IDENTITY),
    "payload.owner.permanent_address": ("Chủ sở hữu — Nơi thường trú", _ADDRESS),
    "payload.owner.contact_address": ("Chủ sở hữu — Địa chỉ liên lạc", _ADDRESS),
    "payload.representatives.*": ("Người đại diện {n}", _PERSON),
    "payload.representatives.*.identity": ("Người đại diện {n} — Giấy tờ", _IDENTITY),
    "payload.representatives.*.contact_address": ("Người đại diện {n} — Địa chỉ liên lạc", _ADDRESS),
}

HINTS: dict[str, str] = {
    "payload.residence_history.*.to_date": "until",
    "applicant.nationality": "nationality",
    "applicant.ethnicity": "ethnicity",
    "payload.owner.nationality": "nationality",
    "payload.owner.ethnicity": "ethnicity",
    "payload.representatives.*.nationality": "nationality",
    "payload.industries.*.code": "vsic",
}
"""Which hint a code that is data (not a choice a label replaces) gets beside it: full generic path
first, then the last key. Coded choices show their label instead (:mod:`rpa.procedures.display`)."""


def label_for(path: str) -> str:
    """The Vietnamese label of a dotted path; an unknown path is its own label."""
    generic = ".".join("*" if part.isdigit() else part for part in path.split("."))
    if generic in LABELS:
        return LABELS[generic]
    head, _, last = generic.rpartition(".")
    if head in _GROUPS:
        group, names = _GROUPS[head]
        number = next((int(part) + 1 for part in path.split(".") if part.isdigit()), None)
        return f"{group.replace('{n}', str(number))} — {names.get(last, last)}"
    if generic in _GROUPS:
        return _GROUPS[generic][0]
    if head in (
        "payload.residence_history",
        "attachments",
        "processing_log",
        "payload.industries",
        "payload.contributions",
        "payload.representatives",
    ):
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
        "payload.industries": "Ngành, nghề kinh doanh",
        "payload.contributions": "Tài sản góp vốn",
        "payload.representatives": "Người đại diện theo pháp luật",
        "payload.tax": "Đăng ký thuế",
        "payload.tax.chief_accountant": "Kế toán trưởng/phụ trách kế toán",
    }.get(generic, path)
