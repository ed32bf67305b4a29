"""The judicial record certificate request (Phiếu lý lịch tư pháp), sections B to D of the form."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Literal

from rpa.domain.dates import VnDate
from rpa.domain.person import Address, DomainModel, IdentityDocument, Relative

__all__ = [
    "AuthorisedPerson",
    "CertificateType",
    "Delivery",
    "DeliveryMethod",
    "JudicialRecordRequest",
    "ResidencePeriod",
]

PROCEDURE_CODE = "1.001234"  # national procedure code used by the sandbox for "Cấp Phiếu lý lịch tư pháp"


class CertificateType(IntEnum):
    TYPE_1 = 1  # Phiếu số 1: for the person themself or an agency
    TYPE_2 = 2  # Phiếu số 2: full record, for the person or procedural authorities


class DeliveryMethod(StrEnum):
    AT_AGENCY = "at_agency"  # nhận tại cơ quan
    POST = "post"  # nhận qua bưu chính


class Delivery(DomainModel):
    method: DeliveryMethod = DeliveryMethod.AT_AGENCY
    address: Address | None = None  # required when method is POST


class ResidencePeriod(DomainModel):
    """One row of section C: where the person lived, from age 14 to now, without gaps or overlaps."""

    from_date: VnDate
    to_date: VnDate | None = None  # None: "đến nay" (up to now)
    address: str
    occupation: str | None = None
    workplace: str | None = None


class AuthorisedPerson(DomainModel):
    """Someone applying on the person's behalf (người được ủy quyền)."""

    full_name: str
    identity: IdentityDocument
    relationship: str
    authorisation_date: VnDate


class JudicialRecordRequest(DomainModel):
    kind: Literal["judicial_record"] = "judicial_record"
    father: Relative | None = None
    mother: Relative | None = None
    spouse: Relative | None = None
    residence_history: list[ResidencePeriod]
    certificate_type: CertificateType = CertificateType.TYPE_1
    confirm_court_ban: bool = False  # xác nhận cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp
    purpose: str
    copies: int = 1
    delivery: Delivery = Delivery()
    authorised_person: AuthorisedPerson | None = None
