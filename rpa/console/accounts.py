"""Console accounts: users with a role, their password hashes (argon2), sessions, refused logins.

Roles nest: an admin may do what a supervisor may, a supervisor what a clerk may. A session is a random
token in an HttpOnly cookie; only its SHA-256 is stored, with the session's CSRF token, so a copy of the
database lets nobody in. Disabling a user or resetting their password ends their sessions at once.

Refused logins are recorded in the audit log and slowed down: after ``FREE_FAILURES`` in a row (counted
over ``FAILURE_WINDOW``), each further attempt on that name must wait, doubling up to ``MAX_WAIT``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Engine, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rpa.errors import RpaError
from rpa.ledger.audit import AuditRow, record_audit
from rpa.ledger.engine import WRITE
from rpa.ledger.models import Base, UtcDateTime

__all__ = [
    "AccountError",
    "Accounts",
    "LoginRefused",
    "Role",
    "SessionInfo",
    "User",
]

SESSION_TTL = timedelta(hours=10)  # one working day; a session idle for IDLE_TTL ends sooner
IDLE_TTL = timedelta(hours=2)
FREE_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=15)
MIN_PASSWORD = 10
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a password of anybody")  # an unknown name costs as much as a known one


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"clerk": "Cán bộ một cửa", "supervisor": "Giám sát", "admin": "Quản trị"}[self.value]

    def allows(self, needed: Role) -> bool:
        order = [Role.CLERK, Role.SUPERVISOR, Role.ADMIN]
        return order.index(self) >= order.index(needed)


class AccountError(RpaError):
    """A console account command that cannot be done (the message is Vietnamese, for the person)."""


class LoginRefused(AccountError):
    def __init__(self, message: str, wait_s: float = 0.0) -> None:
        super().__init__(message)
        self.wait_s = wait_s


class UserRow(Base):
    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SessionRow(Base):
    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    disabled: bool

    def can(self, needed: Role) -> bool:
        return not self.disabled and self.role.allows(needed)


@dataclass(frozen=True)
class SessionInfo:
    token: str  # only in the cookie; the database has its hash
    user: User
    csrf_token: str


def _user(row: UserRow) -> User:
    return User(row.id, row.name, Role(row.role), row.disabled)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    if not (2 <= len(name) <= 64) or not set(name) <= NAME_CHARS:
        raise AccountError(
            f"Tên đăng nhập {name!r} không hợp lệ: từ 2 đến 64 ký tự, chỉ gồm chữ thường không dấu, "
            "chữ số và . _ -"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if password.strip() != password:
        raise AccountError("Mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng.")
    return password


class Accounts:
    """Users and sessions in the ledger's database (``engine``)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self._now = clock or (lambda: datetime.now(UTC))

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite), committed when the block ends."""
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with Session(connection) as session, session.begin():
                yield session

    def _audit(self, actor: str, action: str, target: str, **more: Any) -> None:
        record_audit(self.engine, actor, action, target, at=self._now(), **more)

    # -- users ---------------------------------------------------------------------------------------
    def add(self, name: str, role: Role, password: str, *, by: str) -> User:
        check_name(name)
        check_password(password)
        now = self._now()
        with self._write() as session:
            if session.scalar(select(UserRow).where(UserRow.name == name)) is not None:
                raise AccountError(f"Tài khoản {name} đã có.")
            row = UserRow(
                name=name,
                role=role.value,
                password_hash=_HASHER.hash(password),
                disabled=False,
                created_at=now,
                password_changed_at=now,
            )
            session.add(row)
            session.flush()
            user = _user(row)
        self._audit(by, "user_added", name, detail={"role": role.value})
        return user

    def get(self, name: str) -> User | None:
        with Session(self.engine) as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            return _user(row) if row is not None else None

    def list(self) -> list[User]:
        with Session(self.engine) as session:
            return [_user(row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]

    def disable(self, name: str, *, by: str) -> User:
        with self._write() as session:
            row = self._row(session, name)
            row.disabled = True
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            user = _user(row)
        self._audit(by, "user_disabled", name)
        return user

    def reset_password(self, name: str, password: str, *, by: str) -> User:
        check_password(password)
        with self._write() as session:
            row = self._row(session, name)
            row.password_hash = _HASHER.hash(password)
            row.password_changed_at = self._now()
            row.disabled = False
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            user = _user(row)
        self._audit(by, "password_reset", name)
        return user

    @staticmethod
    def _row(session: Session, name: str) -> UserRow:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise AccountError(f"Không có tài khoản {name}.")
        return row

    # -- logging in ----------------------------------------------------------------------------------
    def login_wait_s(self, name: str) -> float:
        """How long ``name`` must wait before the next attempt (0: it may try now)."""
        now = self._now()
        with Session(self.engine) as session:
            query = (
                select(AuditRow.action, AuditRow.at)
                .where(
                    AuditRow.target == name,
                    AuditRow.action.in_(("login_failed", "login")),
                    AuditRow.at >= now - FAILURE_WINDOW,
                )
                .order_by(AuditRow.id.desc())
                .limit(FREE_FAILURES + 16)
            )
            recent = list(session.execute(query))
        failures: list[datetime] = []
        for action, at in recent:
            if action == "login":
                break
            failures.append(at)
        if len(failures) < FREE_FAILURES:
            return 0.0
        wait = min(timedelta(seconds=2 ** (len(failures) - FREE_FAILURES + 1) * 15), MAX_WAIT)
        return max((failures[0] + wait - now).total_seconds(), 0.0)

    def login(self, name: str, password: str, *, client: str = "") -> SessionInfo:
        """Open a session for ``name``; raises :class:`LoginRefused` with a Vietnamese message."""
        wait_s = self.login_wait_s(name)
        if wait_s > 0:
            self._audit(name or "?", "login_throttled", name, detail={"client": client})
            minutes = max(1, round(wait_s / 60))
            raise LoginRefused(
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng {minutes} phút.", wait_s
            )
        with Session(self.engine) as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            stored = row.password_hash if row is not None else _DUMMY_HASH
            user = _user(row) if row is not None else None
        try:
            _HASHER.verify(stored, password)
            good = user is not None
        except (VerificationError, InvalidHashError):
            good = False
        if not good or user is None or user.disabled:
            self._audit(name or "?", "login_failed", name, detail={"client": client, "known": bool(user)})
            raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khoá.")
        if _HASHER.check_needs_rehash(stored):
            with self._write() as session:
                self._row(session, name).password_hash = _HASHER.hash(password)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self._now()
        with self._write() as session:
            session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            session.add(
                SessionRow(
                    token_hash=_token_hash(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    seen_at=now,
                    expires_at=now + SESSION_TTL,
                )
            )
        self._audit(user.name, "login", user.name, detail={"client": client})
        return SessionInfo(token, user, csrf)

    def session(self, token: str) -> SessionInfo | None:
        """The live session of this cookie value, or None (unknown, expired, idle too long, disabled)."""
        if not token:
            return None
        now = self._now()
        with self._write() as session:
            found = session.get(SessionRow, _token_hash(token))
            if found is None:
                return None
            row = session.get(UserRow, found.user_id)
            if row is None or row.disabled or found.expires_at <= now or found.seen_at + IDLE_TTL <= now:
                session.delete(found)
                return None
            if now - found.seen_at > timedelta(minutes=1):  # not a write on every request
                found.seen_at = now
            return SessionInfo(token, _user(row), found.csrf_token)

    def logout(self, token: str) -> None:
        with self._write() as session:
            session.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
