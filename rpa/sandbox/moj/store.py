"""The portal's SQLite store: accounts and submitted applications (SQLAlchemy 2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from rpa.sandbox.accounts import Account
from rpa.sandbox.moj.status import LIFECYCLE
from rpa.sandbox.portal_store import AdvanceError, ApplicationColumns, PortalStore, vn_now

__all__ = ["SEED_ACCOUNTS", "AdvanceError", "Store", "vn_now"]

SEED_ACCOUNTS: tuple[dict[str, str], ...] = (
    {
        "username": "canbo.qngai",
        "password": "MatKhau@2025",
        "display_name": "Cán bộ Bộ phận Một cửa tỉnh Quảng Ngãi",
        "province_code": "51",
    },
)


class _Base(DeclarativeBase):
    pass


class ApplicationRow(_Base, ApplicationColumns):
    full_name: Mapped[str] = mapped_column(String(200))
    ui_version: Mapped[int] = mapped_column(Integer)


class Store(PortalStore[ApplicationRow]):
    """Thread-safe access to ``moj-lltp.sqlite`` (see :class:`rpa.sandbox.portal_store.PortalStore`)."""

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
            "account": row.account,
            "submittedAt": row.submitted_at.isoformat(),
            "uiVersion": row.ui_version,
            "status": row.status,
            "statusLabel": self.lifecycle.labels[row.status],
            "certificateNumber": row.certificate_number,
            "supplementReason": row.supplement_reason,
            "statusHistory": list(row.history),
            "form": dict(row.form),
        }

    def submit(self, account: Account, form: dict[str, Any], ui_version: int) -> dict[str, Any]:
        """Store one application; duplicates are accepted, as on the real portal."""
        row = ApplicationRow(
            account=account.username,
            identity_number=form["idNumber"],
            full_name=form["fullName"],
            ui_version=ui_version,
            form=form,
        )
        return self.insert(row, lambda r, now: f"{account.province_code}-LLTP-{now:%y%m}-{r.id:06d}")

    def search(
        self, identity_number: str, start: date | None, end: date | None, auto_advance_s: float = 0
    ) -> list[dict[str, Any]]:
        where = [ApplicationRow.identity_number == identity_number, *self.submitted_between(start, end)]
        return self.select(*where, auto_advance_s=auto_advance_s)
