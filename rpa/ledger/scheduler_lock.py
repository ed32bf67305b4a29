"""One scheduler per ledger database: a lease row that its holder renews, and others respect.

Table ``rpa_scheduler_lock`` in the ledger's database (SQLite or PostgreSQL), one row per lock name.
The holder renews ``expires_at`` every :data:`HEARTBEAT_S` seconds. A second scheduler finds the row
held and unexpired and refuses to start (:class:`LockHeld` names the holder's host, pid and start). A
holder that stopped renewing (killed, frozen, cut off from the database) loses the lock
:data:`LEASE_S` seconds after its last heartbeat: the next scheduler to start takes it over, and the old
one, should it wake up, finds its renewal refused and stops.

On PostgreSQL the holder also keeps a session-level advisory lock, keyed by its holder id, on a
connection of its own. The server drops it the moment that connection ends (the process killed, its
machine cut off: TCP keepalives notice a silent peer within about 15 s). A standby that finds the row
held asks for that advisory lock: if it gets it, the holder is gone, and it takes the row over at once
instead of waiting out the lease. A holder that is alive but silent (frozen) keeps its advisory lock
and loses the row only when its lease runs out, as on SQLite.

The table is created here (``CREATE TABLE IF NOT EXISTS``) rather than by a ledger migration, like the
job store's own table, because it belongs to the scheduler, not to the transfers' history. Clocks of
machines sharing a PostgreSQL ledger are assumed to agree within a few seconds (NTP).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from rpa.clock import VN
from rpa.errors import RpaError
from rpa.ledger.engine import WRITE, make_engine
from rpa.ledger.models import UtcDateTime

__all__ = ["HEARTBEAT_S", "LEASE_S", "TABLE", "Holder", "LockHeld", "SchedulerLock"]

TABLE = "rpa_scheduler_lock"
LEASE_S = 60.0
"""How long after its last heartbeat a holder keeps the lock."""
HEARTBEAT_S = 10.0
"""How often the holder renews it: several renewals fit in one lease, so one slow write loses nothing."""
_PG_CREATE_LOCK = 0x52504153  # "RPAS": serialises concurrent CREATE TABLE on PostgreSQL
_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}

_metadata = MetaData()
_locks = Table(
    TABLE,
    _metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(255), nullable=False),  # unique per process run
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("acquired_at", UtcDateTime, nullable=False),
    Column("heartbeat_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True)
class Holder:
    """Who holds the lock and since when."""

    host: str
    pid: int
    acquired_at: datetime
    heartbeat_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, row: Row[tuple[object, ...]]) -> Holder:
        return cls(row.host, row.pid, row.acquired_at, row.heartbeat_at, row.expires_at)

    def __str__(self) -> str:
        return (
            f"host {self.host}, pid {self.pid}, since {_vn(self.acquired_at)}, "
            f"last heartbeat {_vn(self.heartbeat_at)}"
        )


class LockHeld(RpaError):
    """Another scheduler holds the lock."""

    def __init__(self, holder: Holder) -> None:
        self.holder = holder
        super().__init__(f"another scheduler is running on this ledger database: {holder}")

    def notice(self) -> str:
        """The message for the person who started this scheduler, in Vietnamese."""
        h = self.holder
        return (
            f"Đã có một bộ lập lịch khác đang chạy trên cùng cơ sở dữ liệu sổ cái: máy {h.host}, "
            f"tiến trình {h.pid}, chạy từ {_vn(h.acquired_at)}, nhịp gần nhất lúc {_vn(h.heartbeat_at)}. "
            "Bộ lập lịch này không chạy công việc nào và thoát. Nếu tiến trình kia đã dừng hẳn, khóa "
            f"được tiếp quản sau {_vn(h.expires_at)}."
        )


class SchedulerLock:
    """The lease row ``name`` in the database at ``url``.

    Args:
        url: the ledger's SQLAlchemy URL.
        name: which lock; one per kind of singleton process.
        lease_s: how long a heartbeat keeps the lock.
        clock: the source of "now" (UTC, timezone-aware); tests pass a fake one.
    """

    def __init__(
        self,
        url: str,
        *,
        name: str = "scheduler",
        lease_s: float = LEASE_S,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.name = name
        self.lease = timedelta(seconds=lease_s)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.holder_id = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:12]}"
        self._clock = clock
        self._engine = make_engine(url)
        self._alive: Connection | None = None  # PostgreSQL: the connection holding our advisory lock
        with self._connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CREATE_LOCK})
            _metadata.create_all(connection, checkfirst=True)

    def _connect(self) -> Connection:
        # BEGIN IMMEDIATE on SQLite: the read-check-write of acquire() never loses its write lock halfway.
        return self._engine.connect().execution_options(**{WRITE: True})

    def acquire(self) -> Holder | None:
        """Take the lock; returns the previous holder when a stale lock was taken over, else None.

        Raises:
            LockHeld: another process holds the lock and renewed it within the lease.
        """
        try:
            taken = self._acquire_once()
        except IntegrityError:  # PostgreSQL: a rival inserted the first row meanwhile; now we see it
            taken = self._acquire_once()
        self._hold_advisory()
        return taken

    def _postgres(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    def _fresh_connection(self) -> Connection:
        # No pool: closing the connection must end the session, or an advisory lock would outlive it.
        # Keepalives: a holder whose machine is cut off loses its advisory lock within about 15 s.
        engine = create_engine(self._engine.url, poolclass=NullPool, connect_args=_KEEPALIVE)
        return engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def _hold_advisory(self) -> None:
        """PostgreSQL: hold the advisory lock of our holder id for as long as this process lives."""
        if not self._postgres() or self._alive is not None:
            return
        self._alive = self._fresh_connection()
        self._alive.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _key(self.holder_id)})

    def _holder_is_gone(self, holder: str) -> bool:
        """PostgreSQL: whether the process that wrote ``holder`` has lost its session (dead or cut off)."""
        if not self._postgres():
            return False
        with self._fresh_connection() as connection:
            key = {"key": _key(holder)}
            gone = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar())
            if gone:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
            connection.engine.dispose()
        return gone

    def _drop_advisory(self) -> None:
        if self._alive is not None:
            alive, self._alive = self._alive, None
            with contextlib.suppress(Exception):  # a connection already broken is gone all the same
                alive.close()  # the session ends: the server releases the advisory lock
            alive.engine.dispose()

    def _acquire_once(self) -> Holder | None:
        now = self._clock()
        values = {
            "holder": self.holder_id,
            "host": self.host,
            "pid": self.pid,
            "acquired_at": now,
            "heartbeat_at": now,
            "expires_at": now + self.lease,
        }
        with self._connect() as connection, connection.begin():
            row = connection.execute(
                select(_locks).where(_locks.c.name == self.name).with_for_update()
            ).one_or_none()
            if row is None:
                connection.execute(insert(_locks).values(name=self.name, **values))
                return None
            if row.holder != self.holder_id and row.expires_at > now and not self._holder_is_gone(row.holder):
                raise LockHeld(Holder.of(row))
            connection.execute(update(_locks).where(_locks.c.name == self.name).values(**values))
            return Holder.of(row) if row.holder != self.holder_id else None

    def renew(self) -> bool:
        """Extend the lease from now; False when the lock is no longer ours (taken over, or released,
        or on PostgreSQL the session holding our advisory lock ended: a standby may take over now)."""
        if self._alive is not None:
            try:
                self._alive.execute(text("SELECT 1"))
            except Exception:
                self._drop_advisory()
                return False
        now = self._clock()
        statement = (
            update(_locks)
            .where(_locks.c.name == self.name, _locks.c.holder == self.holder_id)
            .values(heartbeat_at=now, expires_at=now + self.lease)
        )
        with self._connect() as connection, connection.begin():
            return bool(connection.execute(statement).rowcount == 1)

    def holder(self) -> Holder | None:
        """Whoever holds the row now (expired or not)."""
        with self._engine.connect() as connection:
            row = connection.execute(select(_locks).where(_locks.c.name == self.name)).one_or_none()
        return None if row is None else Holder.of(row)

    def release(self) -> None:
        """Give the lock up at once (a no-op when it is not ours), so a successor need not wait."""
        with self._connect() as connection, connection.begin():
            connection.execute(
                delete(_locks).where(_locks.c.name == self.name, _locks.c.holder == self.holder_id)
            )
        self._drop_advisory()

    def close(self) -> None:
        self._drop_advisory()
        self._engine.dispose()


def _key(holder: str) -> int:
    """The advisory lock's key of one holder id: 64 bits of its SHA-256, as PostgreSQL's bigint."""
    return int.from_bytes(hashlib.sha256(holder.encode()).digest()[:8], "big", signed=True)


def _vn(moment: datetime) -> str:
    return moment.astimezone(VN).isoformat(timespec="seconds")
