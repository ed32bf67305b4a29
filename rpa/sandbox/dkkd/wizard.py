"""The registration wizard's pages, its draft (kept in the login session) and each page's checks.

The draft holds what every page shows now (``values``, updated by each postback from that page) and,
per page, what was last saved (``saved``): "Tiếp tục" needs the two equal, and the application
submitted is made of the saved pages only.
"""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from rpa.domain import adminunits
from rpa.domain.text import nfc
from rpa.sandbox.dkkd.catalog import (
    ACCOUNTING,
    ETHNICITIES,
    GENDERS,
    NATIONALITIES,
    TITLES,
    VAT_METHODS,
    vsic,
)
from rpa.sandbox.moj.validation import parse_date

__all__ = [
    "BACK",
    "GOP",
    "LABELS",
    "LAST",
    "NEXT_BUTTON",
    "PAGE_FIELDS",
    "PAGE_TITLES",
    "PREFIX",
    "REP_FIELDS",
    "SAVE_BUTTON",
    "Draft",
    "add_industry",
    "contribution_total",
    "empty_representative",
    "read_postback",
    "validate_page",
    "vnd",
]

PREFIX: Final = "ctl00$C$"
PAGE_TITLES: Final[dict[int, str]] = {
    1: "Tên doanh nghiệp",
    2: "Trụ sở chính",
    3: "Ngành, nghề kinh doanh",
    4: "Vốn điều lệ",
    5: "Chủ sở hữu",
    6: "Người đại diện theo pháp luật",
    7: "Đăng ký thuế",
    8: "Xem lại và nộp hồ sơ",
}
LAST: Final = 8
SAVE_BUTTON: Final[dict[int, str]] = {
    1: "btnSave", 2: "BtnSave", 3: "BtnSaveNotVSIC", 4: "btnLuu", 5: "btnSave", 6: "BtnSave", 7: "btnLuu",
}  # fmt: skip
NEXT_BUTTON: Final[dict[int, str]] = {
    1: "btnNext", 2: "BtnTiepTuc", 3: "btnNext", 4: "BtnTiepTuc", 5: "btnNext", 6: "BtnTiepTuc", 7: "btnNext",
}  # fmt: skip
BACK: Final = "btnBack"

