"""Deliberate flaws and awkward-but-valid tricks of seeded business-registration dossiers, in the style
of :mod:`rpa.sandbox.seed_flaws`: each flaw a business problem the bot reports in Vietnamese without
typing anything (``name_registered`` only the portal's name check can find)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from flows.business_registration.model import vsic_catalogue
from rpa.sandbox.registered_names import REGISTERED_NAMES
from rpa.sandbox.seed_person import Person, add_years, identity

__all__ = ["BUSINESS_FLAWS", "BUSINESS_TRICKS", "apply_business_flaw"]

BUSINESS_FLAWS: dict[str, str] = {
    "vsic_unknown": (
        "Mã ngành không phải mã cấp 4 của VSIC. / One industry line's code is a level-5 or level-3 code, or "
        "4 digits the catalogue lacks; validation must report payload.industries.N.code."
    ),
    "no_main_industry": (
        "Không có ngành chính, hoặc có hai ngành chính. / No industry line, or two lines, marked main; "
        "validation must report payload.industries."
    ),
    "capital_not_positive": (
        "Vốn điều lệ bằng 0 hoặc âm. / The charter capital is 0 or negative (the contributions are left as "
        "they were); validation must report payload.charter_capital."
    ),
    "contributions_mismatch": (
        "Tổng tài sản góp vốn khác vốn điều lệ. / One contribution is 10-500 million VND off, so the "
        "contributions do not add up to the capital; validation must report payload.contributions."
    ),
    "owner_under_18": (
        "Chủ sở hữu chưa đủ 18 tuổi. / The owner (and applicant) is 15-17 on the day received, identity "
        "number consistent; validation must report payload.owner.birth_date."
    ),
    "name_registered": (
        "Trùng tên doanh nghiệp đã đăng ký. / The name of an enterprise the portal already holds; no rule "
        "of the bot sees it, the portal's name check refuses it and nothing is submitted."
    ),
    "name_forbidden_word": (
        "Tên có từ ngữ bị cấm (Luật Doanh nghiệp 2020, điều 38). / The name holds a state body's or the "
        "armed forces' name, or a word against morals; validation must report payload.company_name."
    ),
    "representative_bad_identity": (
        "Số CCCD của người đại diện không khớp giới tính hoặc năm sinh. / Digit 4 or digits 5-6 of the "
        "first representative's CCCD disagree; validation must report "
        "payload.representatives.0.identity.number."
    ),
}

BUSINESS_TRICKS: dict[str, str] = {
    "name_diacritics_ampersand": (
        'Tên nhiều dấu và có "&". / Two trades joined by "&" and a place with many diacritics, e.g. '
        "CÔNG TY TNHH XÂY DỰNG & THƯƠNG MẠI DỊCH VỤ ĐỨC PHỔ."
    ),
    "foreign_name_digits": (
        'Tên nước ngoài có chữ số. / The foreign name holds digits ("3T", "68", "T&T 9"); Latin letters '
        "and digits are allowed."
    ),
    "owner_only_representative": (
        "Chủ sở hữu là người đại diện duy nhất. / The owner is the only legal representative, with the "
        "same identity document."
    ),
    "two_representatives": (
        "Hai người đại diện theo pháp luật. / The owner as Chủ tịch công ty and a hired director (Giám đốc "
        "or Tổng giám đốc)."
    ),
    "ten_industries": "Mười ngành, nghề kinh doanh. / Ten industry lines, exactly one of them main.",
    "capital_five_assets": (
        "Vốn 10 tỷ góp bằng năm loại tài sản. / A charter capital of 10 billion VND contributed in VND, "
        "foreign currency, gold, land-use right and intellectual property."
    ),
    "merged_commune": (
        "Trụ sở ở xã/phường đã sáp nhập năm 2025. / The head office is in a 2025 commune formed from an "
        'older one, whose name the street line still carries ("Thôn 3 (Xã Bình Hòa cũ)").'
    ),
    "nfd_text": (
        "Tên công ty, họ tên chủ sở hữu và địa chỉ trụ sở ở dạng Unicode NFD. / The company name, the "
        "owner's (and applicant's) name and the head office's street and commune are decomposed; valid "
        "once normalised."
    ),
}

_FORBIDDEN = ("QUÂN ĐỘI", "CÔNG AN", "NHÀ NƯỚC", "CHÍNH PHỦ", "CẢNH SÁT", "PHÁT XÍT")
"""Words of :data:`flows.business_registration.rules.FORBIDDEN_WORDS` the flaw puts in a name."""


def _unknown_code(rng: random.Random, main: str) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return main + str(rng.randint(1, 9))  # a level-5 code
    if kind == 1:
        return main[:3]  # a level-3 code
    catalogue = vsic_catalogue()
    while True:
        code = f"{rng.randint(100, 9999):04d}"
        if code not in catalogue:
            return code


def _under_18(data: dict[str, Any], rng: random.Random, today: date) -> None:
    payload, applicant = data["payload"], data["applicant"]
    owner = payload["owner"]
    received = datetime.fromisoformat(data["received_at"]).date()
    born = add_years(received, -rng.randint(15, 17)) + timedelta(days=rng.randint(1, 300))
    person = Person(owner["full_name"], owner["sex"], born)
    old_number = owner["identity"]["number"]
    document = identity(rng, person, old_number[1:3], today)
    same = [r for r in payload["representatives"] if r["identity"]["number"] == old_number]
    for holder in (owner, applicant, *same):  # one person everywhere: the owner files and may represent
        holder["birth_date"], holder["identity"] = person.birth_text, dict(document)


def apply_business_flaw(kind: str, data: dict[str, Any], rng: random.Random, today: date) -> None:
    """Break ``data`` in the way ``BUSINESS_FLAWS[kind]`` documents."""
    payload = data["payload"]
    lines = payload["industries"]
    if kind == "vsic_unknown":
        line = rng.choice(lines)
        line["code"] = _unknown_code(rng, line["code"])
    elif kind == "no_main_industry":
        if len(lines) == 1 or rng.random() < 0.5:
            for line in lines:
                line["main"] = False
        else:
            rng.choice([line for line in lines if not line["main"]])["main"] = True
    elif kind == "capital_not_positive":
        payload["charter_capital"] = rng.choice((0, -payload["charter_capital"]))
    elif kind == "contributions_mismatch":
        line = rng.choice(payload["contributions"])
        delta = rng.randint(1, 50) * 10_000_000
        line["amount"] += -delta if rng.random() < 0.5 and line["amount"] > delta else delta
    elif kind == "owner_under_18":
        _under_18(data, rng, today)
    elif kind == "name_registered":
        payload["company_name"] = rng.choice(REGISTERED_NAMES)
    elif kind == "name_forbidden_word":
        words = payload["company_name"].split(" ")
        cut = len(words) - rng.randint(1, 2)
        payload["company_name"] = " ".join([*words[:cut], rng.choice(_FORBIDDEN), *words[cut:]])
    elif kind == "representative_bad_identity":
        person = payload["representatives"][0]
        document = person["identity"] = dict(person["identity"])
        number = document["number"]
        if rng.random() < 0.5:
            document["number"] = f"{number[:3]}{int(number[3]) ^ 1}{number[4:]}"  # the other sex
        else:
            year = (int(number[4:6]) + rng.randint(1, 9)) % 100
            document["number"] = f"{number[:4]}{year:02d}{number[6:]}"
    else:
        raise ValueError(f"unknown flaw {kind!r}")
