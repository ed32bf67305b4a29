"""Server-side validation of each wizard step (messages in Vietnamese) and the stored normal form."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from rpa.domain import adminunits
from rpa.sandbox.moj.catalog import ID_LENGTHS
from rpa.sandbox.moj.forms import STEPS, FieldSpec
from rpa.sandbox.moj.store import vn_now

__all__ = ["clean", "parse_date", "validate_step"]

Errors = dict[str, str]
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_PHONE = re.compile(r"^0\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,12}$")
REQUIRED = "Vui lòng nhập {label}."
CHOOSE = "Vui lòng chọn {label}."


def clean(value: str | None) -> str:
    """NFC, single spaces, trimmed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value or "")).strip()


def parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_error(text: str, label: str) -> str | None:
    parsed = parse_date(text)
    if parsed is None:
        return f"{label} không hợp lệ (định dạng dd/mm/yyyy, ngày phải có thật)."
    if parsed > vn_now().date():
        return f"{label} không được sau ngày hiện tại."
    if parsed.year < 1900:
        return f"{label} không hợp lệ."
    return None


def birth_year(values: dict[str, Any]) -> int | None:
    """The applicant's birth year, from a full date or, with "Chỉ có năm sinh", a bare year."""
    text = clean(values.get("birthDateStr", ""))
    if _YEAR.match(text):
        return int(text)
    born = parse_date(text)
    return born.year if born else None


def _dob_error(text: str, label: str) -> str | None:
    if _YEAR.match(text):
        return None if 1880 <= int(text) <= vn_now().year else f"{label} không hợp lệ."
    return _date_error(text, label)


def _id_error(kind: str, number: str, label: str) -> str | None:
    if kind == "3":
        return None if _PASSPORT.match(number.upper()) else f"{label} không đúng định dạng hộ chiếu."
    lengths = ID_LENGTHS.get(kind, (12,))
    if not number.isdigit() or len(number) not in lengths:
        return f"{label} phải gồm {' hoặc '.join(map(str, lengths))} chữ số."
    return None


def _cccd_consistency(values: dict[str, Any]) -> str | None:
    number, born = values.get("idNumber", ""), birth_year(values)
    if values.get("idTypeId") != "1" or len(number) != 12 or born is None:
        return None
    century, female = divmod(int(number[3]), 2)
    if 1900 + 100 * century + int(number[4:6]) != born or female != (values.get("genderId") == "2"):
        return "Số căn cước không khớp với giới tính hoặc năm sinh đã khai."
    return None


def _address_errors(spec: FieldSpec, values: dict[str, Any], required: bool) -> Errors:
    key = spec.key
    parts = {p: values.get(f"{key}{p}", "") for p in ("ProvinceId", "DistrictId", "WardId", "Street")}
    if not required and not any(parts.values()):
        return {}
    legacy = bool(values.get(f"{key}Legacy"))
    errors: Errors = {}
    province_codes = {u.code for u in adminunits.provinces(legacy)}
    if parts["ProvinceId"] not in province_codes:
        return {f"{key}ProvinceId": f"Vui lòng chọn Tỉnh/Thành phố ({spec.label})."}
    district = None
    if legacy:
        if parts["DistrictId"] not in {u.code for u in adminunits.districts(parts["ProvinceId"])}:
            return {f"{key}DistrictId": f"Vui lòng chọn Quận/Huyện ({spec.label})."}
        district = parts["DistrictId"]
    if parts["WardId"] not in {u.code for u in adminunits.communes(parts["ProvinceId"], district)}:
        errors[f"{key}WardId"] = f"Vui lòng chọn Xã/Phường/Đặc khu ({spec.label})."
    if not clean(parts["Street"]):
        errors[f"{key}Street"] = f"Vui lòng nhập số nhà, đường phố, thôn/xóm ({spec.label})."
    return errors


