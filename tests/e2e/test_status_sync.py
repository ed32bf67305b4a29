"""`rpa sync --once`: ministry statuses back to the provincial system, end to end, in real Chromium.

Three dossiers go to the ministry (`rpa run --once`); the sandbox then moves them on as the ministry
would. One is asked for a supplement and handed back in, one gets its result and then its certificate,
one never moves and runs past its due date. Every change must reach the provincial system once (one
SMS each), the supplement reason must reach the clerk, the certificate number the ledger, a finished
transfer must leave the sync, and the late one must be flagged once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import SERVICE_ACCOUNT

from flows.judicial_record import FLOW
from rpa.domain import DossierStatus
from rpa.ledger import Ledger, TransferState
from rpa.operations.alerts import read_alerts
from rpa.sandbox.seed import generate
from rpa.sources.provincial import ProvincialClient
from rpa.status.deadlines import vn_today

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

S = TransferState
REASON = "Đề nghị bổ sung bản sao giấy khai sinh có chứng thực."


@dataclass
class Desk:
    world: World
    asked: str  # asked for a supplement, then processed again
    issued: str  # result, then certificate returned
    late: str  # never moves, past its due date
    receipts: dict[str, str]  # dossier code → ministry receipt code

    def advance(self, code: str, *steps: str, reason: str | None = None) -> None:
        for to in steps:
            body = {"receipt": self.receipts[code], "to": to, "reason": reason}
            httpx.post(f"{self.world.moj}/_sandbox/advance", json=body, timeout=10).raise_for_status()

    def provincial(self, code: str) -> dict[str, Any]:
        """The dossier as the provincial API gives it (status, processing log)."""
        with ProvincialClient(self.world.provincial, *SERVICE_ACCOUNT) as client:
            return client.get(code)

    def sms_statuses(self, code: str) -> list[int]:
        return [m["status"] for m in self.world.sms(code)]

    def sync(self, expect_exit: int = 0) -> dict[str, Any]:
        return self.world.rpa_json("sync", "--once", expect_exit=expect_exit)


@dataclass
class Pass:
    desk: Desk
    summary: dict[str, Any]

    def change(self, code: str) -> dict[str, Any]:
        (found,) = [c for c in self.summary["changed"] if c["dossier_code"] == code]
        return found


@pytest.fixture(scope="module")
def desk(make_world: Callable[..., World]) -> Desk:
    accepted = [d for d in generate(11, 30) if d.data.get("status") == int(DossierStatus.ACCEPTED)]
    valid = [d for d in accepted if d.flaw is None and d.tricky is None][:3]
    assert len(valid) == 3, "seed 11 must give three valid accepted dossiers"
    world = make_world("sync")
    codes = world.add(*valid)
    run = world.rpa_json("run", "--once")
    assert run["states"] == {"written_back": 3}, run
    receipts = {o["dossier_code"]: o["receipt_code"] for o in run["outcomes"]}
    return Desk(world, *codes, receipts=receipts)


@pytest.fixture(scope="module")
def first(desk: Desk) -> Pass:
    desk.advance(desk.asked, "processing", "supplement_requested", reason=REASON)
    desk.advance(desk.issued, "processing", "finished")
    # Weeks go by for the third one: its due date is put in the past, as the calendar would.
    late = desk.world.transfer(desk.late)
    assert late is not None and late.due_on is not None and late.due_on > vn_today()
    with Ledger(desk.world.settings.ledger_url) as ledger:
        ledger.record(late.id, actor="system", due_on=vn_today() - timedelta(days=7))
    return Pass(desk, desk.sync())


@pytest.fixture(scope="module")
def second(first: Pass) -> tuple[Pass, dict[str, Any]]:
    """A sync right after the first one; returns it and what the systems looked like before it."""
    desk = first.desk
    before = {
        code: (desk.provincial(code)["processing_log"], desk.sms_statuses(code), len(desk.world.events(code)))
        for code in desk.receipts
    }
    return Pass(desk, desk.sync()), {"systems": before, "alerts": read_alerts(desk.world.settings.work_dir)}


@pytest.fixture(scope="module")
def third(second: tuple[Pass, dict[str, Any]]) -> Pass:
    desk = second[0].desk
    desk.advance(desk.asked, "processing")
    desk.advance(desk.issued, "result_returned")
    return Pass(desk, desk.sync())


def test_submission_recorded_the_legal_due_date(desk: Desk) -> None:
    for code in desk.receipts:
        transfer = desk.world.transfer(code)
        assert transfer is not None and transfer.submitted_at is not None, code
        assert transfer.deadline_days in (10, 15) and transfer.due_on is not None
        assert transfer.due_on > transfer.submitted_at.date() + timedelta(days=transfer.deadline_days)


def test_the_first_sync_reports_each_ministry_change(first: Pass) -> None:
    desk, summary = first.desk, first.summary
    assert summary["checked"] == 3 and summary["errors"] == [] and summary["ok"] is True
    asked = first.change(desk.asked)
    assert (asked["from_status"], asked["to_status"], asked["national_status"], asked["written"]) == (
        None, "supplement_requested", 5, True,
    )  # fmt: skip
    assert asked["supplement_reason"] == REASON and asked["label"] == "Yêu cầu bổ sung"
    issued = first.change(desk.issued)
    assert (issued["to_status"], issued["national_status"], issued["written"]) == ("finished", 9, True)
    late = first.change(desk.late)  # first seen: in the trail, but the province already shows 4
    assert (late["to_status"], late["national_status"], late["written"]) == ("received", 4, False)
    assert summary["finished"] == []


def test_each_change_reaches_the_provincial_system_with_one_sms(first: Pass) -> None:
    desk = first.desk
    statuses = {code: d["status"] for code, d in desk.world.dossiers().items()}
    assert statuses == {desk.asked: 5, desk.issued: 9, desk.late: 4}
    assert desk.sms_statuses(desk.asked) == [4, 5]
    assert desk.sms_statuses(desk.issued) == [4, 9]
    assert desk.sms_statuses(desk.late) == [4]


def test_the_supplement_reason_reaches_the_clerk_and_the_supervisor(first: Pass) -> None:
    desk, code = first.desk, first.desk.asked
    last = desk.provincial(code)["processing_log"][-1]
    assert (last["status_from"], last["status_to"]) == (4, 5)
    assert REASON in last["note"] and desk.receipts[code] in last["note"]
    transfer = desk.world.transfer(code)
    assert transfer is not None and transfer.state is S.WRITTEN_BACK
    assert (transfer.supplement_reason, transfer.national_status) == (REASON, 5)
    assert transfer.ministry_status == "supplement_requested"
    event = desk.world.events(code)[-1]
    assert event.from_state is event.to_state is S.WRITTEN_BACK and REASON in event.reason
    (folder,) = event.evidence
    manifest = json.loads((desk.world.root / folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outcome"] == "status:supplement_requested"
    assert [f["name"] for f in manifest["files"]] == [
        "01-status-supplement-requested.png.enc",
        "values.json.enc",
    ]
    shown = desk.world.rpa("runs", "show", code)
    assert shown.returncode == 0 and REASON in shown.stdout
    assert desk.world.rpa_json("runs", "show", code)["supplement_reason"] == REASON


def test_a_transfer_past_its_due_date_is_flagged_once(first: Pass) -> None:
    desk, code = first.desk, first.desk.late
    (overdue,) = first.summary["overdue"]
    assert overdue["dossier_code"] == code and overdue["alerted"] is True
    assert overdue["working_days_late"] >= 4 and overdue["receipt_code"] == desk.receipts[code]
    alerts = [a for a in read_alerts(desk.world.settings.work_dir) if a["kind"] == "overdue"]
    assert [a["dossier"] for a in alerts] == [code]
    assert any(e.reason.startswith("Quá hạn giải quyết") for e in desk.world.events(code))


def test_a_second_sync_writes_nothing_and_texts_nobody(second: tuple[Pass, dict[str, Any]]) -> None:
    again, before = second
    desk, summary = again.desk, again.summary
    assert summary["checked"] == 3 and summary["changed"] == [] and summary["errors"] == []
    for code, (log, sms, events) in before["systems"].items():
        assert desk.provincial(code)["processing_log"] == log, code
        assert desk.sms_statuses(code) == sms, code
        assert len(desk.world.events(code)) == events, f"{code}: a sync without news wrote to the trail"
    (overdue,) = summary["overdue"]  # still late, still listed, but no second alert
    assert overdue["dossier_code"] == desk.late and overdue["alerted"] is False
    assert read_alerts(desk.world.settings.work_dir) == before["alerts"]


def test_the_application_comes_back_from_supplement(third: Pass) -> None:
    desk, code = third.desk, third.desk.asked
    change = third.change(code)
    assert (change["from_status"], change["to_status"], change["national_status"]) == (
        "supplement_requested", "processing", 4,
    )  # fmt: skip
    assert desk.world.dossiers()[code]["status"] == 4
    assert desk.sms_statuses(code) == [4, 5, 4]


def test_the_certificate_is_recorded_and_the_transfer_finished(third: Pass) -> None:
    desk, code = third.desk, third.desk.issued
    response = httpx.get(f"{desk.world.moj}/_sandbox/applications/{desk.receipts[code]}", timeout=10)
    certificate = response.raise_for_status().json()["certificateNumber"]
    assert certificate and certificate.startswith("LLTP-")
    assert third.summary["finished"] == [
        {
            "dossier_code": code,
            "receipt_code": desk.receipts[code],
            "certificate_number": certificate,
            "certificate_name": "số phiếu",
        }
    ]
    transfer = desk.world.transfer(code)
    assert transfer is not None and transfer.state is S.FINISHED and transfer.finished_at is not None
    assert (transfer.certificate_number, transfer.national_status) == (certificate, 10)
    last = desk.provincial(code)["processing_log"][-1]
    assert (last["status_from"], last["status_to"]) == (9, 10) and certificate in last["note"]
    assert desk.sms_statuses(code) == [4, 9, 10]
    path = [(e.from_state, e.to_state) for e in desk.world.events(code)][-1]
    assert path == (S.WRITTEN_BACK, S.FINISHED)


def test_a_portal_error_on_one_transfer_loses_none_of_the_others(third: Pass) -> None:
    """An application the portal no longer knows fails alone; the finished one is not read again."""
    desk = third.desk
    with Ledger(desk.world.settings.ledger_url) as ledger:
        lost = ledger.enqueue("000.00.01.H55-990101-0001", FLOW, actor="system")
        for state in (S.FILLING, S.SUBMITTING):
            ledger.transition(lost.id, state, actor="system", worker_id="gone")
        ledger.transition(lost.id, S.SUBMITTED, actor="system", receipt_code="51-LLTP-0101-999999")
        ledger.transition(lost.id, S.WRITTEN_BACK, actor="system")
    summary = desk.sync(expect_exit=1)
    assert summary["ok"] is False and summary["checked"] == 2  # the two others; the finished one is done
    (error,) = summary["errors"]
    assert error["dossier_code"] == lost.dossier_code and "51-LLTP-0101-999999" in error["error"]
    assert summary["changed"] == []
    text = desk.world.rpa("sync", "--once")
    assert text.returncode == 1
    assert "Đồng bộ trạng thái Bộ Tư pháp: đã kiểm tra 2 hồ sơ" in text.stdout
    assert f"Lỗi: {lost.dossier_code}" in text.stdout and f"Quá hạn: {desk.late}" in text.stdout
