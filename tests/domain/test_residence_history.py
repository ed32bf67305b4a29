"""Section C: residence history from age 14 to the day the dossier was declared."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from flows.judicial_record.model import ResidencePeriod, residence_coverage
from rpa.errors import Problem

Make = Callable[..., dict[str, Any]]
Problems = Callable[..., list[Problem]]
HISTORY = "payload.residence_history"


def rows(*spans: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"from_date": a, "to_date": b, "address": f"Thôn {i}, Xã Nghĩa Dõng, Tỉnh Quảng Ngãi"}
            for i, (a, b) in enumerate(spans, start=1)]  # fmt: skip


def messages(problems: Problems, data: dict[str, Any]) -> list[str]:
    return [str(p) for p in problems(data)]


def test_contiguous_history_is_fine(dossier: Make, problems: Problems) -> None:
    assert problems(dossier()) == []


def test_same_day_handover_is_tolerated(dossier: Make, problems: Problems) -> None:
    data = dossier({HISTORY: rows(("15/06/2004", "01/09/2010"), ("01/09/2010", None))})
    assert problems(data) == []


def test_rows_in_any_order(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({HISTORY: rows(("01/09/2010", None), ("15/06/2004", "31/08/2010"))})) == []


def test_gap(dossier: Make, problems: Problems) -> None:
    data = dossier({HISTORY: rows(("15/06/2004", "28/02/2010"), ("01/06/2010", None))})
    assert messages(problems, data) == ["Quá trình cư trú: khoảng trống từ 01/03/2010 đến 31/05/2010"]


def test_overlap(dossier: Make, problems: Problems) -> None:
    data = dossier({HISTORY: rows(("15/06/2004", "30/06/2010"), ("01/05/2010", None))})
    assert messages(problems, data) == ["Quá trình cư trú: trùng thời gian từ 01/05/2010 đến 30/06/2010"]


def test_row_nested_in_a_longer_one_overlaps(dossier: Make, problems: Problems) -> None:
    data = dossier(
        {HISTORY: rows(("15/06/2004", "31/12/2015"), ("01/01/2008", "31/12/2009"), ("01/01/2016", None))}
    )
    assert messages(problems, data) == ["Quá trình cư trú: trùng thời gian từ 01/01/2008 đến 31/12/2009"]


def test_must_start_by_the_14th_birthday(dossier: Make, problems: Problems) -> None:
    data = dossier({HISTORY: rows(("01/09/2008", None))})
    assert messages(problems, data) == [
        "Quá trình cư trú: chưa khai từ khi đủ 14 tuổi: khoảng trống từ 15/06/2004 đến 31/08/2008"
    ]


def test_starting_earlier_is_fine(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({HISTORY: rows(("15/06/1990", None))})) == []


def test_year_only_birth_starts_on_1_january(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({"applicant.birth_date": "1990", HISTORY: rows(("01/01/2004", None))})) == []
    late = dossier({"applicant.birth_date": "1990", HISTORY: rows(("02/01/2004", None))})
    assert messages(problems, late) == [
        "Quá trình cư trú: chưa khai từ khi đủ 14 tuổi: khoảng trống từ 01/01/2004 đến 01/01/2004"
    ]


def test_only_the_last_row_is_open_ended(dossier: Make, problems: Problems) -> None:
    data = dossier({HISTORY: rows(("15/06/2004", None), ("01/01/2010", None))})
    found = {p.field: p.message for p in problems(data)}
    assert (
        found["payload.residence_history.0.to_date"]
        == "chỉ dòng cuối cùng được để trống “đến ngày” (đến nay)"
    )


def test_closed_last_row_must_reach_the_receipt(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({HISTORY: rows(("15/06/2004", "03/11/2025"))})) == []
    data = dossier({HISTORY: rows(("15/06/2004", "31/10/2025"))})
    assert messages(problems, data) == [
        "Quá trình cư trú: khoảng trống từ 01/11/2025 đến nay; dòng cuối phải để trống “đến ngày” "
        "hoặc kéo dài đến ngày tiếp nhận hồ sơ"
    ]


def test_row_ending_before_it_starts(dossier: Make, problems: Problems) -> None:
    data = dossier(
        {HISTORY: rows(("15/06/2004", "31/08/2010"), ("01/09/2012", "01/09/2010"), ("01/09/2010", None))}
    )
    found = {p.field: str(p) for p in problems(data)}
    assert found == {
        "payload.residence_history.1.to_date": "Quá trình cư trú, dòng 2 – đến ngày: "
        "đến ngày 01/09/2010 trước từ ngày 01/09/2012"
    }


def test_future_residence_dates(dossier: Make, problems: Problems) -> None:
    data = dossier({HISTORY: rows(("15/06/2004", "30/11/2025"), ("01/12/2025", None))})
    fields = [p.field for p in problems(data)]
    assert fields == ["payload.residence_history.0.to_date", "payload.residence_history.1.from_date"]


def test_empty_history(dossier: Make, problems: Problems) -> None:
    assert messages(problems, dossier({HISTORY: []})) == [
        "Quá trình cư trú: chưa khai; phải khai từ khi đủ 14 tuổi (15/06/2004) đến nay"
    ]


def test_a_bad_row_does_not_hide_other_problems(dossier: Make, problems: Problems) -> None:
    data = dossier({"payload.residence_history.1.from_date": "31/02/2009", "applicant.phone": "12"})
    assert {p.field for p in problems(data)} == {"payload.residence_history.1.from_date", "applicant.phone"}


def test_residence_rules_run_when_another_section_failed(dossier: Make, problems: Problems) -> None:
    data = dossier(
        {"applicant.full_name": None, HISTORY: rows(("15/06/2004", "28/02/2010"), ("01/06/2010", None))}
    )
    assert {p.field for p in problems(data)} == {"applicant.full_name", HISTORY}


@pytest.mark.parametrize(("start", "issues"), [(date(2004, 6, 15), []), (None, [])])
def test_coverage_function_directly(start: date | None, issues: list[Any]) -> None:
    periods = [ResidencePeriod(from_date=date(2004, 6, 15), address="Xã An Phú")]
    assert residence_coverage(periods, start, date(2025, 11, 3)) == issues


def test_under_14_needs_no_history() -> None:
    assert residence_coverage([], date(2030, 1, 1), date(2025, 11, 3)) == []
