"""What every sandbox ministry portal stores (SQLAlchemy 2, SQLite): its accounts, and the applications
filed on it with their status history, moved by the control API or over time.

A portal's store subclasses :class:`PortalStore` with its own application table (the common columns
come from :class:`ApplicationColumns`), its :class:`Lifecycle` of statuses, and how a stored
application reads in ``/_sandbox/applications`` (:meth:`PortalStore.record`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import JSON, DateTime, Integer, MetaData, String, create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from rpa import clock
from rpa.sandbox.accounts import Account, AccountRow, AccountsBase

__all__ = ["AdvanceError", "ApplicationColumns", "Lifecycle", "PortalStore", "vn_now"]


def vn_now() -> datetime:
    """Current Vietnam time, naive (the portals store and show local time)."""
    return clock.vn_now().replace(tzinfo=None, microsecond=0)


class AdvanceError(ValueError):
    """A status change the portal does not allow (or an unknown status)."""


@dataclass(frozen=True)
class Lifecycle:
    """A portal's statuses (the first is where an application starts), which may follow which, and
    what a status adds: the certificate's number, or the reason a supplement is asked for."""

    labels: Mapping[str, str]
    transitions: Mapping[str, frozenset[str]]
    auto_next: Mapping[str, str]
    """The path taken when statuses advance over time (``auto_advance_s``): never a supplement request."""
    certificate_status: str
    certificate_number: Callable[[datetime, int], str]
    """The number issued at a moment, given how many were issued before."""
    certificate_note: str
    """The history note of the certificate, ``{number}`` filled in."""
    supplement_status: str
    default_supplement_reason: str

    @property
    def first(self) -> str:
        return next(iter(self.labels))

    def can_move(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def entry(self, status: str, at: datetime, note: str | None) -> dict[str, Any]:
        """One line of an application's status history."""
        return {"status": status, "label": self.labels[status], "at": at.isoformat(), "note": note}


class ApplicationColumns:
    """The columns every portal's application table has (a declarative mixin)."""

    __tablename__ = "applications"
    # receipts stay unique across resets
    __table_args__: ClassVar[dict[str, Any]] = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    receipt: Mapped[str] = mapped_column(String(40), unique=True, default="")
    account: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    identity_number: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(30))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime)
    certificate_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    supplement_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)


R = TypeVar("R", bound=ApplicationColumns)


