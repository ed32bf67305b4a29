"""Establishing a single-member limited liability company owned by an individual (Đăng ký thành lập
công ty TNHH một thành viên) on the national business-registration portal, as the engine sees it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows import SELECTORS_DIR
from flows.business_registration import flow
from flows.business_registration.form import BusinessRegistrationForm, map_payload
from flows.business_registration.labels import PAYLOAD_LABELS, VALUE_LABELS
from flows.business_registration.model import ASSET_LABELS, PROCEDURE_CODE, BusinessRegistrationRequest
from flows.business_registration.rules import payload_problems
from rpa.domain import Dossier, DossierStatus
from rpa.errors import Problem
from rpa.procedures import DossierFacts, Procedure, StatusNote

__all__ = ["AGENCY", "DEADLINE_DAYS", "PROCEDURE"]

AGENCY = "Phòng Đăng ký kinh doanh"
"""The provincial business-registration office (of the Department of Finance since 2025) decides."""
DEADLINE_DAYS = 3
"""Working days to issue the certificate (Decree 168/2025/NĐ-CP keeps the 3 days of the law)."""


def _rules(
    payload: BusinessRegistrationRequest | None, raw: Mapping[str, Any], facts: DossierFacts
) -> list[Problem]:
    return payload_problems(payload, raw, received=facts.received, today=facts.today)


def _map(dossier: Dossier, *, require_files: bool = True) -> BusinessRegistrationForm:
    """The portal's form (it uploads no file, so ``require_files`` changes nothing)."""
    assert isinstance(dossier.payload, BusinessRegistrationRequest)
    return map_payload(dossier.code, dossier.applicant, dossier.payload)


def _lookup_key(form: BusinessRegistrationForm) -> str:
    return form.txtChuSoGiayTo


PROCEDURE = Procedure(
    name="business_registration",
    title="Đăng ký thành lập công ty TNHH một thành viên",
    agency=AGENCY,
    portal=flow.PORTAL,
    procedure_codes=(PROCEDURE_CODE,),
    payload=BusinessRegistrationRequest,
    payload_rules=_rules,
    map=_map,
    salvage=None,
    login=flow.login,
    submit=flow.submit,
    lookup=flow.lookup,
    read_status=flow.read_status,
    read_receipt=flow.read_receipt,
    lookup_key=_lookup_key,
    submission_facts=flow.submission_facts,
    statuses={
        "received": StatusNote(DossierStatus.PROCESSING, f"{AGENCY} đã nhận hồ sơ {{receipt}}"),
        "processing": StatusNote(DossierStatus.PROCESSING, f"{AGENCY} đang xử lý hồ sơ {{receipt}}"),
        "supplement_requested": StatusNote(
            DossierStatus.SUPPLEMENT_REQUESTED,
            f"{AGENCY} yêu cầu sửa đổi, bổ sung hồ sơ {{receipt}}: {{reason}}",
        ),
        # Final on the portal: the enterprise code is issued; the clerk hands the certificate over (10).
        "granted": StatusNote(
            DossierStatus.FINISHED,
            f"{AGENCY} đã cấp Giấy chứng nhận đăng ký doanh nghiệp, hồ sơ {{receipt}}",
            final=True,
        ),
    },
    deadline_days=lambda form: DEADLINE_DAYS,
    default_deadline_days=DEADLINE_DAYS,
    receipt_code=flow.RECEIPT_CODE,
    selectors_dir=SELECTORS_DIR,
    submit_page=flow.SUBMIT_PAGE,
    lookup_page=flow.LOOKUP_PAGE,
    certificate_name="mã số doanh nghiệp",
    labels=PAYLOAD_LABELS,
    value_labels={**VALUE_LABELS, "payload.contributions.*.asset": ASSET_LABELS},
    # identity numbers: the owner's and every legal representative's fields (one per row), the look-up
    # field, and the page-8 review tables and the status page that show them back
    masked_fields=(
        "owner.id_number",
        "representative.id_number",
        "lookup.id_number",
        "review.id_number",
        "review.representative",
        "status.id_number",
    ),
)
