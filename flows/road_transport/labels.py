"""Vietnamese labels of the badge payload's fields, as the application form names them (giấy đề nghị
cấp phù hiệu xe ô tô kinh doanh vận tải)."""

from __future__ import annotations

from typing import Any

from flows.road_transport.model import KIND_LABELS

__all__ = ["PAYLOAD_LABELS", "VALUE_LABELS"]

_VEHICLE = "Phương tiện {n}"

PAYLOAD_LABELS: dict[str, str] = {
    "payload.business": "Thông tin doanh nghiệp/HTX",
    "payload.business.licence_number": "Số giấy phép kinh doanh vận tải",
    "payload.business.licence_expiry": "Ngày hết hạn giấy phép kinh doanh vận tải",
    "payload.business.name": "Tên doanh nghiệp/HTX",
    "payload.business.tax_code": "Mã số thuế",
    "payload.badge_kind": "Loại phù hiệu",
    "payload.valid_until": "Đề nghị hiệu lực đến",
    "payload.vehicles": "Danh sách phương tiện",
    "payload.vehicles.*": _VEHICLE,
    "payload.vehicles.*.plate": f"{_VEHICLE} – biển kiểm soát",
    "payload.vehicles.*.make": f"{_VEHICLE} – nhãn hiệu",
    "payload.vehicles.*.seats": f"{_VEHICLE} – số chỗ",
    "payload.vehicles.*.payload_kg": f"{_VEHICLE} – khối lượng hàng chuyên chở (kg)",
    "payload.vehicles.*.year": f"{_VEHICLE} – năm sản xuất",
    "payload.vehicles.*.ownership": f"{_VEHICLE} – hình thức sở hữu",
    "payload.vehicles.*.registration_number": f"{_VEHICLE} – số giấy đăng ký xe",
    "payload.vehicles.*.registration_scan": f"{_VEHICLE} – ảnh giấy đăng ký xe",
    "payload.vehicles.*.lease_file": f"{_VEHICLE} – hợp đồng thuê xe",
    "payload.vehicles.*.lease_end": f"{_VEHICLE} – thuê đến ngày",
    "payload.contact": "Người liên hệ",
    "payload.contact.full_name": "Họ và tên người liên hệ",
    "payload.contact.phone": "Số điện thoại người liên hệ",
    "payload.contact.email": "Thư điện tử người liên hệ",
}

VALUE_LABELS: dict[str, dict[Any, str]] = {
    "payload.badge_kind": dict(KIND_LABELS),
    "payload.vehicles.*.ownership": {"owned": "Xe thuộc sở hữu", "leased": "Xe đi thuê"},
}
"""What clerks read for the codes of the payload's coded fields."""
