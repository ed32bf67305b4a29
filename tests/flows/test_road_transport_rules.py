"""The badge payload: each flaw gives its Vietnamese problem at its path, every problem at once (even
when the payload does not validate), the age limits come from the configuration, and awkward payloads
(a leased vehicle with its lease, a 4-digit serial, a two-letter series, an 82 licence, a truck) pass."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from flows.road_transport import limits
from flows.road_transport.model import RoadTransportRequest
from flows.road_transport.rules import payload_problems
from rpa.errors import ConfigError, Problem

TODAY = date(2026, 12, 4)
VEHICLE: dict[str, Any] = {
    "plate": "76B-123.45", "make": "THACO", "seats": 29, "payload_kg": None, "year": 2019,
    "ownership": "owned", "registration_number": "012345", "registration_scan": "dang_ky_76B12345.pdf",
    "lease_file": None, "lease_end": None,
}  # fmt: skip
PAYLOAD: dict[str, Any] = {
    "kind": "road_transport",
    "business": {"licence_number": "76-002233", "licence_expiry": "14/05/2029",
                 "name": "CÔNG TY TNHH VẬN TẢI SA HUỲNH", "tax_code": "4344232327"},
    "badge_kind": "contract",
    "valid_until": "31/12/2027",
    "vehicles": [VEHICLE, {**VEHICLE, "plate": "76B-234.56", "registration_scan": "dang_ky_76B23456.pdf"}],
    "contact": {"full_name": "Trần Thị Hoa", "phone": "0905 123 456", "email": None},
}  # fmt: skip


@pytest.fixture(autouse=True)
def default_limits() -> Iterator[None]:
    limits.configure({})
    yield
    limits.configure({})


def problems(payload: dict[str, Any], today: date = TODAY) -> list[Problem]:
    typed = RoadTransportRequest.model_validate(payload)
    return payload_problems(typed, payload, today=today)


def paths(found: list[Problem]) -> list[str]:
    return [p.field for p in found]


def changed(**vehicle: Any) -> dict[str, Any]:
    payload = copy.deepcopy(PAYLOAD)
    payload["vehicles"][1].update(vehicle)
    return payload


def test_a_plain_payload_has_no_problem() -> None:
    assert problems(PAYLOAD) == []


@pytest.mark.parametrize(
    ("payload", "path", "words"),
    [
        (changed(plate="76B-12.345"), "payload.vehicles.1.plate", "không đúng dạng biển kiểm soát"),
        (changed(plate="76B123.45"), "payload.vehicles.1.plate", "ví dụ 76A-123.45"),
        (changed(plate="7B-123.45"), "payload.vehicles.1.plate", "không đúng dạng"),
        (changed(plate=" 76b-123.45"), "payload.vehicles.1.plate", "trùng với phương tiện 1"),
        (changed(year=2000), "payload.vehicles.1.year", "quá niên hạn 20 năm của phù hiệu “Xe hợp đồng”"),
        (changed(year=2027), "payload.vehicles.1.year", "sau năm hiện tại"),
        (changed(seats=None), "payload.vehicles.1.seats", "phải ghi số chỗ"),
        (changed(seats=2), "payload.vehicles.1.seats", "phải từ 4 đến 80"),
        (changed(ownership="leased", lease_end="31/12/2028"),
         "payload.vehicles.1.lease_file", "hợp đồng thuê"),
        (changed(ownership="leased", lease_file="thue.pdf"),
         "payload.vehicles.1.lease_end", "ngày hết hạn hợp đồng"),
        (changed(ownership="leased", lease_file="thue.pdf", lease_end="30/06/2027"),
         "payload.vehicles.1.lease_end", "trước ngày đề nghị hiệu lực đến (31/12/2027)"),
        ({**PAYLOAD, "valid_until": "01/06/2029"}, "payload.valid_until",
         "không được sau ngày hết hạn giấy phép kinh doanh vận tải (14/05/2029)"),
        ({**PAYLOAD, "valid_until": "01/12/2026"}, "payload.valid_until", "phải sau ngày hôm nay"),
        ({**PAYLOAD, "business": {**PAYLOAD["business"], "licence_expiry": "30/11/2026"}},
         "payload.business.licence_expiry", "đã hết hạn ngày 30/11/2026"),
        ({**PAYLOAD, "vehicles": []}, "payload.vehicles", "ít nhất một phương tiện"),
        ({**PAYLOAD, "business": {**PAYLOAD["business"], "licence_number": "43-002233"}},
         "payload.business.licence_number", "không phải giấy phép kinh doanh vận tải của tỉnh"),
    ],
)  # fmt: skip
def test_each_flaw_gives_its_vietnamese_problem(payload: dict[str, Any], path: str, words: str) -> None:
    found = problems(payload)
    assert path in paths(found), found
    assert any(words in p.message for p in found if p.field == path), found


def test_goods_kinds_need_the_load_and_taxis_have_their_own_age() -> None:
    truck = {**changed(seats=None, payload_kg=None), "badge_kind": "truck"}
    truck["vehicles"][0].update(seats=None, payload_kg=8000)
    (found,) = problems(truck)
    assert (found.field, "khối lượng hàng chuyên chở" in found.message) == (
        "payload.vehicles.1.payload_kg",
        True,
    )
    taxi = {**changed(year=2013, seats=5), "badge_kind": "taxi"}
    taxi["vehicles"][0]["seats"] = 5
    (found,) = problems(taxi)
    assert found.field == "payload.vehicles.1.year" and "12 năm" in found.message


def test_every_problem_is_listed_at_once() -> None:
    payload = copy.deepcopy(PAYLOAD)
    payload["business"]["licence_expiry"] = "30/11/2026"
    payload["vehicles"][0].update(plate="76B-12.345", year=1999)
    payload["vehicles"][1].update(seats=None, ownership="leased")
    payload["vehicles"].append({**VEHICLE})
    payload["vehicles"].append({**VEHICLE})
    found = paths(problems(payload))
    assert found == [
        "payload.business.licence_expiry",
        "payload.valid_until",
        "payload.vehicles.0.plate",
        "payload.vehicles.0.year",
        "payload.vehicles.1.seats",
        "payload.vehicles.1.lease_file",
        "payload.vehicles.1.lease_end",
        "payload.vehicles.3.plate",
    ]


def test_rules_still_run_on_the_readable_parts_of_an_invalid_payload() -> None:
    raw = changed(plate="76B-12.345")
    raw["contact"] = {"full_name": "Trần Thị Hoa", "phone": "12"}  # invalid: the payload does not validate
    raw["vehicles"][0]["year"] = "năm 2019"  # this vehicle is unreadable: its rules are skipped
    found = payload_problems(None, raw, today=TODAY)
    assert paths(found) == ["payload.vehicles.1.plate"]


@pytest.mark.parametrize(
    "vehicle",
    [
        {"plate": "76A-1234"},
        {"plate": "76LD-012.34"},
        {"plate": "82B-555.01"},
        {"ownership": "leased", "lease_file": "thue.pdf", "lease_end": "31/12/2027"},
    ],
)
def test_awkward_vehicles_are_valid(vehicle: dict[str, Any]) -> None:
    assert problems(changed(**vehicle)) == []


def test_age_limits_come_from_the_configuration() -> None:
    old = changed(year=2008)  # 18 years: within the default 20
    assert problems(old) == []
    limits.configure({"age_limits": {"contract": 15}})
    (found,) = problems(old)
    assert "quá niên hạn 15 năm" in found.message
    with pytest.raises(ConfigError, match="age_limits"):
        limits.configure({"age_limits": {"tàu hỏa": 3}})
    with pytest.raises(ConfigError, match="age_limit: Extra"):
        limits.configure({"age_limit": {"taxi": 3}})


def test_a_former_kon_tum_licence_is_the_provinces_own() -> None:
    kon_tum = copy.deepcopy(PAYLOAD)
    kon_tum["business"] = {
        "licence_number": "82-005282",
        "licence_expiry": "24/12/2028",
        "name": "CÔNG TY TNHH VẬN TẢI VÀ DU LỊCH MĂNG ĐEN",
        "tax_code": "6143709130",
    }
    kon_tum["vehicles"][0]["plate"] = "82B-123.45"
    assert problems(kon_tum) == []
