"""Addresses in a dossier: unit codes against names, and the legacy scheme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rpa.errors import Problem

Make = Callable[..., dict[str, Any]]
Problems = Callable[..., list[Problem]]
Only = Callable[[dict[str, Any], str], Problem]
LEGACY = {"street": "Thôn 3", "commune": "Xã Nghĩa Dõng", "commune_code": "21037",
          "district": "Thành phố Quảng Ngãi", "district_code": "522",
          "province": "Tỉnh Quảng Ngãi", "province_code": "51"}  # fmt: skip


def test_legacy_address_with_codes(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({"applicant.permanent_address": LEGACY})) == []


def test_commune_code_of_another_commune(dossier: Make, only_problem: Only) -> None:
    data = dossier({"applicant.permanent_address.commune_code": "21037"})
    problem = only_problem(data, "applicant.permanent_address.commune_code")
    assert str(problem) == (
        "Nơi thường trú – mã xã/phường: mã 21037 không có trong danh mục đơn vị hành chính"
    )


def test_legacy_district_code_of_another_district(dossier: Make, only_problem: Only) -> None:
    data = dossier({"applicant.permanent_address": {**LEGACY, "district_code": "528"}})
    problem = only_problem(data, "applicant.permanent_address.district_code")
    assert problem.message == "mã 528 là của Huyện Tư Nghĩa, không phải “Thành phố Quảng Ngãi”"


def test_unit_codes_are_digits(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({"applicant.permanent_address.province_code": "QN"}),
                           "applicant.permanent_address.province_code")  # fmt: skip
    assert problem.message == "“QN” phải gồm 2 đến 5 chữ số"


def test_delivery_by_post_with_an_address(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({"payload.delivery": {"method": "post", "address": LEGACY}})) == []


def test_delivery_address_codes_are_checked(dossier: Make, only_problem: Only) -> None:
    data = dossier({"payload.delivery": {"method": "post", "address": {**LEGACY, "province_code": "62"}}})
    problem = only_problem(data, "payload.delivery.address.province_code")
    assert problem.label == "Địa chỉ nhận kết quả qua bưu chính – mã tỉnh/thành phố"
