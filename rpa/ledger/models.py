"""The ledger's tables (SQLAlchemy 2 ORM) and the immutable records the public API hands out.

Two tables:

- ``transfers``: one row per dossier × flow (``UNIQUE (dossier_code, flow)``), holding the current state,
  the lease and the latest facts learnt from the portal.
- ``transfer_events``: the append-only audit trail, one row per state change. The migrations add triggers
  on SQLite and PostgreSQL that refuse ``UPDATE`` and ``DELETE`` on it.

Every timestamp is stored in UTC and read back timezone-aware (:class:`UtcDateTime`). Columns later
features need (written-back and finished times, overdue flags...) are nullable additions, one migration each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from rpa.ledger.states import NEEDS_LOOKUP, TransferState

__all__ = ["Base", "Event", "EventRow", "Transfer", "TransferRow", "UtcDateTime"]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC (naive UTC text on SQLite, ``timestamptz`` elsewhere).

    Naive datetimes are refused: a wall-clock time without a zone is a bug waiting for a report.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the ledger stores timezone-aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TransferRow(Base):
    __tablename__ = "transfers"
    __table_args__ = (
        UniqueConstraint("dossier_code", "flow"),
        Index("ix_transfers_state_created_at", "state", "created_at"),
        Index("ix_transfers_updated_at", "updated_at"),
        Index("ix_transfers_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    payload_hash: Mapped[str | None] = mapped_column(String(128))
    identity_last4: Mapped[str | None] = mapped_column(String(4))
    receipt_code: Mapped[str | None] = mapped_column(String(64))
    ministry_status: Mapped[str | None] = mapped_column(String(64))
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    business_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # status sync (migration 0002)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the portal's receipt time
    due_on: Mapped[date | None] = mapped_column(Date)  # legal deadline, Vietnam calendar day
    deadline_days: Mapped[int | None] = mapped_column(Integer)  # 10 or 15 working days
    national_status: Mapped[int | None] = mapped_column(Integer)  # last 1-10 code written back
    supplement_reason: Mapped[str | None] = mapped_column(Text)  # the ministry's words, for the clerk
    status_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What the worker typed, recorded right before the final click (migration 0003): a later look-up
    # matches on it, not on the provincial dossier as it is by then. Personal data: never print it.
    submission: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # What a clerk finds a transfer by on the console (migration 0004): the applicant's name as written
    # and folded (lower case, no diacritics), and an HMAC of the identity number, never the number.
    applicant_name: Mapped[str | None] = mapped_column(String(256))
    applicant_search: Mapped[str | None] = mapped_column(String(256))
    identity_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    requested_by: Mapped[str | None] = mapped_column(String(64))


class EventRow(Base):
    __tablename__ = "transfer_events"
    __table_args__ = (
        Index("ix_transfer_events_transfer_id_id", "transfer_id", "id"),
        Index("ix_transfer_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)


@dataclass(frozen=True, slots=True)
class Transfer:
    """A snapshot of one dossier × flow transfer, as committed when it was read."""

    id: int
    dossier_code: str
    flow: str
    state: TransferState
    attempts: int
    lease_owner: str | None
    lease_expires_at: datetime | None
    next_attempt_at: datetime | None
    payload_hash: str | None
    identity_last4: str | None
    receipt_code: str | None
    ministry_status: str | None
    certificate_number: str | None
    last_error: str | None
    business_reasons: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    due_on: date | None = None
    deadline_days: int | None = None
    national_status: int | None = None
    supplement_reason: str | None = None
    status_checked_at: datetime | None = None
    finished_at: datetime | None = None
    submission: dict[str, Any] | None = field(default=None, hash=False)  # opaque to the ledger
    applicant_name: str | None = None
    applicant_search: str | None = None
    identity_digest: str | None = None
    requested_by: str | None = None

    @property
    def needs_lookup(self) -> bool:
        """True when the final click may have happened: resolve with ``lookup``, never submit again."""
        return self.state in NEEDS_LOOKUP

    @classmethod
    def from_row(cls, row: TransferRow) -> Transfer:
        values: dict[str, Any] = {name: getattr(row, name) for name in cls.__dataclass_fields__}
        values["state"] = TransferState(row.state)
        values["business_reasons"] = tuple(row.business_reasons or ())
        values["submission"] = dict(row.submission) if row.submission is not None else None
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a transfer's audit trail: who or what moved it, when, why, with which evidence."""

    id: int
    transfer_id: int
    at: datetime
    from_state: TransferState | None
    to_state: TransferState
    actor: str
    reason: str
    evidence: tuple[str, ...]

    @classmethod
    def from_row(cls, row: EventRow) -> Event:
        return cls(
            id=row.id,
            transfer_id=row.transfer_id,
            at=row.at,
            from_state=TransferState(row.from_state) if row.from_state is not None else None,
            to_state=TransferState(row.to_state),
            actor=row.actor,
            reason=row.reason,
            evidence=tuple(row.evidence or ()),
        )
