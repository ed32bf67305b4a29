"""Acknowledgements of alerts: who said "Đã xem" to which alert, when, with what note.

One row per alert in ``alert_acks`` (migration 0004), in the ledger's database so every console that
shares the ledger sees the same answer. The acknowledgement and its audit entry are written in one
transaction: an alert is never marked seen without the audit log saying who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from rpa.ledger.audit import AuditRow
from rpa.ledger.engine import WRITE
from rpa.ledger.models import Base, UtcDateTime
from rpa.operations.alerts import read_alerts

__all__ = [
    "ACK_ACTION",
    "AlertAck",
    "AlertAckRow",
    "AlreadyAcknowledged",
    "acknowledge",
    "acknowledgements",
    "count_unacknowledged",
]

ACK_ACTION = "alert_acknowledged"
NOTE_MAX = 500


class AlertAckRow(Base):
    __tablename__ = "alert_acks"

    alert_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True, slots=True)
class AlertAck:
    alert_id: str
    by: str
    at: datetime
    note: str


class AlreadyAcknowledged(Exception):
    """Someone acknowledged the alert first (two supervisors on one alert); ``ack`` says who."""

    def __init__(self, ack: AlertAck) -> None:
        super().__init__(f"alert {ack.alert_id} was acknowledged by {ack.by}")
        self.ack = ack


def acknowledge(
    engine: Engine, alert_id: str, by: str, note: str = "", *, at: datetime | None = None
) -> AlertAck:
    """Record that ``by`` saw the alert, with the audit entry, in one transaction.

    Raises:
        AlreadyAcknowledged: it was acknowledged before (the first answer stays).
        ValueError: an empty id or name, or a note over 500 characters.
    """
    note = note.strip()
    if not alert_id or not by.strip():
        raise ValueError("an acknowledgement needs an alert id and a name")
    if len(note) > NOTE_MAX:
        raise ValueError(f"the note is longer than {NOTE_MAX} characters")
    at = at or datetime.now(UTC)
    row = AlertAckRow(alert_id=alert_id, by=by, at=at, note=note)
    audit = AuditRow(at=at, actor=by, action=ACK_ACTION, target=alert_id, reason=note, detail=None)
    try:
        with engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with Session(connection) as session, session.begin():
                session.add_all([row, audit])
    except IntegrityError:
        existing = acknowledgements(engine).get(alert_id)
        if existing is None:  # not the primary key after all: a real error
            raise
        raise AlreadyAcknowledged(existing) from None
    return AlertAck(alert_id, by, at, note)


def acknowledgements(engine: Engine) -> dict[str, AlertAck]:
    """Every acknowledgement by alert id (a few per day: small enough to read whole)."""
    with Session(engine) as session:
        rows = session.scalars(select(AlertAckRow))
        return {r.alert_id: AlertAck(r.alert_id, r.by, r.at, r.note) for r in rows}


def count_unacknowledged(work_dir: Path, engine: Engine) -> int:
    """How many alerts nobody has acknowledged yet (for the console's menu)."""
    seen = acknowledgements(engine)
    return sum(1 for alert in read_alerts(work_dir, with_rotated=True) if alert["id"] not in seen)
