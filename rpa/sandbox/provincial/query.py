"""Parsing the search parameters shared by the web list, the Excel export and the JSON API."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rpa.sandbox.provincial.views import SearchFilters, StoreError, to_local

__all__ = ["parse_day", "parse_since", "parse_statuses", "web_filters"]


def parse_day(text: str | None, name: str) -> date | None:
    """``dd/MM/yyyy`` or ``yyyy-MM-dd`` (what a date input sends); empty means none."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        if "/" in value:
            day, month, year = (int(part) for part in value.split("/"))
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise StoreError(f"Tham số {name} không hợp lệ: '{value}' không phải ngày dd/MM/yyyy") from None


def parse_since(text: str | None, name: str = "received-since") -> datetime | None:
    """A day (from its midnight) or an ISO date-time, as naive Vietnam local time."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if "T" in value or " " in value:
        local = to_local(value)
        if local is None:
            raise StoreError(f"Tham số {name} không hợp lệ: '{value}' không phải thời điểm ISO 8601")
        return local
    day = parse_day(value, name)
    return None if day is None else datetime.combine(day, datetime.min.time())


def parse_statuses(text: str | None, name: str = "status") -> tuple[int, ...]:
    """``"4"`` or ``"2,4"``; each a status code 1-10."""
    if text is None or not text.strip():
        return ()
    codes: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or not 1 <= int(part) <= 10:
            raise StoreError(f"Tham số {name} không hợp lệ: '{part}' không phải mã trạng thái từ 1 đến 10")
        codes.append(int(part))
    return tuple(codes)


def web_filters(
    procedure: str | None, status: str | None, date_from: str | None, date_to: str | None
) -> SearchFilters:
    """Filters of the web list and Excel export: received date from/to are whole days, inclusive."""
    first = parse_day(date_from, "từ ngày")
    last = parse_day(date_to, "đến ngày")
    return SearchFilters(
        procedure=procedure or None,
        statuses=parse_statuses(status, "trạng thái"),
        received_from=None if first is None else datetime.combine(first, datetime.min.time()),
        received_to=None if last is None else datetime.combine(last + timedelta(days=1), datetime.min.time()),
    )
