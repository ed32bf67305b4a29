"""Domain model: what a dossier is, and the rules it must satisfy.

``parse_dossier`` is the one entry point from raw (JSON-shaped) data; it raises ``InvalidDossier``
listing every problem in Vietnamese. ``check`` runs the cross-field rules on a typed ``Dossier``.
"""

from rpa.domain.dates import BirthDate, VnDate, format_vn_date, parse_vn_date
from rpa.domain.dossier import Attachment, Channel, Dossier, DossierStatus, Payload
from rpa.domain.dossier_code import DOSSIER_CODE_PATTERN, MAX_DOSSIER_CODE_LENGTH, dossier_code_problem
from rpa.domain.labels import label_for
from rpa.domain.person import (
    LIMITS,
    Address,
    Applicant,
    IdentityDocument,
    IdentityKind,
    Relative,
    Sex,
)
from rpa.domain.validation import check, parse_dossier

__all__ = [
    "DOSSIER_CODE_PATTERN",
    "LIMITS",
    "MAX_DOSSIER_CODE_LENGTH",
    "Address",
    "Applicant",
    "Attachment",
    "BirthDate",
    "Channel",
    "Dossier",
    "DossierStatus",
    "IdentityDocument",
    "IdentityKind",
    "Payload",
    "Relative",
    "Sex",
    "VnDate",
    "check",
    "dossier_code_problem",
    "format_vn_date",
    "label_for",
    "parse_dossier",
    "parse_vn_date",
]
