"""The wizard's fields: canonical keys, the HTML names/ids/labels of each UI version, and their order.

The canonical key of a field is its ``ui_version`` 1 form name (the public integration names where
domain.md gives them: ``fullName``, ``genderId``, ``birthDateStr``...). Version 2 renames every field,
relabels some and reorders step A; what the server stores is always keyed canonically.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rpa.sandbox.moj.catalog import (
    CERTIFICATE_TYPES,
    DELIVERY_METHODS,
    ETHNICITIES,
    GENDERS,
    ID_TYPES,
    NATIONALITIES,
    Options,
)

__all__ = ["ADDRESS_PARTS", "RESIDENCE_PARTS", "STEPS", "FieldSpec", "read_step", "ui"]


@dataclass(frozen=True)
class FieldSpec:
    """One field.

    ``kind``: text, upper, date, dob, select, radio, checkbox, combobox, number, address or file.
    """

    key: str
    v2: str
    label: str
    kind: str = "text"
    label_v2: str | None = None
    required: bool = False
    options: Options = ()
    placeholder: str = ""
    section: str | None = None  # shown only when its switch is on: "post", "auth" or "type1" (Phiếu số 1)

    def name(self, version: int) -> str:
        return self.key if version == 1 else self.v2

    def title(self, version: int) -> str:
        return self.label_v2 if version == 2 and self.label_v2 else self.label


# address group: canonical suffix -> (v2 suffix, label)
ADDRESS_PARTS: dict[str, tuple[str, str]] = {
    "Legacy": ("_cu", "Địa chỉ trước 01/07/2025"),
    "ProvinceId": ("_tinh", "Tỉnh/Thành phố"),
    "DistrictId": ("_huyen", "Quận/Huyện"),
    "WardId": ("_xa", "Xã/Phường/Đặc khu"),
    "Street": ("_diachi", "Số nhà, đường phố, thôn/xóm"),
}
# residence row: canonical key -> (v2 key, v1 label, v2 label)
RESIDENCE_PARTS: dict[str, tuple[str, str, str]] = {
    "fromDateStr": ("tu_ngay", "Từ ngày", "Từ ngày"),
    "toDateStr": ("den_ngay", "Đến ngày", "Đến ngày"),
    "toPresent": ("den_nay", "Đến nay", "Hiện tại"),
    "address": ("noi_cu_tru", "Nơi cư trú", "Địa chỉ cư trú"),
    "occupation": ("nghe_nghiep", "Nghề nghiệp", "Nghề nghiệp"),
    "workplace": ("noi_lam_viec", "Nơi làm việc", "Nơi công tác"),
}
RESIDENCE_PREFIX = {1: "residences", 2: "cutru"}

F = FieldSpec
_A = (
    F("fullName", "ho_ten", "Họ và tên", "upper", "Họ, chữ đệm và tên khai sinh", True),
    F("otherName", "ten_goi_khac", "Tên gọi khác"),
    F("genderId", "gioi_tinh", "Giới tính", "select", required=True, options=GENDERS),
    F("birthDateStr", "ngay_sinh", "Ngày sinh", "date", "Ngày, tháng, năm sinh", True),
    F("birthYearOnly", "chi_co_nam_sinh", "Chỉ có năm sinh", "checkbox", "Không rõ ngày, tháng sinh"),
    F("birthPlace", "noi_sinh", "Nơi sinh", required=True, placeholder="Xã/phường, tỉnh/thành phố"),
    F("nationalityId", "quoc_tich", "Quốc tịch", "combobox", required=True, options=NATIONALITIES),
    F("ethnicId", "dan_toc", "Dân tộc", "combobox", options=ETHNICITIES),
    F("idTypeId", "loai_giay_to", "Loại giấy tờ tùy thân", "select", "Loại giấy tờ", True, ID_TYPES),
    F("idNumber", "so_giay_to", "Số giấy tờ tùy thân", "text", "Số định danh cá nhân", True),
    F("idIssueDateStr", "ngay_cap", "Ngày cấp", "date", required=True),
    F("idIssuePlace", "noi_cap", "Nơi cấp", required=True),
    F("permanent", "thuong_tru", "Nơi thường trú", "address", "Địa chỉ thường trú", True),
    F("temporary", "tam_tru", "Nơi tạm trú", "address", "Địa chỉ tạm trú"),
    F("phone", "dien_thoai", "Số điện thoại", "text", "Điện thoại di động", placeholder="0912345678"),
    F("email", "thu_dien_tu", "Thư điện tử (email)", "text", "Email"),
)
_A_V2_ORDER = (
    "idTypeId",
    "idNumber",
    "idIssueDateStr",
    "idIssuePlace",
    "fullName",
    "birthDateStr",
    "birthYearOnly",
    "genderId",
    "otherName",
    "nationalityId",
    "ethnicId",
    "birthPlace",
    "phone",
    "email",
    "permanent",
    "temporary",
)
_B = (
    F("fatherName", "ho_ten_cha", "Họ và tên cha", "upper", "Họ tên cha"),
    F("fatherBirthDateStr", "nam_sinh_cha", "Ngày sinh hoặc năm sinh của cha", "dob", "Năm sinh của cha"),
    F("motherName", "ho_ten_me", "Họ và tên mẹ", "upper", "Họ tên mẹ"),
    F("motherBirthDateStr", "nam_sinh_me", "Ngày sinh hoặc năm sinh của mẹ", "dob", "Năm sinh của mẹ"),
    F("spouseName", "ho_ten_vo_chong", "Họ và tên vợ/chồng", "upper", "Họ tên vợ hoặc chồng"),
    F(
        "spouseBirthDateStr",
        "nam_sinh_vo_chong",
        "Ngày sinh hoặc năm sinh của vợ/chồng",
        "dob",
        "Năm sinh của vợ hoặc chồng",
    ),
)
_D = (
    F(
        "formType",
        "loai_phieu",
        "Loại phiếu yêu cầu cấp",
        "radio",
        "Yêu cầu cấp Phiếu lý lịch tư pháp",
        True,
        CERTIFICATE_TYPES,
    ),
    F(
        "isBanPosition",
        "xac_nhan_cam",
        "Yêu cầu xác nhận về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã",
        "checkbox",
        section="type1",  # Phiếu số 1 only (Luật Lý lịch tư pháp, điều 42); Phiếu số 2 states it anyway
    ),
    F("purpose", "muc_dich", "Mục đích sử dụng phiếu", "text", "Mục đích yêu cầu cấp phiếu", True),
    F("copies", "so_ban", "Số lượng phiếu yêu cầu cấp", "number", "Số bản", True),
    F(
        "deliveryMethod",
        "hinh_thuc_nhan",
        "Hình thức nhận kết quả",
        "radio",
        required=True,
        options=DELIVERY_METHODS,
    ),
    F(
        "delivery",
        "dia_chi_nhan",
        "Địa chỉ nhận kết quả qua bưu chính",
        "address",
        required=True,
        section="post",
    ),
    F("hasAuthorised", "uy_quyen", "Nộp hồ sơ theo ủy quyền", "checkbox", "Người được ủy quyền nộp thay"),
    F("authName", "uq_ho_ten", "Họ và tên người được ủy quyền", "upper", required=True, section="auth"),
    F(
        "authIdTypeId",
        "uq_loai_giay_to",
        "Loại giấy tờ của người được ủy quyền",
        "select",
        required=True,
        options=ID_TYPES,
        section="auth",
    ),
    F("authIdNumber", "uq_so_giay_to", "Số giấy tờ của người được ủy quyền", required=True, section="auth"),
    F("authRelationship", "uq_quan_he", "Quan hệ với người yêu cầu cấp phiếu", required=True, section="auth"),
    F(
        "authIsRelative",
        "uq_than_nhan",
        "Người được ủy quyền là cha, mẹ, vợ, chồng hoặc con của người yêu cầu cấp phiếu",
        "checkbox",
        "Là cha, mẹ, vợ, chồng hoặc con (không cần văn bản ủy quyền)",
        section="auth",
    ),
    # Required unless authIsRelative (điều 45 khoản 2: no written authorisation then); see validation.
    F("authDateStr", "uq_ngay", "Ngày ủy quyền", "date", section="auth"),
    F(
        "idCardFile",
        "tep_giay_to",
        "Bản chụp giấy tờ tùy thân (jpg, png, pdf; tối đa 5 MB)",
        "file",
        "Tệp đính kèm giấy tờ tùy thân",
        True,
    ),
)


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    title_v2: str
    fields: tuple[FieldSpec, ...]
    order_v2: tuple[str, ...] | None = None

    def ordered(self, version: int) -> tuple[FieldSpec, ...]:
        if version == 1 or self.order_v2 is None:
            return self.fields
        by_key = {f.key: f for f in self.fields}
        return tuple(by_key[k] for k in self.order_v2)


STEPS: dict[str, Step] = {
    "a": Step("a", "Thông tin người yêu cầu cấp phiếu", "Bước 1: Thông tin cá nhân", _A, _A_V2_ORDER),
    "b": Step("b", "Thông tin cha, mẹ, vợ/chồng", "Bước 2: Thông tin gia đình", _B),
    "c": Step("c", "Quá trình cư trú", "Bước 3: Quá trình cư trú từ 14 tuổi", ()),
    "d": Step("d", "Thông tin yêu cầu cấp phiếu", "Bước 4: Nội dung yêu cầu", _D),
}
STEP_ORDER = ("a", "b", "c", "d")


def address_name(prefix: FieldSpec, part: str, version: int) -> str:
    return f"{prefix.key}{part}" if version == 1 else f"{prefix.v2}{ADDRESS_PARTS[part][0]}"


def residence_name(index: int, part: str, version: int) -> str:
    key = part if version == 1 else RESIDENCE_PARTS[part][0]
    return f"{RESIDENCE_PREFIX[version]}[{index}][{key}]"


def element_id(name: str, version: int) -> str:
    """HTML id of a named control: the name itself in v1, ``f2-`` + dashed name in v2."""
    clean = re.sub(r"[\[\]]+", "-", name).strip("-")
    return clean if version == 1 else "f2-" + clean.replace("_", "-")


def read_step(step: str, form: Mapping[str, Any], version: int) -> dict[str, Any]:
    """Turn a posted form into canonical raw values (strings; residence rows as a list of dicts)."""
    values: dict[str, Any] = {}
    if step == "c":
        prefix = re.escape(RESIDENCE_PREFIX[version])
        pattern = re.compile(rf"^{prefix}\[(\d+)\]\[(\w+)\]$")
        back = {v[0] if version == 2 else k: k for k, v in RESIDENCE_PARTS.items()}
        rows: dict[int, dict[str, str]] = {}
        for name, value in form.items():
            match = pattern.match(name)
            if match and match.group(2) in back:
                rows.setdefault(int(match.group(1)), {})[back[match.group(2)]] = str(value).strip()
        values["residences"] = [
            {k: row.get(k, "") for k in RESIDENCE_PARTS} for _, row in sorted(rows.items())
        ]
        return values
    for spec in STEPS[step].fields:
        if spec.kind == "file":
            continue
        if spec.kind == "address":
            for part in ADDRESS_PARTS:
                raw = form.get(address_name(spec, part, version))
                values[f"{spec.key}{part}"] = str(raw).strip() if isinstance(raw, str) else ""
            continue
        raw = form.get(spec.name(version))
        text = str(raw).strip() if isinstance(raw, str) else ""
        values[spec.key] = ("1" if text else "") if spec.kind == "checkbox" else text
    return values


def ui(version: int) -> dict[str, str]:
    """Texts of buttons and headings that differ between the versions."""
    v2 = version == 2
    return {
        "next": "Lưu và tiếp tục" if v2 else "Tiếp tục",
        "back": "Trở lại" if v2 else "Quay lại",
        "add_row": "Thêm quá trình cư trú" if v2 else "Thêm dòng",
        "remove_row": "Xóa dòng" if v2 else "Xóa",
        "review": "Xem lại hồ sơ" if v2 else "Xem lại",
        "submit": "Nộp hồ sơ",
        "username": "Tài khoản" if v2 else "Tên đăng nhập",
        "password": "Mật khẩu",
        "captcha": "Nhập mã bảo mật" if v2 else "Mã xác nhận",
        "lookup": "Tra cứu hồ sơ",
    }
