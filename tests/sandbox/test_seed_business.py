"""Seeded business-registration dossiers: the mix with judicial records, determinism, realism, the
documented flaws and tricks, and agreement with the procedure's validation and mapping."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError, create_model

from flows.business_registration.form import map_payload
from flows.business_registration.model import (
    PROCEDURE_CODE,
    TITLES,
    BusinessRegistrationRequest,
    vsic_catalogue,
)
from flows.business_registration.rules import payload_problems
from rpa.domain import Dossier, check
from rpa.domain.adminunits import communes, same_unit
from rpa.domain.labels import translate
from rpa.errors import InvalidDossier, Problem
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.registered_names import REGISTERED_NAMES
from rpa.sandbox.seed import BUSINESS_FLAWS, BUSINESS_TRICKS, FLAWS, TRICKS, generate
from rpa.sandbox.seed_business import TRADES, name_key

TODAY = date(2026, 11, 20)
BOTH = ("judicial_record", "business_registration")
CODE = re.compile(r"^000\.00\.01\.H55-(\d{6})-(\d{4})$")
# The field (prefix) each flaw must make validation report; name_registered: none, only the portal sees it.
FLAW_FIELDS: dict[str, tuple[str, ...]] = {
    "vsic_unknown": ("payload.industries.",),
    "no_main_industry": ("payload.industries",),
    "capital_not_positive": ("payload.charter_capital",),
    "contributions_mismatch": ("payload.contributions",),
    "owner_under_18": ("payload.owner.birth_date",),
    "name_registered": (),
    "name_forbidden_word": ("payload.company_name",),
    "representative_bad_identity": ("payload.representatives.0.identity.number",),
}
BusinessDossier = create_model(
    "BusinessDossier", __base__=Dossier, payload=(BusinessRegistrationRequest, ...)
)
"""A dossier whose payload is read as this procedure's (until the procedure is registered as a plug-in)."""


@pytest.fixture(scope="module")
def mix() -> list[SeededDossier]:
    return generate(8, 200, TODAY, procedures=BOTH)


@pytest.fixture(scope="module")
def business(mix: list[SeededDossier]) -> list[SeededDossier]:
    return [d for d in mix if d.data["procedure_code"] == PROCEDURE_CODE]


@pytest.fixture(scope="module")
def valid(business: list[SeededDossier]) -> list[dict[str, Any]]:
    return [d.data for d in business if d.flaw is None]


def problems_of(data: dict[str, Any]) -> list[Problem]:
    """What validation reports: field problems, the dossier's own rules, the payload's rules."""
    received = datetime.fromisoformat(data["received_at"]).date()
    try:
        dossier = BusinessDossier.model_validate(data)
    except ValidationError as error:
        found = [translate(e) for e in error.errors()]
        return found + payload_problems(None, data["payload"], received=received, today=TODAY)
    payload = dossier.payload
    assert isinstance(payload, BusinessRegistrationRequest)
    return check(dossier, TODAY) + payload_problems(payload, data["payload"], received=received, today=TODAY)


def _day(text: str) -> date:
    d, m, y = (int(p) for p in text.split("/"))
    return date(y, m, d)


def test_the_default_seeds_judicial_records_only_as_it_always_did() -> None:
    default, explicit = generate(3, 12, TODAY), generate(3, 12, TODAY, procedures=["judicial_record"])
    assert json.dumps([d.data for d in default]) == json.dumps([d.data for d in explicit])
    assert {d.data["payload"]["kind"] for d in default} == {"judicial_record"}
    assert {d.flaw for d in default} - {None} <= set(FLAWS)


def test_the_mix_is_deterministic_and_each_procedure_has_its_share() -> None:
    first, second = generate(5, 41, TODAY, procedures=BOTH), generate(5, 41, TODAY, procedures=BOTH)
    assert json.dumps([d.data for d in first]) == json.dumps([d.data for d in second])
    assert [[f.content for f in d.files] for d in first] == [[f.content for f in d.files] for d in second]
    kinds = Counter(d.data["payload"]["kind"] for d in first)
    assert kinds == {"judicial_record": 21, "business_registration": 20}
    only = generate(5, 9, TODAY, procedures=["business_registration"])
    assert {d.data["procedure_code"] for d in only} == {PROCEDURE_CODE}
    with pytest.raises(ValueError, match="procedures"):
        generate(5, 3, TODAY, procedures=["business_registration", "business_registration"])
    with pytest.raises(ValueError, match="procedures"):
        generate(5, 3, TODAY, procedures=["dang_ky_khai_sinh"])