class PortalStore(Generic[R]):
    """Thread-safe access to one portal's SQLite file; every method opens and closes its own session.

    ``now`` is the portal's own clock (the app passes one that knob ``clock_offset_s`` shifts): every
    time the store records (submission, status changes) is portal time, as the real portal's would be.
    """

    def __init__(
        self,
        path: Path,
        *,
        rows: type[R],
        metadata: MetaData,
        lifecycle: Lifecycle,
        seed_accounts: Iterable[Mapping[str, str]],
        now: Callable[[], datetime] = vn_now,
    ) -> None:
        self.rows = rows
        self.lifecycle = lifecycle
        self._seed_accounts = tuple(dict(seed) for seed in seed_accounts)
        self._now = now
        self.engine: Engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA journal_mode=WAL"))
        AccountsBase.metadata.create_all(self.engine)
        metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write = threading.Lock()
        self.reset_accounts()

    def record(self, row: R) -> dict[str, Any]:
        """One application as ``/_sandbox/applications`` shows it."""
        raise NotImplementedError

    # -- accounts ----------------------------------------------------------------------------------
    def reset_accounts(self) -> None:
        with self._write, self._sessions.begin() as db:
            db.execute(delete(AccountRow))
            db.add_all(AccountRow(**seed) for seed in self._seed_accounts)

    def upsert_account(self, account: Account) -> None:
        with self._write, self._sessions.begin() as db:
            db.merge(AccountRow(**account.__dict__))

    def accounts(self) -> list[Account]:
        with self._sessions() as db:
            return [row.account() for row in db.scalars(select(AccountRow).order_by(AccountRow.username))]

    def check_login(self, username: str, password: str) -> Account | None:
        return next((a for a in self.accounts() if a.username == username and a.password == password), None)

    # -- applications ------------------------------------------------------------------------------
    def insert(self, row: R, receipt: Callable[[R, datetime], str]) -> dict[str, Any]:
        """Store a new application in the first status, now; ``receipt`` makes its code from the row
        (its ``id`` set) and the time. Duplicates are accepted, as on the real portals."""
        now = self._now()
        first = self.lifecycle.first
        with self._write, self._sessions.begin() as db:
            row.submitted_at, row.status, row.status_changed_at = now, first, now
            row.history = [self.lifecycle.entry(first, now, None)]
            db.add(row)
            db.flush()
            row.receipt = receipt(row, now)
            return self.record(row)

    def select(self, *where: Any, auto_advance_s: float = 0) -> list[dict[str, Any]]:
        """The applications matching every condition on :attr:`rows`, oldest first."""
        self.auto_advance(auto_advance_s)
        query = select(self.rows).where(*where).order_by(self.rows.id)
        with self._sessions() as db:
            return [self.record(row) for row in db.scalars(query)]

    def submitted_between(self, start: date | None, end: date | None) -> list[Any]:
        """Conditions for :meth:`select`: filed from the day ``start`` to the day ``end`` (inclusive;
        None: no bound)."""
        where = []
        if start:
            where.append(self.rows.submitted_at >= datetime.combine(start, datetime.min.time()))
        if end:
            where.append(
                self.rows.submitted_at < datetime.combine(end + timedelta(days=1), datetime.min.time())
            )
        return where

    def all(self, auto_advance_s: float = 0) -> list[dict[str, Any]]:
        return self.select(auto_advance_s=auto_advance_s)

    def get(self, receipt: str, auto_advance_s: float = 0) -> dict[str, Any] | None:
        found = self.select(self.rows.receipt == receipt, auto_advance_s=auto_advance_s)
        return found[0] if found else None

    def delete_all(self) -> None:
        with self._write, self._sessions.begin() as db:
            db.execute(delete(self.rows))

    # -- statuses ----------------------------------------------------------------------------------
    def _move(self, db: Session, row: R, target: str, at: datetime, note: str | None) -> None:
        life = self.lifecycle
        if target == life.certificate_status:
            issued = db.scalar(select(func.count()).where(self.rows.certificate_number.is_not(None))) or 0
            row.certificate_number = life.certificate_number(at, issued)
            note = life.certificate_note.format(number=row.certificate_number)
        if target == life.supplement_status:
            row.supplement_reason = note or life.default_supplement_reason
            note = row.supplement_reason
        row.status, row.status_changed_at = target, at
        row.history = [*row.history, life.entry(target, at, note)]

    def advance(self, receipt: str | None, target: str, reason: str | None = None) -> list[dict[str, Any]]:
        """Move one application (or every eligible one when ``receipt`` is None) to ``target``.

        Raises:
            LookupError: no application has this receipt.
            AdvanceError: an unknown status, or one this application cannot move to.
        """
        life = self.lifecycle
        if target not in life.labels:
            raise AdvanceError(f"unknown status {target!r}")
        moved: list[dict[str, Any]] = []
        with self._write, self._sessions.begin() as db:
            query = select(self.rows).order_by(self.rows.id)
            if receipt is not None:
                row = db.scalar(query.where(self.rows.receipt == receipt))
                if row is None:
                    raise LookupError(receipt)
                if not life.can_move(row.status, target):
                    raise AdvanceError(f"{receipt}: {row.status} → {target} is not allowed")
                rows = [row]
            else:
                rows = [r for r in db.scalars(query) if life.can_move(r.status, target)]
            for row in rows:
                before = row.status
                self._move(db, row, target, self._now(), reason)
                moved.append({"receipt": row.receipt, "from": before, "to": target, **self.moved(row)})
        return moved

    def moved(self, row: R) -> dict[str, Any]:
        """What ``POST /_sandbox/advance`` reports of a moved application besides its statuses."""
        return {"certificateNumber": row.certificate_number}

    def auto_advance(self, step_s: float) -> None:
        """Advance statuses one step per ``step_s`` seconds since the last change (0: off)."""
        if step_s <= 0:
            return
        now = self._now()
        step = timedelta(seconds=step_s)
        auto_next = self.lifecycle.auto_next
        with self._write, self._sessions.begin() as db:
            for row in db.scalars(select(self.rows).where(self.rows.status.in_(list(auto_next)))):
                while row.status in auto_next and row.status_changed_at + step <= now:
                    self._move(db, row, auto_next[row.status], row.status_changed_at + step, None)
