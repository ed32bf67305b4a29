"""SQLAlchemy tables of the provincial sandbox (one SQLite file per data directory)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["AttachmentRow", "Base", "DossierRow", "LogRow", "RatingRow", "SmsRow"]


class Base(DeclarativeBase):
    pass


class DossierRow(Base):
    """One dossier. ``data`` is the raw JSON dict as given (flawed values included), kept in step
    with ``status`` when the status changes; the other columns are indexes for searching."""

    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    agency: Mapped[str] = mapped_column(String(32))
    day: Mapped[str] = mapped_column(String(6))  # yyMMdd of received_at
    seq: Mapped[int] = mapped_column(Integer)
    procedure_code: Mapped[str] = mapped_column(String(64), index=True)
    procedure_name: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer, index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # naive, Vietnam local time
    due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    identity_number: Mapped[str] = mapped_column(String(64), index=True)
    applicant_name: Mapped[str] = mapped_column(String(300))
    data: Mapped[str] = mapped_column(Text)
    flaw: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tricky: Mapped[str | None] = mapped_column(String(100), nullable=True)

    __table_args__ = (UniqueConstraint("agency", "day", "seq"),)


class AttachmentRow(Base):
    """The stored bytes of ``data["attachments"][index]``, content-addressed by SHA-256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class LogRow(Base):
    """One processing-log entry (quá trình xử lý). A note leaves ``status_from == status_to``."""

    __tablename__ = "processing_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    time: Mapped[str] = mapped_column(String(40))  # ISO 8601 with offset
    actor: Mapped[str] = mapped_column(String(200))
    status_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_to: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    receipt_code: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)


class SmsRow(Base):
    """One text message the citizen would receive (the SMS outbox)."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[str] = mapped_column(String(40))


class RatingRow(Base):
    """The citizen's satisfaction rating of a finished dossier (one per dossier)."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(64), unique=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[str] = mapped_column(String(40))
