"""People and places: the applicant, identity documents, relatives and addresses.

Also the shared building blocks of every model: ``DomainModel`` and the annotated string types that
clean and check text as it enters (NFC, legacy encodings, control characters, emoji, markup, length).
Their errors carry Vietnamese messages that ``rpa.domain.validation`` shows to clerks as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from rpa.domain import adminunits
from rpa.domain.dates import BirthDate, VnDate
from rpa.domain.labels import foreign_digit_error
from rpa.domain.text import (
    VIETNAMESE_LETTERS,
    describe_char,
    has_control_chars,
    has_emoji,
    legacy_encoding,
    looks_like_html,
    nfc,
)

__all__ = [
    "LIMITS",
    "Address",
    "Applicant",
    "Code",
    "DomainModel",
    "Email",
    "IdentityDocument",
    "IdentityKind",
    "LongText",
    "Name",
    "Phone",
    "Relative",
    "Sex",
    "Text",
    "UnitCode",
]

LIMITS: dict[str, int] = {
    "name": 100,  # họ tên, tên gọi khác, quan hệ
    "text": 255,  # addresses, places, occupations, file names
    "long": 500,  # mục đích yêu cầu
    "code": 50,  # codes, identity numbers, media types
}
"""Maximum lengths in characters (after NFC), by kind of text. One table, so the form limits of a
portal can be checked against it in one place."""

_NAME_CHARS = VIETNAMESE_LETTERS | frozenset(" '’.-")


def _clean(kind: str, value: Any) -> Any:
    """NFC-normalise and refuse text no ministry form should receive; non-strings pass to pydantic."""
    if not isinstance(value, str):
        return value
    value = nfc(value).strip()
    found = legacy_encoding(value)
    if found:
        raise PydanticCustomError(
            "legacy_encoding",
            "có vẻ là mã {encoding} (phông chữ cũ), có thể là: {suggestion}; cần gõ lại bằng Unicode",
            {"encoding": found[0], "suggestion": found[1]},
        )
    if has_control_chars(value, allow_newlines=kind == "long"):
        raise PydanticCustomError("control_chars", "chứa ký tự điều khiển hoặc ký tự ẩn")
    if has_emoji(value):
        raise PydanticCustomError("emoji", "không được chứa biểu tượng cảm xúc (emoji)")
    if looks_like_html(value):
        raise PydanticCustomError("html", "không được chứa mã HTML hoặc script")
    if kind == "name":
        _check_name_chars(value)
    if kind == "code":
        _check_code_chars(value)
    return value


def _check_name_chars(value: str) -> None:
    """Letters of the Vietnamese alphabet and the separators only, checked before anyone upper-cases
    the name for a form: "ß".upper() is "SS", and a Cyrillic Е upper-cases to itself, looking Latin."""
    odd = next((c for c in value if c not in _NAME_CHARS), None)
    if odd is None:
        return
    if odd.isascii():  # a digit or a symbol the clerk can see
        raise PydanticCustomError("name_chars", "chỉ được gồm chữ cái, dấu cách và các dấu ' - .")
    raise PydanticCustomError(
        "foreign_letter",
        "chứa ký tự {char} không thuộc bảng chữ cái tiếng Việt; cần gõ lại bằng chữ cái tiếng Việt",
        {"char": describe_char(odd)},
    )


def _check_code_chars(value: str) -> None:
    """Codes and numbers are ASCII: the portals' fields take nothing else, and upper-casing other
    letters changes them ("ß" becomes "SS")."""
    error = foreign_digit_error(value)
    if error is not None:
        raise error
    odd = next((c for c in value if not c.isascii()), None)
    if odd is not None:
        raise PydanticCustomError(
            "foreign_code_char",
            "chỉ được gồm chữ cái A–Z, chữ số 0–9 và dấu câu thông thường; có {char}",
            {"char": describe_char(odd)},
        )


def _text(kind: str) -> Callable[[Any], Any]:
    return lambda value: _clean(kind, value)


Name = Annotated[str, BeforeValidator(_text("name")), StringConstraints(max_length=LIMITS["name"])]
"""A person's name: letters of the Vietnamese alphabet, spaces and ' - . only."""
Text = Annotated[str, BeforeValidator(_text("text")), StringConstraints(max_length=LIMITS["text"])]
"""One line of free text (an address, a place, an occupation)."""
LongText = Annotated[str, BeforeValidator(_text("long")), StringConstraints(max_length=LIMITS["long"])]
"""Free text that may span lines (a purpose)."""
Code = Annotated[str, BeforeValidator(_text("code")), StringConstraints(max_length=LIMITS["code"])]
"""A code or number typed by a clerk: ASCII only, digits 0-9."""
UnitCode = Annotated[str, BeforeValidator(_text("code")), StringConstraints(pattern=r"^[0-9]{2,5}$")]
"""An administrative-unit code: 2 (province), 3 (district) or 5 (commune) digits."""


def _phone(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    error = foreign_digit_error(value)
    if error is not None:
        raise error
    digits = re.sub(r"[\s.\-()]", "", value)
    if re.fullmatch(r"\+84[0-9]{9}", digits):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0[0-9]{9}", digits):
        raise PydanticCustomError(
            "phone",
            "“{value}” không phải số điện thoại hợp lệ (10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số)",
            {"value": value},
        )
    return digits


def _email(value: Any) -> Any:
    value = _clean("text", value)
    if isinstance(value, str) and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        message = "“{value}” không phải địa chỉ thư điện tử hợp lệ"
        raise PydanticCustomError("email", message, {"value": value})
    return value


Phone = Annotated[str, BeforeValidator(_phone)]
"""A Vietnamese phone number, normalised to 10 digits starting with 0."""
Email = Annotated[str, BeforeValidator(_email), StringConstraints(max_length=LIMITS["text"])]
"""An e-mail address (shape only)."""


class DomainModel(BaseModel):
    """Base of every domain model: unknown keys are refused and models are immutable.

    Blank strings become None before validation, so an optional field left blank is simply absent
    and a required one left blank reports "không được để trống" like a missing one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: None if isinstance(v, str) and not v.strip() else v for k, v in data.items()}
        return data


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label(self) -> str:
        return {"male": "Nam", "female": "Nữ"}[self.value]


