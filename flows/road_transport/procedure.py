"""Issuing vehicle badges (Cấp phù hiệu xe ô tô kinh doanh vận tải) on the provincial construction
department's portal, as the engine sees it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows import SELECTORS_DIR
from flows.road_transport import flow
from flows.road_transport.form import RoadTransportForm, map_dossier, salvage_problems
from flows.road_transport.labels import PAYLOAD_LABELS, VALUE_LABELS
from flows.road_transport.limits import configure
from flows.road_transport.model import PROCEDURE_CODE, PROCEDURE_NAME, RoadTransportRequest
from flows.road_transport.rules import payload_problems
from rpa.domain import DossierStatus
from rpa.errors import Problem
from rpa.procedures import DossierFacts, Procedure, StatusNote

__all__ = ["AGENCY", "DEADLINE_DAYS", "PROCEDURE"]

AGENCY = "Sở Xây dựng"
"""The provincial construction department issues badges (road transport moved to it in 2025)."""
DEADLINE_DAYS = 2
"""Working days to issue the badges (Decree 158/2024/NĐ-CP, art. 20)."""


def _rules(
    payload: RoadTransportRequest | None, raw: Mapping[str, Any], facts: DossierFacts
) -> list[Problem]:
    return payload_problems(payload, raw, today=facts.today)


def _lookup_key(form: RoadTransportForm) -> str:
    return form.so_giay_phep


PROCEDURE = Procedure(
    name="road_transport",
    title=PROCEDURE_NAME,
    agency=AGENCY,
    portal=flow.PORTAL,
    procedure_codes=(PROCEDURE_CODE,),
    payload=RoadTransportRequest,
    payload_rules=_rules,
    map=map_dossier,
    salvage=salvage_problems,
    login=flow.login,
    submit=flow.submit,
    lookup=flow.lookup,
    read_status=flow.read_status,
    read_receipt=flow.read_receipt,
    lookup_key=_lookup_key,
    submission_facts=flow.submission_facts,
    statuses={
        "submitted": StatusNote(DossierStatus.PROCESSING, f"{AGENCY} đã tiếp nhận hồ sơ {{receipt}}"),
        "processing": StatusNote(DossierStatus.PROCESSING, f"{AGENCY} đang thẩm định hồ sơ {{receipt}}"),
        "supplement_requested": StatusNote(
            DossierStatus.SUPPLEMENT_REQUESTED, f"{AGENCY} yêu cầu bổ sung hồ sơ {{receipt}}: {{reason}}"
        ),
        # The department refuses after the desk accepted and forwarded the dossier: 8 "Dừng xử lý",
        # as for the other procedures (3 is the desk's own refusal at reception; see docs/status-sync.md).
        "refused": StatusNote(
            DossierStatus.STOPPED, f"{AGENCY} từ chối cấp phù hiệu, hồ sơ {{receipt}}: {{reason}}", final=True
        ),
        # Final on the portal: each vehicle has its badge number; the clerk hands the badges over (10).
        "issued": StatusNote(
            DossierStatus.FINISHED, f"{AGENCY} đã cấp phù hiệu, hồ sơ {{receipt}}", final=True
        ),
    },
    deadline_days=lambda form: DEADLINE_DAYS,
    default_deadline_days=DEADLINE_DAYS,
    receipt_code=flow.RECEIPT_CODE,
    selectors_dir=SELECTORS_DIR,
    submit_page=flow.SUBMIT_PAGE,
    lookup_page=flow.LOOKUP_PAGE,
    certificate_name="số phù hiệu",
    labels=PAYLOAD_LABELS,
    value_labels=VALUE_LABELS,
    configure=configure,
    # none by default: the form names the business by its transport licence and tax code, and its
    # contact person by name, phone and e-mail; no identity number is typed
    masked_fields=(),
)
