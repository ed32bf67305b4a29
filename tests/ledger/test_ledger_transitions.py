"""``Ledger.transition``: the table enforced on stored transfers, fields recorded, events appended."""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from ledger_support import BACKENDS, FakeClock, database
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from rpa.ledger import (
    DEFAULT_LEASE_S,
    TRANSITIONS,
    IllegalTransition,
    Ledger,
    Transfer,
    TransferState,
    UnknownTransfer,
    clerk,
)

S = TransferState
CLERK = clerk("nguyen.thi.hoa")
WORKER = "host-1234"
_codes = itertools.count(1)


def path_to(state: TransferState) -> list[TransferState]:
    """The shortest walk through the table from ``queued`` to ``state``."""
    routes = {S.QUEUED: [S.QUEUED]}
    todo = deque([S.QUEUED])
    while todo:
        here = todo.popleft()
        for target in sorted(TRANSITIONS[here]):
            if target not in routes:
                routes[target] = [*routes[here], target]
                todo.append(target)
    return routes[state]


def transfer_in(ledger: Ledger, state: TransferState) -> Transfer:
    transfer = ledger.enqueue(f"H55-{next(_codes):06d}", "moj_lltp", actor="scheduler")
    for step in path_to(state)[1:]:
        transfer = ledger.transition(transfer.id, step, actor=CLERK, worker_id=WORKER)
    assert transfer.state is state
    return transfer


@pytest.fixture(scope="module", params=BACKENDS)
def shared_ledger(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Ledger]:
    with database(request.param, tmp_path_factory.mktemp("ledger")) as url, Ledger(url) as opened:
        yield opened


@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)), ids=lambda s: s.value)
def test_every_pair_on_a_stored_transfer(
    shared_ledger: Ledger, source: TransferState, target: TransferState
) -> None:
    transfer = transfer_in(shared_ledger, source)
    before = shared_ledger.events(transfer.id)
    if target in TRANSITIONS[source]:
        moved = shared_ledger.transition(transfer.id, target, actor=CLERK, reason="test", worker_id=WORKER)
        assert moved.state is target
        last = shared_ledger.events(transfer.id)[-1]
        assert (last.from_state, last.to_state, last.actor, last.reason) == (source, target, CLERK, "test")
    else:
        with pytest.raises(IllegalTransition):
            shared_ledger.transition(transfer.id, target, actor=CLERK, worker_id=WORKER)
        assert shared_ledger.get(transfer.id) == transfer
        assert shared_ledger.events(transfer.id) == before


def test_events_record_actor_reason_evidence_and_utc_time(ledger: Ledger, clock: FakeClock) -> None:
    transfer = transfer_in(ledger, S.FILLING)
    clock.advance(90)
    evidence: list[str | os.PathLike[str]] = [
        Path("recordings/H55/form-filled.png"),
        "recordings/H55/manifest.json",
    ]
    ledger.transition(
        transfer.id,
        S.SUBMITTING,
        actor=f"worker:{WORKER}",
        reason="form filled",
        evidence=evidence,
        worker_id=WORKER,
    )
    events = ledger.events(transfer.id)
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, S.QUEUED),
        (S.QUEUED, S.FILLING),
        (S.FILLING, S.SUBMITTING),
    ]
    last = events[-1]
    assert last.actor == "worker:host-1234" and last.reason == "form filled"
    assert last.evidence == ("recordings/H55/form-filled.png", "recordings/H55/manifest.json")
    assert last.at == clock.now and last.at.tzinfo is UTC
    assert events[0].actor == "scheduler" and events[0].reason == "enqueued"