class IdentityKind(StrEnum):
    CCCD = "cccd"  # căn cước công dân / thẻ căn cước, 12 digits
    CMND = "cmnd"  # chứng minh nhân dân, 9 digits, expired after 31/12/2024
    PASSPORT = "passport"

    @property
    def label(self) -> str:
        labels = {"cccd": "Căn cước công dân", "cmnd": "Chứng minh nhân dân", "passport": "Hộ chiếu"}
        return labels[self.value]

    @property
    def short(self) -> str:
        return {"cccd": "CCCD", "cmnd": "CMND", "passport": "hộ chiếu"}[self.value]


class IdentityDocument(DomainModel):
    """An identity document; the number's shape per kind is checked by ``rpa.domain.validation``."""

    kind: IdentityKind
    number: Code
    issue_date: VnDate | None = None
    issue_place: Text | None = None


class Address(DomainModel):
    """An address in either scheme.

    Legacy (before 1 July 2025) addresses have three levels and carry ``district``; current ones have
    two (province → commune). Codes are the official unit codes (2-digit province, 3-digit district,
    5-digit commune) when known.
    """

    street: Text | None = None
    commune: Text
    commune_code: UnitCode | None = None
    district: Text | None = None
    district_code: UnitCode | None = None
    province: Text
    province_code: UnitCode | None = None

    @property
    def is_legacy(self) -> bool:
        return self.district is not None

    def to_current(self) -> Address:
        """This address in the post-2025 two-level scheme; a current address is returned as is.

        The street is kept as written; names and codes come from the official mapping.

        Raises:
            AddressNotConvertible: the commune was not found under the district and province written.
        """
        if self.district is None:
            return self
        province, commune = adminunits.convert_legacy(self.commune, self.district, self.province)
        return Address(
            street=self.street,
            commune=commune.name,
            commune_code=commune.code,
            province=province.name,
            province_code=province.code,
        )

    def code_mismatches(self) -> dict[str, str]:
        """Unit codes that do not match the names written, as ``{field: Vietnamese message}``."""
        return adminunits.code_mismatches(
            self.province,
            self.province_code,
            self.commune,
            self.commune_code,
            self.district,
            self.district_code,
        )

    def __str__(self) -> str:
        parts = [self.street, self.commune, self.district, self.province]
        return ", ".join(p for p in parts if p)


class Relative(DomainModel):
    """A parent or spouse, as application forms ask for them."""

    full_name: Name
    birth_date: BirthDate | None = None


class Applicant(DomainModel):
    """The person the dossier is about (the applicant section of every application form).

    ``phone`` is stored as 10 digits starting with 0 whatever the citizen typed (spaces, dots, +84).
    """

    full_name: Name
    other_name: Name | None = None
    sex: Sex
    birth_date: BirthDate
    birth_place: Text
    nationality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "VN"  # ISO 3166-1 alpha-2
    ethnicity: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")] | None = "01"  # 01 = Kinh
    identity: IdentityDocument
    permanent_address: Address
    temporary_address: Address | None = None
    phone: Phone | None = None
    email: Email | None = None
