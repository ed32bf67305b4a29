"""The business-registration payload: "Đăng ký thành lập công ty TNHH một thành viên" (``2.001610``).

The shape is the one ``docs/business-registration-form.md`` fixes. Each field is checked as it is read,
with the domain's own types (text hygiene, names, codes, dd/MM/yyyy dates, phones, e-mail, identity
documents, addresses); the head office is checked against the 2025 two-level units here too. The rules
that read several fields at once (industries, capital, ages, identity numbers, the name) are in
:mod:`flows.business_registration.rules`.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

from flows.business_registration import labels as _labels  # noqa: F401  (registers the payload's labels)
from rpa.domain import adminunits
from rpa.domain.dates import VnDate
from rpa.domain.dossier import Payload
from rpa.domain.person import (
    Address,
    Code,
    DomainModel,
    Email,
    IdentityDocument,
    Name,
    Phone,
    Sex,
    Text,
    UnitCode,
)
from rpa.domain.text import nfc

__all__ = [
    "ASSET_KINDS",
    "ASSET_LABELS",
    "PROCEDURE_CODE",
    "PROCEDURE_NAME",
    "TITLES",
    "VSIC_FILE",
    "AssetKind",
    "BusinessRegistrationRequest",
    "ChiefAccountant",
    "Contribution",
    "HeadOffice",
    "IndustryLine",
    "Owner",
    "Representative",
    "TaxInfo",
    "vsic_catalogue",
]

PROCEDURE_CODE = "2.001610"
PROCEDURE_NAME = "Đăng ký thành lập công ty TNHH một thành viên"
VSIC_FILE = Path(__file__).with_name("vsic.csv")
"""The VSIC 2018 level-4 catalogue (columns ``code,name``)."""

AssetKind = Literal["vnd", "foreign_currency", "gold", "land_use_right", "intellectual_property", "other"]
ASSET_KINDS: tuple[str, ...] = get_args(AssetKind)
ASSET_LABELS: dict[str, str] = {
    "vnd": "Đồng Việt Nam",
    "foreign_currency": "Ngoại tệ tự do chuyển đổi",
    "gold": "Vàng",
    "land_use_right": "Quyền sử dụng đất",
    "intellectual_property": "Quyền sở hữu trí tuệ",
    "other": "Tài sản khác",
}
"""Vietnamese names of the kinds of asset contributed, as the application form lists them."""
TitleName = Literal["Giám đốc", "Tổng giám đốc", "Chủ tịch công ty"]
TITLES: tuple[str, ...] = get_args(TitleName)
"""The titles a legal representative of a single-member limited liability company may hold."""


@cache
def vsic_catalogue() -> dict[str, str]:
    """Level-4 VSIC codes and their Vietnamese names, read once from :data:`VSIC_FILE`."""
    with VSIC_FILE.open(encoding="utf-8", newline="") as file:
        return {row["code"].strip(): nfc(row["name"].strip()) for row in csv.DictReader(file)}


def _nfc_strip(value: Any) -> Any:
    return nfc(value).strip() if isinstance(value, str) else value


def _landline(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A landline (02 + area code + number, 11 digits) as its digits; anything else is read as a
    mobile :data:`rpa.domain.person.Phone`, whose messages tell what is wrong."""
    if isinstance(value, str):
        digits = "".join(c for c in value if c not in " .-()")
        if digits.startswith("+84"):
            digits = "0" + digits[3:]
        if len(digits) == 11 and digits.startswith("02") and digits.isascii() and digits.isdigit():
            return digits
    return handler(value)


def _day_month(value: Any) -> Any:
    """``dd/MM`` of a day that exists in every year (29/02 does not)."""
    if isinstance(value, str):
        parts = value.strip().split("/")
        if len(parts) == 2 and all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts):
            try:
                date(2001, int(parts[1]), int(parts[0]))
                return value.strip()
            except ValueError:
                pass
    message = "“{value}” phải là ngày/tháng có thật, dạng dd/MM (ví dụ 01/01)"
    raise PydanticCustomError("vn_day_month", message, {"value": value})


