"""The badge payload: "Cấp phù hiệu xe ô tô kinh doanh vận tải" (``1.002859``).

A transport business (its transport business licence, name and tax code) asks for one kind of badge
for one or more vehicles, valid until a day it chooses. Each field is checked as it is read with the
domain's own types; what needs several fields at once (plates, vehicle age, the licence's expiry,
leases, seats or payload for the kind) is in :mod:`flows.road_transport.rules`, so every problem is
listed at once.

A vehicle's scans are named by their attachment's name (``registration_scan``, ``lease_file``): the
files travel as the dossier's attachments, and :mod:`flows.road_transport.form` finds them there.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import Field, Strict, StringConstraints

from rpa.domain.dates import VnDate
from rpa.domain.dossier import Payload
from rpa.domain.person import Code, DomainModel, Email, Name, Phone, Text

__all__ = [
    "BADGE_KINDS",
    "GOODS_KINDS",
    "KIND_LABELS",
    "PASSENGER_KINDS",
    "PLATE",
    "PROCEDURE_CODE",
    "PROCEDURE_NAME",
    "BadgeKind",
    "Business",
    "Contact",
    "RoadTransportRequest",
    "Vehicle",
    "normal_plate",
]

PROCEDURE_CODE = "1.002859"
PROCEDURE_NAME = "Cấp phù hiệu xe ô tô kinh doanh vận tải"

BadgeKind = Literal["fixed_route", "bus", "taxi", "contract", "tourism", "truck", "container", "tractor"]
BADGE_KINDS: tuple[str, ...] = get_args(BadgeKind)
KIND_LABELS: dict[str, str] = {
    "fixed_route": "Xe chạy tuyến cố định",
    "bus": "Xe buýt",
    "taxi": "Xe taxi",
    "contract": "Xe hợp đồng",
    "tourism": "Xe du lịch",
    "truck": "Xe tải",
    "container": "Xe công-te-nơ",
    "tractor": "Xe đầu kéo",
}
"""The badge kinds as the form names them (Decree 158/2024/NĐ-CP, art. 17)."""
PASSENGER_KINDS = ("fixed_route", "bus", "taxi", "contract", "tourism")
"""Kinds that carry passengers: a vehicle states its seats."""
GOODS_KINDS = ("truck", "container", "tractor")
"""Kinds that carry goods: a vehicle states the load it may carry (kg)."""

PLATE = re.compile(r"[0-9]{2}[A-Z]{1,2}-(?:[0-9]{4}|[0-9]{3}\.[0-9]{2})", re.ASCII)
"""A plate: province code, a series of one or two letters, then 4 digits or 3.2 digits
(``76A-123.45``, ``76A-1234``, ``76LD-012.34``)."""
LicenceNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{2}-[0-9]{6}$")]
"""A transport business licence number, ``76-NNNNNN`` (Quảng Ngãi) or ``82-NNNNNN`` (former Kon Tum)."""
TaxCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{10}(-[0-9]{3})?$")]
Year = Annotated[int, Strict(), Field(ge=1900, le=2200)]
Count = Annotated[int, Strict(), Field(gt=0)]


def normal_plate(text: str) -> str:
    """A plate as the portal keeps it: upper case, without spaces (``76a 123.45`` → ``76A123.45``)."""
    return "".join(text.split()).upper()


class Business(DomainModel):
    """The transport business and its transport business licence (giấy phép kinh doanh vận tải)."""

    licence_number: LicenceNumber
    licence_expiry: VnDate
    name: Text
    tax_code: TaxCode


class Contact(DomainModel):
    """Who the department calls about the application."""

    full_name: Name
    phone: Phone
    email: Email | None = None


class Vehicle(DomainModel):
    """One vehicle to badge. ``seats`` for passenger kinds, ``payload_kg`` for goods kinds."""

    plate: Code
    make: Text
    seats: Count | None = None
    payload_kg: Count | None = None
    year: Year
    ownership: Literal["owned", "leased"]
    registration_number: Code
    registration_scan: Text
    lease_file: Text | None = None
    lease_end: VnDate | None = None


class RoadTransportRequest(Payload):
    """The payload of a dossier of procedure :data:`PROCEDURE_CODE`."""

    kind: Literal["road_transport"] = "road_transport"
    business: Business
    badge_kind: BadgeKind
    valid_until: VnDate
    vehicles: list[Vehicle]
    contact: Contact