def test_codes_are_one_sequence_per_day_across_procedures(mix: list[SeededDossier]) -> None:
    received = [datetime.fromisoformat(d.data["received_at"]) for d in mix]
    assert received == sorted(received)
    per_day: Counter[str] = Counter()
    for dossier, moment in zip(mix, received, strict=True):
        match = CODE.match(dossier.data["code"])
        assert match and match[1] == moment.strftime("%y%m%d")
        per_day[match[1]] += 1
        assert int(match[2]) == per_day[match[1]]


def test_each_procedure_cycles_its_own_flaws_and_tricks(mix: list[SeededDossier]) -> None:
    by_kind: dict[str, list[SeededDossier]] = {}
    for dossier in mix:
        by_kind.setdefault(dossier.data["payload"]["kind"], []).append(dossier)
    for kind, flaws, tricks in (
        ("judicial_record", FLAWS, TRICKS),
        ("business_registration", BUSINESS_FLAWS, BUSINESS_TRICKS),
    ):
        dossiers = by_kind[kind]
        assert len(dossiers) == 100
        assert 0.10 <= sum(1 for d in dossiers if d.flaw) / 100 <= 0.16
        assert 0.05 <= sum(1 for d in dossiers if d.tricky) / 100 <= 0.15
        assert {d.flaw for d in dossiers} - {None} == set(flaws)
        assert {d.tricky for d in dossiers} - {None} == set(tricks)
        assert not any(d.flaw and d.tricky for d in dossiers)
    assert set(FLAW_FIELDS) == set(BUSINESS_FLAWS)
    assert all(len(text) > 40 for text in (*BUSINESS_FLAWS.values(), *BUSINESS_TRICKS.values()))


def test_validation_accepts_every_valid_dossier_and_catches_every_flaw(business: list[SeededDossier]) -> None:
    wrongly: list[str] = []
    for dossier in business:
        found = problems_of(dossier.data)
        fields = [p.field for p in found]
        if dossier.flaw is None or dossier.flaw == "name_registered":
            if found:
                wrongly.append(
                    f"{dossier.flaw or dossier.tricky or 'valid'} refused: {[str(p) for p in found]}"
                )
        elif not any(f.startswith(FLAW_FIELDS[dossier.flaw]) for f in fields):
            wrongly.append(f"{dossier.flaw} not caught where expected: {fields}")
        elif not all(f.startswith("payload.") for f in fields):
            wrongly.append(f"{dossier.flaw} also reported elsewhere: {fields}")
    assert wrongly == []
    registered = [d.data["payload"]["company_name"] for d in business if d.flaw == "name_registered"]
    assert registered and set(registered) <= set(REGISTERED_NAMES)


def test_every_valid_dossier_maps_onto_the_portals_form(business: list[SeededDossier]) -> None:
    for dossier in business:
        if dossier.flaw is not None and dossier.flaw != "name_registered":
            continue
        typed = BusinessDossier.model_validate(dossier.data)
        assert isinstance(typed.payload, BusinessRegistrationRequest)
        try:
            form = map_payload(typed.code, typed.applicant, typed.payload)
        except InvalidDossier as error:
            pytest.fail(f"{typed.code} ({dossier.tricky}): {[str(p) for p in error.problems]}")
        assert form.txtChuSoGiayTo == typed.applicant.identity.number
        assert form.ddlTinh == "51" and len(form.ddlXa) == 5


def test_company_names_are_realistic_unique_and_not_registered(valid: list[dict[str, Any]]) -> None:
    names = [unicodedata.normalize("NFC", d["payload"]["company_name"]) for d in valid]
    assert all(
        n.startswith(("CÔNG TY TNHH ", "CÔNG TY TRÁCH NHIỆM HỮU HẠN ")) and n == n.upper() for n in names
    )
    keys = [name_key(n) for n in names]
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {name_key(n) for n in REGISTERED_NAMES}
    trades = {t[0] for t in TRADES}
    assert all(any(t in n for t in trades) for n in names)
    assert any("&" in n for n in names) and any("MỘT THÀNH VIÊN" in n for n in names)
    foreign = [d["payload"]["foreign_name"] for d in valid if d["payload"]["foreign_name"]]
    assert foreign and all(f.isascii() and f == f.upper() for f in foreign)