GOP: Final = ("txtGopTienVN", "txtGopNgoaiTe", "txtGopVang", "txtGopQSDD", "txtGopSHTT", "txtGopKhac")
REP_FIELDS: Final = (
    "txtDdHoTen",
    "ddlDdGioiTinh",
    "txtDdNgaySinh",
    "txtDdSoGiayTo",
    "txtDdChucDanh",
    "txtDdLienLac",
)
PAGE_FIELDS: Final[dict[int, tuple[str, ...]]] = {
    1: ("txtTenDoanhNghiep", "txtTenNuocNgoai", "txtTenVietTat"),
    2: ("ddlTinh", "ddlXa", "txtSoNhaDuong", "txtDienThoai", "txtEmail", "txtWebsite"),
    3: ("nganhNghe",),
    4: ("txtVonDieuLe", *GOP, "txtHanGopVon"),
    5: (
        "txtChuHoTen", "ddlChuGioiTinh", "txtChuNgaySinh", "ddlChuQuocTich", "ddlChuDanToc",
        "txtChuSoGiayTo", "txtChuNgayCap", "txtChuNoiCap", "txtChuThuongTru", "txtChuLienLac",
    ),
    6: ("nguoiDaiDien",),
    7: (
        "txtNgayBatDau", "ddlHachToan", "ddlPhuongPhapGTGT", "txtNamTaiChinh", "txtSoLaoDong",
        "txtKeToanTruong", "txtKeToanDienThoai",
    ),
}  # fmt: skip
LABELS: Final[dict[str, str]] = {
    "txtTenDoanhNghiep": "Tên doanh nghiệp viết bằng tiếng Việt",
    "txtTenNuocNgoai": "Tên doanh nghiệp viết bằng tiếng nước ngoài",
    "txtTenVietTat": "Tên doanh nghiệp viết tắt",
    "ddlTinh": "Tỉnh/Thành phố",
    "ddlXa": "Xã/Phường/Đặc khu",
    "txtSoNhaDuong": "Số nhà, ngách, hẻm, ngõ, đường phố",
    "txtDienThoai": "Điện thoại",
    "txtEmail": "Thư điện tử",
    "txtWebsite": "Website",
    "txtTimNganh": "Tìm ngành kinh tế",
    "txtVonDieuLe": "Vốn điều lệ (VNĐ)",
    "txtGopTienVN": "Đồng Việt Nam",
    "txtGopNgoaiTe": "Ngoại tệ tự do chuyển đổi",
    "txtGopVang": "Vàng",
    "txtGopQSDD": "Quyền sử dụng đất",
    "txtGopSHTT": "Quyền sở hữu trí tuệ",
    "txtGopKhac": "Tài sản khác",
    "txtHanGopVon": "Thời hạn góp vốn",
    "txtChuHoTen": "Họ và tên",
    "ddlChuGioiTinh": "Giới tính",
    "txtChuNgaySinh": "Ngày sinh",
    "ddlChuQuocTich": "Quốc tịch",
    "ddlChuDanToc": "Dân tộc",
    "txtChuSoGiayTo": "Số giấy tờ pháp lý của cá nhân",
    "txtChuNgayCap": "Ngày cấp",
    "txtChuNoiCap": "Nơi cấp",
    "txtChuThuongTru": "Địa chỉ thường trú",
    "txtChuLienLac": "Địa chỉ liên lạc",
    "txtDdHoTen": "Họ và tên",
    "ddlDdGioiTinh": "Giới tính",
    "txtDdNgaySinh": "Ngày sinh",
    "txtDdSoGiayTo": "Số giấy tờ pháp lý",
    "txtDdChucDanh": "Chức danh",
    "txtDdLienLac": "Địa chỉ liên lạc",
    "txtNgayBatDau": "Ngày bắt đầu hoạt động",
    "ddlHachToan": "Hình thức hạch toán",
    "ddlPhuongPhapGTGT": "Phương pháp tính thuế GTGT",
    "txtNamTaiChinh": "Năm tài chính bắt đầu từ ngày",
    "txtSoLaoDong": "Số lao động dự kiến",
    "txtKeToanTruong": "Họ và tên kế toán trưởng",
    "txtKeToanDienThoai": "Điện thoại kế toán trưởng",
}
NAME_PREFIXES: Final = ("CÔNG TY TNHH ", "CÔNG TY TRÁCH NHIỆM HỮU HẠN ")
NAME_PREFIX_ERROR: Final = (
    "Tên doanh nghiệp phải bắt đầu bằng loại hình “CÔNG TY TNHH” hoặc “CÔNG TY TRÁCH NHIỆM HỮU HẠN”"
)
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{7,18}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID = re.compile(r"^[0-9A-Za-z]{6,20}$")
_DIGITS = re.compile(r"^\d+$")


def empty_representative() -> dict[str, str]:
    return dict.fromkeys(REP_FIELDS, "")


def _initial_values() -> dict[str, Any]:
    values: dict[str, Any] = {name: "" for page in range(1, LAST) for name in PAGE_FIELDS[page]}
    values.update(ddlChuQuocTich="VN", nganhNghe=[], nguoiDaiDien=[empty_representative()], txtTimNganh="")
    return values


@dataclass
class Draft:
    """One application being filled in; a GET of the wizard starts a new one."""

    id: str = field(default_factory=lambda: secrets.token_hex(8))
    seq: int = 0
    page: int = 1
    values: dict[str, Any] = field(default_factory=_initial_values)
    saved: dict[int, dict[str, Any]] = field(default_factory=dict)
    captcha_id: str | None = None

    def snapshot(self, page: int) -> dict[str, Any]:
        return copy.deepcopy({name: self.values[name] for name in PAGE_FIELDS[page]})

    def changed(self, page: int) -> bool:
        """Whether the page differs from its last save (or was never saved)."""
        return self.saved.get(page) != self.snapshot(page)

    def save(self, page: int) -> None:
        self.saved[page] = self.snapshot(page)

    def unsaved_pages(self) -> list[int]:
        return [page for page in range(1, LAST) if page not in self.saved]

    def form(self) -> dict[str, Any]:
        """The application as stored: every saved page's values, in page order (a page never saved:
        as it is now; submitting refuses that)."""
        form: dict[str, Any] = {}
        for page in range(1, LAST):
            form.update(copy.deepcopy(self.saved.get(page) or self.snapshot(page)))
        return form


