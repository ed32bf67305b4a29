"""The supervisor's list of transfers: filters read from the query string (validated, with Vietnamese
messages), one SQL query for a page, the same query for the Excel export.

Dates are Vietnam calendar days of the transfer's creation (when the dossier was queued). Ordering is
newest first by creation, then by id, so pages never shuffle while the bots work (``updated_at`` moves
on every step; ``created_at`` and ``id`` never do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from rpa.ledger import Transfer, TransferState
from rpa.ledger.models import EventRow, TransferRow
from rpa.ledger.states import clerk
from rpa.procedures import all_procedures
from rpa.report.data import day_bounds

__all__ = ["PAGE_SIZE", "TransferFilter", "count_transfers", "find_transfers", "parse_day", "parse_filter"]

PAGE_SIZE = 50
EXPORT_LIMIT = 20_000
"""An export is one file a person opens: beyond this many rows, narrow the filter."""


@dataclass(frozen=True, slots=True)
class TransferFilter:
    start: date | None = None
    end: date | None = None
    flow: str | None = None
    state: TransferState | None = None
    clerk: str | None = None
    page: int = 1

    def query_string(self, page: int | None = None) -> str:
        """The filter as a query string (dates as dd/mm/yyyy, as a person types them)."""
        values: dict[str, Any] = {
            "tu": f"{self.start:%d/%m/%Y}" if self.start else "",
            "den": f"{self.end:%d/%m/%Y}" if self.end else "",
            "thu_tuc": self.flow or "",
            "trang_thai": self.state.value if self.state else "",
            "can_bo": self.clerk or "",
        }
        if page is not None:
            values["trang"] = page
        return urlencode({k: v for k, v in values.items() if v != ""})


def parse_day(text: str, what: str) -> tuple[date | None, str | None]:
    """A day typed as dd/mm/yyyy or sent by a date input (yyyy-mm-dd); else a message naming ``what``."""
    text = text.strip()
    if not text:
        return None, None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date(), None
        except ValueError:
            continue
    return None, f"{what} không hợp lệ: «{text}». Hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/12/2026."


def parse_filter(params: Mapping[str, str]) -> tuple[TransferFilter, list[str]]:
    """The filter the query string asks for, and what is wrong with it (an empty list when nothing is)."""
    errors: list[str] = []
    start, problem = parse_day(params.get("tu", ""), "Ngày bắt đầu")
    errors += [problem] if problem else []
    end, problem = parse_day(params.get("den", ""), "Ngày kết thúc")
    errors += [problem] if problem else []
    if start and end and start > end:
        errors.append("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.")
    flow = params.get("thu_tuc", "").strip() or None
    if flow is not None and flow not in {p.name for p in all_procedures()}:
        errors.append("Thủ tục không có trong danh sách.")
        flow = None
    state_text = params.get("trang_thai", "").strip()
    state = None
    if state_text:
        try:
            state = TransferState(state_text)
        except ValueError:
            errors.append("Trạng thái không có trong danh sách.")
    clerk_name = params.get("can_bo", "").strip() or None
    if clerk_name is not None and len(clerk_name) > 64:
        errors.append("Tên cán bộ quá dài.")
        clerk_name = None
    page_text = params.get("trang", "1").strip() or "1"
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 1_000_000 else 1
    return TransferFilter(start, end, flow, state, clerk_name, page), errors


def _where(query: Select[Any], chosen: TransferFilter) -> Select[Any]:
    if chosen.start is not None:
        query = query.where(TransferRow.created_at >= day_bounds(chosen.start)[0])
    if chosen.end is not None:
        query = query.where(TransferRow.created_at < day_bounds(chosen.end)[1])
    if chosen.flow is not None:
        query = query.where(TransferRow.flow == chosen.flow)
    if chosen.state is not None:
        query = query.where(TransferRow.state == chosen.state.value)
    if chosen.clerk is not None:
        # the clerk who pushed it from the console, or any clerk who moved it (retry, settle, approve)
        acted = select(EventRow.transfer_id).where(EventRow.actor == clerk(chosen.clerk))
        query = query.where(or_(TransferRow.requested_by == chosen.clerk, TransferRow.id.in_(acted)))
    return query


def count_transfers(engine: Engine, chosen: TransferFilter) -> int:
    with Session(engine) as session:
        return int(session.scalar(_where(select(func.count(TransferRow.id)), chosen)) or 0)


def find_transfers(
    engine: Engine, chosen: TransferFilter, *, page_size: int = PAGE_SIZE, everything: bool = False
) -> list[Transfer]:
    """One page of the filtered list (``everything``: up to :data:`EXPORT_LIMIT` rows, for the export)."""
    query = _where(select(TransferRow), chosen).order_by(TransferRow.created_at.desc(), TransferRow.id.desc())
    if everything:
        query = query.limit(EXPORT_LIMIT)
    else:
        query = query.limit(page_size).offset((chosen.page - 1) * page_size)
    with Session(engine) as session:
        return [Transfer.from_row(row) for row in session.scalars(query)]
