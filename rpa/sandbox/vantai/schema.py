"""The badge application form as the portal's API describes it (``GET /api/forms/phu-hieu``): the page
renders its form from this, and the server validates against the same names, labels and limits.

A field: ``name``, ``label``, ``type`` (text, tel, email, autocomplete, readonly, select, radio, date,
number, file), ``required``, and where they apply ``options`` ([{value, label}]), ``min``/``max``
(numbers), ``accept`` (files), ``placeholder`` and ``when`` (shown only when the named field, of the
dialog or else the form, holds one of the listed values).
"""

from __future__ import annotations

from typing import Any, Final

from rpa.sandbox.transport_businesses import GOODS_KINDS, KIND_LABELS, PASSENGER_KINDS

__all__ = [
    "FILE_TYPES",
    "FORM",
    "MAX_FILE_BYTES",
    "OWNERSHIP",
    "PROCEDURE_CODE",
    "field_labels",
    "form_schema",
]

PROCEDURE_CODE: Final = "1.002859"
OWNERSHIP: Final = {"so_huu": "Xe thuộc sở hữu", "thue": "Xe đi thuê"}
FILE_TYPES: Final = (".pdf", ".jpg", ".jpeg", ".png")
MAX_FILE_BYTES: Final = 5 * 1024 * 1024
_ACCEPT = ",".join(FILE_TYPES)
_LEASED = {"field": "so_huu", "in": ["thue"]}


def _options(labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in labels.items()]


def _field(name: str, label: str, type_: str = "text", required: bool = True, **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "type": type_, "required": required, **extra}


BUSINESS: Final = [
    _field(
        "so_giay_phep", "Số giấy phép kinh doanh vận tải", "autocomplete",
        placeholder="Nhập ít nhất 3 ký tự, ví dụ 76-00", source="/api/doanh-nghiep",
        fills={"ten_doanh_nghiep": "ten", "ma_so_thue": "ma_so_thue", "dia_chi": "dia_chi"},
    ),
    _field("ten_doanh_nghiep", "Tên doanh nghiệp/HTX", "readonly"),
    _field("ma_so_thue", "Mã số thuế", "readonly"),
    _field("dia_chi", "Địa chỉ", "readonly"),
    _field("nguoi_lien_he", "Người liên hệ"),
    _field("so_dien_thoai", "Số điện thoại", "tel", placeholder="Ví dụ 0905123456"),
    _field("email", "Thư điện tử", "email", required=False),
]  # fmt: skip
BADGE: Final = [
    _field("loai_phu_hieu", "Loại phù hiệu", "select", options=_options(KIND_LABELS)),
    _field("hieu_luc_den", "Đề nghị hiệu lực đến", "date", placeholder="dd/mm/yyyy"),
]
VEHICLE: Final = [
    _field("bien_so", "Biển kiểm soát", placeholder="Ví dụ 76A-123.45"),
    _field("nhan_hieu", "Nhãn hiệu", placeholder="Ví dụ THACO, HYUNDAI"),
    _field(
        "so_cho", "Số chỗ", "number", min=4, max=80,
        when={"field": "loai_phu_hieu", "in": list(PASSENGER_KINDS)},
    ),
    _field(
        "trong_tai_kg", "Khối lượng hàng chuyên chở (kg)", "number", min=100, max=100_000,
        when={"field": "loai_phu_hieu", "in": list(GOODS_KINDS)},
    ),
    _field("nam_san_xuat", "Năm sản xuất", "number", min=1980, max=2100),
    _field("so_huu", "Hình thức sở hữu", "radio", options=_options(OWNERSHIP)),
    _field("so_dang_ky_xe", "Số giấy đăng ký xe"),
    _field("anh_dang_ky", "Ảnh giấy đăng ký xe", "file", accept=_ACCEPT),
    _field("hop_dong_thue", "Hợp đồng thuê xe", "file", accept=_ACCEPT, when=_LEASED),
    _field("thue_den", "Thuê đến ngày", "date", placeholder="dd/mm/yyyy", when=_LEASED),
]  # fmt: skip
VEHICLE_COLUMNS: Final = ["bien_so", "nhan_hieu", "so_cho", "trong_tai_kg", "nam_san_xuat", "so_huu"]

FORM: Final[dict[str, Any]] = {
    "id": "phu-hieu",
    "title": "Cấp phù hiệu xe ô tô kinh doanh vận tải",
    "procedure_code": PROCEDURE_CODE,
    "agency": "Sở Xây dựng tỉnh Quảng Ngãi",
    "sections": [
        {"id": "doanh-nghiep", "title": "Thông tin doanh nghiệp", "fields": BUSINESS},
        {"id": "phu-hieu", "title": "Thông tin phù hiệu", "fields": BADGE},
        {
            "id": "phuong-tien",
            "title": "Danh sách phương tiện",
            "type": "table",
            "name": "phuong_tien",
            "add_label": "Thêm phương tiện",
            "dialog_title": "Thông tin phương tiện",
            "columns": VEHICLE_COLUMNS,
            "fields": VEHICLE,
        },
    ],
}


def form_schema() -> dict[str, Any]:
    return FORM


def field_labels() -> dict[str, str]:
    """Every field's label by name (the form's and a vehicle's)."""
    return {f["name"]: f["label"] for section in FORM["sections"] for f in section["fields"]}
