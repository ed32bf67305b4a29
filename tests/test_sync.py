"""Status sync without a browser: due dates kept through a supplement pause, the summary for people.

The whole pass, in Chromium against the sandbox, is in ``tests/e2e/test_status_sync.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from typing_extensions import Unpack

from flows.judicial_record import PROCEDURE
from rpa.ledger import Ledger, Transfer, TransferFields, TransferState
from rpa.portal import PortalStatus
from rpa.status.summary import Finished, Overdue, StatusChange, SyncError, SyncSummary, summary_lines
from rpa.status.sync import deadline_facts

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
