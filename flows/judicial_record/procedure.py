"""The judicial-record certificate (Cấp Phiếu lý lịch tư pháp) as the engine sees it."""

from __future__ import annotations

from flows import SELECTORS_DIR
from flows.judicial_record import flow
from flows.judicial_record.deadline import DEADLINE_DAYS, deadline_days
from flows.judicial_record.form import JudicialRecordForm, map_dossier, salvage_problems
from flows.judicial_record.labels import PAYLOAD_LABELS
from flows.judicial_record.model import PROCEDURE_CODE, JudicialRecordRequest
from flows.judicial_record.rules import payload_problems
from flows.judicial_record.values import VALUE_LABELS
from rpa.domain import DossierStatus
from rpa.procedures import Procedure, StatusNote

__all__ = ["PROCEDURE"]


def _lookup_key(form: JudicialRecordForm) -> str:
    return form.idNumber


PROCEDURE = Procedure(
    name="judicial_record",
    title="Cấp Phiếu lý lịch tư pháp",
    agency="Bộ Tư pháp",
    portal=flow.PORTAL,
    procedure_codes=(PROCEDURE_CODE,),
    payload=JudicialRecordRequest,
    payload_rules=payload_problems,
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
        # A label not mapped here comes back as flow.UNKNOWN_STATUS: the sync parks the transfer for
        # a person once and writes nothing to the one-stop system until a known status shows again.
        "received": StatusNote(DossierStatus.PROCESSING, "Bộ Tư pháp đã tiếp nhận hồ sơ {receipt}"),
        "processing": StatusNote(DossierStatus.PROCESSING, "Bộ Tư pháp đang xử lý hồ sơ {receipt}"),
        "supplement_requested": StatusNote(
            DossierStatus.SUPPLEMENT_REQUESTED, "Bộ Tư pháp yêu cầu bổ sung hồ sơ {receipt}: {reason}"
        ),
        # Not final: the certificate still has to reach the citizen, and its number comes only then.
        "finished": StatusNote(DossierStatus.FINISHED, "Bộ Tư pháp đã có kết quả hồ sơ {receipt}"),
        "result_returned": StatusNote(
            DossierStatus.RESULT_RETURNED, "Bộ Tư pháp đã trả kết quả hồ sơ {receipt}", final=True
        ),
        # "Từ chối cấp phiếu" (điều 49) comes after the province accepted the dossier and forwarded it
        # (2 → 4): 3 "Không được tiếp nhận" is the one-stop desk's refusal at reception and would
        # contradict that history; 9 "Đã xử lý xong" would tell the citizen a certificate is ready.
        # The ministry stopped processing without a result: 8 "Dừng xử lý". Nothing follows it.
        "refused": StatusNote(
            DossierStatus.STOPPED, "Bộ Tư pháp từ chối cấp Phiếu lý lịch tư pháp, hồ sơ {receipt}", final=True
        ),
        # "Đã hủy" does not say who cancelled. 7 "Công dân yêu cầu rút hồ sơ" would be false when the
        # ministry cancelled; 8 is true either way. A withdrawal the clerk already recorded (7) stays:
        # a later ministry status never overwrites it (rpa.status.writeback).
        "cancelled": StatusNote(DossierStatus.STOPPED, "Bộ Tư pháp đã hủy hồ sơ {receipt}", final=True),
    },
    deadline_days=deadline_days,
    default_deadline_days=DEADLINE_DAYS,
    receipt_code=flow.RECEIPT_CODE,
    selectors_dir=SELECTORS_DIR,
    submit_page=flow.SUBMIT_PAGE,
    lookup_page=flow.LOOKUP_PAGE,
    certificate_name="số phiếu",
    labels=PAYLOAD_LABELS,
    value_labels=VALUE_LABELS,
    # identity numbers: the applicant's and the authorised person's fields, the look-up field, and the
    # review and receipt tables that show them back (step B asks no family member's number)
    masked_fields=(
        "applicant.id_number",
        "authorised.id_number",
        "lookup.id_number",
        "review.id_number",
        "receipt.id_number",
    ),
)
