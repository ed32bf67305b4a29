"""Row-level steps the :class:`~rpa.ledger.Ledger` builds its transactions from (private to the package).

Each function works inside a caller's session and transaction; none commits.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, select, update
from sqlalchemy.orm import Session

from rpa.ledger import states
from rpa.ledger.errors import TransferChanged, UnknownTransfer
from rpa.ledger.models import EventRow, Transfer, TransferRow
from rpa.ledger.states import TransferState

S = TransferState
Trail = list[tuple[TransferState, TransferState, str, str]]


def claimable(now: datetime, *, due_now: bool = False) -> ColumnElement[bool]:
    """Transfers a worker may claim at ``now``: due queued ones, and leased ones whose lease expired.

    ``due_now`` ignores the retry back-off (``next_attempt_at``): a clerk pushing a dossier wants it now.
    """
    lease_free = or_(TransferRow.lease_expires_at.is_(None), TransferRow.lease_expires_at <= now)
    due = or_(TransferRow.next_attempt_at.is_(None), TransferRow.next_attempt_at <= now, literal(due_now))
    abandoned = [S.FILLING.value, S.WAITING_HUMAN.value, S.SUBMITTING.value]
    return or_(
        and_(TransferRow.state == S.QUEUED.value, due),
        and_(TransferRow.state.in_(abandoned), lease_free),
        and_(TransferRow.state == S.UNCERTAIN.value, lease_free, due),
    )


def expired(now: datetime) -> ColumnElement[bool]:
    """Transfers in a working state whose lease ran out before ``now``."""
    working = [S.SUBMITTING.value, S.FILLING.value, S.WAITING_HUMAN.value]
    return and_(TransferRow.state.in_(working), TransferRow.lease_expires_at <= now)


def take(
    session: Session, row: TransferRow, worker_id: str, now: datetime, lease_s: float
) -> Transfer | None:
    """Give ``row`` to ``worker_id`` (see ``Ledger.claim``); ``None`` if a rival changed it first."""
    current = TransferState(row.state)
    values: dict[str, object] = {
        "lease_owner": worker_id,
        "lease_expires_at": now + timedelta(seconds=lease_s),
        "updated_at": now,
    }
    trail: Trail = []
    if current in (S.FILLING, S.WAITING_HUMAN):
        trail.append((current, S.QUEUED, states.SYSTEM, expiry_reason(row)))
        current = S.QUEUED
    if current is S.QUEUED:
        trail.append((S.QUEUED, S.FILLING, states.worker(worker_id), "claimed"))
        values.update(state=S.FILLING.value, attempts=row.attempts + 1)
    elif current is S.SUBMITTING:
        reason = expiry_reason(row) + " after the submit step began; resolve by lookup"
        trail.append((S.SUBMITTING, S.UNCERTAIN, states.SYSTEM, reason))
        values.update(state=S.UNCERTAIN.value)
    for source, target, actor, _reason in trail:
        states.transition(source, target, actor=actor)
    if not compare_and_set(session, row, values, strict=False):
        return None
    for source, target, actor, reason in trail:
        log(session, row.id, source, target, actor, reason, (), now)
    return snapshot(session, row.id)


def expire(session: Session, row: TransferRow, now: datetime) -> Transfer:
    """Settle an expired lease: ``submitting`` → ``uncertain``, ``filling``/``waiting_human`` → ``queued``."""
    current = TransferState(row.state)
    target = states.transition(
        current, S.UNCERTAIN if current is S.SUBMITTING else S.QUEUED, actor=states.SYSTEM
    )
    values = {"state": target.value, "lease_owner": None, "lease_expires_at": None, "updated_at": now}
    compare_and_set(session, row, values)
    log(session, row.id, current, target, states.SYSTEM, expiry_reason(row), (), now)
    return snapshot(session, row.id)


def expiry_reason(row: TransferRow) -> str:
    when = row.lease_expires_at.isoformat() if row.lease_expires_at else "never set"
    return f"lease of {row.lease_owner or 'nobody'} expired ({when})"


def lock(session: Session, transfer_id: int) -> TransferRow:
    """Read a transfer for update (a row lock on PostgreSQL; SQLite already holds the write lock)."""
    row = session.scalar(select(TransferRow).where(TransferRow.id == transfer_id).with_for_update())
    if row is None:
        raise UnknownTransfer(transfer_id)
    return row


def _same(column: Any, value: object) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def compare_and_set(
    session: Session, row: TransferRow, values: Mapping[str, object], *, strict: bool = True
) -> bool:
    """Update ``row`` only if its state and lease are still what was read.

    Returns whether it changed; with ``strict``, a lost race raises :class:`TransferChanged` instead.
    """
    statement = (
        update(TransferRow)
        .where(
            TransferRow.id == row.id,
            TransferRow.state == row.state,
            _same(TransferRow.lease_owner, row.lease_owner),
            _same(TransferRow.lease_expires_at, row.lease_expires_at),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]
    if not changed and strict:
        raise TransferChanged(row.id)
    return changed


def snapshot(session: Session, transfer_id: int) -> Transfer:
    """The transfer as this transaction sees it now."""
    query = select(TransferRow).where(TransferRow.id == transfer_id)
    row = session.scalars(query.execution_options(populate_existing=True)).one()
    return Transfer.from_row(row)


def log(
    session: Session,
    transfer_id: int,
    source: TransferState | None,
    target: TransferState,
    actor: str,
    reason: str,
    evidence: Iterable[str | os.PathLike[str]],
    at: datetime,
) -> None:
    """Append one event to the trail."""
    event = EventRow(
        transfer_id=transfer_id,
        at=at,
        from_state=source.value if source is not None else None,
        to_state=target.value,
        actor=actor,
        reason=reason,
        evidence=[os.fspath(path) for path in evidence],
    )
    session.add(event)