def _field_error(spec: FieldSpec, values: dict[str, Any]) -> str | None:
    text = clean(values.get(spec.key, ""))
    if not text:
        if spec.required and spec.kind not in ("checkbox", "file"):
            template = CHOOSE if spec.kind in ("select", "radio", "combobox") else REQUIRED
            return template.format(label=spec.label)
        return None
    if spec.key == "birthDateStr" and values.get("birthYearOnly"):
        if not _YEAR.match(text):
            return f"{spec.label}: khi chỉ có năm sinh, nhập 4 chữ số của năm (yyyy)."
        return _dob_error(text, spec.label)
    if spec.kind == "date":
        return _date_error(text, spec.label)
    if spec.kind == "dob":
        return _dob_error(text, spec.label)
    if spec.options and text not in {code for code, _ in spec.options}:
        return f"{spec.label} không hợp lệ."
    if spec.key == "idNumber":
        return _id_error(values.get("idTypeId", "1"), text, spec.label)
    if spec.key == "authIdNumber":
        return _id_error(values.get("authIdTypeId", "1"), text, spec.label)
    if spec.key == "phone" and not _PHONE.match(text.replace(" ", "")):
        return "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."
    if spec.key == "email" and not _EMAIL.match(text):
        return "Thư điện tử không hợp lệ."
    if spec.key == "copies" and not (text.isdigit() and 1 <= int(text) <= 10):
        return "Số lượng phiếu phải từ 1 đến 10."
    return None


def _residence_errors(rows: list[dict[str, str]]) -> Errors:
    if not rows:
        return {"residences": "Vui lòng khai ít nhất một dòng quá trình cư trú."}
    errors: Errors = {}
    for i, row in enumerate(rows):
        start = parse_date(row.get("fromDateStr", ""))
        message = (
            _date_error(row.get("fromDateStr", ""), "Từ ngày")
            if row.get("fromDateStr")
            else "Vui lòng nhập Từ ngày."
        )
        if message:
            errors[f"residences.{i}.fromDateStr"] = message
        if not row.get("toPresent"):
            text = row.get("toDateStr", "")
            message = _date_error(text, "Đến ngày") if text else "Vui lòng nhập Đến ngày hoặc chọn Đến nay."
            end = parse_date(text)
            if not message and start and end and start > end:
                message = "Đến ngày phải sau hoặc bằng Từ ngày."
            if message:
                errors[f"residences.{i}.toDateStr"] = message
        if not clean(row.get("address")):
            errors[f"residences.{i}.address"] = "Vui lòng nhập Nơi cư trú."
    return errors


TYPE_1_ONLY_BAN = (
    "Yêu cầu xác nhận về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã "
    "chỉ áp dụng đối với Phiếu lý lịch tư pháp số 1."
)
TYPE_1_ONLY_AUTH = "Phiếu lý lịch tư pháp số 2 không được ủy quyền cho người khác yêu cầu cấp."
AUTH_DATE_NEEDED = "Vui lòng nhập Ngày ủy quyền."


def _request_errors(values: dict[str, Any], auth: bool, type_1: bool) -> Errors:
    """Step D's rules across fields, as the ministry's portal enforces them (Luật Lý lịch tư pháp 2009):
    the court-ban confirmation is for Phiếu số 1 only (điều 42; a stale ticked box hidden by the page
    still arrives), Phiếu số 2 is never delegated (điều 46), and an authorisation needs its written
    date unless the authorised person is a parent, spouse or child (điều 45 khoản 2)."""
    errors: Errors = {}
    if not type_1 and values.get("isBanPosition"):
        errors["isBanPosition"] = TYPE_1_ONLY_BAN
    if not type_1 and auth:
        errors["hasAuthorised"] = TYPE_1_ONLY_AUTH
    if auth and not values.get("authIsRelative") and not clean(values.get("authDateStr")):
        errors["authDateStr"] = AUTH_DATE_NEEDED
    return errors


def validate_step(step: str, values: dict[str, Any]) -> Errors:
    """Errors of one step, keyed by canonical key (``residences.{i}.{part}`` for residence rows)."""
    if step == "c":
        return _residence_errors(values.get("residences", []))
    errors: Errors = {}
    auth = bool(values.get("hasAuthorised"))
    type_1 = values.get("formType") != "2"
    switches = {"post": values.get("deliveryMethod") == "post", "auth": auth, "type1": type_1}
    for spec in STEPS[step].fields:
        if spec.section and not switches[spec.section]:
            continue
        if spec.kind == "address":
            errors.update(_address_errors(spec, values, spec.required))
        elif spec.kind == "file":
            if spec.required and not values.get("idCardFile"):
                errors[spec.key] = "Vui lòng đính kèm bản chụp giấy tờ tùy thân."
        elif (message := _field_error(spec, values)) is not None:
            errors[spec.key] = message
    if step == "d":
        errors.update(_request_errors(values, auth, type_1))
    if step == "a" and not errors:
        issued, born = parse_date(values["idIssueDateStr"]), birth_year(values)
        if issued and born and issued.year < born:
            errors["idIssueDateStr"] = "Ngày cấp phải sau ngày sinh."
        elif message := _cccd_consistency(values):
            errors["idNumber"] = message
    return errors
