"""Section D's legal rules (Luật Lý lịch tư pháp 2009): the court-ban confirmation belongs to Phiếu
số 1, Phiếu số 2 is never delegated, a parent, spouse or child needs no written authorisation; and
the ministry's refusal and cancellation read as national status 8."""

from __future__ import annotations

from typing import Any

import pytest
from test_judicial_record_map import DOSSIER, SEED_TODAY, TODAY, dossier, problems_of

from flows.judicial_record import PROCEDURE
from flows.judicial_record.flow import STATUS_BY_LABEL
from flows.judicial_record.form import JudicialRecordForm
from flows.judicial_record.rules import COURT_BAN_TYPE_1_ONLY, WRITTEN_AUTHORISATION_NEEDED
from rpa.domain import DossierStatus
from rpa.procedures import read_form
from rpa.sandbox.seed import generate

AUTH = "payload.authorised_person"


def _auth(**changes: Any) -> dict[str, Any]:
    return {**DOSSIER["payload"]["authorised_person"], **changes}


def test_a_type_2_request_for_the_court_ban_is_refused_in_vietnamese() -> None:
    data = dossier(**{"payload.certificate_type": 2, AUTH: None})
    [problem] = problems_of(data, require_files=False)
    assert problem.field == "payload.confirm_court_ban"
    assert str(problem) == (
        "Yêu cầu xác nhận cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp: " + COURT_BAN_TYPE_1_ONLY
    )


def test_the_court_ban_finding_survives_an_invalid_dossier() -> None:
    """Salvaged from the raw payload: one bad field does not hide it."""
    data = dossier(**{"payload.certificate_type": 2, AUTH: None, "payload.copies": 99})
    fields = [p.field for p in problems_of(data, require_files=False)]
    assert "payload.confirm_court_ban" in fields and "payload.copies" in fields


def test_a_type_2_request_without_the_court_ban_goes_through() -> None:
    data = dossier(**{"payload.certificate_type": 2, "payload.confirm_court_ban": False, AUTH: None})
    form = read_form(data, today=TODAY, require_files=False)
    assert (form.formType, form.isBanPosition, form.hasAuthorised) == (2, False, False)


def test_type_2_through_an_authorised_person_is_refused() -> None:
    """Điều 46: the rule the map already had, for a spouse too (no exemption applies to Phiếu số 2)."""
    data = dossier(**{"payload.certificate_type": 2, "payload.confirm_court_ban": False,
                      AUTH: _auth(relation="spouse", authorisation_date=None)})  # fmt: skip
    [problem] = problems_of(data, require_files=False)
    assert problem.field == AUTH and "số 2 không được yêu cầu cấp thông qua người được ủy quyền" in str(
        problem
    )


@pytest.mark.parametrize(
    ("relation", "relationship"), [("spouse", "Chồng"), ("parent", "mẹ ruột"), ("child", "Con gái út")]
)
def test_close_family_needs_no_written_authorisation(relation: str, relationship: str) -> None:
    data = dossier(**{AUTH: _auth(relation=relation, relationship=relationship, authorisation_date=None)})
    form = read_form(data, today=TODAY, require_files=False)
    assert (form.hasAuthorised, form.authIsRelative, form.authDateStr) == (True, True, None)
    assert form.authRelationship == relationship  # typed as the citizen wrote it


def test_close_family_with_a_written_authorisation_keeps_its_date() -> None:
    form = read_form(dossier(**{AUTH: _auth(relation="parent")}), today=TODAY, require_files=False)
    assert (form.authIsRelative, form.authDateStr) == (True, "01/11/2025")


@pytest.mark.parametrize(
    "auth", [_auth(authorisation_date=None), _auth(relation="other", authorisation_date="")]
)
def test_anyone_else_needs_the_written_authorisation(auth: dict[str, Any]) -> None:
    """Also when no relation is given: the stricter rule, never a guessed exemption from "Chồng"."""
    [problem] = problems_of(dossier(**{AUTH: auth}), require_files=False)
    assert problem.field == f"{AUTH}.authorisation_date"
    assert str(problem) == "Ngày ủy quyền: " + WRITTEN_AUTHORISATION_NEEDED


def test_the_written_authorisation_finding_survives_an_invalid_dossier() -> None:
    data = dossier(**{AUTH: _auth(authorisation_date=None), "payload.copies": 99})
    fields = [p.field for p in problems_of(data, require_files=False)]
    assert f"{AUTH}.authorisation_date" in fields and "payload.copies" in fields


def test_a_form_the_portal_cannot_take_is_never_built() -> None:
    form = read_form(DOSSIER, today=TODAY, require_files=False).model_dump()
    with pytest.raises(ValueError, match="Phiếu số 2"):
        JudicialRecordForm(**{**form, "formType": 2, "hasAuthorised": False})
    with pytest.raises(ValueError, match="needs its date"):
        JudicialRecordForm(**{**form, "authIsRelative": False, "authDateStr": None})


def test_the_seed_has_valid_family_authorisations_without_a_letter() -> None:
    """Awkward but valid: a parent or spouse applying without any written authorisation."""
    seeded = [
        d
        for d in generate(3, 400, today=SEED_TODAY)
        if d.flaw is None and d.data["payload"].get("authorised_person")
    ]
    undated = [d for d in seeded if d.data["payload"]["authorised_person"]["authorisation_date"] is None]
    assert undated and len(undated) < len(seeded)
    for d in undated:
        assert d.data["payload"]["authorised_person"]["relation"] in ("parent", "spouse")
        assert "van_ban_uy_quyen.pdf" not in [a["name"] for a in d.data["attachments"]]
        form = read_form(d.data, today=SEED_TODAY, require_files=False)
        assert (form.authIsRelative, form.authDateStr) == (True, None)


def test_refusal_and_cancellation_stop_processing_for_good() -> None:
    for label in ("Từ chối cấp phiếu", "Đã hủy"):
        key = STATUS_BY_LABEL[label]
        assert PROCEDURE.national(key) is DossierStatus.STOPPED and PROCEDURE.is_final(key)
        assert PROCEDURE.statuses[key].note.startswith(PROCEDURE.agency)
