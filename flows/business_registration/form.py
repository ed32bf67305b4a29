"""What the national business-registration portal's wizard receives: one value per control.

Keys are the portal's control IDs without the ``ctl00$C$`` naming-container prefix, which are also
the keys its sandbox stores (``docs/business-registration-form.md``), so "every field equal to the
source" is a plain comparison. :func:`map_payload` (pure, no browser) turns a valid payload into it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from flows.business_registration.model import (
    ASSET_KINDS,
    BusinessRegistrationRequest,
    Owner,
    Representative,
)
from flows.judicial_record.form import ETHNIC_CODES, GENDERS, upper_name
from rpa.domain.dates import format_vn_date
from rpa.domain.labels import problem
from rpa.domain.person import Address, Applicant, IdentityDocument
from rpa.errors import InvalidDossier, Problem

__all__ = [
    "ACCOUNTING",
    "CONTRIBUTION_KEYS",
    "VAT_METHODS",
    "BusinessRegistrationForm",
    "IndustryRow",
    "RepresentativeRow",
    "address_line",
    "map_payload",
]

_GOP = ("txtGopTienVN", "txtGopNgoaiTe", "txtGopVang", "txtGopQSDD", "txtGopSHTT", "txtGopKhac")
CONTRIBUTION_KEYS: dict[str, str] = dict(zip(ASSET_KINDS, _GOP, strict=True))
"""The page-4 field each kind of asset is typed into (the total row is computed by the page)."""
ACCOUNTING = {"independent": "1", "dependent": "2"}
VAT_METHODS = {"deduction": "1", "direct_on_vat": "2", "direct_on_revenue": "3"}
_REQUIRED = "không được để trống (cổng đăng ký doanh nghiệp bắt buộc)"


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndustryRow(_Form):
    """One row of page 3 (Ngành, nghề kinh doanh), in the order added."""

    maNganh: str
    laNganhChinh: bool


class RepresentativeRow(_Form):
    """One row of page 6, added with "Thêm người đại diện"."""

    txtDdHoTen: str  # UPPER CASE with diacritics, NFC
    ddlDdGioiTinh: str  # "1" nam, "2" nữ
    txtDdNgaySinh: str  # dd/MM/yyyy
    txtDdSoGiayTo: str
    txtDdChucDanh: str
    txtDdLienLac: str  # one line


class BusinessRegistrationForm(_Form):
    """The seven wizard pages, values exactly as typed or chosen; "" where the dossier has none."""

    # 1 Tên doanh nghiệp
    txtTenDoanhNghiep: str  # UPPER CASE as the portal keeps it
    txtTenNuocNgoai: str
    txtTenVietTat: str
    # 2 Trụ sở chính
    ddlTinh: str  # 2025 province code, 2 digits
    ddlXa: str  # 2025 commune code, 5 digits
    txtSoNhaDuong: str
    txtDienThoai: str
    txtEmail: str
    txtWebsite: str
    # 3 Ngành, nghề kinh doanh
    nganhNghe: list[IndustryRow]
    # 4 Vốn điều lệ (VND, digits)
    txtVonDieuLe: str
    txtGopTienVN: str
    txtGopNgoaiTe: str
    txtGopVang: str
    txtGopQSDD: str
    txtGopSHTT: str
    txtGopKhac: str
    txtHanGopVon: str  # dd/MM/yyyy
    # 5 Chủ sở hữu
    txtChuHoTen: str  # UPPER CASE
    ddlChuGioiTinh: str  # "1" nam, "2" nữ
    txtChuNgaySinh: str
    ddlChuQuocTich: str
    ddlChuDanToc: str  # 2-digit ethnic code
    txtChuSoGiayTo: str
    txtChuNgayCap: str
    txtChuNoiCap: str
    txtChuThuongTru: str  # one line
    txtChuLienLac: str  # one line
    # 6 Người đại diện theo pháp luật
    nguoiDaiDien: list[RepresentativeRow]
    # 7 Đăng ký thuế
    txtNgayBatDau: str
    ddlHachToan: str  # "1" độc lập, "2" phụ thuộc
    ddlPhuongPhapGTGT: str  # "1" khấu trừ, "2" trực tiếp trên GTGT, "3" trực tiếp trên doanh thu
    txtNamTaiChinh: str  # dd/MM
    txtSoLaoDong: str
    txtKeToanTruong: str
    txtKeToanDienThoai: str


def address_line(address: Address) -> str:
    """A person's address as the one line of text the portal takes, as written (old units kept)."""
    return " ".join(str(address).split())


def _text(value: str | None) -> str:
    """NFC text (the domain types made it so) on one line, "" for none."""
    return " ".join((value or "").split())


