"""The provincial sandbox's SQLite store: dossiers, attachments, processing log, SMS outbox, ratings."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from rpa.sandbox.provincial import processing
from rpa.sandbox.provincial.models import AttachmentRow, Base, DossierRow, LogRow, RatingRow, SmsRow
from rpa.sandbox.provincial.processing import FINISHED_STATUSES
from rpa.sandbox.provincial.views import (
    ChangeResult,
    DossierView,
    NotFound,
    SearchFilters,
)
from rpa.sandbox.records import SeededDossier

__all__ = ["DEFAULT_AGENCY", "FINISHED_STATUSES", "ProvincialStore"]

DEFAULT_AGENCY = "000.00.01.H55"


class ProvincialStore:
    """Everything the provincial system keeps, in ``data_dir/provincial.sqlite`` and
    ``data_dir/provincial-files/`` (attachment bytes, named by SHA-256). Thread-safe."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.files_dir = self.data_dir / "provincial-files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(
            f"sqlite:///{self.data_dir / 'provincial.sqlite'}", connect_args={"check_same_thread": False}
        )
        Base.metadata.create_all(self._engine)
        self._session = sessionmaker(self._engine, expire_on_commit=False)
        self._write_lock = threading.Lock()

    # -- adding and resetting -------------------------------------------------------------------

    def add_dossiers(self, seeded: Iterable[SeededDossier], agency: str = DEFAULT_AGENCY) -> list[str]:
        """Store raw dossiers (flawed ones too) and return the codes assigned to them.

        Each gets ``{agency}-{yyMMdd of received_at}-{NNNN}``, NNNN the next sequence of that day;
        ``data["code"]`` is overwritten with it. A received-at that is not a date-time counts as now.
        """
        codes: list[str] = []
        with self._write_lock, self._session.begin() as session:
            for item in seeded:
                codes.append(processing.intake(session, item, agency, self.files_dir))
        return codes

    def reset(self) -> None:
        """Forget every dossier, log entry, SMS, rating and stored file."""
        with self._write_lock, self._session.begin() as session:
            for table in (RatingRow, SmsRow, LogRow, AttachmentRow, DossierRow):
                session.execute(delete(table))
        shutil.rmtree(self.files_dir, ignore_errors=True)
        self.files_dir.mkdir(parents=True, exist_ok=True)

    # -- reading --------------------------------------------------------------------------------

    def count_dossiers(self) -> int:
        with self._session() as session:
            return session.scalar(select(func.count(DossierRow.id))) or 0

    def procedures(self) -> list[tuple[str, str]]:
        """Distinct (procedure code, procedure name) pairs, for the list filter."""
        with self._session() as session:
            rows = session.execute(
                select(DossierRow.procedure_code, func.min(DossierRow.procedure_name))
                .group_by(DossierRow.procedure_code)
                .order_by(DossierRow.procedure_code)
            )
            return [(code, name) for code, name in rows]

    def search(
        self, filters: SearchFilters, page: int = 0, size: int | None = 20, newest_first: bool = True
    ) -> tuple[list[DossierView], int]:
        """One page of matching dossiers and the total count: newest received first, or in the order
        they were added. ``size=None`` returns every match. ``code`` matches a substring."""
        query = select(DossierRow)
        if filters.procedure:
            query = query.where(DossierRow.procedure_code == filters.procedure)
        if filters.statuses:
            query = query.where(DossierRow.status.in_(filters.statuses))
        if filters.received_from:
            query = query.where(DossierRow.received_at >= filters.received_from)
        if filters.received_to:
            query = query.where(DossierRow.received_at < filters.received_to)
        if filters.code:
            query = query.where(DossierRow.code.contains(filters.code.strip()))
        if filters.identity_number:
            query = query.where(DossierRow.identity_number == filters.identity_number.strip())
        with self._session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            if newest_first:
                query = query.order_by(DossierRow.received_at.desc(), DossierRow.id.desc())
            else:
                query = query.order_by(DossierRow.id)
            if size is not None:
                query = query.offset(page * size).limit(size)
            return [self._view(session, row) for row in session.scalars(query)], total

    def get(self, code: str, with_extras: bool = False) -> DossierView:
        """The dossier ``code``; ``with_extras`` adds its SMS and rating. Raises NotFound."""
        with self._session() as session:
            row = processing.find_row(session, code)
            view = self._view(session, row)
            if with_extras:
                view.sms = self.sms_outbox(code)
                rating = session.scalar(select(RatingRow).where(RatingRow.dossier_code == code))
                view.rating = None if rating is None else processing.rating_dict(rating)
            return view

    def attachment_file(self, code: str, index: int) -> tuple[dict[str, Any], Path]:
        """Metadata and path of the stored bytes of attachment ``index``. Raises NotFound."""
        view = self.get(code)
        meta = view.files.get(index)
        path = None if meta is None else self.files_dir / meta["sha256"]
        if meta is None or path is None or not path.exists():
            raise NotFound(f"Hồ sơ {code} không có tệp đính kèm số {index}")
        return meta, path

    def sms_outbox(self, code: str | None = None) -> list[dict[str, Any]]:
        query = select(SmsRow).order_by(SmsRow.id)
        if code is not None:
            query = query.where(SmsRow.dossier_code == code)
        with self._session() as session:
            return [processing.sms_dict(row) for row in session.scalars(query)]

    def ratings(self) -> list[dict[str, Any]]:
        with self._session() as session:
            return [
                processing.rating_dict(row)
                for row in session.scalars(select(RatingRow).order_by(RatingRow.id))
            ]

    @staticmethod
    def _view(session: Session, row: DossierRow) -> DossierView:
        files = {
            a.index: {"name": a.name, "media_type": a.media_type, "size": a.size, "sha256": a.sha256}
            for a in session.scalars(select(AttachmentRow).where(AttachmentRow.dossier_id == row.id))
        }
        log = [
            processing.log_dict(entry)
            for entry in session.scalars(
                select(LogRow).where(LogRow.dossier_id == row.id).order_by(LogRow.id)
            )
        ]
        return DossierView(row.code, row.status, json.loads(row.data), row.flaw, row.tricky, files, log)

    # -- changing -------------------------------------------------------------------------------

    def change_status(
        self, code: str, status: int, note: str, receipt_code: str | None, actor: str, base_url: str
    ) -> ChangeResult:
        """Set the status, append a log entry and, when the status really changes, text the citizen.

        A repeated identical request (same status and receipt code; or, without a receipt code, the
        same status, note and actor as the latest entry) writes nothing and reports ``duplicate``.
        """
        with self._write_lock, self._session.begin() as session:
            return processing.change_status(session, code, status, note, receipt_code, actor, base_url)

    def append_log(self, code: str, note: str, receipt_code: str | None, actor: str) -> ChangeResult:
        """Append a log entry (typically carrying a receipt code) without changing the status.
        An entry with the same receipt code and note already there makes this a duplicate."""
        with self._write_lock, self._session.begin() as session:
            return processing.append_log(session, code, note, receipt_code, actor)

    def add_rating(self, code: str, stars: int, comment: str) -> dict[str, Any]:
        """Record the one satisfaction rating a finished dossier may get."""
        with self._write_lock, self._session.begin() as session:
            return processing.add_rating(session, code, stars, comment)
