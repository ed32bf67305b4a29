"""Mapping a business-registration payload onto the portal's wizard: every key exact, the portal's
conventions (upper-case names, digits, codes, "" for none), and the problems only the form finds."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest
from test_business_registration_rules import OWNER_AS_REPRESENTATIVE, PAYLOAD

from flows.business_registration.form import BusinessRegistrationForm, address_line, map_payload
from flows.business_registration.model import BusinessRegistrationRequest
from rpa.domain.person import Address, Applicant
from rpa.errors import InvalidDossier

CODE = "000.00.01.H55-261120-0003"
OWNER = PAYLOAD["owner"]
APPLICANT: dict[str, Any] = {
    **{k: OWNER[k] for k in ("full_name", "sex", "birth_date", "nationality", "ethnicity", "identity")},
    "birth_place": "Quảng Ngãi",
    "permanent_address": OWNER["permanent_address"],
    "phone": "0905111222",
}
EXPECTED: dict[str, Any] = {
    "txtTenDoanhNghiep": "CÔNG TY TNHH THƯƠNG MẠI DỊCH VỤ SA HUỲNH",
    "txtTenNuocNgoai": "SA HUYNH TRADING SERVICE COMPANY LIMITED",
    "txtTenVietTat": "SA HUYNH TSC",
    "ddlTinh": "51",
    "ddlXa": "21025",
    "txtSoNhaDuong": "Số 12 đường Lê Lợi",
    "txtDienThoai": "02553822123",
    "txtEmail": "lienhe@sahuynh.vn",
    "txtWebsite": "",
    "nganhNghe": [{"maNganh": "4620", "laNganhChinh": True}, {"maNganh": "4632", "laNganhChinh": False}],
    "txtVonDieuLe": "2000000000",
    "txtGopTienVN": "1500000000",
    "txtGopNgoaiTe": "",
    "txtGopVang": "500000000",
    "txtGopQSDD": "",
    "txtGopSHTT": "",
    "txtGopKhac": "",
    "txtHanGopVon": "15/02/2027",
    "txtChuHoTen": "NGUYỄN VĂN AN",
    "ddlChuGioiTinh": "1",
    "txtChuNgaySinh": "03/04/1985",
    "ddlChuQuocTich": "VN",
    "ddlChuDanToc": "01",
    "txtChuSoGiayTo": "051085001234",
    "txtChuNgayCap": "10/05/2021",
    "txtChuNoiCap": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "txtChuThuongTru": "Thôn 3, Xã Nghĩa Dõng, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi",
    "txtChuLienLac": "25 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
    "nguoiDaiDien": [
        {
            "txtDdHoTen": "TRẦN THỊ BÌNH",
            "ddlDdGioiTinh": "2",
            "txtDdNgaySinh": "12/09/1990",
            "txtDdSoGiayTo": "051190004321",
            "txtDdChucDanh": "Giám đốc",
            "txtDdLienLac": "25 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
        }
    ],
    "txtNgayBatDau": "01/12/2026",
    "ddlHachToan": "1",
    "ddlPhuongPhapGTGT": "1",
    "txtNamTaiChinh": "01/01",
    "txtSoLaoDong": "5",
    "txtKeToanTruong": "LÊ THỊ CÚC",
    "txtKeToanDienThoai": "0905123456",
}


def mapped(payload: dict[str, Any], applicant: dict[str, Any] = APPLICANT) -> BusinessRegistrationForm:
    typed = BusinessRegistrationRequest.model_validate(payload)
    return map_payload(CODE, Applicant.model_validate(applicant), typed)


def test_the_contracts_example_maps_to_every_key_exactly() -> None:
    form = mapped(PAYLOAD)
    assert form.model_dump(mode="json") == EXPECTED
    assert set(BusinessRegistrationForm.model_fields) == set(EXPECTED)


def test_names_are_upper_case_nfc_on_one_line_and_lists_keep_their_order() -> None:
    payload = copy.deepcopy(PAYLOAD)
    payload["company_name"] = unicodedata.normalize("NFD", "Công ty TNHH  Xây dựng & Thương mại Đức Phổ")
    payload["foreign_name"], payload["abbreviation"] = "duc pho 3T co., ltd", None
    payload["head_office"]["street"] = "Số 12   đường  Lê Lợi "
    payload["industries"] = [{"code": "4722"}, {"code": "4101", "main": True}, {"code": "4620"}]
    payload["contributions"] = [
        {"asset": "vnd", "amount": 1_000_000_000},
        {"asset": "land_use_right", "amount": 600_000_000},
        {"asset": "vnd", "amount": 400_000_000},  # the same kind twice: one field, the sum
    ]
    payload["representatives"] = [OWNER_AS_REPRESENTATIVE, *PAYLOAD["representatives"]]
    payload["tax"].update(accounting="dependent", vat_method="direct_on_revenue", chief_accountant=None)
    payload["tax"]["fiscal_year_start"] = "01/04"
    form = mapped(payload).model_dump(mode="json")
    assert form["txtTenDoanhNghiep"] == unicodedata.normalize(
        "NFC", "CÔNG TY TNHH XÂY DỰNG & THƯƠNG MẠI ĐỨC PHỔ"
    )
    assert (form["txtTenNuocNgoai"], form["txtTenVietTat"]) == ("DUC PHO 3T CO., LTD", "")
    assert form["txtSoNhaDuong"] == "Số 12 đường Lê Lợi"
    assert [(row["maNganh"], row["laNganhChinh"]) for row in form["nganhNghe"]] == [
        ("4722", False), ("4101", True), ("4620", False)
    ]  # fmt: skip
    assert (form["txtGopTienVN"], form["txtGopQSDD"], form["txtGopVang"]) == ("1400000000", "600000000", "")
    assert [row["txtDdHoTen"] for row in form["nguoiDaiDien"]] == ["NGUYỄN VĂN AN", "TRẦN THỊ BÌNH"]
    assert form["nguoiDaiDien"][0]["txtDdChucDanh"] == "Chủ tịch công ty"
    assert form["nguoiDaiDien"][0]["txtDdLienLac"] == "25 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi"
    assert (form["ddlHachToan"], form["ddlPhuongPhapGTGT"], form["txtNamTaiChinh"]) == ("2", "3", "01/04")
    assert (form["txtKeToanTruong"], form["txtKeToanDienThoai"]) == ("", "")


def test_a_legacy_address_stays_as_written_on_one_line() -> None:
    address = Address.model_validate({**OWNER["permanent_address"], "street": "  Thôn 3,   đội 2 "})
    assert address_line(address) == "Thôn 3, đội 2, Xã Nghĩa Dõng, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi"


def test_every_problem_only_the_form_finds_is_listed_at_once() -> None:
    payload = copy.deepcopy(PAYLOAD)
    payload["owner"]["identity"] = {"kind": "cccd", "number": "051085001234"}
    payload["owner"]["ethnicity"] = "77"
    applicant = {**APPLICANT, "identity": {**OWNER["identity"], "number": "051085009999"}}
    with pytest.raises(InvalidDossier) as caught:
        mapped(payload, applicant)
    assert caught.value.dossier_code == CODE
    assert [(p.field, p.label, p.message) for p in caught.value.problems] == [
        ("applicant.identity.number", "Số giấy tờ tùy thân",
         "phải là số giấy tờ của chủ sở hữu: chủ sở hữu là người nộp hồ sơ đăng ký doanh nghiệp"),
        ("payload.owner.identity.issue_date", "Ngày cấp giấy tờ tùy thân của chủ sở hữu",
         "không được để trống (cổng đăng ký doanh nghiệp bắt buộc)"),
        ("payload.owner.identity.issue_place", "Nơi cấp giấy tờ tùy thân của chủ sở hữu",
         "không được để trống (cổng đăng ký doanh nghiệp bắt buộc)"),
        ("payload.owner.ethnicity", "Dân tộc của chủ sở hữu",
         "“77” không có trong danh mục dân tộc (01 Kinh … 54 Rơ-măm, 55 người nước ngoài)"),
    ]  # fmt: skip
    payload["owner"]["ethnicity"] = None
    with pytest.raises(InvalidDossier) as caught:
        mapped(payload)
    assert [p.field for p in caught.value.problems][-1] == "payload.owner.ethnicity"


def test_the_applicants_number_is_compared_as_the_portal_reads_it() -> None:
    applicant = {**APPLICANT, "identity": {**OWNER["identity"], "number": "0510 8500 1234"}}
    assert mapped(PAYLOAD, applicant).txtChuSoGiayTo == "051085001234"


def test_the_form_refuses_unknown_keys_and_is_frozen() -> None:
    form = mapped(PAYLOAD)
    with pytest.raises(ValueError):
        BusinessRegistrationForm.model_validate({**EXPECTED, "lblTongGop": "2000000000"})
    with pytest.raises(ValueError):
        form.txtVonDieuLe = "1"  # type: ignore[misc]
