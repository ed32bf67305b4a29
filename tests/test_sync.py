"""Status sync without a browser: due dates kept through a supplement pause, the summary for people.

The whole pass, in Chromium against the sandbox, is in ``tests/e2e/test_status_sync.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from pytest import MonkeyPatch
from typing_extensions import Unpack

from flows.judicial_record import PROCEDURE
from flows.judicial_record.flow import UNKNOWN_STATUS
from rpa.ledger import Ledger, Transfer, TransferFields, TransferState
from rpa.operations.alerts import read_alerts
from rpa.portal import PortalStatus
from rpa.status import sync
from rpa.status.summary import Finished, Overdue, StatusChange, SyncError, SyncSummary, summary_lines
from rpa.status.sync import UNKNOWN_STATUS_PREFIX, deadline_facts

S = TransferState
SYNC = "worker:sync-test"
RECEIPT = "51-LLTP-2512-000001"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2025, 12, 1, 2, 0, tzinfo=UTC))  # Mon 09:00 VN

    def __call__(self) -> datetime:
        return self.now


def _submitted(ledger: Ledger, **facts: Unpack[TransferFields]) -> Transfer:
    transfer = ledger.enqueue("000.00.01.H55-251201-0001", "judicial_record", actor="scheduler")
    for state in (S.FILLING, S.SUBMITTING):
        transfer = ledger.transition(transfer.id, state, actor="worker:w", worker_id="w")
    transfer = ledger.transition(transfer.id, S.SUBMITTED, actor="worker:w", receipt_code=RECEIPT)
    ledger.record(transfer.id, actor="worker:w", **facts)
    return ledger.transition(transfer.id, S.WRITTEN_BACK, actor="worker:w")


def test_the_due_date_moves_on_by_the_working_days_spent_on_a_supplement(tmp_path: Path) -> None:
    clock = Clock()
    with Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", clock=clock) as ledger:
        transfer = _submitted(ledger, deadline_days=10, due_on=date(2025, 12, 15), submitted_at=clock.now)
        clock.now += timedelta(days=2)  # Wednesday 3/12: the ministry asks for a supplement
        asked = PortalStatus("supplement_requested", "Yêu cầu bổ sung", supplement_reason="Thiếu bản sao")
        supplement = PROCEDURE.status_note(asked, RECEIPT)
        assert supplement.startswith(PROCEDURE.supplement_prefix)
        ledger.record(transfer.id, actor=SYNC, reason=supplement, national_status=5)
        clock.now += timedelta(days=1)  # asked again, differently: the pause still began on Wednesday
        ledger.record(transfer.id, actor=SYNC, reason=supplement + " và ảnh chân dung")
        transfer = ledger.get(transfer.id)
        # Back on Monday 8/12: Thursday, Friday and Monday did not count.
        facts = deadline_facts(ledger, PROCEDURE, transfer, 5, 4, holidays=None, today=date(2025, 12, 8))
        assert facts == {"due_on": date(2025, 12, 18)}
        assert deadline_facts(ledger, PROCEDURE, transfer, 5, 5, holidays=None, today=date(2025, 12, 8)) == {}
        assert deadline_facts(ledger, PROCEDURE, transfer, 4, 9, holidays=None, today=date(2025, 12, 8)) == {}
        assert deadline_facts(
            ledger, PROCEDURE, transfer, 5, 4, holidays=[date(2025, 12, 4)], today=date(2025, 12, 8)
        ) == {"due_on": date(2025, 12, 17)}


def test_a_transfer_from_before_due_dates_gets_one_from_its_submission(tmp_path: Path) -> None:
    clock = Clock()
    with Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", clock=clock) as ledger:
        transfer = _submitted(ledger)
        assert transfer.due_on is None and transfer.submitted_at is None
        facts = deadline_facts(ledger, PROCEDURE, transfer, 4, 4, holidays=None, today=date(2025, 12, 20))
        assert facts == {"submitted_at": clock.now, "deadline_days": 10, "due_on": date(2025, 12, 15)}


def test_the_summary_is_json_and_vietnamese_text() -> None:
    summary = SyncSummary(started_at="2025-12-16T09:00:00+07:00", finished_at="2025-12-16T09:00:30+07:00")
    summary.checked = 3
    summary.changed = [
        StatusChange("H55-1", RECEIPT, "processing", "supplement_requested", "Yêu cầu bổ sung", 5, True,
                     supplement_reason="Thiếu bản sao giấy khai sinh", agency="Bộ Tư pháp"),
        StatusChange("H55-2", "51-LLTP-2512-000002", "finished", "result_returned", "Đã trả kết quả", 10,
                     True, certificate_number="LLTP-2025-000007", agency="Bộ Tư pháp",
                     certificate_name="số phiếu"),
    ]  # fmt: skip
    summary.finished = [Finished("H55-2", "51-LLTP-2512-000002", "LLTP-2025-000007", "số phiếu")]
    summary.overdue = [Overdue("H55-3", "51-LLTP-2512-000003", "2025-12-15", 10, 1, True)]
    summary.errors = [SyncError("H55-4", "status of 51-LLTP-2512-000004: HTTP 502")]
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["ok"] is False and data["checked"] == 3
    assert (
        data["changed"][0]["to_status"] == "supplement_requested"
        and data["changed"][0]["national_status"] == 5
    )
    assert data["overdue"][0] == {
        "dossier_code": "H55-3", "receipt_code": "51-LLTP-2512-000003", "due_on": "2025-12-15",
        "deadline_days": 10, "working_days_late": 1, "alerted": True,
    }  # fmt: skip
    text = "\n".join(summary_lines(summary))
    assert text.startswith("Đồng bộ trạng thái với các Bộ: đã kiểm tra 3 hồ sơ, 2 thay đổi, 1 hoàn thành")
    assert "H55-1 (51-LLTP-2512-000001): Bộ Tư pháp “Yêu cầu bổ sung”" in text
    assert "một cửa 5 Yêu cầu bổ sung giấy tờ" in text and "Thiếu bản sao giấy khai sinh" in text
    assert "số phiếu LLTP-2025-000007" in text
    assert "Quá hạn: H55-3 (51-LLTP-2512-000003), hạn 15/12/2025" in text
    assert "Lỗi: H55-4: status of 51-LLTP-2512-000004: HTTP 502" in text


# --- A status the procedure does not know: parked once, carried on when known again -------------------
class _Province:
    """The provincial system as the sync sees it: the dossier is in 4 with the receipt written back."""

    def __init__(self) -> None:
        self.status = 4
        self.log: list[dict[str, object]] = [{"status_to": 4, "receipt_code": RECEIPT}]

    def get(self, code: str) -> dict[str, object]:
        return {"code": code, "status": self.status, "processing_log": list(self.log)}

    def set_status(
        self, code: str, status: int, note: str, receipt: str | None, actor: str
    ) -> dict[str, bool]:
        self.status = status
        self.log.append({"status_to": status, "receipt_code": receipt, "note": note})
        return {"duplicate": False}


def test_an_unknown_ministry_status_parks_the_transfer_once(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    shown: list[PortalStatus] = []
    monkeypatch.setattr(sync, "read_status", lambda steps, procedure, receipt, settings: shown[-1])
    monkeypatch.setattr(sync, "_screenshot", lambda settings, attempt, transfer, status: [])
    monkeypatch.setattr(sync, "browser_settings", lambda settings: None)
    settings = SimpleNamespace(work_dir=tmp_path / "work", holidays=None)
    province = _Province()

    def one_pass(ledger: Ledger, transfer_id: int) -> SyncSummary:
        summary = SyncSummary(started_at="2025-12-01T09:00:00+07:00")
        checker = sync.StatusSync(settings, ledger, province, None, summary, actor=SYNC)  # type: ignore[arg-type]
        checker._check_one(SimpleNamespace(steps=None), PROCEDURE, ledger.get(transfer_id))  # type: ignore[arg-type]
        return summary

    clock = Clock()
    with Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}", clock=clock) as ledger:
        transfer = _submitted(ledger, deadline_days=10, due_on=date(2025, 12, 15), submitted_at=clock.now)
        before = len(ledger.events(transfer.id))
        shown.append(PortalStatus(UNKNOWN_STATUS, "Chờ nộp lệ phí bổ sung"))
        passes = [one_pass(ledger, transfer.id) for _ in range(3)]
        assert [len(p.parked) for p in passes] == [1, 0, 0]
        assert all(p.ok and p.checked == 1 and p.changed == [] for p in passes)
        assert passes[0].parked[0].label == "Chờ nộp lệ phí bổ sung"
        parked = ledger.get(transfer.id)
        assert parked.state is S.WRITTEN_BACK and parked.national_status is None  # nothing guessed
        events = ledger.events(transfer.id)[before:]
        assert [e.reason for e in events] == [parked.last_error]
        assert "“Chờ nộp lệ phí bổ sung”" in events[0].reason and RECEIPT in events[0].reason
        assert events[0].reason.startswith(UNKNOWN_STATUS_PREFIX)
        alerts = read_alerts(settings.work_dir)
        assert [(a["kind"], a["label"]) for a in alerts] == [("unknown_status", "Chờ nộp lệ phí bổ sung")]
        assert province.log == [{"status_to": 4, "receipt_code": RECEIPT}]  # the citizen was told nothing
        assert "trạng thái chưa xác định “Chờ nộp lệ phí bổ sung”" in "\n".join(summary_lines(passes[0]))

        # The ministry moves on to a status the procedure knows: one event ends the park, then as usual.
        shown.append(PortalStatus("supplement_requested", "Yêu cầu bổ sung", supplement_reason="Thiếu ảnh"))
        known = one_pass(ledger, transfer.id)
        assert known.parked == [] and [c.national_status for c in known.changed] == [5]
        resumed = ledger.get(transfer.id)
        assert resumed.last_error is None and resumed.national_status == 5
        reasons = [e.reason for e in ledger.events(transfer.id)[before + 1 :]]
        assert reasons[0].startswith("Cổng Bộ Tư pháp lại hiển thị trạng thái đã biết “Yêu cầu bổ sung”")
        assert reasons[1].startswith(PROCEDURE.supplement_prefix) and len(reasons) == 2
        assert province.status == 5

        # Another unknown label later is news again: parked anew, alerted anew.
        shown.append(PortalStatus(UNKNOWN_STATUS, "Đã chuyển Sở Tư pháp"))
        assert [len(one_pass(ledger, transfer.id).parked) for _ in range(2)] == [1, 0]
        assert len(read_alerts(settings.work_dir)) == 2
