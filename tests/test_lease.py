"""The lease heartbeat (rpa.transfer.lease) on a real SQLite ledger file, with a real thread and real time."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loguru import logger

from rpa.ledger import LeaseLost, Ledger, TransferState
from rpa.ledger import engine as ledger_engine
from rpa.transfer.lease import keep_lease

S = TransferState
LEASE_S = 1.5


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def ledger(ledger_file: Path) -> Iterator[Ledger]:
    with Ledger(f"sqlite:///{ledger_file}") as opened:
        yield opened


@pytest.fixture
def messages() -> Iterator[list[str]]:
    found: list[str] = []
    sink = logger.add(lambda message: found.append(str(message)), level="DEBUG")
    yield found
    logger.remove(sink)


def _claimed(ledger: Ledger, lease_s: float = LEASE_S) -> int:
    ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    transfer = ledger.claim("w1", lease_s=lease_s)
    assert transfer is not None
    return transfer.id


def _rival_claims_for(ledger: Ledger, seconds: float) -> list[int]:
    """A second worker tries to take the transfer every 0.1 s for ``seconds``; what it got."""
    taken = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (transfer := ledger.claim("w2", lease_s=60)) is not None:
            taken.append(transfer.id)
        time.sleep(0.1)
    return taken


def test_a_kept_lease_outlives_several_lease_lengths_and_nobody_else_can_claim_it(ledger: Ledger) -> None:
    transfer_id = _claimed(ledger)
    with keep_lease(ledger, transfer_id, "w1", LEASE_S) as keeper:
        assert _rival_claims_for(ledger, 4 * LEASE_S) == []
        keeper.check()
        moved = ledger.transition(transfer_id, S.SUBMITTING, actor="worker:w1", worker_id="w1")
        assert moved.lease_owner == "w1"
    assert not keeper.lost.is_set()


def test_once_the_keeper_stops_the_lease_runs_out_and_a_rival_takes_over(ledger: Ledger) -> None:
    transfer_id = _claimed(ledger)
    with keep_lease(ledger, transfer_id, "w1", LEASE_S, every_s=0.2) as keeper:
        time.sleep(0.5)
    stopped = time.monotonic()
    assert keeper.stopped.is_set()
    assert ledger.claim("w2", lease_s=60) is None  # renewed moments ago
    time.sleep(max(0.0, LEASE_S + 0.2 - (time.monotonic() - stopped)))
    taken = ledger.claim("w2", lease_s=60)
    assert taken is not None and (taken.id, taken.lease_owner) == (transfer_id, "w2")
    with pytest.raises(LeaseLost):
        ledger.transition(transfer_id, S.SUBMITTING, actor="worker:w1", worker_id="w1")


def test_a_rival_claim_after_expiry_sets_lost_and_check_raises(ledger: Ledger, messages: list[str]) -> None:
    transfer_id = _claimed(ledger)
    with keep_lease(ledger, transfer_id, "w1", LEASE_S, every_s=0.2) as keeper:
        keeper.check()
        # A rival whose clock runs 10 s ahead sees the lease expired and takes the transfer.
        rival = ledger.claim("w2", lease_s=60, now=datetime.now(UTC) + timedelta(seconds=10))
        assert rival is not None and rival.lease_owner == "w2"
        assert keeper.lost.wait(timeout=5)
        with pytest.raises(LeaseLost, match="held by 'w2'"):
            keeper.check()
        assert keeper.stopped.wait(timeout=5)
    assert ledger.get(transfer_id).lease_owner == "w2"  # the lost keeper never renewed the rival's lease
    assert any("lost the lease" in m and f"transfer {transfer_id}" in m for m in messages)


@pytest.mark.parametrize("leaves_to", [S.FAILED_SYSTEM, S.QUEUED])
def test_when_the_worker_moves_the_transfer_out_of_leased_states_the_keeper_stops_quietly(
    ledger: Ledger, messages: list[str], leaves_to: TransferState
) -> None:
    transfer_id = _claimed(ledger)
    with keep_lease(ledger, transfer_id, "w1", LEASE_S, every_s=0.2) as keeper:
        ledger.transition(transfer_id, leaves_to, actor="worker:w1", worker_id="w1")
        assert keeper.stopped.wait(timeout=5)
        keeper.check()
    assert not keeper.lost.is_set()
    assert not [m for m in messages if "WARNING" in m or "ERROR" in m]


def test_a_locked_database_is_retried_at_the_next_tick_not_fatal(
    ledger_file: Path, monkeypatch: pytest.MonkeyPatch, messages: list[str]
) -> None:
    monkeypatch.setattr(ledger_engine, "BUSY_TIMEOUT_S", 0.1)  # fail fast on a lock instead of waiting 30 s
    with Ledger(f"sqlite:///{ledger_file}") as ledger:
        transfer_id = _claimed(ledger, lease_s=3.0)
        other = sqlite3.connect(ledger_file, isolation_level=None)
        try:
            with keep_lease(ledger, transfer_id, "w1", 3.0, every_s=0.3) as keeper:
                other.execute("BEGIN IMMEDIATE")  # another process holds the write lock for a while
                time.sleep(1.2)
                other.execute("COMMIT")
                time.sleep(1.0)
                renewed = ledger.get(transfer_id).lease_expires_at
                assert renewed is not None and renewed > datetime.now(UTC) + timedelta(seconds=1.5)
                keeper.check()
        finally:
            other.close()
        assert not keeper.lost.is_set()
    assert any("could not renew" in m and "locked" in m for m in messages)


@pytest.mark.parametrize("every_s", [0.0, -1.0, LEASE_S, 2 * LEASE_S])
def test_a_heartbeat_that_could_not_keep_the_lease_is_refused(ledger: Ledger, every_s: float) -> None:
    with pytest.raises(ValueError, match="every_s"), keep_lease(ledger, 1, "w1", LEASE_S, every_s=every_s):
        pass