def test_times_are_stored_in_utc_whatever_zone_they_come_in(ledger: Ledger) -> None:
    transfer = transfer_in(ledger, S.FAILED_SYSTEM)
    hanoi = datetime(2025, 7, 1, 15, 30, tzinfo=UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    requeued = ledger.transition(transfer.id, S.QUEUED, actor="scheduler", next_attempt_at=hanoi)
    assert requeued.next_attempt_at == datetime(2025, 7, 1, 15, 30, tzinfo=UTC)
    assert requeued.next_attempt_at is not None and requeued.next_attempt_at.tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        ledger.transition(transfer.id, S.FILLING, actor="system", next_attempt_at=datetime(2025, 7, 1))


def test_fields_are_recorded_with_the_state(ledger: Ledger) -> None:
    transfer = transfer_in(ledger, S.FILLING)
    reasons = ["Số định danh cá nhân: phải gồm đúng 12 chữ số", "Nơi cư trú: thiếu giai đoạn 2019-2021"]
    failed = ledger.transition(
        transfer.id,
        S.FAILED_BUSINESS,
        actor=f"worker:{WORKER}",
        business_reasons=reasons,
        last_error="InvalidDossier",
    )
    assert failed.business_reasons == tuple(reasons) and failed.last_error == "InvalidDossier"
    assert ledger.get(transfer.id).business_reasons == tuple(reasons)
    done = transfer_in(ledger, S.SUBMITTING)
    done = ledger.transition(done.id, S.SUBMITTED, actor="system", receipt_code="LLTP-51-000123", attempts=3)
    done = ledger.transition(done.id, S.WRITTEN_BACK, actor="system", ministry_status="dang_xu_ly")
    done = ledger.transition(
        done.id, S.FINISHED, actor="system", ministry_status="da_tra", certificate_number="123/LLTP"
    )
    assert (done.receipt_code, done.attempts, done.ministry_status, done.certificate_number) == (
        "LLTP-51-000123",
        3,
        "da_tra",
        "123/LLTP",
    )


def test_unknown_fields_are_refused_before_anything_is_written(ledger: Ledger) -> None:
    transfer = transfer_in(ledger, S.FILLING)
    with pytest.raises(TypeError, match="receipt"):
        ledger.transition(transfer.id, S.SUBMITTING, actor="system", receipt="X")  # type: ignore[call-arg]
    assert ledger.get(transfer.id).state is S.FILLING


def test_the_lease_is_held_only_in_working_states(ledger: Ledger, clock: FakeClock) -> None:
    transfer = transfer_in(ledger, S.QUEUED)
    filling = ledger.transition(transfer.id, S.FILLING, actor=f"worker:{WORKER}", worker_id=WORKER)
    assert filling.lease_owner == WORKER
    assert filling.lease_expires_at == clock.now + timedelta(seconds=DEFAULT_LEASE_S)
    waiting = ledger.transition(transfer.id, S.WAITING_HUMAN, actor=f"worker:{WORKER}", worker_id=WORKER)
    assert (waiting.lease_owner, waiting.lease_expires_at) == (filling.lease_owner, filling.lease_expires_at)
    failed = ledger.transition(transfer.id, S.QUEUED, actor=CLERK)
    assert (failed.lease_owner, failed.lease_expires_at) == (None, None)


def test_clerk_only_edges_are_enforced_by_the_ledger(ledger: Ledger) -> None:
    transfer = transfer_in(ledger, S.FAILED_BUSINESS)
    with pytest.raises(IllegalTransition, match="only a clerk"):
        ledger.transition(transfer.id, S.QUEUED, actor="scheduler")
    requeued = ledger.transition(transfer.id, S.QUEUED, actor=CLERK, reason="đã bổ sung hồ sơ")
    assert requeued.state is S.QUEUED


def test_an_unknown_transfer_is_reported(ledger: Ledger) -> None:
    with pytest.raises(UnknownTransfer, match="no transfer with id 999"):
        ledger.transition(999, S.FILLING, actor="system")
    with pytest.raises(UnknownTransfer):
        ledger.get(999)


def test_submitting_is_committed_when_transition_returns(ledger: Ledger, database_url: str) -> None:
    """Another process must see ``submitting`` before the worker clicks: the change is on disk."""
    transfer = transfer_in(ledger, S.FILLING)
    ledger.transition(transfer.id, S.SUBMITTING, actor=f"worker:{WORKER}", worker_id=WORKER)
    with Ledger(database_url) as other:
        assert other.get(transfer.id).state is S.SUBMITTING
        assert other.events(transfer.id)[-1].to_state is S.SUBMITTING


@pytest.mark.parametrize(
    "statement", ["UPDATE transfer_events SET reason = 'rewritten'", "DELETE FROM transfer_events"]
)
def test_events_are_append_only_in_the_database(ledger: Ledger, database_url: str, statement: str) -> None:
    transfer = transfer_in(ledger, S.SUBMITTING)
    engine = create_engine(database_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
    assert len(ledger.events(transfer.id)) == 3  # enqueued, claimed, submitting
