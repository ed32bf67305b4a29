"""The scheduler lock on SQLite and PostgreSQL: one holder, a clear refusal, heartbeats, takeover of a
holder that stopped renewing, release."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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


def test_on_postgresql_a_killed_holder_is_taken_over_at_once(tmp_path: Path) -> None:
    # The holder's advisory lock dies with its session: no need to wait out the 60 s lease.
    with database("postgresql", tmp_path) as database_url:  # SQLite: a killed holder waits out its lease
        _killed_holder_taken_over(database_url)


def _killed_holder_taken_over(database_url: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "from rpa.ledger.scheduler_lock import SchedulerLock\n"
            f"lock = SchedulerLock({database_url!r})\n"
            "lock.acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(600)\n"
        )],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    standby = SchedulerLock(database_url)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld):  # alive: its lease and its advisory lock both stand
            standby.acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        deadline = time.monotonic() + 10  # the server notices the closed socket at once
        while True:
            try:
                stale = standby.acquire()
                break
            except LockHeld:
                assert time.monotonic() < deadline, "not taken over within 10 s of the kill"
                time.sleep(0.2)
        assert stale is not None and stale.pid == holder.pid
        assert stale.expires_at > datetime.now(UTC) + timedelta(seconds=30)  # long before the lease ran out
        assert standby.renew()
    finally:
        if holder.poll() is None:
            holder.kill()
        standby.close()
