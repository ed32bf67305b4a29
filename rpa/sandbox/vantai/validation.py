"""Server-side checks of a badge application, with the portal's Vietnamese messages.

Field errors are keyed by the field's name, a vehicle's as ``phuong_tien.{i}.{name}``. A licence that
is unknown, expired or does not cover the badge kind is a business refusal: its message is also the
answer's ``detail`` (the page shows it as a toast), not only a line under the field.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from rpa.sandbox.transport_businesses import GOODS_KINDS, KIND_LABELS, TransportBusiness, by_licence
from rpa.sandbox.vantai.schema import FILE_TYPES, MAX_FILE_BYTES, OWNERSHIP, VEHICLE, field_labels

__all__ = [
    "AGE_LIMITS",
    "INVALID",
    "Refused",
    "Upload",
    "check_application",
    "normalise_plate",
    "parse_vn_date",
    "vn_date",
]

INVALID: Final = "Hồ sơ chưa hợp lệ, vui lòng kiểm tra lại các trường được đánh dấu"
# Years a vehicle may serve under each badge kind, counted from its year of manufacture.
AGE_LIMITS: Final = {kind: 20 for kind in KIND_LABELS} | {"taxi": 12} | dict.fromkeys(GOODS_KINDS, 25)
LICENCE = re.compile(r"^(76|82)-\d{6}$")
PLATE = re.compile(r"^\d{2}[A-Z]{1,2}-(\d{4}|\d{3}\.\d{2})$")
PHONE = re.compile(r"^0\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
REGISTRATION = re.compile(r"^[0-9A-Z]{4,12}$")
LABELS = field_labels()
_VEHICLE = {f["name"]: f for f in VEHICLE}


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes

    def stored(self) -> dict[str, Any]:
        """How the application keeps a file: its name and digest (the bytes go to the upload folder)."""
        return {
            "name": self.filename,
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "size": len(self.data),
        }


class Refused(Exception):
    """The application is not accepted: ``detail`` for the toast, ``errors`` under the fields."""

    def __init__(self, detail: str, errors: dict[str, str]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


def vn_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def normalise_plate(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def _text(raw: dict[str, Any], name: str) -> str:
    return str(raw.get(name) or "").strip()


def _date(raw: dict[str, Any], name: str, errors: dict[str, str], key: str) -> date | None:
    text = _text(raw, name)
    if not text:
        errors[key] = f"Vui lòng nhập {LABELS[name].lower()}"
        return None
    found = parse_vn_date(text)
    if found is None:
        errors[key] = f"{LABELS[name]} không đúng định dạng dd/mm/yyyy"
    return found


def parse_vn_date(text: str) -> date | None:
    """A date typed ``dd/mm/yyyy`` (two-digit day and month), or None."""
    if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", text.strip()):
        return None
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _check_business(
    raw: dict[str, Any], kind: str, errors: dict[str, str], today: date
) -> TransportBusiness | None:
    licence = _text(raw, "so_giay_phep")
    if not licence:
        errors["so_giay_phep"] = "Vui lòng nhập số giấy phép kinh doanh vận tải"
        return None
    if not LICENCE.fullmatch(licence):
        errors["so_giay_phep"] = "Số giấy phép không đúng định dạng (76-NNNNNN hoặc 82-NNNNNN)"
        return None
    business = by_licence(licence)
    if business is None:
        errors["so_giay_phep"] = f"Không tìm thấy giấy phép kinh doanh vận tải số {licence}"
    elif business.het_han < today:
        errors["so_giay_phep"] = (
            f"Giấy phép kinh doanh vận tải số {licence} đã hết hạn ngày {vn_date(business.het_han)}"
        )
    elif kind in KIND_LABELS and kind not in business.loai_hinh:
        errors["so_giay_phep"] = (
            f"Giấy phép kinh doanh vận tải số {licence} không bao gồm loại hình {KIND_LABELS[kind].lower()}"
        )
    else:
        return business
    return None


def _number(raw: dict[str, Any], name: str, errors: dict[str, str], key: str) -> int | None:
    field, text = _VEHICLE[name], _text(raw, name)
    if not text:
        errors[key] = f"Vui lòng nhập {LABELS[name].lower()}"
    elif not text.isdigit() or not field["min"] <= int(text) <= field["max"]:
        errors[key] = f"{LABELS[name]} phải là số từ {field['min']} đến {field['max']}"
    else:
        return int(text)
    return None


def _file(uploads: dict[str, Upload], name: str, errors: dict[str, str], key: str) -> dict[str, Any] | None:
    upload = uploads.get(key)
    if upload is None or not upload.data:
        errors[key] = f"Vui lòng đính kèm {LABELS[name].lower()}"
    elif not upload.filename.lower().endswith(FILE_TYPES):
        errors[key] = f"{LABELS[name]}: chỉ chấp nhận tệp PDF, JPG, PNG"
    elif len(upload.data) > MAX_FILE_BYTES:
        errors[key] = f"{LABELS[name]}: tệp vượt quá 5 MB"
    else:
        return upload.stored()
    return None


def _check_vehicle(
    raw: dict[str, Any], i: int, kind: str, uploads: dict[str, Upload], errors: dict[str, str], today: date
) -> dict[str, Any]:
    key = f"phuong_tien.{i}."
    plate = normalise_plate(_text(raw, "bien_so"))
    if not plate:
        errors[key + "bien_so"] = "Vui lòng nhập biển kiểm soát"
    elif not PLATE.fullmatch(plate):
        errors[key + "bien_so"] = "Biển kiểm soát không đúng định dạng (ví dụ 76A-123.45)"
    vehicle: dict[str, Any] = {"bien_so": plate, "nhan_hieu": _text(raw, "nhan_hieu").upper()}
    if not vehicle["nhan_hieu"]:
        errors[key + "nhan_hieu"] = "Vui lòng nhập nhãn hiệu"
    size = "trong_tai_kg" if kind in GOODS_KINDS else "so_cho"
    vehicle[size] = _number(raw, size, errors, key + size)
    year = _number(raw, "nam_san_xuat", errors, key + "nam_san_xuat")
    vehicle["nam_san_xuat"] = year
    if year is not None and year > today.year:
        errors[key + "nam_san_xuat"] = "Năm sản xuất không được sau năm hiện tại"
    elif year is not None and kind in AGE_LIMITS and today.year - year > AGE_LIMITS[kind]:
        errors[key + "nam_san_xuat"] = (
            f"Xe sản xuất năm {year} đã quá niên hạn cho loại phù hiệu "
            f"{KIND_LABELS[kind].lower()} ({AGE_LIMITS[kind]} năm)"
        )
    ownership = _text(raw, "so_huu")
    if ownership not in OWNERSHIP:
        errors[key + "so_huu"] = "Vui lòng chọn hình thức sở hữu"
    vehicle["so_huu"] = ownership
    registration = re.sub(r"\s+", "", _text(raw, "so_dang_ky_xe")).upper()
    if not REGISTRATION.fullmatch(registration):
        errors[key + "so_dang_ky_xe"] = "Số giấy đăng ký xe gồm 4 đến 12 chữ số hoặc chữ cái"
    vehicle["so_dang_ky_xe"] = registration
    vehicle["anh_dang_ky"] = _file(uploads, "anh_dang_ky", errors, key + "anh_dang_ky")
    if ownership == "thue":
        vehicle["hop_dong_thue"] = _file(uploads, "hop_dong_thue", errors, key + "hop_dong_thue")
        until = _date(raw, "thue_den", errors, key + "thue_den")
        if until is not None and until <= today:
            errors[key + "thue_den"] = "Thuê đến ngày phải sau ngày hiện tại"
        vehicle["thue_den"] = _text(raw, "thue_den")
    return vehicle


def check_application(raw: dict[str, Any], uploads: dict[str, Upload], today: date) -> dict[str, Any]:
    """The application as stored (the business's name, tax code and address from the registry), or
    :class:`Refused` with every problem found."""
    errors: dict[str, str] = {}
    kind = _text(raw, "loai_phu_hieu")
    if kind not in KIND_LABELS:
        errors["loai_phu_hieu"] = "Vui lòng chọn loại phù hiệu"
    business = _check_business(raw, kind, errors, today)
    refusal = (
        errors.get("so_giay_phep")
        if business is None and LICENCE.fullmatch(_text(raw, "so_giay_phep"))
        else None
    )
    contact = _text(raw, "nguoi_lien_he")
    if not contact:
        errors["nguoi_lien_he"] = "Vui lòng nhập người liên hệ"
    phone = re.sub(r"[\s.]", "", _text(raw, "so_dien_thoai"))
    if not PHONE.fullmatch(phone):
        errors["so_dien_thoai"] = "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0)"
    email = _text(raw, "email")
    if email and not EMAIL.fullmatch(email):
        errors["email"] = "Thư điện tử không hợp lệ"
    until = _date(raw, "hieu_luc_den", errors, "hieu_luc_den")
    if until is not None and until <= today:
        errors["hieu_luc_den"] = "Đề nghị hiệu lực đến phải sau ngày hiện tại"
    elif until is not None and business is not None and until > business.het_han:
        refusal = errors["hieu_luc_den"] = (
            "Đề nghị hiệu lực đến không được sau ngày hết hạn giấy phép kinh doanh "
            f"({vn_date(business.het_han)})"
        )
    vehicles_raw = raw.get("phuong_tien") or []
    if not isinstance(vehicles_raw, list) or not vehicles_raw:
        errors["phuong_tien"] = "Hồ sơ phải có ít nhất một phương tiện"
        vehicles_raw = []
    vehicles = [_check_vehicle(v, i, kind, uploads, errors, today) for i, v in enumerate(vehicles_raw)]
    seen: set[str] = set()
    for i, vehicle in enumerate(vehicles):
        if vehicle["bien_so"] in seen and f"phuong_tien.{i}.bien_so" not in errors:
            errors[f"phuong_tien.{i}.bien_so"] = f"Biển kiểm soát {vehicle['bien_so']} bị trùng trong hồ sơ"
        seen.add(vehicle["bien_so"])
    if errors or business is None:
        raise Refused(refusal or INVALID, errors)
    return {
        "so_giay_phep": business.so_giay_phep,
        "ten_doanh_nghiep": business.ten,
        "ma_so_thue": business.ma_so_thue,
        "dia_chi": business.dia_chi,
        "nguoi_lien_he": contact,
        "so_dien_thoai": phone,
        "email": email,
        "loai_phu_hieu": kind,
        "hieu_luc_den": _text(raw, "hieu_luc_den"),
        "phuong_tien": vehicles,
    }
