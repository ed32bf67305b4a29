"""A made-up procedure, "Cấp giấy phép nhỏ" (a pet licence), as a separately installed plug-in would
ship it: registered only through the ``motcua_rpa.procedures`` entry point the test writes, with its
own selector map and its own portal (``tiny_portal.py`` next to this package)."""

from __future__ import annotations

from pathlib import Path

from rpa.domain import DossierStatus
from rpa.procedures import Procedure, StatusNote
from tiny_permit import flow
from tiny_permit.form import SPECIES_CODES, PetLicenceForm, map_dossier
from tiny_permit.model import LABELS, PROCEDURE_CODE, PetLicenceRequest, Species, payload_problems

__all__ = ["AGENCY", "PROCEDURE"]

AGENCY = "Chi cục Thú y Tí Hon"
DEADLINE_DAYS = 5
"""Working days to license a dog (it is checked at home); cats and birds take 3."""


def deadline_days(form: PetLicenceForm) -> int:
    return DEADLINE_DAYS if form.speciesCode == SPECIES_CODES[Species.DOG] else 3


PROCEDURE = Procedure(
    name="tiny_permit",
    title="Cấp giấy phép nhỏ (nuôi vật nuôi)",
    agency=AGENCY,
    portal=flow.PORTAL,
    procedure_codes=(PROCEDURE_CODE,),
    payload=PetLicenceRequest,
    payload_rules=payload_problems,
    map=map_dossier,
    salvage=None,
    login=flow.login,
    submit=flow.submit,
    lookup=flow.lookup,
    read_status=flow.read_status,
    read_receipt=flow.read_receipt,
    lookup_key=lambda form: form.ownerIdNumber,
    submission_facts=flow.submission_facts,
    statuses={
        "received": StatusNote(DossierStatus.PROCESSING, f"{AGENCY} đã nhận đơn {{receipt}}"),
        "supplement": StatusNote(
            DossierStatus.SUPPLEMENT_REQUESTED, f"{AGENCY} yêu cầu bổ sung đơn {{receipt}}: {{reason}}"
        ),
        "issued": StatusNote(
            DossierStatus.FINISHED, f"{AGENCY} đã cấp giấy phép đơn {{receipt}}", final=True
        ),
    },
    deadline_days=deadline_days,
    default_deadline_days=DEADLINE_DAYS,
    receipt_code=flow.RECEIPT_CODE,
    selectors_dir=Path(__file__).parent / "selectors",
    submit_page=flow.SUBMIT_PAGE,
    lookup_page="lookup",
    certificate_name="số giấy phép",
    labels=LABELS,
)
