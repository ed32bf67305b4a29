"""Names in the Vietnamese alphabet only, numbers in ASCII digits only, usable dossier codes.

Look-alike letters of other scripts (Cyrillic Е, Greek Ο, full-width Ｎ) and digits other than 0-9
(full-width, Arabic-Indic, Devanagari) are refused with one reason naming the character, before any
check of the field can give a misleading one and before anything upper-cases a name ("ß" -> "SS").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest

from rpa.errors import Problem
from rpa.sandbox.seed_names import (
    FAMILY_NAMES,
    GIA_RAI_CLANS,
    GIA_RAI_GIVEN_FEMALE,
    GIA_RAI_GIVEN_MALE,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    NICKNAMES,
    VIETNAMESE_ACCENTED,
)

Make = Callable[..., dict[str, Any]]
Problems = Callable[..., list[Problem]]
Only = Callable[[dict[str, Any], str], Problem]

AUTHORISED = {"full_name": "Trần Văn Bình", "relationship": "Chồng", "authorisation_date": "01/11/2025",
              "identity": {"kind": "cccd", "number": "051088000321", "issue_date": "05/05/2021"}}  # fmt: skip
NAME_FIELDS = [
    "applicant.full_name",
    "applicant.other_name",
    "payload.father.full_name",
    "payload.mother.full_name",
    "payload.spouse.full_name",
    "payload.authorised_person.full_name",
    "payload.authorised_person.relationship",
]


def with_name(dossier: Make, field: str, name: str) -> dict[str, Any]:
    """The valid dossier with ``name`` in ``field`` (adding the spouse or authorised person)."""
    data = dossier()
    if field.startswith("payload.spouse"):
        data["payload"]["spouse"] = {"full_name": "Lê Văn Hùng", "birth_date": "1988"}
    if field.startswith("payload.authorised_person"):
        data["payload"]["authorised_person"] = dict(AUTHORISED)
    *head, last = field.split(".")
    target = data
    for part in head:
        target = target[part]
    target[last] = name
    return data


SEEDED_NAMES = sorted(
    {
        *(name for name, _ in FAMILY_NAMES),
        *MIDDLE_MALE,
        *MIDDLE_FEMALE,
        *GIVEN_MALE,
        *GIVEN_FEMALE,
        *NICKNAMES,
        *GIA_RAI_CLANS,
        *GIA_RAI_GIVEN_MALE,
        *GIA_RAI_GIVEN_FEMALE,
    }
)


SEEDED_CHUNKS = [" ".join(SEEDED_NAMES[i : i + 10]) for i in range(0, len(SEEDED_NAMES), 10)]
"""Every name part the sandbox seeds (Kinh and Gia Rai), ten to a name."""


@pytest.mark.parametrize(
    "name",
    [
        *SEEDED_CHUNKS,
        VIETNAMESE_ACCENTED[:40],
        VIETNAMESE_ACCENTED[40:],
        VIETNAMESE_ACCENTED.upper()[:40],
        unicodedata.normalize("NFD", VIETNAMESE_ACCENTED.upper()[40:]),
        "H’Hen Niê",
        "Y-Bih Niê Kdăm",
        "Nguyễn Ph. Wang Zhou Jêrôme",
    ],
)
def test_names_in_the_vietnamese_alphabet_pass_in_every_name_field(
    dossier: Make, problems: Problems, name: str
) -> None:
    for field in NAME_FIELDS:
        assert problems(with_name(dossier, field, name)) == [], field


FOREIGN = [
    ("NGUYЕN Thị Hoa", "“Е” (chữ Kirin, U+0415)"),
    ("Nguyễn Thị Неа", "“Н” (chữ Kirin, U+041D)"),
    ("ΑNH Nguyễn", "“Α” (chữ Hy Lạp, U+0391)"),
    ("Lê Văn Tοàn", "“ο” (chữ Hy Lạp, U+03BF)"),
    ("阮氏秋和", "“阮” (chữ Hán, U+962E)"),
    ("Kim 김", "“김” (chữ Hàn, U+AE40)"),
    ("Ｌê Văn Ａn", "“Ｌ” (chữ Latinh khổ rộng – full-width, U+FF2C)"),
    ("Hans Weiß", "“ß” (chữ Latinh không dùng trong tiếng Việt, U+00DF)"),
    ("José Muñoz", "“ñ” (chữ Latinh không dùng trong tiếng Việt, U+00F1)"),
    ("Nguyễn Văn 𝐀n", "“𝐀” (chữ kiểu toán học, U+1D400)"),
    ("Nguyễn Văn An\u0308h", "“◌̈” (dấu phụ không dùng trong tiếng Việt, U+0308)"),
    ("Nguyễn Văn ٣", "“٣” (chữ số Ả Rập, U+0663)"),
]


@pytest.mark.parametrize("field", NAME_FIELDS)
@pytest.mark.parametrize(("name", "char"), FOREIGN, ids=[c for _, c in FOREIGN])
def test_letters_of_other_scripts_are_refused_in_every_name_field(
    dossier: Make, only_problem: Only, field: str, name: str, char: str
) -> None:
    problem = only_problem(with_name(dossier, field, name), field)
    assert problem.message == (
        f"chứa ký tự {char} không thuộc bảng chữ cái tiếng Việt; cần gõ lại bằng chữ cái tiếng Việt"
    )


def test_ascii_digits_and_symbols_in_a_name_keep_their_own_reason(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(with_name(dossier, "applicant.full_name", "Nguyễn Văn 2"), "applicant.full_name")
    assert problem.message == "chỉ được gồm chữ cái, dấu cách và các dấu ' - ."


NUMBER = "applicant.identity.number"
DIGITS = [
    ("applicant.identity.number", "０５１１９０００１２３４", "“０” (chữ số khổ rộng – full-width, U+FF10)"),
    ("applicant.identity.number", "٠٥١١٩٠٠٠١٢٣٤", "“٠” (chữ số Ả Rập, U+0660)"),
    ("applicant.identity.number", "051190001２34", "“２” (chữ số khổ rộng – full-width, U+FF12)"),
    ("applicant.identity.number", "۰۵۱۱۹۰۰۰۱۲۳۴", "“۰” (chữ số Ả Rập, U+06F0)"),
    ("applicant.identity.number", "०५११९०००१२३४", "“०” (chữ số Devanagari, U+0966)"),
    ("applicant.phone", "0٩٠٥١٢٣٤٥٦", "“٩” (chữ số Ả Rập, U+0669)"),
    ("applicant.phone", "０９０５１２３４５６", "“０” (chữ số khổ rộng – full-width, U+FF10)"),
    ("applicant.phone", "+84 ９05 123 456", "“９” (chữ số khổ rộng – full-width, U+FF19)"),
    ("applicant.birth_date", "١٥/٠٦/١٩٩٠", "“١” (chữ số Ả Rập, U+0661)"),
    ("applicant.birth_date", "१९९०", "“१” (chữ số Devanagari, U+0967)"),
    ("applicant.identity.issue_date", "10/08/２０２１", "“２” (chữ số khổ rộng – full-width, U+FF12)"),
    ("payload.mother.birth_date", "02/09/196٥", "“٥” (chữ số Ả Rập, U+0665)"),
    ("applicant.permanent_address.commune_code", "٢١٠٣٤", "“٢” (chữ số Ả Rập, U+0662)"),
    ("applicant.permanent_address.province_code", "５1", "“５” (chữ số khổ rộng – full-width, U+FF15)"),
]


@pytest.mark.parametrize(("field", "value", "char"), DIGITS, ids=[f"{f}-{c}" for f, _, c in DIGITS])
def test_digits_other_than_0_to_9_get_one_clear_reason(
    dossier: Make, problems: Problems, field: str, value: str, char: str
) -> None:
    found = problems(dossier({field: value}))
    on_field = [p for p in found if p.field == field]
    assert [p.message for p in on_field] == [f"chỉ được dùng chữ số 0–9; có {char}"], [str(p) for p in found]
    # Nothing else is misread from the number (a province code, a century digit, a birth year).
    assert all(p.field.startswith(field.rsplit(".", 1)[0]) for p in found), [str(p) for p in found]


@pytest.mark.parametrize(
    ("kind", "number"),
    [("passport", "C１２３４５６７"), ("cmnd", "２１２３４５６７８"), ("passport", "X٩٨٧٦٥٤٣٢")],
)
def test_other_identity_documents_want_ascii_digits_too(
    dossier: Make, only_problem: Only, kind: str, number: str
) -> None:
    data = dossier({"applicant.identity.kind": kind, NUMBER: number})
    assert only_problem(data, NUMBER).message.startswith("chỉ được dùng chữ số 0–9; có “")


@pytest.mark.parametrize("number", ["Cß12345", "ÄB123456", "CＡ12345"])
def test_a_passport_number_with_letters_outside_a_to_z_is_refused_not_upper_cased(
    dossier: Make, only_problem: Only, number: str
) -> None:
    """ "Cß12345".upper() is "CSS12345", a valid-looking passport number of someone else."""
    person = {**AUTHORISED, "identity": {"kind": "passport", "number": number}}
    field = "payload.authorised_person.identity.number"
    problem = only_problem(dossier({"payload.authorised_person": person}), field)
    assert problem.message.startswith("chỉ được gồm chữ cái A–Z, chữ số 0–9 và dấu câu thông thường; có “")
