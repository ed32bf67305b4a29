"""A small valid judicial-record dossier in JSON shape, and helpers to spoil one field of it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from rpa.domain import parse_dossier
from rpa.errors import InvalidDossier, Problem

TODAY = date(2025, 11, 20)
DELETE = "<delete>"  # as a value in dossier(...): remove the key

VALID: dict[str, Any] = {
    "code": "000.00.01.H55-251103-0007",
    "procedure_code": "1.001234",
    "procedure_name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
    "received_at": "2025-11-03T08:30:00+07:00",
    "due_at": "2025-11-17T16:30:00+07:00",
    "status": 2,
    "channel": "online",
    "applicant": {
        "full_name": "Nguyễn Thị Thu Hoà",
        "other_name": None,
        "sex": "female",
        "birth_date": "15/06/1990",
        "birth_place": "Xã Nghĩa Dõng, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi",
        "nationality": "VN",
        "ethnicity": "01",
        "identity": {
            "kind": "cccd",
            "number": "051190001234",  # 051 Quảng Ngãi, 1 = female born 1900-1999, 90 = 1990
            "issue_date": "10/08/2021",
            "issue_place": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        },
        "permanent_address": {
            "street": "Thôn 3",
            "commune": "Xã An Phú",
            "commune_code": "21034",
            "district": None,
            "district_code": None,
            "province": "Tỉnh Quảng Ngãi",
            "province_code": "51",
        },
        "temporary_address": None,
        "phone": "0905123456",
        "email": "hoa.nguyen@example.vn",
    },
    "attachments": [
        {"name": "cccd_mat_truoc.jpg", "media_type": "image/jpeg", "size": 48213, "sha256": "ab" * 32},
    ],
    "payload": {
        "kind": "judicial_record",
        "father": {"full_name": "Nguyễn Văn Tường", "birth_date": "1962"},
        "mother": {"full_name": "Huỳnh Thị Khuê", "birth_date": "02/09/1965"},
        "spouse": None,
        "residence_history": [
            {"from_date": "15/06/2004", "to_date": "31/08/2008", "address": "Xã Nghĩa Dõng, TP Quảng Ngãi",
             "occupation": "Học sinh", "workplace": "Trường THPT Trần Quốc Tuấn"},
            {"from_date": "01/09/2008", "to_date": "30/06/2012", "address": "Phường Hòa Khánh Bắc, Đà Nẵng",
             "occupation": "Sinh viên", "workplace": "Trường Đại học Bách khoa"},
            {"from_date": "01/07/2012", "to_date": None, "address": "Thôn 3, Xã An Phú, Tỉnh Quảng Ngãi",
             "occupation": "Giáo viên", "workplace": "Trường Tiểu học Nghĩa Chánh"},
        ],
        "certificate_type": 1,
        "confirm_court_ban": False,
        "purpose": "Bổ sung hồ sơ xin việc",
        "copies": 2,
        "delivery": {"method": "at_agency", "address": None},
        "authorised_person": None,
    },
}  # fmt: skip


def edit(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, with ``DELETE``, remove) the value at a dotted path; digits index lists."""
    *head, last = path.split(".")
    target: Any = data
    for part in head:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value == DELETE:
        del target[key]
    else:
        target[key] = value


@pytest.fixture
def dossier() -> Callable[..., dict[str, Any]]:
    """``dossier()`` is a fresh valid dossier; ``dossier(**{"a.b": v})`` changes fields by path."""

    def make(changes: dict[str, Any] | None = None, /, **kw: Any) -> dict[str, Any]:
        data = copy.deepcopy(VALID)
        for path, value in {**(changes or {}), **kw}.items():
            edit(data, path, value)
        return data

    return make


def _problems_of(data: dict[str, Any], today: date = TODAY) -> list[Problem]:
    try:
        parse_dossier(data, today=today)
    except InvalidDossier as exc:
        return exc.problems
    return []


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def problems() -> Callable[..., list[Problem]]:
    """``problems(data)``: every problem ``parse_dossier`` reports on TODAY (empty when valid)."""
    return _problems_of


@pytest.fixture
def only_problem() -> Callable[[dict[str, Any], str], Problem]:
    """``only_problem(data, field)``: the single problem reported, checked to be about ``field``."""

    def single(data: dict[str, Any], field: str) -> Problem:
        found = _problems_of(data)
        assert [p.field for p in found] == [field], [f"{p.field}: {p}" for p in found]
        return found[0]

    return single
