"""The portal's SQLite store: accounts and submitted applications (SQLAlchemy 2)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from rpa import clock
from rpa.sandbox.moj.status import AUTO_NEXT, DEFAULT_SUPPLEMENT_REASON, LABELS, can_move

__all__ = ["SEED_ACCOUNTS", "AdvanceError", "Store", "vn_now"]

SEED_ACCOUNTS: tuple[dict[str, str], ...] = (
    {
        "username": "canbo.qngai",
        "password": "MatKhau@2025",
        "display_name": "Cán bộ Bộ phận Một cửa tỉnh Quảng Ngãi",
        "province_code": "51",
    },
)


def vn_now() -> datetime:
    """Current Vietnam time, naive (the portal stores and shows local time)."""
    return clock.vn_now().replace(tzinfo=None, microsecond=0)


class _Base(DeclarativeBase):
    pass


class AccountRow(_Base):
    __tablename__ = "accounts"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    password: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str] = mapped_column(String(2))


class ApplicationRow(_Base):
    __tablename__ = "applications"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 -- receipts stay unique across resets
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    receipt: Mapped[str] = mapped_column(String(40), unique=True, default="")
    account: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    identity_number: Mapped[str] = mapped_column(String(20), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    ui_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(30))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime)
    certificate_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    supplement_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    form: Mapped[dict[str, Any]] = mapped_column(JSON)


class AdvanceError(ValueError):
    """A status change the portal does not allow (or an unknown receipt)."""


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    display_name: str
    province_code: str


def _record(row: ApplicationRow) -> dict[str, Any]:
    return {
        "receipt": row.receipt,
        "account": row.account,
        "submittedAt": row.submitted_at.isoformat(),
        "uiVersion": row.ui_version,
        "status": row.status,
        "statusLabel": LABELS[row.status],
        "certificateNumber": row.certificate_number,
        "supplementReason": row.supplement_reason,
        "statusHistory": list(row.history),
        "form": dict(row.form),
    }


class Store:
    """Thread-safe access to ``moj-lltp.sqlite``; every method opens and closes its own session.

    ``now`` is the portal's own clock (the app passes one that knob ``clock_offset_s`` shifts): every
    time the store records (submission, status changes) is portal time, as the real portal's would be.
    """

    def __init__(self, path: Path, now: Callable[[], datetime] = vn_now) -> None:
        self._now = now
        self.engine: Engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA journal_mode=WAL"))
        _Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write = threading.Lock()
        self.reset_accounts()

    # -- accounts ----------------------------------------------------------------------------------
    def reset_accounts(self) -> None:
        with self._write, self._sessions.begin() as db:
            db.execute(delete(AccountRow))
            db.add_all(AccountRow(**seed) for seed in SEED_ACCOUNTS)

    def upsert_account(self, account: Account) -> None:
        with self._write, self._sessions.begin() as db:
            db.merge(AccountRow(**account.__dict__))

    def accounts(self) -> list[Account]:
        with self._sessions() as db:
            rows = db.scalars(select(AccountRow).order_by(AccountRow.username))
            return [Account(r.username, r.password, r.display_name, r.province_code) for r in rows]

    def check_login(self, username: str, password: str) -> Account | None:
        return next((a for a in self.accounts() if a.username == username and a.password == password), None)

    # -- applications ------------------------------------------------------------------------------
    def submit(self, account: Account, form: dict[str, Any], ui_version: int) -> dict[str, Any]:
        """Store one application; duplicates are accepted, as on the real portal."""
        now = self._now()
        with self._write, self._sessions.begin() as db:
            row = ApplicationRow(
                account=account.username,
                submitted_at=now,
                identity_number=form["idNumber"],
                full_name=form["fullName"],
                ui_version=ui_version,
                status="received",
                status_changed_at=now,
                history=[
                    {"status": "received", "label": LABELS["received"], "at": now.isoformat(), "note": None}
                ],
                form=form,
            )
            db.add(row)
            db.flush()
            row.receipt = f"{account.province_code}-LLTP-{now:%y%m}-{row.id:06d}"
            return _record(row)

    def all(self, auto_advance_s: float = 0) -> list[dict[str, Any]]:
        self.auto_advance(auto_advance_s)
        with self._sessions() as db:
            return [_record(r) for r in db.scalars(select(ApplicationRow).order_by(ApplicationRow.id))]

    def get(self, receipt: str, auto_advance_s: float = 0) -> dict[str, Any] | None:
        self.auto_advance(auto_advance_s)
        with self._sessions() as db:
            row = db.scalar(select(ApplicationRow).where(ApplicationRow.receipt == receipt))
            return _record(row) if row else None

    def search(
        self, identity_number: str, start: date | None, end: date | None, auto_advance_s: float = 0
    ) -> list[dict[str, Any]]:
        self.auto_advance(auto_advance_s)
        query = select(ApplicationRow).where(ApplicationRow.identity_number == identity_number)
        if start:
            query = query.where(ApplicationRow.submitted_at >= datetime.combine(start, datetime.min.time()))
        if end:
            query = query.where(
                ApplicationRow.submitted_at < datetime.combine(end + timedelta(days=1), datetime.min.time())
            )
        with self._sessions() as db:
            return [_record(r) for r in db.scalars(query.order_by(ApplicationRow.id))]

    def delete_all(self) -> None:
        with self._write, self._sessions.begin() as db:
            db.execute(delete(ApplicationRow))

    # -- statuses ----------------------------------------------------------------------------------
    def _move(self, db: Session, row: ApplicationRow, target: str, at: datetime, note: str | None) -> None:
        if target == "result_returned":
            issued_query = select(func.count()).where(ApplicationRow.certificate_number.is_not(None))
            issued = db.scalar(issued_query) or 0
            row.certificate_number = f"LLTP-{at.year}-{issued + 1:06d}"
            note = f"Số phiếu: {row.certificate_number}"
        if target == "supplement_requested":
            row.supplement_reason = note or DEFAULT_SUPPLEMENT_REASON
            note = row.supplement_reason
        row.status, row.status_changed_at = target, at
        row.history = [
            *row.history,
            {"status": target, "label": LABELS[target], "at": at.isoformat(), "note": note},
        ]

    def advance(self, receipt: str | None, target: str, reason: str | None = None) -> list[dict[str, Any]]:
        """Move one application (or every eligible one when ``receipt`` is None) to ``target``."""
        if target not in LABELS:
            raise AdvanceError(f"unknown status {target!r}")
        moved: list[dict[str, Any]] = []
        with self._write, self._sessions.begin() as db:
            query = select(ApplicationRow).order_by(ApplicationRow.id)
            if receipt is not None:
                row = db.scalar(query.where(ApplicationRow.receipt == receipt))
                if row is None:
                    raise LookupError(receipt)
                if not can_move(row.status, target):
                    raise AdvanceError(f"{receipt}: {row.status} → {target} is not allowed")
                rows = [row]
            else:
                rows = [r for r in db.scalars(query) if can_move(r.status, target)]
            for row in rows:
                before = row.status
                self._move(db, row, target, self._now(), reason)
                moved.append(
                    {
                        "receipt": row.receipt,
                        "from": before,
                        "to": target,
                        "certificateNumber": row.certificate_number,
                    }
                )
        return moved

    def auto_advance(self, step_s: float) -> None:
        """Advance statuses one step per ``step_s`` seconds since the last change (0: off)."""
        if step_s <= 0:
            return
        now = self._now()
        step = timedelta(seconds=step_s)
        with self._write, self._sessions.begin() as db:
            for row in db.scalars(select(ApplicationRow).where(ApplicationRow.status.in_(list(AUTO_NEXT)))):
                while row.status in AUTO_NEXT and row.status_changed_at + step <= now:
                    self._move(db, row, AUTO_NEXT[row.status], row.status_changed_at + step, None)
