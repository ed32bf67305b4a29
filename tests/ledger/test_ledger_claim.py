"""Claiming under a lease: one holder per transfer, expiry, recovery, and races between workers."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta
from typing import Any

import pytest
from ledger_support import FakeClock

from rpa.ledger import IllegalTransition, LeaseLost, Ledger, Transfer, TransferState

S = TransferState


def _claimed(ledger: Ledger, worker_id: str, **options: Any) -> Transfer:
    transfer = ledger.claim(worker_id, lease_s=options.pop("lease_s", 60), **options)
    assert transfer is not None
    return transfer


def test_claim_takes_the_oldest_queued_transfer_under_a_lease(ledger: Ledger, clock: FakeClock) -> None:
    first = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    clock.advance(1)
    ledger.enqueue("H55-2", "moj_lltp", actor="scheduler")
    claimed = _claimed(ledger, "w1", lease_s=120)
    assert claimed.id == first.id
    assert (claimed.state, claimed.lease_owner, claimed.attempts) == (S.FILLING, "w1", 1)
    assert claimed.lease_expires_at == clock.now + timedelta(seconds=120)
    last = ledger.events(first.id)[-1]
    assert (last.from_state, last.to_state, last.actor, last.reason) == (
        S.QUEUED,
        S.FILLING,
        "worker:w1",
        "claimed",
    )


def test_claim_returns_none_when_nothing_is_claimable(ledger: Ledger) -> None:
    assert ledger.claim("w1", lease_s=60) is None
    ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1")
    assert ledger.claim("w2", lease_s=60) is None  # a live lease is never taken


def test_claim_can_be_limited_to_one_flow(ledger: Ledger) -> None:
    ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    wanted = ledger.enqueue("H55-1", "bhxh", actor="scheduler")
    assert _claimed(ledger, "w1", flow="bhxh").id == wanted.id
    assert ledger.claim("w1", lease_s=60, flow="bhxh") is None


def test_claim_respects_next_attempt_at(ledger: Ledger, clock: FakeClock) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1")
    ledger.transition(transfer.id, S.FAILED_SYSTEM, actor="worker:w1", worker_id="w1", last_error="timeout")
    retry_at = clock.now + timedelta(minutes=5)
    ledger.transition(transfer.id, S.QUEUED, actor="scheduler", reason="retry", next_attempt_at=retry_at)
    assert ledger.claim("w1", lease_s=60) is None
    again = _claimed(ledger, "w1", now=retry_at)
    assert (again.id, again.attempts) == (transfer.id, 2)


@pytest.mark.parametrize("abandoned", [S.FILLING, S.WAITING_HUMAN])
def test_an_expired_lease_before_submitting_returns_the_transfer_to_work(
    ledger: Ledger, clock: FakeClock, abandoned: TransferState
) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    if abandoned is S.WAITING_HUMAN:
        ledger.transition(transfer.id, S.WAITING_HUMAN, actor="worker:w1", worker_id="w1", reason="CAPTCHA")
    assert ledger.claim("w2", lease_s=60, now=clock.now + timedelta(seconds=59)) is None
    taken = _claimed(ledger, "w2", now=clock.now + timedelta(seconds=61))
    assert (taken.id, taken.state, taken.lease_owner, taken.attempts) == (transfer.id, S.FILLING, "w2", 2)
    trail = [(e.from_state, e.to_state, e.actor) for e in ledger.events(transfer.id)][-2:]
    assert trail == [(abandoned, S.QUEUED, "system"), (S.QUEUED, S.FILLING, "worker:w2")]
    assert "lease of w1 expired" in ledger.events(transfer.id)[-2].reason


def test_an_expired_lease_while_submitting_makes_it_uncertain_never_refilled(
    ledger: Ledger, clock: FakeClock
) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    ledger.transition(transfer.id, S.SUBMITTING, actor="worker:w1", worker_id="w1")
    taken = _claimed(ledger, "w2", now=clock.now + timedelta(seconds=61))
    assert (taken.state, taken.lease_owner, taken.attempts, taken.needs_lookup) == (
        S.UNCERTAIN,
        "w2",
        1,
        True,
    )
    last = ledger.events(transfer.id)[-1]
    assert (last.from_state, last.to_state, last.actor) == (S.SUBMITTING, S.UNCERTAIN, "system")
    assert "lookup" in last.reason
    with pytest.raises(IllegalTransition):
        ledger.transition(transfer.id, S.FILLING, actor="worker:w2", worker_id="w2")
    found = ledger.transition(transfer.id, S.SUBMITTED, actor="worker:w2", worker_id="w2", receipt_code="R-1")
    assert (found.state, found.receipt_code, found.lease_owner) == (S.SUBMITTED, "R-1", None)


def test_an_uncertain_transfer_is_claimed_back_for_lookup(ledger: Ledger, clock: FakeClock) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    ledger.transition(transfer.id, S.SUBMITTING, actor="worker:w1", worker_id="w1")
    ledger.transition(
        transfer.id, S.UNCERTAIN, actor="worker:w1", worker_id="w1", last_error="no receipt page"
    )
    assert ledger.claim("w2", lease_s=60) is None  # w1 still holds it and is looking it up
    taken = _claimed(ledger, "w2", now=clock.now + timedelta(seconds=61))
    assert (taken.state, taken.lease_owner, taken.needs_lookup) == (S.UNCERTAIN, "w2", True)
    absent = ledger.transition(
        transfer.id, S.QUEUED, actor="worker:w2", worker_id="w2", reason="lookup: not found"
    )
    assert absent.state is S.QUEUED


def test_a_worker_that_lost_its_lease_cannot_transition(ledger: Ledger, clock: FakeClock) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    _claimed(ledger, "w2", now=clock.now + timedelta(seconds=61))
    with pytest.raises(LeaseLost, match="'w1' does not hold the lease on transfer 1 \\(held by 'w2'\\)"):
        ledger.transition(transfer.id, S.SUBMITTING, actor="worker:w1", worker_id="w1")
    with pytest.raises(LeaseLost):
        ledger.renew(transfer.id, "w1", 60)
    assert ledger.get(transfer.id).state is S.FILLING
    assert (
        ledger.transition(transfer.id, S.SUBMITTING, actor="worker:w2", worker_id="w2").state is S.SUBMITTING
    )


@pytest.mark.parametrize(
    ("leased", "target"),
    [
        (S.FILLING, S.SUBMITTING),
        (S.FILLING, S.FAILED_SYSTEM),
        (S.WAITING_HUMAN, S.FILLING),
        (S.SUBMITTING, S.SUBMITTED),
        (S.UNCERTAIN, S.QUEUED),
    ],
    ids=lambda s: s.value,
)
def test_a_worker_whose_lease_ran_out_cannot_move_the_transfer_even_as_its_recorded_owner(
    ledger: Ledger, clock: FakeClock, leased: TransferState, target: TransferState
) -> None:
    """Expired leases are claimable: a rival may be claiming it this instant and looking it up, so the
    old holder must not commit ``submitting`` (and click) nor anything else."""
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    for step in {S.FILLING: [], S.WAITING_HUMAN: [S.WAITING_HUMAN], S.SUBMITTING: [S.SUBMITTING],
                 S.UNCERTAIN: [S.SUBMITTING, S.UNCERTAIN]}[leased]:  # fmt: skip
        ledger.transition(transfer.id, step, actor="worker:w1", worker_id="w1")
    clock.advance(60)  # the lease ends at this very moment
    before, trail = ledger.get(transfer.id), ledger.events(transfer.id)
    assert before.lease_owner == "w1"
    with pytest.raises(LeaseLost, match="lease of worker 'w1' on transfer 1 expired"):
        ledger.transition(transfer.id, target, actor="worker:w1", worker_id="w1")
    assert ledger.get(transfer.id) == before
    assert ledger.events(transfer.id) == trail


def test_a_worker_may_move_until_the_last_moment_of_its_lease(ledger: Ledger, clock: FakeClock) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    clock.advance(59.999)
    assert ledger.transition(transfer.id, S.SUBMITTING, actor="worker:w1", worker_id="w1").lease_owner == "w1"


def test_an_expired_lease_cannot_be_renewed(ledger: Ledger, clock: FakeClock) -> None:
    """Renewing late would give the lease back to a worker while a rival may be claiming it."""
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    clock.advance(60)
    before = ledger.get(transfer.id)
    with pytest.raises(LeaseLost, match="expired"):
        ledger.renew(transfer.id, "w1", 60)
    assert ledger.get(transfer.id) == before
    assert _claimed(ledger, "w2").lease_owner == "w2"


def test_renew_extends_the_lease(ledger: Ledger, clock: FakeClock) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    clock.advance(50)
    renewed = ledger.renew(transfer.id, "w1", 60)
    assert renewed.lease_expires_at == clock.now + timedelta(seconds=60)
    assert ledger.claim("w2", lease_s=60, now=clock.now + timedelta(seconds=30)) is None
    ledger.transition(transfer.id, S.FAILED_SYSTEM, actor="worker:w1", worker_id="w1")
    with pytest.raises(LeaseLost):
        ledger.renew(transfer.id, "w1", 60)


def test_recover_expired_settles_abandoned_work(ledger: Ledger, clock: FakeClock) -> None:
    ids = [ledger.enqueue(f"H55-{n}", "moj_lltp", actor="scheduler").id for n in range(4)]
    for n in range(len(ids)):
        _claimed(ledger, f"w{n}", lease_s=60 if n < 3 else 600)
    ledger.transition(ids[0], S.SUBMITTING, actor="worker:w0", worker_id="w0")
    ledger.transition(ids[1], S.WAITING_HUMAN, actor="worker:w1", worker_id="w1")
    settled = ledger.recover_expired(clock.now + timedelta(seconds=61))
    assert [(t.id, t.state, t.lease_owner) for t in settled] == [
        (ids[0], S.UNCERTAIN, None),
        (ids[1], S.QUEUED, None),
        (ids[2], S.QUEUED, None),
    ]
    assert ledger.get(ids[3]).state is S.FILLING
    with pytest.raises(LeaseLost):
        ledger.transition(ids[0], S.SUBMITTED, actor="worker:w0", worker_id="w0")
    assert ledger.recover_expired(clock.now + timedelta(seconds=61)) == []
    reconcile = _claimed(ledger, "w9", now=clock.now + timedelta(seconds=62))
    assert (reconcile.id, reconcile.needs_lookup) == (ids[0], True)


def test_a_transfer_parked_for_review_is_never_claimed_nor_recovered(
    ledger: Ledger, clock: FakeClock
) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1", lease_s=60)
    ledger.transition(transfer.id, S.SUBMITTING, actor="worker:w1", worker_id="w1")
    ledger.transition(transfer.id, S.UNCERTAIN, actor="worker:w1", worker_id="w1")
    parked = ledger.transition(
        transfer.id, S.NEEDS_REVIEW, actor="worker:w1", worker_id="w1", reason="two applications found"
    )
    assert (parked.state, parked.lease_owner, parked.lease_expires_at, parked.needs_lookup) == (
        S.NEEDS_REVIEW,
        None,
        None,
        False,
    )
    later = clock.now + timedelta(days=30)
    assert ledger.claim("w2", lease_s=60, now=later) is None
    assert ledger.claim("w2", lease_s=60, now=later, dossier_code="H55-1") is None
    assert ledger.recover_expired(later) == []
    with pytest.raises(IllegalTransition, match="only a clerk"):
        ledger.transition(transfer.id, S.QUEUED, actor="system")
    done = ledger.transition(
        transfer.id, S.SUBMITTED, actor="clerk:hoa", reason="đã đối chiếu", receipt_code="LLTP-1"
    )
    assert (done.state, done.receipt_code) == (S.SUBMITTED, "LLTP-1")


def _work_through(url: str, worker_id: str, start: Any) -> list[int]:
    """Claim until nothing is left, moving each claimed transfer on to ``submitting`` under the lease.

    Both workers claim their first transfer at once and wait for each other before going on: on a
    loaded machine SQLite's lock can otherwise go to one process for the whole queue, and a test where
    only one worker ever claims proves nothing about two claiming together.
    """
    taken = []
    with Ledger(url) as ledger:
        start.wait(timeout=120)
        while (transfer := ledger.claim(worker_id, lease_s=600)) is not None:
            ledger.transition(transfer.id, S.SUBMITTING, actor=f"worker:{worker_id}", worker_id=worker_id)
            taken.append(transfer.id)
            if len(taken) == 1:
                start.wait(timeout=120)
    return taken


def _process_worker(url: str, worker_id: str, start: Any, results: Any) -> None:
    results.put((worker_id, _work_through(url, worker_id, start)))


def _assert_shared_fairly(ledger: Ledger, ids: set[int], takes: list[list[int]]) -> None:
    claimed = [transfer_id for take in takes for transfer_id in take]
    assert len(claimed) == len(set(claimed)), "a transfer was claimed twice"
    assert set(claimed) == ids
    assert all(takes), "one worker never got a transfer: the race did not happen"
    assert len(ledger.list(states=[S.SUBMITTING], limit=1000)) == len(ids)


@pytest.fixture
def queued_200(ledger: Ledger) -> set[int]:
    return {ledger.enqueue(f"H55-{n:04d}", "moj_lltp", actor="scheduler").id for n in range(200)}


def test_two_threads_never_claim_the_same_transfer(
    ledger: Ledger, database_url: str, queued_200: set[int]
) -> None:
    start = threading.Barrier(2)
    takes: list[list[int]] = [[], []]

    def run(slot: int) -> None:
        takes[slot] = _work_through(database_url, f"thread-{slot}", start)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    _assert_shared_fairly(ledger, queued_200, takes)


def test_two_processes_never_claim_the_same_transfer(
    ledger: Ledger, database_url: str, queued_200: set[int]
) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_process_worker, args=(database_url, f"proc-{n}", start, results))
        for n in range(2)
    ]
    for process in workers:
        process.start()
    takes = dict(results.get(timeout=120) for _ in workers)
    for process in workers:
        process.join(timeout=30)
        assert process.exitcode == 0
    _assert_shared_fairly(ledger, queued_200, list(takes.values()))


def test_claim_one_named_dossier(ledger: Ledger, clock: FakeClock) -> None:
    ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    clock.advance(1)
    wanted = ledger.enqueue("H55-2", "moj_lltp", actor="clerk:hoa")
    assert _claimed(ledger, "w1", dossier_code="H55-2").id == wanted.id
    assert ledger.claim("w1", lease_s=60, dossier_code="H55-2") is None  # already held
    assert ledger.claim("w1", lease_s=60, dossier_code="H55-9") is None


def test_a_named_dossier_is_claimed_despite_its_retry_back_off(ledger: Ledger, clock: FakeClock) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    _claimed(ledger, "w1")
    ledger.transition(transfer.id, S.FAILED_SYSTEM, actor="worker:w1", worker_id="w1", last_error="502")
    later = clock.now + timedelta(minutes=10)
    ledger.transition(transfer.id, S.QUEUED, actor="system", reason="retry", next_attempt_at=later)
    assert ledger.claim("w1", lease_s=60) is None  # the scheduler waits for the back-off
    assert _claimed(ledger, "w1", dossier_code="H55-1").id == transfer.id  # a clerk does not
