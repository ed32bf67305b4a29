"""Deliberate flaws (business errors validation must catch) and awkward-but-valid tricks."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from rpa.sandbox.seed_person import add_years
from rpa.sandbox.seed_text import to_tcvn3

__all__ = ["FLAWS", "TRICKS", "apply_flaw"]

FLAWS: dict[str, str] = {
    "residence_gap": (
        "Quá trình cư trú bị hở vài tháng giữa hai dòng. / A gap of 2-5 months between two residence "
        "rows; validation must report payload.residence_history (rows not contiguous)."
    ),
    "residence_overlap": (
        "Quá trình cư trú có hai dòng chồng lấn thời gian. / Two residence rows overlap by 1-4 months; "
        "validation must report payload.residence_history (overlap)."
    ),
    "residence_not_from_14": (
        "Quá trình cư trú không bắt đầu từ năm 14 tuổi. / The residence history starts 2-8 years after "
        "the 14th birthday; validation must report payload.residence_history (must start at age 14)."
    ),
    "cccd_birth_year": (
        "Số CCCD không khớp năm sinh. / Digits 5-6 of the CCCD disagree with the birth year; validation "
        "must report applicant.identity.number."
    ),
    "cccd_sex": (
        "Số CCCD không khớp giới tính. / Digit 4 of the CCCD (century and sex) disagrees with the sex; "
        "validation must report applicant.identity.number."
    ),
    "missing_identity_number": (
        "Thiếu số giấy tờ tùy thân. / The identity number is empty; validation must report "
        "applicant.identity.number (required)."
    ),
    "cmnd_expired": (
        "Dùng CMND 9 số đã hết giá trị (sau 31/12/2024). / A 9-digit CMND issued 2005-2015, no longer "
        "valid; validation must report applicant.identity."
    ),
    "missing_mother": (
        "Thiếu họ tên mẹ. / The mother is missing (null) or has an empty name; validation must report "
        "payload.mother."
    ),
    "tcvn3_text": (
        'Họ tên và địa chỉ bị lỗi mã TCVN3 ("NguyÔn V¨n"). / The applicant\'s name and permanent address '
        "(street, commune) are TCVN3 bytes read as Latin-1; validation must report applicant.full_name "
        "and applicant.permanent_address."
    ),
    "html_in_name": (
        "Họ tên chứa mã HTML/script. / The applicant's name contains HTML or a script tag; validation "
        "must report applicant.full_name."
    ),
    "future_birth_date": (
        "Ngày sinh ở tương lai. / The birth date is after today (CCCD digits kept consistent); validation"
        " must report applicant.birth_date."
    ),
    "impossible_date": (
        'Ngày sinh không tồn tại ("31/02/1990"). / The birth date is an impossible calendar date string '
        "such as 31/02 or 31/04; validation must report applicant.birth_date."
    ),
    "phone_invalid": (
        "Số điện thoại sai (11 số đầu cũ 016x, 9 số, hoặc có chữ cái). / The phone is not 10 digits "
        "starting with 0; validation must report applicant.phone."
    ),
    "post_without_address": (
        "Nhận kết quả qua bưu chính nhưng không có địa chỉ. / Delivery by post without an address; "
        "validation must report payload.delivery.address."
    ),
}

TRICKS: dict[str, str] = {
    "nfd_text": (
        "Họ tên và địa chỉ thường trú ở dạng Unicode NFD (tổ hợp). / The applicant's name and the street "
        "and commune of the permanent address are in NFD; valid once normalised to NFC."
    ),
    "year_only_birth": (
        'Chỉ có năm sinh. / The applicant\'s birth date is a year only ("1968"); the residence history '
        "starts on 01/01 of the year the person turned 14."
    ),
    "legacy_address": (
        "Mọi địa chỉ ở dạng 3 cấp cũ (xã, huyện, tỉnh). / Permanent (and temporary) addresses use the "
        "pre-July-2025 three-level form with legacy codes; each converts to a current commune."
    ),
    "tone_mark_variant": (
        'Bỏ dấu kiểu khác ("Hoà", "Thuỷ", "Khoẻ"). / The applicant\'s name uses the other tone-mark '
        'placement; still pure NFC and valid, the same name as "Hòa".'
    ),
}

_CMND_PREFIXES = ("21", "23")  # the 9-digit CMND numbers of Quảng Ngãi and Kon Tum began with these


def _day(text: str) -> date:
    d, m, y = (int(part) for part in text.split("/"))
    return date(y, m, d)


def _text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _split_longest_row(rows: list[dict[str, Any]], today: date, shift: int) -> None:
    """Split the longest row in two; the second starts ``shift`` days late (a gap) or early (an overlap)."""

    def end(row: dict[str, Any]) -> date:
        return _day(row["to_date"]) if row["to_date"] else today

    i = max(range(len(rows)), key=lambda k: (end(rows[k]) - _day(rows[k]["from_date"])).days)
    row = rows[i]
    start = _day(row["from_date"])
    middle = start + (end(row) - start) / 2
    rows[i : i + 1] = [
        {**row, "to_date": _text(middle)},
        {**row, "from_date": _text(middle + timedelta(1 + shift))},
    ]


def _set_cccd_year(identity: dict[str, Any], year: int, sex: str) -> None:
    century = 0 if year < 2000 else 2
    number = identity["number"]
    identity["number"] = f"{number[:3]}{century + (sex == 'female')}{year % 100:02d}{number[6:]}"


def _phone(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"016{rng.randint(2, 9)}{rng.randint(0, 9_999_999):07d}"  # pre-2018 11-digit number
    if kind == 1:
        return f"09{rng.randint(0, 9_999_999):07d}"  # a digit short
    return f"09O{rng.randint(0, 9_999_999):07d}"  # letter O typed for zero


def apply_flaw(kind: str, data: dict[str, Any], rng: random.Random, today: date) -> None:
    """Break ``data`` in the way ``FLAWS[kind]`` documents."""
    applicant, payload = data["applicant"], data["payload"]
    identity, rows = applicant["identity"], payload["residence_history"]
    if kind == "residence_gap":
        _split_longest_row(rows, today, rng.randint(60, 150))
    elif kind == "residence_overlap":
        _split_longest_row(rows, today, -rng.randint(30, 120))
    elif kind == "residence_not_from_14":
        start = _day(rows[0]["from_date"])
        years = rng.randint(2, max(2, min(8, (today - start).days // 365 - 1)))
        late = add_years(start, years)
        rows[:] = [r for r in rows if r["to_date"] is None or _day(r["to_date"]) >= late]
        rows[0]["from_date"] = _text(late)
    elif kind == "cccd_birth_year":
        number = identity["number"]
        year = (int(number[4:6]) + rng.randint(1, 9)) % 100
        identity["number"] = f"{number[:4]}{year:02d}{number[6:]}"
    elif kind == "cccd_sex":
        number = identity["number"]
        identity["number"] = f"{number[:3]}{int(number[3]) ^ 1}{number[4:]}"
    elif kind == "missing_identity_number":
        identity["number"] = ""
    elif kind == "cmnd_expired":
        issued = date(rng.randint(2005, 2015), rng.randint(1, 12), rng.randint(1, 28))
        applicant["identity"] = {
            "kind": "cmnd",
            "number": rng.choice(_CMND_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}",
            "issue_date": _text(issued),
            "issue_place": "Công an tỉnh Quảng Ngãi",
        }
    elif kind == "missing_mother":
        payload["mother"] = None if rng.random() < 0.5 else {"full_name": "", "birth_date": None}
    elif kind == "tcvn3_text":
        applicant["full_name"] = to_tcvn3(applicant["full_name"])
        address = applicant["permanent_address"]
        address["street"], address["commune"] = to_tcvn3(address["street"]), to_tcvn3(address["commune"])
    elif kind == "html_in_name":
        given = applicant["full_name"].rsplit(" ", 1)
        applicant["full_name"] = rng.choice(
            (
                "<script>alert(1)</script>",
                f"{given[0]} <b>{given[-1]}</b>",
                f'{given[0]}"><img src=x onerror=alert(1)>',
            )
        )
    elif kind == "future_birth_date":
        born = today + timedelta(days=rng.randint(30, 400))
        applicant["birth_date"] = _text(born)
        _set_cccd_year(identity, born.year, applicant["sex"])
    elif kind == "impossible_date":
        year = int(applicant["birth_date"][-4:])
        day_month = rng.choice(("31/02", "30/02", "31/04", "31/06", "31/09", "31/11"))
        applicant["birth_date"] = f"{day_month}/{year}"
    elif kind == "phone_invalid":
        applicant["phone"] = _phone(rng)
    elif kind == "post_without_address":
        payload["delivery"] = {"method": "post", "address": None}
    else:
        raise ValueError(f"unknown flaw {kind!r}")
