"""The portal's SQLite store (``dkkd.sqlite``): accounts and submitted applications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from rpa.sandbox.accounts import Account
from rpa.sandbox.dkkd.catalog import folded, name_key
from rpa.sandbox.dkkd.status import LIFECYCLE
from rpa.sandbox.portal_store import ApplicationColumns, PortalStore, vn_now
from rpa.sandbox.registered_names import REGISTERED_NAMES

__all__ = ["SEED_ACCOUNTS", "Store"]

SEED_ACCOUNTS: tuple[dict[str, str], ...] = (
    {
        "username": "motcua.qngai",
        "password": "DangKy@2025",
        "display_name": "Bộ phận Một cửa tỉnh Quảng Ngãi",
        "province_code": "51",
    },
)


class _Base(DeclarativeBase):
    pass


class ApplicationRow(_Base, ApplicationColumns):
    company_name: Mapped[str] = mapped_column(String(300), index=True)


class Store(PortalStore[ApplicationRow]):
    """Thread-safe access to ``dkkd.sqlite`` (see :class:`rpa.sandbox.portal_store.PortalStore`)."""

    def __init__(self, path: Path, now: Callable[[], datetime] = vn_now) -> None:
        super().__init__(
            path,
            rows=ApplicationRow,
            metadata=_Base.metadata,
            lifecycle=LIFECYCLE,
            seed_accounts=SEED_ACCOUNTS,
            now=now,
        )

    def record(self, row: ApplicationRow) -> dict[str, Any]:
        return {
            "receipt": row.receipt,
            "submitted_at": row.submitted_at.isoformat(),
            "status": row.status,
            "status_label": self.lifecycle.labels[row.status],
            "form": dict(row.form),
            "enterprise_code": row.certificate_number,
            "supplement_reason": row.supplement_reason,
            "status_history": list(row.history),
        }

    def moved(self, row: ApplicationRow) -> dict[str, Any]:
        return {"enterprise_code": row.certificate_number}

    def submit(self, account: Account, form: dict[str, Any]) -> dict[str, Any]:
        """Store one application in status "Đã nộp"; its receipt ``HS-yyMM-NNNNNN``."""
        row = ApplicationRow(
            account=account.username,
            identity_number=form["txtChuSoGiayTo"],
            company_name=form["txtTenDoanhNghiep"],
            form=form,
        )
        return self.insert(row, lambda r, now: f"HS-{now:%y%m}-{r.id:06d}")

    def registered_names(self) -> list[str]:
        """Names the name check refuses: the enterprises the portal holds, then every application's."""
        with self._sessions() as db:
            filed = db.scalars(select(ApplicationRow.company_name).order_by(ApplicationRow.id))
            return list(dict.fromkeys([*REGISTERED_NAMES, *filed]))

    def name_taken(self, name: str) -> bool:
        """Whether an enterprise already has this name, or an application was filed with it."""
        key = name_key(name)
        if any(name_key(known) == key for known in REGISTERED_NAMES):
            return True
        with self._sessions() as db:
            return any(name_key(n) == key for n in db.scalars(select(ApplicationRow.company_name)))

    def search(
        self, identity_number: str, name: str, start: date | None, end: date | None, auto_advance_s: float = 0
    ) -> list[dict[str, Any]]:
        """Applications by the owner's identity number and/or a part of the name (accents and case
        ignored), filed from ``start`` to ``end`` inclusive."""
        where = list(self.submitted_between(start, end))
        if identity_number:
            where.append(ApplicationRow.identity_number == identity_number)
        found = self.select(*where, auto_advance_s=auto_advance_s)
        wanted = folded(name)
        return [r for r in found if wanted in folded(r["form"]["txtTenDoanhNghiep"])]