def _number(identity: IdentityDocument) -> str:
    return "".join(identity.number.split()).upper()


def map_payload(
    dossier_code: str, applicant: Applicant, payload: BusinessRegistrationRequest
) -> BusinessRegistrationForm:
    """The portal's form for a valid payload (its rules already checked). Pure: no browser, no files.

    Raises:
        InvalidDossier: listing every problem only the portal's form finds, in Vietnamese: the
            applicant is not the owner (the owner files the application), the owner's identity
            document without its issue date or place, an ethnic code the portal does not offer.
    """
    problems = _problems(applicant, payload)
    if problems:
        raise InvalidDossier(problems, dossier_code)
    owner, office, tax = payload.owner, payload.head_office, payload.tax
    amounts = dict.fromkeys(ASSET_KINDS, 0)
    for line in payload.contributions:  # the same kind twice is one field, its sum
        amounts[line.asset] += line.amount
    accountant = tax.chief_accountant
    return BusinessRegistrationForm(
        txtTenDoanhNghiep=upper_name(payload.company_name),
        txtTenNuocNgoai=upper_name(payload.foreign_name or ""),
        txtTenVietTat=upper_name(payload.abbreviation or ""),
        ddlTinh=office.province_code,
        ddlXa=office.commune_code,
        txtSoNhaDuong=_text(office.street),
        txtDienThoai=payload.phone,
        txtEmail=_text(payload.email),
        txtWebsite=_text(payload.website),
        nganhNghe=[
            IndustryRow(maNganh=line.code.strip(), laNganhChinh=line.main) for line in payload.industries
        ],
        txtVonDieuLe=str(payload.charter_capital),
        **{key: str(amounts[asset]) if amounts[asset] else "" for asset, key in CONTRIBUTION_KEYS.items()},
        txtHanGopVon=format_vn_date(payload.contribution_deadline),
        txtChuHoTen=upper_name(owner.full_name),
        ddlChuGioiTinh=GENDERS[owner.sex],
        txtChuNgaySinh=format_vn_date(owner.birth_date),
        ddlChuQuocTich=owner.nationality,
        ddlChuDanToc=owner.ethnicity or "",
        txtChuSoGiayTo=_number(owner.identity),
        txtChuNgayCap=format_vn_date(owner.identity.issue_date) if owner.identity.issue_date else "",
        txtChuNoiCap=_text(owner.identity.issue_place),
        txtChuThuongTru=address_line(owner.permanent_address),
        txtChuLienLac=address_line(owner.contact_address),
        nguoiDaiDien=[_representative(person) for person in payload.representatives],
        txtNgayBatDau=format_vn_date(tax.start_date),
        ddlHachToan=ACCOUNTING[tax.accounting],
        ddlPhuongPhapGTGT=VAT_METHODS[tax.vat_method],
        txtNamTaiChinh=tax.fiscal_year_start,
        txtSoLaoDong=str(tax.employees),
        txtKeToanTruong=upper_name(accountant.full_name) if accountant else "",
        txtKeToanDienThoai=(accountant.phone or "") if accountant else "",
    )


def _representative(person: Representative) -> RepresentativeRow:
    return RepresentativeRow(
        txtDdHoTen=upper_name(person.full_name),
        ddlDdGioiTinh=GENDERS[person.sex],
        txtDdNgaySinh=format_vn_date(person.birth_date),
        txtDdSoGiayTo=_number(person.identity),
        txtDdChucDanh=person.title,
        txtDdLienLac=address_line(person.contact_address),
    )


def _problems(applicant: Applicant, payload: BusinessRegistrationRequest) -> list[Problem]:
    owner = payload.owner
    out = []
    if _number(applicant.identity) != _number(owner.identity):
        message = "phải là số giấy tờ của chủ sở hữu: chủ sở hữu là người nộp hồ sơ đăng ký doanh nghiệp"
        out.append(problem("applicant.identity.number", message))
    out += _owner_problems(owner)
    return out


def _owner_problems(owner: Owner) -> list[Problem]:
    """The portal requires the identity document's issue date and place and an ethnic code it offers."""
    path = "payload.owner"
    out = [
        problem(f"{path}.identity.{key}", _REQUIRED)
        for key, value in (
            ("issue_date", owner.identity.issue_date),
            ("issue_place", owner.identity.issue_place),
        )
        if value is None
    ]
    if owner.ethnicity is None:
        out.append(problem(f"{path}.ethnicity", _REQUIRED))
    elif owner.ethnicity not in ETHNIC_CODES:
        message = (
            f"“{owner.ethnicity}” không có trong danh mục dân tộc (01 Kinh … 54 Rơ-măm, 55 người nước ngoài)"
        )
        out.append(problem(f"{path}.ethnicity", message))
    return out
