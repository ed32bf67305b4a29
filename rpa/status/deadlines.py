"""Legal deadlines of ministry applications, counted in Vietnamese working days.

Each procedure says how many working days its ministry has (``Procedure.deadline_days``). Working
days are Monday to Friday minus public holidays; days spent waiting for a supplement do not count,
so the due date moves on by the working days the application spent there (:func:`extend_for_pause`).

Every function takes ``holidays``: the configured ``Settings.holidays`` when the province keeps its
own list, or ``None`` for the built-in table :data:`HOLIDAYS`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Final

from loguru import logger

from rpa.clock import VN

__all__ = [
    "HOLIDAYS",
    "add_working_days",
    "due_date",
    "extend_for_pause",
    "is_overdue",
    "is_working_day",
    "vn_today",
    "working_days_between",
]


_HOLIDAY_TABLE: Final[dict[int, tuple[str, ...]]] = {
    # Weekdays off only (a holiday on a weekend shows as its compensatory weekday). The government's
    # yearly notices also swap a working day with a Saturday now and then (2/5/2025 off, Saturday
    # 26/4/2025 worked); a working Saturday cannot be expressed as a day off, so swaps are left out.
    2025: (
        "2025-01-01",  # Tết Dương lịch
        "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",  # Tết Ất Tỵ
        "2025-04-07",  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
        "2025-04-30", "2025-05-01",
        "2025-09-01", "2025-09-02",  # Quốc khánh and the day before
    ),
    2026: (
        "2026-01-01",
        "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",  # Tết Bính Ngọ
        "2026-04-27",  # Hùng Vương falls on Sunday 26/4: compensatory Monday
        "2026-04-30", "2026-05-01",
        "2026-09-01", "2026-09-02",
    ),
    2027: (
        # Not announced yet when written: Labour Code rules (5 Tết days around 6/2/2027, two of them
        # on a weekend and compensated; 1/5 on Saturday compensated on Monday). Check the notice.
        "2027-01-01",
        "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",  # Tết Đinh Mùi
        "2027-04-16",
        "2027-04-30", "2027-05-03",
        "2027-09-02", "2027-09-03",
    ),
}  # fmt: skip

HOLIDAYS: Final[frozenset[date]] = frozenset(
    date.fromisoformat(day) for days in _HOLIDAY_TABLE.values() for day in days
)
"""Public holidays on weekdays, 2025-2027; used when ``Settings.holidays`` is not set."""
KNOWN_YEARS: Final = frozenset(_HOLIDAY_TABLE)


def _days_off(holidays: Collection[date] | None) -> Collection[date]:
    return HOLIDAYS if holidays is None else holidays


def vn_today() -> date:
    return datetime.now(VN).date()


def is_working_day(day: date, holidays: Collection[date] | None = None) -> bool:
    return day.weekday() < 5 and day not in _days_off(holidays)


def add_working_days(start: date, days: int, holidays: Collection[date] | None = None) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts; 0 gives ``start``)."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    off = _days_off(holidays)
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, off):
            days -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    off = _days_off(holidays)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, off)
    return count


def due_date(submitted_at: datetime, days: int, holidays: Collection[date] | None = None) -> date:
    """The last day the ministry may take: ``days`` working days after the day of submission.

    The submission day does not count, whatever its hour, as one-stop centres count it.
    """
    start = submitted_at.astimezone(VN).date() if submitted_at.tzinfo else submitted_at.date()
    due = add_working_days(start, days, holidays)
    if holidays is None and not {start.year, due.year} <= KNOWN_YEARS:
        logger.warning(
            "no public holidays known for {}-{}: weekends only; set `holidays` in the configuration",
            start.year,
            due.year,
        )
    return due


def extend_for_pause(
    due_on: date, paused_on: date, resumed_on: date, holidays: Collection[date] | None = None
) -> date:
    """``due_on`` moved on by the working days spent waiting for a supplement (they do not count)."""
    return add_working_days(due_on, working_days_between(paused_on, resumed_on, holidays), holidays)


def is_overdue(due_on: date, today: date | None = None) -> bool:
    """Whether the due day has passed (the due day itself is still on time)."""
    return (today or vn_today()) > due_on


def clock_running(national_status: int | None) -> bool:
    """Whether the legal clock runs: while the ministry processes (4, or nothing read back yet).

    It stops while the citizen owes a supplement (5) and once the ministry is done (9, 10), so a
    dossier in those statuses is never overdue, whatever its due date.
    """
    return national_status in (None, 4)
