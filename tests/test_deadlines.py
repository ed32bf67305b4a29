"""Working days, due dates and the 10/15-day rule of judicial-record applications."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows.judicial_record.deadline import deadline_days
from flows.judicial_record.form import FormAddress, JudicialRecordForm, ResidenceRow
from rpa.status.deadlines import (
    HOLIDAYS,
    add_working_days,
    due_date,
    extend_for_pause,
    is_overdue,
    is_working_day,
    working_days_between,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOME = "Thôn 8, Xã Sơn Giang, Huyện Sơn Hà, Tỉnh Quảng Ngãi"


def test_the_table_holds_only_weekdays_of_every_year_and_each_kind_of_holiday() -> None:
    assert all(day.weekday() < 5 for day in HOLIDAYS)
    for year in (2025, 2026, 2027):
        days = sorted(d for d in HOLIDAYS if d.year == year)
        assert days[0] == date(year, 1, 1) or date(year, 1, 1).weekday() >= 5
        assert sum(d.month in (1, 2) for d in days) == 6, f"{year}: 1/1 and five Tết days"
        assert sum(d.month == 9 for d in days) + sum(d == date(year, 8, 31) for d in days) == 2
    assert {date(2025, 4, 7), date(2026, 4, 27), date(2027, 4, 16)} <= HOLIDAYS  # Hùng Vương
    assert date(2026, 4, 26) not in HOLIDAYS  # a Sunday: its compensatory Monday is in the table


def test_working_days_skip_weekends_and_holidays() -> None:
    assert is_working_day(date(2025, 12, 1))  # Monday
    assert not is_working_day(date(2025, 12, 6))  # Saturday
    assert not is_working_day(date(2025, 9, 2))  # Quốc khánh
    assert add_working_days(date(2025, 12, 1), 10) == date(2025, 12, 15)
    assert add_working_days(date(2025, 12, 5), 1) == date(2025, 12, 8)  # Friday → Monday
    assert add_working_days(date(2025, 12, 6), 1) == date(2025, 12, 8)  # Saturday → Monday
    assert add_working_days(date(2025, 12, 1), 0) == date(2025, 12, 1)
    # Tết Bính Ngọ: Friday 13/2/2026 + 1 skips the weekend and 16-20/2.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    # 30/4 and 1/5/2025 (Wednesday, Thursday): Tuesday 29/4 + 2 = Friday 2/5 + Monday 5/5.
    assert add_working_days(date(2025, 4, 29), 2) == date(2025, 5, 5)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 12, 1), -1)


def test_a_configured_holiday_list_replaces_the_table() -> None:
    own = [date(2025, 12, 2)]
    assert add_working_days(date(2025, 12, 1), 1, own) == date(2025, 12, 3)
    assert add_working_days(date(2025, 9, 1), 1, own) == date(2025, 9, 2)  # 2/9 not in the province's list
    assert add_working_days(date(2025, 9, 1), 1, []) == date(2025, 9, 2)  # weekends only


def test_working_days_between_counts_after_the_start_up_to_the_end() -> None:
    assert working_days_between(date(2025, 12, 1), date(2025, 12, 1)) == 0
    assert working_days_between(date(2025, 12, 1), date(2025, 12, 3)) == 2
    assert working_days_between(date(2025, 12, 5), date(2025, 12, 8)) == 1
    assert working_days_between(date(2025, 12, 8), date(2025, 12, 5)) == 0
    for days in range(0, 30):
        start = date(2026, 1, 30)
        assert working_days_between(start, add_working_days(start, days)) == days


def test_due_date_counts_from_the_day_after_submission_in_vietnam_time() -> None:
    # 17:30 UTC on Sunday 30/11 is 00:30 on Monday 1/12 in Hà Nội: counting starts on Tuesday.
    late_sunday_utc = datetime(2025, 11, 30, 17, 30, tzinfo=UTC)
    assert due_date(late_sunday_utc, 10) == date(2025, 12, 15)
    monday_evening = datetime(2025, 12, 1, 20, 15, tzinfo=VN)
    assert due_date(monday_evening, 10) == date(2025, 12, 15)
    assert due_date(monday_evening, 15) == date(2025, 12, 22)
    # Submitted before Tết 2026: the five Tết days do not count.
    assert due_date(datetime(2026, 2, 10, 9, 0, tzinfo=VN), 10) == date(2026, 3, 3)


def test_a_supplement_pause_moves_the_due_date_by_the_working_days_it_took() -> None:
    due = date(2025, 12, 15)
    assert extend_for_pause(due, date(2025, 12, 3), date(2025, 12, 3)) == due  # back the same day
    assert extend_for_pause(due, date(2025, 12, 3), date(2025, 12, 5)) == date(2025, 12, 17)
    assert extend_for_pause(due, date(2025, 12, 5), date(2025, 12, 8)) == date(2025, 12, 16)  # weekend free
    assert extend_for_pause(due, date(2025, 12, 5), date(2025, 12, 8), [date(2025, 12, 8)]) == due


def test_overdue_only_after_the_due_day() -> None:
    due = date(2025, 12, 15)
    assert not is_overdue(due, date(2025, 12, 15))
    assert is_overdue(due, date(2025, 12, 16))
    assert not is_overdue(due, due - timedelta(days=3))


def _form(residences: list[str], nationality: str = "VN") -> JudicialRecordForm:
    rows: list[dict[str, Any]] = [
        {"fromDateStr": f"01/01/{2000 + i}", "toDateStr": f"31/12/{2000 + i}", "address": address}
        for i, address in enumerate(residences)
    ]
    return JudicialRecordForm(
        fullName="NGUYỄN VĂN ÁNH",
        genderId="1",
        birthDateStr="01/01/1986",
        birthPlace="Quảng Ngãi",
        nationalityId=nationality,
        idTypeId="1",
        idNumber="051086000123",
        permanentAddress=FormAddress(legacy=False, provinceId="51", wardId="21574"),
        motherName="TRẦN THỊ HUỆ",
        residences=[ResidenceRow(**row) for row in rows],
        formType=1,
        isBanPosition=False,
        purpose="Xin việc làm",
        copies=1,
        deliveryMethod="at_agency",
        hasAuthorised=False,
    )


@pytest.mark.parametrize(
    ("residences", "nationality", "days"),
    [
        ([HOME], "VN", 10),
        ([HOME, "Thôn 8, Xã Sơn Linh, Tỉnh Quảng Ngãi"], "VN", 10),  # same province, old and new units
        (["Thôn 9, Xã Đăk Long, Huyện Đắk Glei, Tỉnh Kon Tum", "Thôn 9, Xã Đăk Long, Quảng Ngãi"], "VN", 10),
        ([HOME, "12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh"], "VN", 15),
        ([HOME, "Thôn 5, Xã Xuân Đình, Huyện Phúc Thọ, Thành phố Hà Nội, Việt Nam"], "VN", 15),
        ([HOME, "Shinjuku, Tokyo, Nhật Bản"], "VN", 15),  # abroad
        ([HOME], "KR", 15),  # a foreigner
    ],
)
def test_deadline_days(residences: list[str], nationality: str, days: int) -> None:
    assert deadline_days(_form(residences, nationality)) == days