def test_business_lines_capital_and_dates_keep_the_rules(valid: list[dict[str, Any]]) -> None:
    catalogue = vsic_catalogue()
    for data in valid:
        p = data["payload"]
        received = datetime.fromisoformat(data["received_at"])
        codes = [line["code"] for line in p["industries"]]
        assert set(codes) <= set(catalogue) and len(set(codes)) == len(codes)
        assert [line["main"] for line in p["industries"]].count(True) == 1
        assert p["charter_capital"] > 0 and p["charter_capital"] % 10_000_000 == 0
        assert sum(c["amount"] for c in p["contributions"]) == p["charter_capital"]
        assert all(c["amount"] > 0 for c in p["contributions"])
        assert received.date() <= _day(p["contribution_deadline"]) <= received.date() + timedelta(days=90)
        assert received.date() <= _day(p["tax"]["start_date"])
        due = datetime.fromisoformat(data["due_at"])
        working = sum(
            1 for i in range(1, (due - received).days + 1) if (received + timedelta(i)).weekday() < 5
        )
        assert working == 3 and due.time() == received.time()
    assert max(len(d["payload"]["industries"]) for d in valid) == 10


def test_people_are_adults_with_consistent_identity_numbers(valid: list[dict[str, Any]]) -> None:
    for data in valid:
        p, applicant = data["payload"], data["applicant"]
        owner = p["owner"]
        assert applicant["identity"] == owner["identity"] and applicant["full_name"] == owner["full_name"]
        assert applicant["permanent_address"] == owner["permanent_address"]
        received = datetime.fromisoformat(data["received_at"]).date()
        for person in (owner, *p["representatives"]):
            born = _day(person["birth_date"])
            assert born.replace(year=born.year + 18) <= received
            number = person["identity"]["number"]
            assert int(number[3]) == (0 if born.year < 2000 else 2) + (person["sex"] == "female")
            assert number[4:6] == f"{born.year % 100:02d}"
        assert {r["title"] for r in p["representatives"]} <= set(TITLES)
    assert any(len(d["payload"]["representatives"]) == 2 for d in valid)


def test_head_offices_are_2025_communes_of_quang_ngai(valid: list[dict[str, Any]]) -> None:
    current = {u.code: u.name for u in communes("51")}
    for data in valid:
        office = data["payload"]["head_office"]
        assert office["province_code"] == "51" and set(office) == {
            "street", "province_code", "province", "commune_code", "commune"
        }  # fmt: skip
        assert same_unit(current[office["commune_code"]], unicodedata.normalize("NFC", office["commune"]))


def test_tricks_are_what_they_claim(business: list[SeededDossier]) -> None:
    for dossier in business:
        p = dossier.data["payload"]
        if dossier.tricky == "name_diacritics_ampersand":
            assert " & " in p["company_name"]
        elif dossier.tricky == "foreign_name_digits":
            assert any(c.isdigit() for c in p["foreign_name"])
        elif dossier.tricky == "owner_only_representative":
            (only,) = p["representatives"]
            assert only["identity"] == p["owner"]["identity"]
        elif dossier.tricky == "two_representatives":
            assert len(p["representatives"]) == 2
        elif dossier.tricky == "ten_industries":
            assert len(p["industries"]) == 10
        elif dossier.tricky == "capital_five_assets":
            assert (
                p["charter_capital"] == 10_000_000_000 and len({c["asset"] for c in p["contributions"]}) == 5
            )
        elif dossier.tricky == "merged_commune":
            street = p["head_office"]["street"]
            assert street.endswith(" cũ)") and p["head_office"]["commune"] not in street
        elif dossier.tricky == "nfd_text":
            assert p["company_name"] != unicodedata.normalize("NFC", p["company_name"])


def test_attachments_are_the_owners_identity_scan_and_the_application(business: list[SeededDossier]) -> None:
    magic = {"image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff", "application/pdf": b"%PDF-"}
    for dossier in business:
        meta = dossier.data["attachments"]
        assert [m["name"][:14] for m in meta] == ["cccd_mat_truoc", "giay_de_nghi_d"]
        for entry, file in zip(meta, dossier.files, strict=True):
            assert entry["sha256"] == hashlib.sha256(file.content).hexdigest() and entry["size"] == len(
                file.content
            )
            assert file.content.startswith(magic[file.media_type]) and len(file.content) < 60_000
