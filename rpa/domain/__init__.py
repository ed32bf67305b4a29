"""Domain model: what a dossier is, and the rules it must satisfy."""

from rpa.domain.dates import BirthDate, VnDate, format_vn_date, parse_vn_date
from rpa.domain.dossier import Attachment, Channel, Dossier, DossierStatus
from rpa.domain.judicial_record import (
    PROCEDURE_CODE,
    AuthorisedPerson,
    CertificateType,
    Delivery,
    DeliveryMethod,
    JudicialRecordRequest,
    ResidencePeriod,
)
from rpa.domain.person import Address, Applicant, IdentityDocument, IdentityKind, Relative, Sex

__all__ = [
    "PROCEDURE_CODE",
    "Address",
    "Applicant",
    "Attachment",
    "AuthorisedPerson",
    "BirthDate",
    "CertificateType",
    "Channel",
    "Delivery",
    "DeliveryMethod",
    "Dossier",
    "DossierStatus",
    "IdentityDocument",
    "IdentityKind",
    "JudicialRecordRequest",
    "Relative",
    "ResidencePeriod",
    "Sex",
    "VnDate",
    "format_vn_date",
    "parse_vn_date",
]
