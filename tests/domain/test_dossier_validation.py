"""parse_dossier: pydantic errors in Vietnamese, text hygiene, dates, and all problems at once."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest

from rpa.domain import Dossier, parse_dossier
from rpa.domain.text import canonical
from rpa.domain.validation import check
from rpa.errors import BusinessError, InvalidDossier, Problem

Make = Callable[..., dict[str, Any]]
Problems = Callable[..., list[Problem]]
Only = Callable[[dict[str, Any], str], Problem]


def test_valid_dossier_parses(dossier: Make, problems: Problems, today: Any) -> None:
    assert problems(dossier()) == []
    parsed = parse_dossier(dossier(), today=today)
    assert parsed.applicant.full_name == "Nguyễn Thị Thu Hoà"
    assert check(parsed, today) == []


def test_round_trip_through_json_shape(dossier: Make, today: Any) -> None:
    parsed = parse_dossier(dossier(), today=today)
    assert parse_dossier(parsed.model_dump(mode="json"), today=today) == parsed


def test_invalid_dossier_is_a_business_error_with_the_code(dossier: Make, today: Any) -> None:
    with pytest.raises(BusinessError) as info:
        parse_dossier(dossier({"applicant.full_name": ""}), today=today)
    assert isinstance(info.value, InvalidDossier)
    assert info.value.dossier_code == "000.00.01.H55-251103-0007"
    assert "Họ và tên người yêu cầu: không được để trống" in str(info.value)


def test_every_problem_is_reported_at_once(dossier: Make, problems: Problems) -> None:
    data = dossier({
        "applicant.full_name": "",  # required
        "applicant.birth_date": "31/02/1990",  # impossible
        "applicant.phone": "0123",  # bad phone
        "applicant.identity.number": "051090001234",  # digit 4 says male, applicant is female
        "payload.residence_history.1.from_date": "01/12/2008",  # gap after row 1
        "payload.purpose": "x" * 501,  # too long
        "payload.delivery": {"method": "post", "address": None},  # post without address
        "attachments.0.sha256": "abc",
        "payload.mother": None,
    })  # fmt: skip
    found = {p.field: str(p) for p in problems(data)}
    assert found == {
        "applicant.full_name": "Họ và tên người yêu cầu: không được để trống",
        "applicant.birth_date": "Ngày sinh: ngày 31/02/1990 không tồn tại hoặc sai dạng dd/MM/yyyy",
        "applicant.phone": "Số điện thoại: “0123” không phải số điện thoại hợp lệ "
        "(10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số)",
        "applicant.identity.number": "Số CCCD: chữ số thứ 4 cho biết giới tính Nam, sinh thế kỷ 20 "
        "nhưng hồ sơ ghi giới tính Nữ",
        "payload.residence_history": "Quá trình cư trú: khoảng trống từ 01/09/2008 đến 30/11/2008",
        "payload.purpose": "Mục đích yêu cầu: không được dài quá 500 ký tự (đang có 501)",
        "payload.delivery.address": "Địa chỉ nhận kết quả qua bưu chính: "
        "không được để trống khi nhận kết quả qua bưu chính",
        "attachments.0.sha256": "Tệp đính kèm 1 – mã SHA-256: "
        "phải gồm đúng 64 ký tự thập lục phân (0-9, a-f)",
        "payload.mother": "Thông tin mẹ: không được để trống",
    }


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("applicant.full_name", "Họ và tên người yêu cầu"),
        ("applicant.sex", "Giới tính"),
        ("applicant.birth_date", "Ngày sinh"),
        ("applicant.birth_place", "Nơi sinh"),
        ("applicant.identity", "Giấy tờ tùy thân"),
        ("applicant.identity.number", "Số giấy tờ tùy thân"),
        ("applicant.permanent_address.commune", "Nơi thường trú – xã/phường"),
        ("payload.mother", "Thông tin mẹ"),
        ("payload.mother.full_name", "Họ và tên mẹ"),
        ("payload.residence_history", "Quá trình cư trú"),
        ("payload.residence_history.0.address", "Quá trình cư trú, dòng 1 – nơi cư trú"),
        ("payload.purpose", "Mục đích yêu cầu"),
        ("code", "Mã hồ sơ"),
        ("received_at", "Ngày tiếp nhận"),
    ],
)
def test_missing_required_field(dossier: Make, only_problem: Only, path: str, label: str) -> None:
    problem = only_problem(dossier({path: "<delete>"}), path)
    assert (problem.label, problem.message) == (label, "không được để trống")


def test_blank_required_field_reads_as_missing(dossier: Make, only_problem: Only) -> None:
    assert only_problem(dossier({"applicant.birth_place": "   "}), "applicant.birth_place").message == (
        "không được để trống"
    )


@pytest.mark.parametrize(
    "path", ["payload.father", "applicant.other_name", "applicant.phone", "payload.spouse"]
)
def test_optional_fields_may_be_absent_or_blank(dossier: Make, problems: Problems, path: str) -> None:
    assert problems(dossier({path: None})) == []
    assert problems(dossier({path: "<delete>"})) == []


def test_optional_text_left_blank_becomes_none(dossier: Make, today: Any) -> None:
    assert parse_dossier(dossier({"applicant.other_name": " "}), today=today).applicant.other_name is None


def test_wrong_types_are_named(dossier: Make, problems: Problems) -> None:
    data = dossier(
        {"status": 11, "channel": "fax", "payload.copies": "hai", "applicant.sex": "nam", "extra": 1}
    )
    found = {p.field: p.message for p in problems(data)}
    assert found["status"].startswith("“11” không hợp lệ; phải là một trong: 1, 2,")
    assert found["channel"] == "“fax” không hợp lệ; phải là một trong: 'direct', 'online' hoặc 'post'"
    assert found["payload.copies"] == "phải là số nguyên"
    assert found["applicant.sex"] == "“nam” không hợp lệ; phải là một trong: 'male' hoặc 'female'"
    assert found["extra"] == "không phải trường của hồ sơ"


@pytest.mark.parametrize(("copies", "ok"), [(0, False), (1, True), (10, True), (11, False)])
def test_copies_between_1_and_10(dossier: Make, problems: Problems, copies: int, ok: bool) -> None:
    found = problems(dossier({"payload.copies": copies}))
    assert (found == []) is ok
    if not ok:
        assert found[0].label == "Số lượng phiếu"


def test_nfd_input_comes_out_nfc(dossier: Make, today: Any) -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Huệ")
    data = dossier({"applicant.full_name": nfd, "applicant.permanent_address.street": nfd})
    parsed = parse_dossier(data, today=today)
    assert parsed.applicant.full_name == "Nguyễn Thị Huệ"
    assert unicodedata.is_normalized("NFC", parsed.applicant.permanent_address.street or "")


def test_both_tone_placements_are_accepted(dossier: Make, today: Any) -> None:
    old = parse_dossier(dossier({"applicant.full_name": "Lê Thị Hoà Thuỷ"}), today=today)
    new = parse_dossier(dossier({"applicant.full_name": "Lê Thị Hòa Thủy"}), today=today)
    assert old.applicant.full_name == "Lê Thị Hoà Thuỷ"  # never rewritten
    assert canonical(old.applicant.full_name) == canonical(new.applicant.full_name)


@pytest.mark.parametrize(
    ("text", "encoding", "meant"),
    [("NguyÔn V¨n B×nh", "TCVN3", "Nguyễn Văn Bình"), ("Nguyeãn Vaên Bình", "VNI", "Nguyễn Văn Bình")],
)
def test_legacy_encodings_are_rejected_naming_the_field(
    dossier: Make, only_problem: Only, text: str, encoding: str, meant: str
) -> None:
    problem = only_problem(dossier({"applicant.full_name": text}), "applicant.full_name")
    assert str(problem) == (
        f"Họ và tên người yêu cầu: có vẻ là mã {encoding} (phông chữ cũ), có thể là: {meant}; "
        "cần gõ lại bằng Unicode"
    )


def test_legacy_encoding_in_an_address_row(dossier: Make, only_problem: Only) -> None:
    problem = only_problem(dossier({"payload.residence_history.2.address": "Qu¶ng Ng·i"}),
                           "payload.residence_history.2.address")  # fmt: skip
    assert problem.label == "Quá trình cư trú, dòng 3 – nơi cư trú"
    assert "có thể là: Quảng Ngãi" in problem.message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<script>alert(1)</script>", "không được chứa mã HTML hoặc script"),
        ("Nguyễn <b>An</b>", "không được chứa mã HTML hoặc script"),
        ("Nguyễn\u200bAn", "chứa ký tự điều khiển hoặc ký tự ẩn"),
        ("Nguyễn\nAn", "chứa ký tự điều khiển hoặc ký tự ẩn"),
        ("Nguyễn An 😀", "không được chứa biểu tượng cảm xúc (emoji)"),
        ("Nguyễn Văn 3", "chỉ được gồm chữ cái, dấu cách và các dấu ' - ."),
        ("N" * 101, "không được dài quá 100 ký tự (đang có 101)"),
    ],
)
def test_names_refuse_markup_controls_emoji_digits_and_length(
    dossier: Make, only_problem: Only, name: str, message: str
) -> None:
    assert only_problem(dossier({"applicant.full_name": name}), "applicant.full_name").message == message


@pytest.mark.parametrize("name", ["Nguyễn Văn Ánh", "H'Hen Niê", "Trần-Lê Anh", "N" * 100, "Ksor Ỵ"])
def test_acceptable_names(dossier: Make, problems: Problems, name: str) -> None:
    assert problems(dossier({"applicant.full_name": name})) == []


def test_purpose_may_span_lines_but_not_hold_emoji(
    dossier: Make, problems: Problems, only_problem: Only
) -> None:
    assert problems(dossier({"payload.purpose": "Xin việc\nBổ sung hồ sơ"})) == []
    assert only_problem(dossier({"payload.purpose": "Xin việc 🙏"}), "payload.purpose")


def test_address_length_limit(dossier: Make, problems: Problems, only_problem: Only) -> None:
    assert problems(dossier({"applicant.permanent_address.street": "a" * 255})) == []
    problem = only_problem(dossier({"applicant.permanent_address.street": "a" * 256}),
                           "applicant.permanent_address.street")  # fmt: skip
    assert problem.message == "không được dài quá 255 ký tự (đang có 256)"


@pytest.mark.parametrize(
    ("phone", "stored"), [("0905123456", "0905123456"), ("0905 123 456", "0905123456"),
                          ("0905.123.456", "0905123456"), ("+84 905 123 456", "0905123456")],
)  # fmt: skip
def test_phone_numbers_are_normalised(dossier: Make, today: Any, phone: str, stored: str) -> None:
    assert parse_dossier(dossier({"applicant.phone": phone}), today=today).applicant.phone == stored


@pytest.mark.parametrize("phone", ["01655218892", "905123456", "09051234567", "0905-abc-456", "+8490512345"])
def test_bad_phone_numbers(dossier: Make, only_problem: Only, phone: str) -> None:
    assert only_problem(dossier({"applicant.phone": phone}), "applicant.phone").label == "Số điện thoại"


def test_email_shape(dossier: Make, only_problem: Only) -> None:
    assert only_problem(dossier({"applicant.email": "hoa@"}), "applicant.email").message == (
        "“hoa@” không phải địa chỉ thư điện tử hợp lệ"
    )


@pytest.mark.parametrize("code", ["000.00.01.H55-251103-0007", "H22.01-250101-9999"])
def test_good_dossier_codes(dossier: Make, problems: Problems, code: str) -> None:
    assert problems(dossier({"code": code})) == []


@pytest.mark.parametrize(
    "code", ["000.00.01.H55-251303-0007", "H55-251103-07", "251103-0007", "H55_251103_0007"]
)
def test_bad_dossier_codes(dossier: Make, only_problem: Only, code: str) -> None:
    assert only_problem(dossier({"code": code}), "code").label == "Mã hồ sơ"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (" 000.00.01.H55-251103-0007", "có khoảng trắng ở đầu hoặc cuối"),
        ("000.00.01.H55-251103-0007\t", "có khoảng trắng ở đầu hoặc cuối"),
        ("000..01.H55-251103-0007", "chứa “..”, không dùng được làm tên thư mục"),
        ("000.00.01.H55-٢٥١١٠٣-0007", "chứa ký tự “٢” (chữ số Ả Rập, U+0662) ngoài bảng mã ASCII; "
         "mã hồ sơ chỉ gồm chữ cái A–Z, chữ số 0–9 và các dấu . - _"),
        ("000.00.01.H55-251103-0007\x00", "chứa ký tự điều khiển hoặc ký tự ẩn (U+0000); "
         "mã hồ sơ chỉ gồm chữ cái A–Z, chữ số 0–9 và các dấu . - _"),
        ("000.00.01.H55-251103-" + "0" * 60, "không được dài quá 64 ký tự (đang có 81)"),
    ],
)  # fmt: skip
def test_dossier_codes_the_bot_cannot_use_are_refused_as_they_are(
    dossier: Make, only_problem: Only, code: str, message: str
) -> None:
    """Never stripped first: the bot names folders and URLs with the code as listed."""
    problem = only_problem(dossier({"code": code}), "code")
    assert str(problem) == f"Mã hồ sơ: {message}"


def test_attachment_checks(dossier: Make, problems: Problems) -> None:
    data = dossier(
        {"attachments.0.size": 0, "attachments.0.media_type": "jpeg", "attachments.0.sha256": "A" * 64}
    )
    found = {p.field: p.message for p in problems(data)}
    assert found == {
        "attachments.0.size": "phải lớn hơn 0 (đang là 0)",
        "attachments.0.media_type": "“jpeg” phải có dạng loại/kiểu, ví dụ application/pdf",
    }


def test_sha256_is_stored_lower_case(dossier: Make, today: Any) -> None:
    parsed: Dossier = parse_dossier(dossier({"attachments.0.sha256": "AB" * 32}), today=today)
    assert parsed.attachments[0].sha256 == "ab" * 32
