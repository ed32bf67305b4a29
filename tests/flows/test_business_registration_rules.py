"""The business-registration payload: field checks in Vietnamese, every cross-field rule with its path,
every problem at once (even when the payload does not validate), and awkward payloads that are valid."""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from flows.business_registration.model import BusinessRegistrationRequest, HeadOffice
from flows.business_registration.rules import FORBIDDEN_WORDS, format_vnd, payload_problems
from rpa.domain.labels import translate
from rpa.errors import Problem

RECEIVED = date(2026, 11, 20)
TODAY = date(2026, 11, 23)
HOME = {"street": "25 Lê Lợi", "commune": "Phường Cẩm Thành", "commune_code": "21025",
        "province": "Tỉnh Quảng Ngãi", "province_code": "51"}  # fmt: skip
LEGACY = {"street": "Thôn 3", "commune": "Xã Nghĩa Dõng", "district": "Thành phố Quảng Ngãi",
          "province": "Tỉnh Quảng Ngãi"}  # fmt: skip
OWNER_ID = {"kind": "cccd", "number": "051085001234", "issue_date": "10/05/2021",
            "issue_place": "Cục Cảnh sát quản lý hành chính về trật tự xã hội"}  # fmt: skip
DIRECTOR_ID = {"kind": "cccd", "number": "051190004321", "issue_date": "02/03/2022",
               "issue_place": "Cục Cảnh sát quản lý hành chính về trật tự xã hội"}  # fmt: skip

PAYLOAD: dict[str, Any] = {
    "kind": "business_registration",
    "company_name": "CÔNG TY TNHH THƯƠNG MẠI DỊCH VỤ SA HUỲNH",
    "foreign_name": "SA HUYNH TRADING SERVICE COMPANY LIMITED",
    "abbreviation": "SA HUYNH TSC",
    "head_office": {
        "street": "Số 12 đường Lê Lợi",
        "province_code": "51",
        "province": "Quảng Ngãi",
        "commune_code": "21025",
        "commune": "Phường Cẩm Thành",
    },
    "phone": "0255 3822 123",
    "email": "lienhe@sahuynh.vn",
    "website": None,
    "industries": [{"code": "4620", "main": True}, {"code": "4632", "main": False}],
    "charter_capital": 2_000_000_000,
    "contributions": [{"asset": "vnd", "amount": 1_500_000_000}, {"asset": "gold", "amount": 500_000_000}],
    "contribution_deadline": "15/02/2027",
    "owner": {
        "full_name": "Nguyễn Văn An",
        "sex": "male",
        "birth_date": "03/04/1985",
        "nationality": "VN",
        "ethnicity": "01",
        "identity": OWNER_ID,
        "permanent_address": LEGACY,
        "contact_address": HOME,
    },
    "representatives": [
        {
            "full_name": "Trần Thị Bình",
            "sex": "female",
            "birth_date": "12/09/1990",
            "nationality": "VN",
            "identity": DIRECTOR_ID,
            "title": "Giám đốc",
            "contact_address": HOME,
        },
    ],
    "tax": {
        "start_date": "01/12/2026",
        "accounting": "independent",
        "vat_method": "deduction",
        "fiscal_year_start": "01/01",
        "employees": 5,
        "chief_accountant": {"full_name": "Lê Thị Cúc", "phone": "0905123456"},
    },
}
OWNER_AS_REPRESENTATIVE = {
    **{k: v for k, v in PAYLOAD["owner"].items() if k not in ("ethnicity", "permanent_address")},
    "title": "Chủ tịch công ty",
}

Change = Callable[[dict[str, Any]], None]


def problems(payload: dict[str, Any], received: date | None = RECEIVED, today: date = TODAY) -> list[Problem]:
    """Field problems (as validation reports them) followed by the rules' problems."""
    found: list[Problem] = []
    typed = None
    try:
        typed = BusinessRegistrationRequest.model_validate(payload)
    except ValidationError as error:
        found += [translate({**e, "loc": ("payload", *e["loc"])}) for e in error.errors()]
    return found + payload_problems(typed, payload, received=received, today=today)


