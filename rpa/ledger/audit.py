"""The audit log: who did what to which dossier, account or portal, and why (append-only).

Transfers keep their own trail (``transfer_events``); this log holds everything else a supervisor or an
inspector asks about: logins and refused logins, every view of a citizen's data or evidence, the
supervisors' actions with their reasons, breaker resets, alert acknowledgements, purges. It lives in the
ledger's database, so every machine that shares the ledger writes to one log; the migration adds
triggers that refuse ``UPDATE`` and ``DELETE`` on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Engine, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rpa.ledger.engine import WRITE
from rpa.ledger.models import Base, UtcDateTime

__all__ = ["AuditEntry", "AuditRow", "count_audit", "read_audit", "record_audit"]


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_target", "action", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(256), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    reason: str
    detail: dict[str, Any]


def record_audit(
    engine: Engine,
    actor: str,
    action: str,
    target: str = "",
    *,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry (committed before this returns: an action is never done unrecorded)."""
    if not actor.strip() or not action.strip():
        raise ValueError("an audit entry needs an actor and an action")
    row = AuditRow(
        at=at or datetime.now(UTC), actor=actor, action=action, target=target, reason=reason, detail=detail
    )
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with Session(connection) as session, session.begin():
            session.add(row)
            session.flush()
            return _entry(row)


def read_audit(
    engine: Engine,
    *,
    action: str | None = None,
    actions: tuple[str, ...] = (),
    target: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The newest entries first, filtered."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditRow.action == action)
    if actions:
        query = query.where(AuditRow.action.in_(actions))
    if target is not None:
        query = query.where(AuditRow.target == target)
    if actor is not None:
        query = query.where(AuditRow.actor == actor)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    with Session(engine) as session:
        return [_entry(row) for row in session.scalars(query)]


def count_audit(engine: Engine, *, action: str, target: str, since: datetime) -> int:
    query = select(func.count(AuditRow.id)).where(
        AuditRow.action == action, AuditRow.target == target, AuditRow.at >= since
    )
    with Session(engine) as session:
        return int(session.scalar(query) or 0)


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.id, row.at, row.actor, row.action, row.target, row.reason, dict(row.detail or {}))
