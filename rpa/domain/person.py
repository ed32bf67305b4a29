"""People and places: the applicant, identity documents, relatives and addresses."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from rpa.domain.dates import BirthDate, VnDate

__all__ = ["Address", "Applicant", "IdentityDocument", "IdentityKind", "Relative", "Sex"]


class DomainModel(BaseModel):
    """Base of every domain model: unknown keys are refused and models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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
        return {"cccd": "Căn cước công dân", "cmnd": "Chứng minh nhân dân", "passport": "Hộ chiếu"}[self.value]


class IdentityDocument(DomainModel):
    kind: IdentityKind
    number: str
    issue_date: VnDate | None = None
    issue_place: str | None = None


class Address(DomainModel):
    """An address in either scheme.

    Legacy (before 1 July 2025) addresses have three levels and carry ``district``; current ones have
    two (province → commune). Codes are the official unit codes (2-digit province, 3-digit district,
    5-digit commune) when known.
    """

    street: str | None = None
    commune: str
    commune_code: str | None = None
    district: str | None = None
    district_code: str | None = None
    province: str
    province_code: str | None = None

    @property
    def is_legacy(self) -> bool:
        return self.district is not None

    def __str__(self) -> str:
        parts = [self.street, self.commune, self.district, self.province]
        return ", ".join(p for p in parts if p)


class Relative(DomainModel):
    """A parent or spouse as section B of the judicial-record form asks for them."""

    full_name: str
    birth_date: BirthDate | None = None


class Applicant(DomainModel):
    """The person the dossier is about (section A of the judicial-record form)."""

    full_name: str
    other_name: str | None = None
    sex: Sex
    birth_date: BirthDate
    birth_place: str
    nationality: str = "VN"  # ISO 3166-1 alpha-2
    ethnicity: str | None = "01"  # national ethnic code list, 01 = Kinh
    identity: IdentityDocument
    permanent_address: Address
    temporary_address: Address | None = None
    phone: str | None = None
    email: str | None = None
