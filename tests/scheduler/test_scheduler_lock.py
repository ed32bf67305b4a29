"""The scheduler lock on SQLite and PostgreSQL: one holder, a clear refusal, heartbeats, takeover of a
holder that stopped renewing, release."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ledger.ledger_support import database

from rpa.ledger.scheduler_lock import LEASE_S, LockHeld, SchedulerLock


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 7, 7, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:  # PostgreSQL: a fresh schema, dropped afterwards
        yield url


def test_one_holder_and_a_refusal_that_names_it(database_url: str) -> None:
    clock = Clock()
    first, second = SchedulerLock(database_url, clock=clock), SchedulerLock(database_url, clock=clock)
    try:
        assert first.acquire() is None
        clock.now += timedelta(seconds=5)
        with pytest.raises(LockHeld) as refused:
            second.acquire()
        holder = refused.value.holder
        assert (holder.host, holder.pid, holder.acquired_at) == (
            first.host,
            first.pid,
            clock.now - timedelta(seconds=5),
        )
        notice = refused.value.notice()
        assert f"máy {first.host}, tiến trình {first.pid}, chạy từ 2025-07-07T08:00:00+07:00" in notice
    finally:
        first.close()
        second.close()


def test_heartbeats_keep_the_lock_and_a_silent_holder_is_taken_over(database_url: str) -> None:
    clock = Clock()
    first, second = SchedulerLock(database_url, clock=clock), SchedulerLock(database_url, clock=clock)
    try:
        first.acquire()
        for _ in range(3):  # three leases long, renewed within each
            clock.now += timedelta(seconds=LEASE_S - 1)
            assert first.renew()
            with pytest.raises(LockHeld):
                second.acquire()
        clock.now += timedelta(seconds=LEASE_S + 1)  # the first stopped renewing
        stale = second.acquire()
        assert stale is not None and stale.pid == first.pid
        assert not first.renew()  # it wakes up to find the lock gone, and must stop
        with pytest.raises(LockHeld):
            first.acquire()
    finally:
        first.close()
        second.close()


def test_a_released_lock_is_free_at_once_and_release_never_frees_another_holders(database_url: str) -> None:
    first, second = SchedulerLock(database_url), SchedulerLock(database_url)
    try:
        first.acquire()
        second.release()  # not its lock: a no-op
        with pytest.raises(LockHeld):
            second.acquire()
        first.release()
        assert first.holder() is None
        assert second.acquire() is None
        holder = second.holder()
        assert holder is not None and holder.pid == os.getpid()
    finally:
        first.close()
        second.close()
