"""Identity numbers: CCCD structure against sex and birth year, CMND expiry, passports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rpa.errors import Problem

Make = Callable[..., dict[str, Any]]
Problems = Callable[..., list[Problem]]
Only = Callable[[dict[str, Any], str], Problem]
NUMBER = "applicant.identity.number"


@pytest.mark.parametrize(
    ("number", "sex", "birth"),
    [
        ("051190001234", "female", "15/06/1990"),  # Quảng Ngãi, female, 1900s
        ("062085000001", "male", "1985"),  # Kon Tum, male, year-only birth
        ("001200123456", "male", "01/01/2000"),  # Hà Nội, male, 2000 belongs to digit 2
        ("079305999999", "female", "2005"),  # Hồ Chí Minh, female, 2000s
        ("096099000000", "male", "1999"),  # Cà Mau
    ],
)
def test_consistent_cccd(dossier: Make, problems: Problems, number: str, sex: str, birth: str) -> None:
    data = dossier({NUMBER: number, "applicant.sex": sex, "applicant.birth_date": birth,
                    "payload.residence_history.0.from_date": "01/01/1980"})  # fmt: skip
    assert problems(data) == []


def test_cccd_may_be_typed_with_spaces(dossier: Make, problems: Problems) -> None:
    assert problems(dossier({NUMBER: "0511 9000 1234"})) == []


@pytest.mark.parametrize("number", ["05119000123", "0511900012345", "05119000123A"])
def test_cccd_has_12_digits(dossier: Make, only_problem: Only, number: str) -> None:
    assert str(only_problem(dossier({NUMBER: number}), NUMBER)) == "Số CCCD: phải gồm đúng 12 chữ số"


def test_cccd_province_code(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({NUMBER: "003190001234"}), NUMBER)  # 003 is no province code
    assert problem.message == "3 chữ số đầu (003) không phải mã tỉnh nơi đăng ký khai sinh"


def test_cccd_sex_digit(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({NUMBER: "051090001234"}), NUMBER)
    assert str(problem) == (
        "Số CCCD: chữ số thứ 4 cho biết giới tính Nam, sinh thế kỷ 20 nhưng hồ sơ ghi giới tính Nữ"
    )


def test_cccd_century_digit(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({NUMBER: "051390001234"}), NUMBER)  # 3: female born 2000-2099
    assert (
        problem.message == "chữ số thứ 4 cho biết giới tính Nữ, sinh thế kỷ 21 nhưng hồ sơ ghi năm sinh 1990"
    )


def test_cccd_sex_and_century_together(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({NUMBER: "051290001234"}), NUMBER)
    assert problem.message.endswith("nhưng hồ sơ ghi giới tính Nữ và năm sinh 1990")


def test_cccd_digit_4_out_of_range(dossier: Make, only_problem: Only) -> None:
    assert (
        only_problem(dossier({NUMBER: "051790001234"}), NUMBER).message == "chữ số thứ 4 (7) phải từ 0 đến 5"
    )


def test_cccd_birth_year_digits(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({NUMBER: "051191001234"}), NUMBER)
    assert problem.message == "chữ số thứ 5-6 (91) phải là hai số cuối của năm sinh 1990"


def test_messages_do_not_repeat_the_number(dossier: Make, problems: Problems) -> None:
    for problem in problems(dossier({NUMBER: "003791001234"})):
        assert "003791001234" not in problem.message


def test_cmnd_expired_for_dossiers_received_from_2025(dossier: Make, only_problem: Only) -> None:
    data = dossier({"applicant.identity.kind": "cmnd", NUMBER: "212345678"})
    assert str(only_problem(data, NUMBER)) == (
        "Số CMND: CMND hết giá trị sử dụng từ 01/01/2025; cần dùng thẻ căn cước/CCCD"
    )


def test_cmnd_accepted_for_dossiers_received_in_2024(dossier: Make, problems: Problems) -> None:
    data = dossier({"applicant.identity.kind": "cmnd", NUMBER: "212345678", "code": "H55-241230-0001",
                    "received_at": "2024-12-30T09:00:00+07:00", "due_at": "2025-01-13T16:00:00+07:00",
                    "payload.residence_history.2.to_date": "31/12/2024"})  # fmt: skip
    assert problems(data) == []


def test_cmnd_shape(dossier: Make, only_problem: Only) -> None:
    data = dossier({"applicant.identity.kind": "cmnd", NUMBER: "21234567"})
    assert only_problem(data, NUMBER).message == "phải gồm đúng 9 chữ số"


@pytest.mark.parametrize(("number", "nationality", "ok"), [
    ("C1234567", "VN", True), ("c1234567", "VN", True), ("12345678", "VN", False), ("C123456", "VN", False),
    ("X98765432", "FR", True), ("AB1234", "US", True), ("AB12", "US", False), ("AB-12345", "US", False),
])  # fmt: skip
def test_passport_shape(dossier: Make, problems: Problems, number: str, nationality: str, ok: bool) -> None:
    data = dossier(
        {"applicant.identity.kind": "passport", NUMBER: number, "applicant.nationality": nationality}
    )
    found = problems(data)
    assert (found == []) is ok, [str(p) for p in found]
    if not ok:
        assert found[0].label == "Số hộ chiếu"


def test_authorised_person_identity_is_checked(dossier: Make, only_problem: Only) -> None:
    person = {"full_name": "Trần Văn Bình", "relationship": "Chồng", "authorisation_date": "01/11/2025",
              "identity": {"kind": "cccd", "number": "05109000123"}}  # fmt: skip
    problem = only_problem(dossier({"payload.authorised_person": person}),
                           "payload.authorised_person.identity.number")  # fmt: skip
    assert str(problem) == "Số CCCD của người được ủy quyền: phải gồm đúng 12 chữ số"


def test_authorised_person_block_must_be_complete(dossier: Make, problems: Problems) -> None:
    found = {
        p.field: str(p) for p in problems(dossier({"payload.authorised_person": {"full_name": "Trần Bình"}}))
    }
    assert found == {
        "payload.authorised_person.identity": "Giấy tờ tùy thân của người được ủy quyền: không được để trống",
        "payload.authorised_person.relationship": "Quan hệ giữa người được ủy quyền và người ủy quyền: "
        "không được để trống",
        "payload.authorised_person.authorisation_date": "Ngày ủy quyền: không được để trống: người được "
        "ủy quyền không phải cha, mẹ, vợ, chồng hoặc con của người yêu cầu nên phải có văn bản ủy quyền",
    }


def test_complete_authorised_person(dossier: Make, problems: Problems) -> None:
    person = {"full_name": "Trần Văn Bình", "relationship": "Chồng", "authorisation_date": "01/11/2025",
              "identity": {"kind": "cccd", "number": "051088000321", "issue_date": "05/05/2021"}}  # fmt: skip
    assert problems(dossier({"payload.authorised_person": person})) == []


def test_authorisation_after_receipt(dossier: Make, only_problem: Only) -> None:
    person = {"full_name": "Trần Văn Bình", "relationship": "Chồng", "authorisation_date": "10/11/2025",
              "identity": {"kind": "cccd", "number": "051088000321"}}  # fmt: skip
    problem = only_problem(dossier({"payload.authorised_person": person}),
                           "payload.authorised_person.authorisation_date")  # fmt: skip
    assert problem.message == "không được sau ngày tiếp nhận hồ sơ (03/11/2025)"
