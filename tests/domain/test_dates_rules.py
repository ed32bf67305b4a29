"""Dates: dd/MM/yyyy, year-only births, impossible and future dates, dossier deadlines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from rpa.domain import BirthDate, parse_dossier
from rpa.errors import Problem

Make = Callable[..., dict[str, Any]]
Problems = Callable[..., list[Problem]]
Only = Callable[[dict[str, Any], str], Problem]


def test_year_only_birth_is_accepted(dossier: Make, today: date) -> None:
    data = dossier({"applicant.birth_date": "1990", "payload.residence_history.0.from_date": "01/01/2004"})
    parsed = parse_dossier(data, today=today)
    assert parsed.applicant.birth_date == BirthDate(1990)
    assert parsed.model_dump(mode="json")["applicant"]["birth_date"] == "1990"


@pytest.mark.parametrize(
    "day", ["31/02/1990", "29/02/1991", "31/04/1990", "00/01/1990", "15/13/1990", "15-06-1990"]
)
def test_impossible_birth_dates(dossier: Make, only_problem: Only, day: str) -> None:
    problem = only_problem(dossier({"applicant.birth_date": day}), "applicant.birth_date")
    assert problem.message == f"ngày {day} không tồn tại hoặc sai dạng dd/MM/yyyy"


def test_29_february_of_a_leap_year(dossier: Make, problems: Problems) -> None:
    data = dossier({"applicant.birth_date": "29/02/1992", "applicant.identity.number": "051192001234",
                    "payload.residence_history.0.from_date": "01/03/2006"})  # fmt: skip
    assert problems(data) == []  # turns 14 on 01/03/2006 in a common year


def test_birth_year_before_1900(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({"applicant.birth_date": "1890"}), "applicant.birth_date")
    assert problem.message == "năm 1890 không hợp lý (trước 1900)"


def test_future_birth_date(dossier: Make, problems: Problems) -> None:
    found = {p.field: p.message for p in problems(dossier({"payload.mother.birth_date": "2026"}))}
    assert found == {"payload.mother.birth_date": "không được sau ngày hôm nay (20/11/2025)"}


def test_future_issue_date(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(
        dossier({"applicant.identity.issue_date": "21/11/2025"}), "applicant.identity.issue_date"
    )
    assert str(problem) == "Ngày cấp giấy tờ tùy thân: không được sau ngày hôm nay (20/11/2025)"


def test_issue_date_on_today_is_fine(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({"applicant.identity.issue_date": "20/11/2025"})) == []


def test_issue_date_before_birth(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(
        dossier({"applicant.identity.issue_date": "01/01/1989"}), "applicant.identity.issue_date"
    )
    assert problem.message == "không được trước ngày sinh (15/06/1990)"


def test_received_in_the_future(dossier: Make, only_problem: Only) -> None:
    data = dossier({"received_at": "2025-11-21T08:00:00+07:00", "due_at": "2025-12-05T08:00:00+07:00"})
    assert only_problem(data, "received_at").message == "không được sau ngày hôm nay (20/11/2025)"


def test_due_date_must_follow_receipt(dossier: Make, only_problem: Only) -> None:
    data = dossier({"due_at": "2025-11-01T08:00:00+07:00"})
    assert only_problem(data, "due_at").message == "phải sau thời điểm tiếp nhận (03/11/2025 08:30)"


def test_bad_datetime(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({"due_at": "17/11/2025"}), "due_at")
    assert problem.message.startswith("phải là thời điểm dạng ISO 8601")


def test_today_defaults_to_the_real_day(dossier: Make) -> None:
    assert parse_dossier(dossier()).code == "000.00.01.H55-251103-0007"
