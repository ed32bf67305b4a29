"""Section D's legal cases typed on the sandbox portal in Chromium, and the statuses the flow reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_judicial_record_flow import ACCOUNT, expected_stored, make_form, stored_comparable

from flows.judicial_record import PROCEDURE
from flows.judicial_record.flow import UNKNOWN_STATUS, login, read_status, submit
from rpa.domain import DossierStatus
from rpa.portal.steps import Steps
from rpa.sandbox.moj.testing import MojSandbox

pytestmark = pytest.mark.browser


@pytest.fixture
def logged_in(steps: Steps) -> Steps:
    login(steps, *ACCOUNT)
    return steps


def _typed_as_stored(moj: MojSandbox, steps: Steps, form_changes: dict[str, object], id_card: Path) -> None:
    form = make_form(id_card).model_copy(update=form_changes)
    receipt = submit(steps, type(form).model_validate(form.model_dump()))
    assert receipt is not None
    (stored,) = moj.applications()
    got, want = stored_comparable(stored["form"]), expected_stored(form)
    assert {k: got[k] for k in want} == want


def test_a_parent_without_a_written_authorisation_is_typed(
    logged_in: Steps, moj: MojSandbox, id_card_png: Path
) -> None:
    changes = {"authRelationship": "Mẹ đẻ", "authIsRelative": True, "authDateStr": None}
    _typed_as_stored(moj, logged_in, changes, id_card_png)


def test_a_type_2_application_never_touches_the_court_ban_box(
    logged_in: Steps, moj: MojSandbox, id_card_png: Path
) -> None:
    changes: dict[str, object] = {"formType": 2, "isBanPosition": False, "hasAuthorised": False}
    changes |= dict.fromkeys(("authName", "authIdTypeId", "authIdNumber", "authRelationship", "authDateStr"))
    _typed_as_stored(moj, logged_in, changes, id_card_png)


def test_refusal_cancellation_and_an_unknown_label(logged_in: Steps, moj: MojSandbox) -> None:
    refused, cancelled = moj.submit_minimal(), moj.submit_minimal(idNumber="051090009999")
    moj.advance(refused[0], "refused").raise_for_status()
    moj.advance(cancelled[0], "processing").raise_for_status()
    moj.advance(cancelled[0], "cancelled").raise_for_status()
    for receipt, key in ((refused[0], "refused"), (cancelled[0], "cancelled")):
        status = read_status(logged_in, receipt)
        assert status.status == key and PROCEDURE.national(key) is DossierStatus.STOPPED
    moj.knobs(status_labels={"cancelled": "Đã hủy theo đề nghị của công dân"})
    status = read_status(logged_in, cancelled[0])
    assert (status.status, status.label) == (UNKNOWN_STATUS, "Đã hủy theo đề nghị của công dân")
    assert status.status not in PROCEDURE.statuses
