"""The portal's SQLite store (``vantai.sqlite``): accounts and badge applications.

Each vehicle of an issued application gets its own badge number (``76-PH-NNNNNN``, one register for
the whole portal), so the issue step is the store's own rather than the shared one-number lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from rpa.sandbox.accounts import Account
from rpa.sandbox.portal_store import ApplicationColumns, PortalStore, vn_now
from rpa.sandbox.transport_businesses import KIND_LABELS
from rpa.sandbox.vantai.status import ISSUED, LIFECYCLE, badge_number

__all__ = ["PAGE_SIZE", "SEED_ACCOUNTS", "ApplicationRow", "Store"]

PAGE_SIZE = 20
SEED_ACCOUNTS: tuple[dict[str, str], ...] = (
    {
        "username": "sxd.qngai",
        "password": "VanTai@2025",
        "display_name": "Bộ phận Một cửa tỉnh Quảng Ngãi",
        "province_code": "51",
    },
)


class _Base(DeclarativeBase):
    pass


class ApplicationRow(_Base, ApplicationColumns):
    """``identity_number`` holds the business's licence number (what the look-up keys on)."""

    tax_code: Mapped[str] = mapped_column(String(20), index=True)
    badges: Mapped[list[dict[str, str]] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class Store(PortalStore[ApplicationRow]):
    """Thread-safe access to ``vantai.sqlite`` (see :class:`rpa.sandbox.portal_store.PortalStore`)."""

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
            "supplement_reason": row.supplement_reason,
            "status_history": list(row.history),
            "badges": list(row.badges or []),
        }

    def moved(self, row: ApplicationRow) -> dict[str, Any]:
        return {"badges": list(row.badges or [])}

    def _move(self, db: Session, row: ApplicationRow, target: str, at: datetime, note: str | None) -> None:
        if target != ISSUED:
            super()._move(db, row, target, at, note)
            return
        issued = db.scalars(select(ApplicationRow.badges).where(ApplicationRow.badges.is_not(None)))
        taken = sum(len(badges or []) for badges in issued)
        plates = [v["bien_so"] for v in row.form.get("phuong_tien", [])]
        row.badges = [
            {"bien_so": p, "so_phu_hieu": badge_number(at, taken + i)} for i, p in enumerate(plates)
        ]
        row.certificate_number = row.badges[0]["so_phu_hieu"] if row.badges else None
        row.status, row.status_changed_at = target, at
        listed = "; ".join(f"{b['bien_so']}: {b['so_phu_hieu']}" for b in row.badges)
        row.history = [*row.history, self.lifecycle.entry(target, at, f"Số phù hiệu: {listed}")]

    def submit(self, account: Account, form: dict[str, Any]) -> dict[str, Any]:
        """Store one application in status "Đã tiếp nhận"; its receipt ``VT-yyMM-NNNNNN``."""
        row = ApplicationRow(
            account=account.username,
            identity_number=form["so_giay_phep"],
            tax_code=form["ma_so_thue"],
            form=form,
        )
        return self.insert(row, lambda r, now: f"VT-{now:%y%m}-{r.id:06d}")

    def page(self, account: str, number: int, auto_advance_s: float = 0) -> tuple[list[dict[str, Any]], int]:
        """One page (from 1) of an account's applications, newest first, and how many it has in all."""
        self.auto_advance(auto_advance_s)
        mine = ApplicationRow.account == account
        query = select(ApplicationRow).where(mine).order_by(ApplicationRow.id.desc())
        with self._sessions() as db:
            total = db.scalar(select(func.count()).where(mine)) or 0
            rows = db.scalars(query.offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE))
            return [summary(self.record(row)) for row in rows], total

    def own(self, receipt: str, account: str, auto_advance_s: float = 0) -> dict[str, Any] | None:
        """One of the account's applications, or None (another account's reads as missing)."""
        mine = ApplicationRow.account == account
        found = self.select(ApplicationRow.receipt == receipt, mine, auto_advance_s=auto_advance_s)
        return found[0] if found else None

    def search(
        self,
        licence: str,
        tax_code: str,
        plate: str,
        start: date | None,
        end: date | None,
        auto_advance_s: float = 0,
    ) -> list[dict[str, Any]]:
        """Every account's applications by licence number, tax code and/or a vehicle's plate, filed
        from ``start`` to ``end`` inclusive, newest first."""
        where = list(self.submitted_between(start, end))
        if licence:
            where.append(ApplicationRow.identity_number == licence)
        if tax_code:
            where.append(ApplicationRow.tax_code == tax_code)
        found = self.select(*where, auto_advance_s=auto_advance_s)
        if plate:
            found = [r for r in found if any(v["bien_so"] == plate for v in r["form"]["phuong_tien"])]
        return [summary(r) for r in reversed(found)]


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """One row of the application list and of the look-up's results."""
    form = record["form"]
    return {
        "receipt": record["receipt"],
        "submitted_at": record["submitted_at"],
        "so_giay_phep": form["so_giay_phep"],
        "ten_doanh_nghiep": form["ten_doanh_nghiep"],
        "loai_phu_hieu": form["loai_phu_hieu"],
        "loai_phu_hieu_label": KIND_LABELS[form["loai_phu_hieu"]],
        "so_xe": len(form["phuong_tien"]),
        "status": record["status"],
        "status_label": record["status_label"],
    }