OfficePhone = Annotated[Phone, WrapValidator(_landline)]
"""A head-office phone: a mobile (10 digits) or a landline (11 digits starting 02), as its digits."""
Title = Annotated[TitleName, BeforeValidator(_nfc_strip)]
Nationality = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]  # ISO 3166-1 alpha-2
Ethnicity = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]  # 01 = Kinh
Money = Annotated[int, Strict()]
"""VND, a whole number as JSON gives it (never a string, a float or true/false)."""
DayMonth = Annotated[str, BeforeValidator(_day_month)]


class HeadOffice(DomainModel):
    """The head office, in the 2025 two-level units only (province → commune/ward/special zone).

    Fields are declared names first so each code is checked against the name written before it.
    """

    street: Text
    province: Text
    province_code: UnitCode
    commune: Text
    commune_code: UnitCode

    @field_validator("province_code")
    @classmethod
    def _province_exists(cls, code: str, info: ValidationInfo) -> str:
        unit = next((u for u in adminunits.provinces() if u.code == code), None)
        if unit is None:
            message = "mã {code} không phải mã tỉnh/thành phố trong danh mục đơn vị hành chính từ 01/07/2025"
            raise PydanticCustomError("vn_unit_code", message, {"code": code})
        _same_name(code, unit, info.data.get("province"))
        return code

    @field_validator("commune_code")
    @classmethod
    def _commune_exists(cls, code: str, info: ValidationInfo) -> str:
        province = info.data.get("province_code")
        if province is None:  # the province's own problem is reported; a commune cannot be looked up
            return code
        unit = next((u for u in adminunits.communes(province) if u.code == code), None)
        if unit is None:
            message = "mã {code} không phải xã/phường thuộc tỉnh/thành phố mã {province} (danh mục 2025)"
            raise PydanticCustomError("vn_unit_code", message, {"code": code, "province": province})
        _same_name(code, unit, info.data.get("commune"))
        return code


def _same_name(code: str, unit: adminunits.Unit, written: str | None) -> None:
    if written is not None and not adminunits.same_unit(unit.name, written):
        context = {"code": code, "unit": unit.name, "written": written}
        raise PydanticCustomError("vn_unit_code", "mã {code} là của {unit}, không phải “{written}”", context)


class IndustryLine(DomainModel):
    """One business line: a level-4 VSIC code (checked against the catalogue by the rules)."""

    code: Code
    main: bool = False


class Contribution(DomainModel):
    """One kind of asset contributed to the charter capital, and its value in VND."""

    asset: AssetKind
    amount: Money


class _Person(DomainModel):
    full_name: Name
    sex: Sex
    birth_date: VnDate  # the portal takes a full dd/MM/yyyy date, never a year alone
    nationality: Nationality = "VN"
    identity: IdentityDocument


class Owner(_Person):
    """The individual who owns the company (chủ sở hữu); the applicant of the dossier."""

    ethnicity: Ethnicity | None = "01"
    permanent_address: Address
    contact_address: Address


class Representative(_Person):
    """A legal representative (người đại diện theo pháp luật); the owner may be one."""

    title: Title
    contact_address: Address


class ChiefAccountant(DomainModel):
    full_name: Name
    phone: Phone | None = None


class TaxInfo(DomainModel):
    """Tax registration (page 7 of the portal's wizard)."""

    start_date: VnDate  # ngày bắt đầu hoạt động
    accounting: Literal["independent", "dependent"]  # hình thức hạch toán
    vat_method: Literal["deduction", "direct_on_vat", "direct_on_revenue"]
    fiscal_year_start: DayMonth = "01/01"
    employees: Annotated[int, Field(ge=0)]
    chief_accountant: ChiefAccountant | None = None


class BusinessRegistrationRequest(Payload):
    """The payload of a dossier of procedure :data:`PROCEDURE_CODE`."""

    kind: Literal["business_registration"] = "business_registration"
    company_name: Text
    foreign_name: Text | None = None
    abbreviation: Text | None = None
    head_office: HeadOffice
    phone: OfficePhone
    email: Email | None = None
    website: Text | None = None
    industries: list[IndustryLine]
    charter_capital: Money
    contributions: list[Contribution]
    contribution_deadline: VnDate
    owner: Owner
    representatives: list[Representative]
    tax: TaxInfo