def vnd(amount: int | None) -> str:
    """An amount as the portal shows it, thousands grouped with dots ("" for none)."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def contribution_total(values: Mapping[str, Any]) -> int | None:
    """The sum of the contribution fields, or None when one is not a whole number."""
    total = 0
    for name in GOP:
        text = str(values.get(name, "")).strip().replace(".", "")
        if text == "":
            continue
        if not _DIGITS.match(text):
            return None
        total += int(text)
    return total


def read_postback(draft: Draft, form: Mapping[str, Any]) -> None:
    """Take the values the current page posted into the draft (a control not posted keeps its value)."""
    values = draft.values

    def posted(name: str, default: str) -> str:
        value = form.get(PREFIX + name)
        return default if value is None else str(value)

    page = draft.page
    if page == 3:
        values["txtTimNganh"] = posted("txtTimNganh", values["txtTimNganh"])
        main = form.get(PREFIX + "rdoNganhChinh")
        for line in values["nganhNghe"]:
            line["laNganhChinh"] = main is not None and line["maNganh"] == str(main)
    elif page == 6:
        for i, row in enumerate(values["nguoiDaiDien"]):
            for name in REP_FIELDS:
                row[name] = posted(f"rptDaiDien$ctl{i:02d}${name}", row[name])
    elif page in PAGE_FIELDS:
        for name in PAGE_FIELDS[page]:
            values[name] = posted(name, values[name])
    if page == 2 and values["ddlXa"] not in {u.code for u in _communes(values["ddlTinh"])}:
        values["ddlXa"] = ""


def _communes(province: str) -> tuple[adminunits.Unit, ...]:
    return adminunits.communes(province) if province.isdigit() else ()


def add_industry(draft: Draft, code: str) -> str | None:
    """Add one industry line; an error when the code is already there."""
    lines = draft.values["nganhNghe"]
    if any(line["maNganh"] == code for line in lines):
        return f"Ngành {code} đã có trong danh sách ngành, nghề kinh doanh"
    lines.append({"maNganh": code, "laNganhChinh": False})
    return None


def _required(values: Mapping[str, Any], names: tuple[str, ...], errors: list[str], suffix: str = "") -> None:
    for name in names:
        if not str(values.get(name, "")).strip():
            errors.append(f"{LABELS[name]}{suffix} không được để trống")


def _date(
    text: str, label: str, errors: list[str], *, past: bool = False, today: date | None = None
) -> date | None:
    if not text.strip():
        return None
    parsed = parse_date(text)
    if parsed is None or not re.fullmatch(r"\d{2}/\d{2}/\d{4}", text.strip()):
        errors.append(f"{label} không đúng định dạng ngày/tháng/năm (dd/MM/yyyy)")
        return None
    if past and today is not None and parsed > today:
        errors.append(f"{label} không được sau ngày hiện tại")
    return parsed


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _choice(value: str, options: tuple[tuple[str, str], ...], label: str, errors: list[str]) -> None:
    if value and value not in {code for code, _ in options}:
        errors.append(f"{label} không hợp lệ")


def validate_page(
    page: int, values: Mapping[str, Any], today: date, name_taken: Callable[[str], bool]
) -> list[str]:
    """Every problem saving the page finds, in Vietnamese (empty: the page may be saved)."""
    errors: list[str] = []
    v: dict[str, Any] = {k: (x.strip() if isinstance(x, str) else x) for k, x in values.items()}
    if page == 1:
        _required(v, ("txtTenDoanhNghiep",), errors)
        name = " ".join(nfc(v["txtTenDoanhNghiep"]).upper().split())
        if name and not name.startswith(NAME_PREFIXES):
            errors.append(NAME_PREFIX_ERROR)
        elif name and name_taken(name):
            errors.append(f"Tên doanh nghiệp đã được đăng ký: {name}")
        if len(name) > 255:
            errors.append("Tên doanh nghiệp không được dài quá 255 ký tự")
    elif page == 2:
        _required(v, ("ddlTinh", "ddlXa", "txtSoNhaDuong", "txtDienThoai"), errors)
        if v["ddlTinh"] and v["ddlTinh"] not in {u.code for u in adminunits.provinces()}:
            errors.append("Tỉnh/Thành phố không hợp lệ")
        if v["txtDienThoai"] and not _PHONE.match(v["txtDienThoai"]):
            errors.append("Điện thoại không hợp lệ")
        if v["txtEmail"] and not _EMAIL.match(v["txtEmail"]):
            errors.append("Thư điện tử không đúng định dạng")
    elif page == 3:
        lines = v["nganhNghe"]
        mains = sum(1 for line in lines if line["laNganhChinh"])
        if not lines:
            errors.append("Doanh nghiệp phải đăng ký ít nhất một ngành, nghề kinh doanh")
        elif mains != 1:
            errors.append("Phải chọn đúng một ngành kinh doanh chính")
        unknown = [line["maNganh"] for line in lines if line["maNganh"] not in vsic()]
        if unknown:
            errors.append("Mã ngành không có trong Hệ thống ngành kinh tế Việt Nam: " + ", ".join(unknown))
    elif page == 4:
        _required(v, ("txtVonDieuLe", "txtHanGopVon"), errors)
        capital_text = v["txtVonDieuLe"].replace(".", "")
        capital = int(capital_text) if _DIGITS.match(capital_text) else None
        if v["txtVonDieuLe"] and (capital is None or capital <= 0):
            errors.append("Vốn điều lệ phải là số nguyên dương (VNĐ)")
        total = contribution_total(v)
        if total is None:
            errors.append("Giá trị góp vốn của từng loại tài sản phải là số nguyên không âm (VNĐ)")
        elif capital is not None and capital > 0 and total != capital:
            errors.append(
                f"Tổng giá trị tài sản góp vốn ({vnd(total)} VNĐ) phải bằng vốn điều lệ ({vnd(capital)} VNĐ)"
            )
        _date(v["txtHanGopVon"], LABELS["txtHanGopVon"], errors)
    elif page == 5:
        _required(v, tuple(n for n in PAGE_FIELDS[5]), errors)
        _choice(v["ddlChuGioiTinh"], GENDERS, "Giới tính", errors)
        _choice(v["ddlChuQuocTich"], NATIONALITIES, "Quốc tịch", errors)
        _choice(v["ddlChuDanToc"], ETHNICITIES, "Dân tộc", errors)
        born = _date(v["txtChuNgaySinh"], "Ngày sinh của chủ sở hữu", errors, past=True, today=today)
        if born and _age(born, today) < 18:
            errors.append("Chủ sở hữu phải từ đủ 18 tuổi trở lên")
        _date(v["txtChuNgayCap"], "Ngày cấp", errors, past=True, today=today)
        if v["txtChuSoGiayTo"] and not _ID.match(v["txtChuSoGiayTo"]):
            errors.append("Số giấy tờ pháp lý của cá nhân không hợp lệ")
    elif page == 6:
        for i, row in enumerate(v["nguoiDaiDien"], start=1):
            suffix = f" (người đại diện {i})"
            row = {k: x.strip() for k, x in row.items()}
            _required(row, REP_FIELDS, errors, suffix)
            _choice(row["ddlDdGioiTinh"], GENDERS, "Giới tính" + suffix, errors)
            _choice(row["txtDdChucDanh"], TITLES, "Chức danh" + suffix, errors)
            born = _date(row["txtDdNgaySinh"], "Ngày sinh" + suffix, errors, past=True, today=today)
            if born and _age(born, today) < 18:
                errors.append(f"Người đại diện theo pháp luật phải từ đủ 18 tuổi trở lên{suffix}")
            if row["txtDdSoGiayTo"] and not _ID.match(row["txtDdSoGiayTo"]):
                errors.append(f"Số giấy tờ pháp lý không hợp lệ{suffix}")
    elif page == 7:
        _required(
            v, ("txtNgayBatDau", "ddlHachToan", "ddlPhuongPhapGTGT", "txtNamTaiChinh", "txtSoLaoDong"), errors
        )
        _date(v["txtNgayBatDau"], LABELS["txtNgayBatDau"], errors)
        _choice(v["ddlHachToan"], ACCOUNTING, LABELS["ddlHachToan"], errors)
        _choice(v["ddlPhuongPhapGTGT"], VAT_METHODS, LABELS["ddlPhuongPhapGTGT"], errors)
        fiscal = v["txtNamTaiChinh"]
        if fiscal and parse_date(f"{fiscal}/2000") is None:
            errors.append("Năm tài chính bắt đầu từ ngày không đúng định dạng ngày/tháng (dd/MM)")
        if v["txtSoLaoDong"] and not _DIGITS.match(v["txtSoLaoDong"]):
            errors.append("Số lao động dự kiến phải là số nguyên không âm")
        if v["txtKeToanDienThoai"] and not _PHONE.match(v["txtKeToanDienThoai"]):
            errors.append("Điện thoại kế toán trưởng không hợp lệ")
    return errors