def changed(*changes: Change) -> dict[str, Any]:
    payload = copy.deepcopy(PAYLOAD)
    for change in changes:
        change(payload)
    return payload


def test_the_contracts_example_is_valid_and_reads_as_typed_values() -> None:
    assert problems(PAYLOAD) == []
    typed = BusinessRegistrationRequest.model_validate(PAYLOAD)
    assert typed.phone == "02553822123" and typed.owner.birth_date == date(1985, 4, 3)
    assert typed.head_office.commune_code == "21025" and typed.tax.chief_accountant is not None
    assert typed.model_dump(mode="json")["contribution_deadline"] == "15/02/2027"


def _set(path: str, value: Any) -> Change:
    def change(payload: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = payload
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = copy.deepcopy(value)

    return change


def _extra_industries(payload: dict[str, Any]) -> None:
    payload["industries"] += [{"code": c, "main": False} for c in ("4722", "5510", "5610", "4933")]


def _two_representatives(payload: dict[str, Any]) -> None:
    payload["representatives"] = [copy.deepcopy(OWNER_AS_REPRESENTATIVE), *payload["representatives"]]


_NOT_LLC = "phải bắt đầu bằng “CÔNG TY TNHH” hoặc “CÔNG TY TRÁCH NHIỆM HỮU HẠN” (loại hình công ty"
FLAWS: list[tuple[str, list[Change], str, str]] = [
    ("vsic_unknown", [_set("industries.1.code", "9999")], "payload.industries.1.code",
     "“9999” không có trong danh mục ngành cấp 4 của Hệ thống ngành kinh tế Việt Nam (VSIC 2018)"),
    ("vsic_level_5", [_set("industries.0.code", "46201")], "payload.industries.0.code",
     "“46201” không phải mã ngành cấp 4 (gồm đúng 4 chữ số) của Hệ thống ngành kinh tế Việt Nam"),
    ("no_main_industry", [_set("industries.0.main", False)], "payload.industries",
     "chưa chọn ngành, nghề kinh doanh chính; phải chọn đúng một ngành chính"),
    ("two_main_industries", [_extra_industries, _set("industries.3.main", True)], "payload.industries",
     "có 2 ngành chính (dòng 1, 4); phải chọn đúng một ngành chính"),
    ("no_industry", [_set("industries", [])], "payload.industries",
     "phải đăng ký ít nhất một ngành, nghề kinh doanh"),
    ("same_code_twice", [_extra_industries, _set("industries.4.code", "4632")], "payload.industries.4.code",
     "mã ngành “4632” trùng với dòng 2"),
    ("capital_not_positive", [_set("charter_capital", 0), _set("contributions", [])],
     "payload.charter_capital", "phải lớn hơn 0 đồng (đang là 0 đồng)"),
    ("contributions_mismatch", [_set("contributions.1.amount", 400_000_000)], "payload.contributions",
     "tổng giá trị tài sản góp vốn (1.900.000.000 đồng) không bằng vốn điều lệ (2.000.000.000 đồng)"),
    ("contribution_not_positive", [_set("contributions.1.amount", -500_000_000),
                                   _set("charter_capital", 1_000_000_000)], "payload.contributions.1.amount",
     "phải lớn hơn 0 đồng (đang là -500.000.000 đồng)"),
    ("deadline_too_late", [_set("contribution_deadline", "19/02/2027")], "payload.contribution_deadline",
     "phải trong vòng 90 ngày kể từ ngày tiếp nhận hồ sơ (20/11/2026), tức chậm nhất ngày 18/02/2027"),
    ("deadline_before_received", [_set("contribution_deadline", "19/11/2026")],
     "payload.contribution_deadline", "không được trước ngày tiếp nhận hồ sơ (20/11/2026)"),
    ("owner_under_18", [_set("owner.birth_date", "21/11/2008"),
                        _set("owner.identity.number", "051208001234")], "payload.owner.birth_date",
     "chưa đủ 18 tuổi vào ngày tiếp nhận hồ sơ (20/11/2026); đủ 18 tuổi từ ngày 21/11/2026"),
    ("owner_identity_sex", [_set("owner.sex", "female")], "payload.owner.identity.number",
     "chữ số thứ 4 cho biết giới tính Nam, sinh thế kỷ 20 nhưng hồ sơ ghi giới tính Nữ"),
    ("owner_identity_year", [_set("owner.birth_date", "03/04/1986")], "payload.owner.identity.number",
     "chữ số thứ 5-6 (85) phải là hai số cuối của năm sinh 1986"),
    ("representative_bad_identity", [_set("representatives.0.identity.number", "051090004321")],
     "payload.representatives.0.identity.number",
     "chữ số thứ 4 cho biết giới tính Nam, sinh thế kỷ 20 nhưng hồ sơ ghi giới tính Nữ"),
    ("representative_under_18", [_set("representatives.0.birth_date", "01/01/2010"),
                                 _set("representatives.0.identity.number", "051310004321")],
     "payload.representatives.0.birth_date",
     "chưa đủ 18 tuổi vào ngày tiếp nhận hồ sơ (20/11/2026); đủ 18 tuổi từ ngày 01/01/2028"),
    ("representative_not_the_owner",
     [_two_representatives, _set("representatives.0.full_name", "Nguyễn Văn Ân")],
     "payload.representatives.0.full_name", "khác với chủ sở hữu, dù cùng số giấy tờ tùy thân"),
    ("representatives_same_number", [_set("representatives", [PAYLOAD["representatives"][0]] * 2)],
     "payload.representatives.1.identity.number", "trùng số giấy tờ với người đại diện 1"),
    ("no_representative", [_set("representatives", [])], "payload.representatives",
     "phải có ít nhất một người đại diện theo pháp luật"),
    ("name_without_type", [_set("company_name", "THƯƠNG MẠI DỊCH VỤ SA HUỲNH")], "payload.company_name",
     _NOT_LLC),
    ("joint_stock_name", [_set("company_name", "CÔNG TY CỔ PHẦN SA HUỲNH")], "payload.company_name",
     _NOT_LLC),
    ("name_only_type", [_set("company_name", "Công ty TNHH")], "payload.company_name",
     "thiếu tên riêng sau “CÔNG TY TNHH”"),
    ("name_forbidden_word", [_set("company_name", "CÔNG TY TNHH THƯƠNG MẠI QUÂN ĐỘI SA HUỲNH")],
     "payload.company_name",
     "có cụm từ “QUÂN ĐỘI” (tên cơ quan nhà nước, đơn vị lực lượng vũ trang nhân dân hoặc tổ chức chính "
     "trị - xã hội): không được dùng trong tên doanh nghiệp (Luật Doanh nghiệp 2020, điều 38)"),
    ("name_forbidden_without_accents", [_set("company_name", "Cong ty TNHH Dich vu Cong an Lý Sơn")],
     "payload.company_name", "có cụm từ “CÔNG AN”"),
    ("name_against_morals", [_set("company_name", "CÔNG TY TNHH GIẢI TRÍ PHÁT XÍT")], "payload.company_name",
     "có cụm từ “PHÁT XÍT” (từ ngữ vi phạm truyền thống lịch sử, văn hóa, đạo đức và thuần phong mỹ tục"),
    ("foreign_name_accents", [_set("foreign_name", "SA HUỲNH TRADING COMPANY LIMITED")],
     "payload.foreign_name",
     "chỉ được gồm chữ cái Latinh không dấu (A–Z), chữ số, dấu cách và các dấu & . , ' ( ) / + -; "
     "có “Ỳ” (chữ cái tiếng Việt, U+1EF2)"),
    ("abbreviation_other_script", [_set("abbreviation", "SA HUYNH ТSC")], "payload.abbreviation",
     "có “Т” (chữ Kirin, U+0422)"),
    ("start_before_received", [_set("tax.start_date", "19/11/2026")], "payload.tax.start_date",
     "không được trước ngày tiếp nhận hồ sơ (20/11/2026)"),
    ("owner_born_in_future",
     [_set("owner.birth_date", "01/01/2027"), _set("owner.identity.number", "051227001234")],
     "payload.owner.birth_date", "không được sau ngày hôm nay (23/11/2026)"),
    ("issued_before_birth", [_set("owner.identity.issue_date", "01/01/1980")],
     "payload.owner.identity.issue_date", "không được trước ngày sinh (03/04/1985)"),
    ("cmnd_expired", [_set("owner.identity", {"kind": "cmnd", "number": "212345678"})],
     "payload.owner.identity.number", "CMND hết giá trị sử dụng từ 01/01/2025; cần dùng thẻ căn cước/CCCD"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "path", "message"), [f[1:] for f in FLAWS], ids=[f[0] for f in FLAWS])
def test_each_flaw_is_reported_on_its_field_in_vietnamese(
    changes: list[Change], path: str, message: str
) -> None:
    found = problems(changed(*changes))
    assert any(p.field == path and message in p.message for p in found), [vars(p) for p in found]
    assert all(p.field.startswith("payload.") for p in found)


def test_labels_name_the_field_as_the_application_form_does() -> None:
    payload = changed(_two_representatives, _set("representatives.1.identity.number", "051090004321"),
                      _set("industries.1.code", "9999"), _set("contributions.0.amount", 1))  # fmt: skip
    labels = {p.field: p.label for p in problems(payload)}
    assert labels == {
        "payload.industries.1.code": "Ngành, nghề kinh doanh, dòng 2 – mã ngành",
        "payload.contributions": "Tài sản góp vốn",
        "payload.representatives.1.identity.number": "Số CCCD của người đại diện theo pháp luật 2",
    }


def test_every_problem_is_listed_at_once() -> None:
    flawed = changed(
        _set("industries.0.code", "46201"),
        _set("industries.1.code", "9999"),
        _set("charter_capital", 0),
        _set("owner.birth_date", "21/11/2008"),
        _set("owner.sex", "female"),
        _set("company_name", "CÔNG TY TNHH CÔNG AN"),
        _set("tax.start_date", "01/11/2026"),
    )
    found = sorted((p.field, p.message) for p in problems(flawed))
    expected = sorted([
        ("payload.company_name", "có cụm từ “CÔNG AN” (tên cơ quan nhà nước"),
        ("payload.industries.0.code", "“46201” không phải mã ngành cấp 4 (gồm đ"),
        ("payload.industries.1.code", "“9999” không có trong danh mục ngành cấp"),
        ("payload.charter_capital", "phải lớn hơn 0 đồng (đang là 0 đồng)"),
        ("payload.contributions", "tổng giá trị tài sản góp vốn (2.000.000."),
        ("payload.tax.start_date", "không được trước ngày tiếp nhận hồ sơ (2"),
        ("payload.owner.birth_date", "chưa đủ 18 tuổi vào ngày tiếp nhận hồ sơ"),
        ("payload.owner.identity.number", "chữ số thứ 4 cho biết giới tính Nam, sin"),
        ("payload.owner.identity.number", "chữ số thứ 5-6 (85) phải là hai số cuối "),
    ])  # fmt: skip
    assert len(found) == len(expected), found
    assert all(f == g and m.startswith(start) for (f, m), (g, start) in zip(found, expected, strict=True)), (
        found
    )


def test_rules_still_run_on_the_readable_parts_when_the_payload_does_not_validate() -> None:
    flawed = changed(
        _set("company_name", "CÔNG TY TNHH CHÍNH PHỦ 😀"),  # emoji: the name cannot be read at all
        _set("email", "lienhe.sahuynh.vn"),
        _set("head_office.commune_code", "21199"),
        _set("industries.1", {"code": "4632", "main": "có lẽ"}),  # this line unreadable, the other checked
        _set("industries.0.code", "0000"),
        _set("contributions.0.amount", "1.500.000.000"),  # a string: no sum is possible
        _set("charter_capital", -1),
        _set("owner.full_name", "Nguyễn Văn An 2"),
        _set("owner.sex", "female"),
        _set("representatives.0.title", "Trưởng phòng"),
        _set("representatives.0.birth_date", "12/09/1991"),
        _set("tax.vat_method", "khấu trừ"),
        _set("tax.start_date", "01/11/2026"),
    )
    found = {p.field: p.message for p in problems(flawed)}
    assert found == {
        "payload.company_name": "không được chứa biểu tượng cảm xúc (emoji)",
        "payload.email": "“lienhe.sahuynh.vn” không phải địa chỉ thư điện tử hợp lệ",
        "payload.head_office.commune_code": (
            "mã 21199 không phải xã/phường thuộc tỉnh/thành phố mã 51 (danh mục 2025)"
        ),
        "payload.industries.1.main": "phải là có hoặc không (true/false)",
        "payload.industries.0.code": (
            "“0000” không có trong danh mục ngành cấp 4 của Hệ thống ngành kinh tế Việt Nam (VSIC 2018)"
        ),
        "payload.contributions.0.amount": "phải là số nguyên",
        "payload.charter_capital": "phải lớn hơn 0 đồng (đang là -1 đồng)",
        "payload.owner.full_name": "chỉ được gồm chữ cái, dấu cách và các dấu ' - .",
        "payload.owner.identity.number": (
            "chữ số thứ 4 cho biết giới tính Nam, sinh thế kỷ 20 nhưng hồ sơ ghi giới tính Nữ"
        ),
        "payload.representatives.0.title": (
            "“Trưởng phòng” không hợp lệ; phải là một trong: "
            "'Giám đốc', 'Tổng giám đốc' hoặc 'Chủ tịch công ty'"
        ),
        "payload.representatives.0.identity.number": (
            "chữ số thứ 5-6 (90) phải là hai số cuối của năm sinh 1991"
        ),
        "payload.tax.vat_method": (
            "“khấu trừ” không hợp lệ; phải là một trong: "
            "'deduction', 'direct_on_vat' hoặc 'direct_on_revenue'"
        ),
        "payload.tax.start_date": "không được trước ngày tiếp nhận hồ sơ (20/11/2026)",
    }  # fmt: skip


def test_salvage_reads_nothing_from_a_payload_that_is_not_a_dict_of_parts() -> None:
    assert payload_problems(None, {}, received=RECEIVED, today=TODAY) == []
    odd = {"industries": "4620", "representatives": {"0": {}}, "tax": [], "owner": "An", "contributions": 5}
    assert payload_problems(None, odd, received=RECEIVED, today=TODAY) == []


def test_without_a_received_day_today_stands_in_and_says_so() -> None:
    found = problems(changed(_set("tax.start_date", "22/11/2026")), received=None)
    assert [(p.field, p.message) for p in found] == [
        ("payload.tax.start_date", "không được trước ngày hôm nay (23/11/2026)")
    ]


def _nfd(payload: dict[str, Any]) -> None:
    payload["company_name"] = unicodedata.normalize("NFD", "Công ty TNHH Xây dựng & Thương mại Đức Phổ")
    payload["owner"]["full_name"] = unicodedata.normalize("NFD", payload["owner"]["full_name"])
    payload["head_office"]["commune"] = unicodedata.normalize("NFD", "Phường Cẩm Thành")


def _ten_industries(payload: dict[str, Any]) -> None:
    codes = ("0111", "1075", "4101", "4620", "4632", "4663", "4722", "4933", "5510", "7911")
    payload["industries"] = [{"code": c, "main": c == "4663"} for c in codes]


def _five_assets(payload: dict[str, Any]) -> None:
    payload["charter_capital"] = 10_000_000_000
    amounts = {"vnd": 4e9, "foreign_currency": 1e9, "gold": 5e8, "land_use_right": 3.5e9,
               "intellectual_property": 1e9}  # fmt: skip
    payload["contributions"] = [{"asset": a, "amount": int(v)} for a, v in amounts.items()]


AWKWARD: list[tuple[str, list[Change]]] = [
    ("many_diacritics_and_ampersand", [_set("company_name", "CÔNG TY TNHH NGỌC LINH ĐẮK TÔ & MĂNG ĐEN")]),
    ("long_form_of_the_type", [_set("company_name", "Công ty Trách nhiệm Hữu hạn Một thành viên Lý Sơn")]),
    ("foreign_name_with_digits", [_set("foreign_name", "3T SA HUYNH 2025 CO., LTD")]),
    ("no_foreign_name_nor_abbreviation", [_set("foreign_name", None), _set("abbreviation", "")]),
    ("owner_only_representative", [_set("representatives", [OWNER_AS_REPRESENTATIVE])]),
    ("two_representatives", [_two_representatives]),
    ("ten_industry_lines", [_ten_industries]),
    ("ten_billion_in_five_assets", [_five_assets]),
    ("nfd_text", [_nfd]),
    ("tone_mark_variant_of_the_owner",
     [_set("owner.full_name", "Nguyễn Văn Hoà"), _two_representatives,
      _set("representatives.0.full_name", "NGUYỄN VĂN HÒA")]),
    ("mobile_phone_with_country_code", [_set("phone", "+84 905 123 456")]),
    ("deadline_on_the_ninetieth_day", [_set("contribution_deadline", "18/02/2027")]),
    ("deadline_and_start_on_the_day_received", [_set("contribution_deadline", "20/11/2026"),
                                                _set("tax.start_date", "20/11/2026")]),
    ("owner_turns_18_on_the_day_received", [_set("owner.birth_date", "20/11/2008"),
                                            _set("owner.identity.number", "051208001234"),
                                            _set("owner.identity.issue_date", "01/12/2022")]),
    ("no_chief_accountant", [_set("tax.chief_accountant", None)]),
    ("words_near_a_forbidden_one", [_set("company_name", "CÔNG TY TNHH AN NINH NHÀ ĐẸP NƯỚC SẠCH")]),
]  # fmt: skip


@pytest.mark.parametrize("changes", [a[1] for a in AWKWARD], ids=[a[0] for a in AWKWARD])
def test_awkward_but_valid_payloads_pass(changes: list[Change]) -> None:
    assert problems(changed(*changes)) == []


def test_forbidden_words_match_whole_words_whatever_the_accents() -> None:
    def named(name: str) -> list[str]:
        return [p.message for p in problems(changed(_set("company_name", name)))]

    assert named("CÔNG TY TNHH TOÀ ÁN XANH") and named("Công ty TNHH Dịch vụ Uỷ ban Nhân dân")
    assert named("CÔNG TY TNHH NHANUOC") == [] and named("CÔNG TY TNHH CÔNG ANH") == []
    assert all(len(word.split()) >= 2 for word in FORBIDDEN_WORDS)  # one syllable alone matches too much


def test_head_office_is_checked_against_the_2025_units() -> None:
    with pytest.raises(ValidationError) as caught:
        HeadOffice.model_validate({"street": "1 Trần Phú", "province": "Tỉnh Kon Tum", "province_code": "62",
                                   "commune": "Phường Quyết Thắng", "commune_code": "23284"})  # fmt: skip
    assert [translate(e).message for e in caught.value.errors()] == [
        "mã 62 không phải mã tỉnh/thành phố trong danh mục đơn vị hành chính từ 01/07/2025"
    ]
    with pytest.raises(ValidationError) as caught:
        HeadOffice.model_validate({**PAYLOAD["head_office"], "commune": "Xã Nghĩa Dõng"})
    assert [translate(e).message for e in caught.value.errors()] == [
        "mã 21025 là của Phường Cẩm Thành, không phải “Xã Nghĩa Dõng”"
    ]


def test_money_is_written_the_vietnamese_way() -> None:
    assert format_vnd(10_000_000_000) == "10.000.000.000 đồng" and format_vnd(0) == "0 đồng"
