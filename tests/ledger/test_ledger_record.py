"""``Ledger.record``: facts without a state change, in the trail when they carry a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from ledger_support import FakeClock

from rpa.ledger import Ledger, Transfer, TransferState, UnknownTransfer

S = TransferState
SYNC = "worker:sync-host"


def _written_back(ledger: Ledger) -> Transfer:
    transfer = ledger.enqueue("H55-000001", "judicial_record", actor="scheduler")
    for state in (S.FILLING, S.SUBMITTING):
        transfer = ledger.transition(transfer.id, state, actor="worker:w1", worker_id="w1")
    transfer = ledger.transition(
        transfer.id, S.SUBMITTED, actor="worker:w1", receipt_code="51-LLTP-2511-000001"
    )
    return ledger.transition(transfer.id, S.WRITTEN_BACK, actor="worker:w1")


def test_a_fact_with_a_reason_is_an_event_that_keeps_the_state(ledger: Ledger, clock: FakeClock) -> None:
    transfer = _written_back(ledger)
    clock.advance(3600)
    reason = "Bộ Tư pháp yêu cầu bổ sung: Đề nghị bổ sung bản chụp căn cước rõ nét, đủ hai mặt."
    recorded = ledger.record(
        transfer.id,
        actor=SYNC,
        reason=reason,
        evidence=["recordings/2025/07/01/H55-000001/2"],
        ministry_status="supplement_requested",
        national_status=5,
        supplement_reason="Đề nghị bổ sung bản chụp căn cước rõ nét, đủ hai mặt.",
        status_checked_at=clock.now,
    )
    assert recorded.state is S.WRITTEN_BACK
    assert (recorded.ministry_status, recorded.national_status) == ("supplement_requested", 5)
    assert recorded.supplement_reason == "Đề nghị bổ sung bản chụp căn cước rõ nét, đủ hai mặt."
    assert recorded.status_checked_at == clock.now and recorded.updated_at == clock.now
    assert recorded.receipt_code == transfer.receipt_code  # untouched
    last = ledger.events(transfer.id)[-1]
    assert (last.from_state, last.to_state, last.actor, last.reason) == (
        S.WRITTEN_BACK,
        S.WRITTEN_BACK,
        SYNC,
        reason,
    )
    assert last.evidence == ("recordings/2025/07/01/H55-000001/2",) and last.at == clock.now
    assert ledger.get(transfer.id) == recorded


def test_a_fact_without_a_reason_changes_only_its_fields(ledger: Ledger, clock: FakeClock) -> None:
    transfer = _written_back(ledger)
    events = ledger.events(transfer.id)
    clock.advance(60)
    checked = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
    recorded = ledger.record(transfer.id, actor=SYNC, status_checked_at=checked, due_on=date(2025, 7, 15))
    assert (recorded.status_checked_at, recorded.due_on) == (checked, date(2025, 7, 15))
    assert recorded.updated_at == transfer.updated_at, "a routine check must not reorder `runs list`"
    assert ledger.events(transfer.id) == events
    assert ledger.record(transfer.id, actor=SYNC) == recorded  # nothing to record: nothing changes


def test_a_leased_transfer_keeps_its_lease(ledger: Ledger) -> None:
    transfer = ledger.enqueue("H55-000002", "judicial_record", actor="scheduler")
    claimed = ledger.claim("w1", lease_s=60)
    assert claimed is not None and claimed.id == transfer.id
    recorded = ledger.record(transfer.id, actor="worker:w1", reason="đã đọc hồ sơ", deadline_days=15)
    assert (recorded.state, recorded.lease_owner, recorded.lease_expires_at) == (
        S.FILLING,
        "w1",
        claimed.lease_expires_at,
    )
    assert recorded.deadline_days == 15


def test_refusals(ledger: Ledger) -> None:
    transfer = _written_back(ledger)
    with pytest.raises(TypeError, match="state"):
        ledger.record(transfer.id, actor=SYNC, reason="x", state="finished")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="actor"):
        ledger.record(transfer.id, actor=" ", reason="x")
    with pytest.raises(ValueError, match="reason"):
        ledger.record(transfer.id, actor=SYNC, evidence=["a.png"])
    with pytest.raises(UnknownTransfer):
        ledger.record(transfer.id + 100, actor=SYNC, reason="x")
    assert ledger.get(transfer.id) == transfer
