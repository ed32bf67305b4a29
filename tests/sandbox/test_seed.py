"""The seed generator: determinism, realism, documented flaws and tricks, and agreement with validation."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from vietnamadminunits import convert_address

from rpa.clock import vn_today
from rpa.domain import parse_dossier
from rpa.domain.adminunits import communes, provinces
from rpa.errors import InvalidDossier
from rpa.procedures import dossier_model
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import FLAWS, TRICKS, generate
from rpa.sandbox.seed_names import VIETNAMESE_ACCENTED
from rpa.sandbox.seed_text import swap_tone_placement, to_tcvn3

TODAY = date(2025, 11, 20)
CODE = re.compile(r"^000\.00\.01\.H55-(\d{6})-(\d{4})$")
# The field (prefix) each flaw must make validation report.
FLAW_FIELDS = {
    "residence_gap": ("payload.residence_history",),
    "residence_overlap": ("payload.residence_history",),
    "residence_not_from_14": ("payload.residence_history",),
    "cccd_birth_year": ("applicant.identity.number",),
    "cccd_sex": ("applicant.identity.number",),
    "missing_identity_number": ("applicant.identity.number",),
    "cmnd_expired": ("applicant.identity",),
    "missing_mother": ("payload.mother",),
    "tcvn3_text": ("applicant.full_name", "applicant.permanent_address"),
    "html_in_name": ("applicant.full_name",),
    "future_birth_date": ("applicant.birth_date",),
    "impossible_date": ("applicant.birth_date",),
    "phone_invalid": ("applicant.phone",),
    "post_without_address": ("payload.delivery.address",),
}


@pytest.fixture(scope="module")
def dossiers() -> list[SeededDossier]:
    return generate(7, 200, TODAY)


@pytest.fixture(scope="module")
def valid(dossiers: list[SeededDossier]) -> list[dict[str, Any]]:
    return [d.data for d in dossiers if d.flaw is None]


def _day(text: str) -> date:
    d, m, y = (int(p) for p in text.split("/"))
    return date(y, m, d)


def _birth(text: str) -> date:
    return date(int(text), 1, 1) if len(text) == 4 else _day(text)


def _fourteen(text: str) -> date:
    born = _birth(text)
    return born.replace(year=born.year + 14)


def test_same_input_gives_identical_output_and_another_seed_differs() -> None:
    first, second = generate(3, 10, TODAY), generate(3, 10, TODAY)
    assert json.dumps([d.data for d in first]) == json.dumps([d.data for d in second])
    assert [[f.content for f in d.files] for d in first] == [[f.content for f in d.files] for d in second]
    assert [(d.flaw, d.tricky) for d in first] == [(d.flaw, d.tricky) for d in second]
    other = generate(4, 10, TODAY)
    assert [d.data for d in other] != [d.data for d in first]


def test_today_defaults_to_the_current_date() -> None:
    (only,) = generate(1, 1)
    received = datetime.fromisoformat(only.data["received_at"]).date()
    today = vn_today()
    assert today - timedelta(days=33) <= received < today


def test_codes_dates_and_status(dossiers: list[SeededDossier]) -> None:
    assert len(dossiers) == 200 and generate(1, 0, TODAY) == []
    received = [datetime.fromisoformat(d.data["received_at"]) for d in dossiers]
    assert received == sorted(received)
    per_day: Counter[str] = Counter()
    for dossier, moment in zip(dossiers, received, strict=True):
        data = dossier.data
        match = CODE.match(data["code"])
        assert match and match[1] == moment.strftime("%y%m%d")
        per_day[match[1]] += 1
        assert int(match[2]) == per_day[match[1]]
        assert moment.utcoffset() == timedelta(hours=7) and data["received_at"].endswith("+07:00")
        assert TODAY - timedelta(days=33) <= moment.date() < TODAY and moment.weekday() < 5
        assert 7 <= moment.hour < 17
        due = datetime.fromisoformat(data["due_at"])
        working = sum(1 for i in range(1, (due - moment).days + 1) if (moment + timedelta(i)).weekday() < 5)
        assert working in (10, 15) and due.time() == moment.time()
        assert data["status"] in (1, 2) and data["channel"] in ("direct", "online", "post")
    assert Counter(d.data["status"] for d in dossiers)[2] > 150


def test_flaws_and_tricks_are_documented_rare_and_exclusive(dossiers: list[SeededDossier]) -> None:
    flawed = [d for d in dossiers if d.flaw]
    tricky = [d for d in dossiers if d.tricky]
    assert 0.10 <= len(flawed) / len(dossiers) <= 0.16
    assert 0.05 <= len(tricky) / len(dossiers) <= 0.15
    assert not any(d.flaw and d.tricky for d in dossiers)
    assert {d.flaw for d in flawed} <= set(FLAWS) and {d.tricky for d in tricky} == set(TRICKS)
    assert set(FLAW_FIELDS) == set(FLAWS)
    assert all(len(text) > 40 for text in (*FLAWS.values(), *TRICKS.values()))
    assert len({d.flaw for d in generate(5, 20, TODAY) if d.flaw}) >= 2
    assert {d.flaw for d in generate(8, 100, TODAY)} - {None} == set(FLAWS)


def test_every_accented_letter_appears_in_some_name(dossiers: list[SeededDossier]) -> None:
    assert len(VIETNAMESE_ACCENTED) == 67
    names = " ".join(
        unicodedata.normalize("NFC", d.data["applicant"]["full_name"]).lower()
        for d in dossiers
        if d.flaw not in ("tcvn3_text", "html_in_name")
    )
    assert [c for c in VIETNAMESE_ACCENTED if c not in names] == []
    assert any(d.data["applicant"]["ethnicity"] == "10" for d in dossiers)


def test_valid_identity_numbers_match_sex_and_birth_year(valid: list[dict[str, Any]]) -> None:
    legacy_codes = {u.code.zfill(3) for u in provinces(legacy=True)}
    for data in valid:
        applicant = data["applicant"]
        identity, born = applicant["identity"], _birth(applicant["birth_date"])
        number = identity["number"]
        assert identity["kind"] == "cccd" and re.fullmatch(r"\d{12}", number)
        assert number[:3] in legacy_codes
        assert int(number[3]) == (0 if born.year < 2000 else 2) + (applicant["sex"] == "female")
        assert number[4:6] == f"{born.year % 100:02d}"
        issued = _day(identity["issue_date"])
        assert max(date(2021, 1, 1), _fourteen(applicant["birth_date"])) <= issued < TODAY
        assert 18 <= (TODAY - born).days // 365 <= 76
        assert re.fullmatch(r"0[35789]\d{8}", applicant["phone"])


def test_valid_residence_histories_are_contiguous_from_the_14th_birthday(valid: list[dict[str, Any]]) -> None:
    for data in valid:
        rows = data["payload"]["residence_history"]
        assert 1 <= len(rows) <= 4
        assert _day(rows[0]["from_date"]) == _fourteen(data["applicant"]["birth_date"])
        for before, after in itertools.pairwise(rows):
            assert _day(after["from_date"]) == _day(before["to_date"]) + timedelta(days=1)
            assert _day(before["from_date"]) <= _day(before["to_date"])
        assert rows[-1]["to_date"] is None
        assert all(row["address"] and row["occupation"] for row in rows)
        assert data["payload"]["mother"]["full_name"]


def test_attachments_describe_their_bytes(dossiers: list[SeededDossier]) -> None:
    magic = {"image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff", "application/pdf": b"%PDF-"}
    for dossier in dossiers:
        meta = dossier.data["attachments"]
        assert len(meta) == len(dossier.files) >= 2
        assert {m["media_type"] for m in meta} >= {"application/pdf"}
        assert meta[0]["media_type"] in ("image/png", "image/jpeg")
        for entry, file in zip(meta, dossier.files, strict=True):
            assert entry == {
                "name": file.name,
                "media_type": file.media_type,
                "size": len(file.content),
                "sha256": hashlib.sha256(file.content).hexdigest(),
                "file": None,
            }
            assert file.content.startswith(magic[file.media_type]) and len(file.content) < 50_000


def test_addresses_are_real_units_and_legacy_ones_convert(valid: list[dict[str, Any]]) -> None:
    current = {u.code: u.name for u in communes("51")}
    seen_legacy = seen_current = 0
    for data in valid:
        a = data["applicant"]
        for address in (
            a["permanent_address"],
            a["temporary_address"],
            data["payload"]["delivery"]["address"],
        ):
            if address is None:
                continue
            if address["district"] is None:
                seen_current += 1
                assert address["province_code"] == "51"
                assert current[address["commune_code"]] == unicodedata.normalize("NFC", address["commune"])
            else:
                seen_legacy += 1
                assert address["province_code"] in ("51", "62")
                written = f"{address['commune']}, {address['district']}, {address['province']}"
                assert convert_address(unicodedata.normalize("NFC", written)).ward_code
    assert seen_legacy > 20 and seen_current > 20


def test_valid_dossiers_have_the_model_shape(valid: list[dict[str, Any]]) -> None:
    def nfc(value: Any) -> Any:
        return json.loads(unicodedata.normalize("NFC", json.dumps(value, ensure_ascii=False)))

    for data in valid:
        assert nfc(dossier_model().model_validate(data).model_dump(mode="json")) == nfc(data)


def test_tricks_are_what_they_claim(dossiers: list[SeededDossier]) -> None:
    for dossier in dossiers:
        applicant = dossier.data["applicant"]
        name = applicant["full_name"]
        if dossier.tricky == "nfd_text":
            assert name != unicodedata.normalize("NFC", name)
        elif dossier.tricky == "year_only_birth":
            assert re.fullmatch(r"\d{4}", applicant["birth_date"])
        elif dossier.tricky == "legacy_address":
            assert applicant["permanent_address"]["district"] is not None
        elif dossier.tricky == "tone_mark_variant":
            assert swap_tone_placement(name) != name and name == unicodedata.normalize("NFC", name)


def test_text_helpers() -> None:
    assert to_tcvn3("Nguyễn Văn") == "NguyÔn V¨n" and to_tcvn3("Báo cáo") == "B¸o c¸o"
    assert swap_tone_placement("Hòa Thủy Khỏe Quý Hoàng") == "Hoà Thuỷ Khoẻ Quý Hoàng"
    assert swap_tone_placement("Hoà") == "Hòa"


def test_validation_accepts_every_valid_dossier_and_rejects_every_flawed_one(
    dossiers: list[SeededDossier],
) -> None:
    wrongly: list[str] = []
    for dossier in dossiers:
        try:
            parse_dossier(dossier.data, today=TODAY)
        except InvalidDossier as error:
            fields = [p.field for p in error.problems]
            if dossier.flaw is None:
                wrongly.append(f"{dossier.tricky or 'valid'} refused: {[str(p) for p in error.problems]}")
            elif not any(f.startswith(FLAW_FIELDS[dossier.flaw]) for f in fields):
                wrongly.append(f"{dossier.flaw} refused for other reasons: {fields}")
        else:
            if dossier.flaw is not None:
                wrongly.append(f"{dossier.flaw} accepted")
    assert wrongly == []
