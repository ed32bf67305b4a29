"""Builds one valid judicial-record dossier (as a JSON dict), optionally with an awkward-but-valid trick."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from rpa.clock import VN
from rpa.sandbox import seed_names as names
from rpa.sandbox.seed_person import (
    NameCycle,
    Person,
    add_years,
    birth_date,
    identity,
    random_date,
    relative,
    residence_history,
)
from rpa.sandbox.seed_places import (
    HOME_PROVINCES,
    OTHER_PROVINCES,
    address_text,
    legacy_province_name,
    pick_home,
)
from rpa.sandbox.seed_text import ascii_fold, nfd, swap_tone_placement

__all__ = ["PROCEDURE_CODE", "PROCEDURE_NAME", "build_dossier", "working_days_after"]

PROCEDURE_CODE = "1.001234"  # the national code the sandbox uses for "Cấp Phiếu lý lịch tư pháp"
PROCEDURE_NAME = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"
_SLOTS = ((time(7, 30), 240), (time(13, 30), 210))  # morning and afternoon office hours (start, minutes)


def working_days_after(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Saturdays and Sundays skipped; public holidays are not)."""
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _received_at(rng: random.Random, today: date) -> datetime:
    day = today - timedelta(days=rng.randint(1, 30))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    start, minutes = rng.choice(_SLOTS)
    moment = datetime.combine(day, start, VN) + timedelta(minutes=rng.randrange(minutes))
    return moment.replace(second=rng.randrange(60))


def _kinh_name(
    rng: random.Random, cycle: NameCycle, sex: str, family: str | None = None, applicant: bool = False
) -> str:
    if family is None:
        family = rng.choices([f for f, _ in names.FAMILY_NAMES], [w for _, w in names.FAMILY_NAMES])[0]
    middle = rng.choice(names.MIDDLE_MALE if sex == "male" else names.MIDDLE_FEMALE)
    given = cycle.next(names.GIVEN_MALE if sex == "male" else names.GIVEN_FEMALE, applicant)
    return f"{family} {middle} {given}"


def _gia_rai_name(rng: random.Random, clan: str, sex: str) -> str:
    return f"{clan} {rng.choice(names.GIA_RAI_GIVEN_MALE if sex == 'male' else names.GIA_RAI_GIVEN_FEMALE)}"


def _parent(rng: random.Random, name: str, sex: str, child_year: int) -> Person:
    gap = rng.randint(20, 40) if sex == "male" else rng.randint(18, 38)
    return Person(name, sex, birth_date(rng, child_year - gap), year_only=rng.random() < 0.6)


def _people(
    rng: random.Random, cycle: NameCycle, today: date, gia_rai: bool, trick: str | None
) -> tuple[Person, Person | None, Person, Person | None]:
    """The applicant, father (may be absent), mother and spouse (may be absent)."""
    sex = rng.choice(("male", "female"))
    born = random_date(rng, add_years(today, -76) + timedelta(days=1), add_years(today, -18))
    if born.month == 2 and born.day == 29:
        born = born.replace(day=28)
    year_only = trick == "year_only_birth"
    if year_only:
        born = date(max(min(born.year, today.year - 19), today.year - 75), 1, 1)
    if gia_rai:
        clan, father_clan = rng.sample(names.GIA_RAI_CLANS, 2)
        name = _gia_rai_name(rng, clan, sex)
        father_name, mother_name = _gia_rai_name(rng, father_clan, "male"), _gia_rai_name(rng, clan, "female")
    else:
        name = _kinh_name(rng, cycle, sex, applicant=True)
        if trick == "tone_mark_variant":
            variants = names.TONE_VARIANT_MALE if sex == "male" else names.TONE_VARIANT_FEMALE
            name = swap_tone_placement(name.rsplit(" ", 1)[0] + " " + rng.choice(variants))
        father_name = _kinh_name(rng, cycle, "male", family=name.split(" ")[0])
        mother_name = _kinh_name(rng, cycle, "female")
    applicant = Person(name, sex, born, year_only)
    father = _parent(rng, father_name, "male", born.year) if rng.random() > 0.06 else None
    mother = _parent(rng, mother_name, "female", born.year)
    spouse = None
    if today.year - born.year >= 22 and rng.random() < 0.55:
        other = "female" if sex == "male" else "male"
        year = min(born.year + rng.randint(-6, 6), today.year - 19)
        spouse_name = _kinh_name(rng, cycle, other)
        spouse = Person(spouse_name, other, birth_date(rng, year), year_only=rng.random() < 0.3)
    return applicant, father, mother, spouse


def _request(
    rng: random.Random,
    today: date,
    received: datetime,
    permanent: dict[str, Any],
    relatives: dict[str, Person],
) -> dict[str, Any]:
    certificate_type = 2 if rng.random() < 0.2 else 1
    post = rng.random() < 0.3
    authorised = None
    if certificate_type == 1 and relatives and rng.random() < 0.12:  # Phiếu số 2 cannot be delegated
        relationship = rng.choice(sorted(relatives))
        person = relatives[relationship]
        days = rng.randint(1, 15)
        authorised = {
            "full_name": person.full_name,
            "identity": identity(rng, person, rng.choice(HOME_PROVINCES), today),
            "relationship": relationship,
            "relation": "spouse" if relationship in ("Vợ", "Chồng") else "parent",
            # A parent or spouse needs no written authorisation (điều 45): a third of them bring none.
            # Drawn from ``days`` so the generator's sequence, hence every seed's dossiers, stays put.
            "authorisation_date": None
            if days % 3 == 0
            else (received.date() - timedelta(days=days)).strftime("%d/%m/%Y"),
        }
    return {
        "certificate_type": certificate_type,
        "confirm_court_ban": certificate_type == 1 and rng.random() < 0.15,
        "purpose": rng.choice(names.PURPOSES),
        "copies": rng.choice((1, 1, 1, 2, 2, 3)),
        "delivery": {"method": "post" if post else "at_agency", "address": dict(permanent) if post else None},
        "authorised_person": authorised,
    }


def build_dossier(rng: random.Random, cycle: NameCycle, today: date, trick: str | None) -> dict[str, Any]:
    """A valid dossier; ``code`` and ``attachments`` are filled in later by the caller."""
    home_code = rng.choices(HOME_PROVINCES, (7, 3))[0]
    home = pick_home(rng, home_code)
    gia_rai = home_code == "62" and trick != "tone_mark_variant" and rng.random() < 0.25
    applicant, father, mother, spouse = _people(rng, cycle, today, gia_rai, trick)
    birth_province = home_code if rng.random() < 0.85 else rng.choice(OTHER_PROVINCES)
    if birth_province == home_code:
        birth_place = address_text({**home.legacy, "street": None})
    else:
        birth_place = legacy_province_name(birth_province)
    legacy = trick == "legacy_address" or rng.random() < 0.3
    permanent = home.legacy if legacy else home.current
    temporary = None
    if rng.random() < 0.15:
        other = pick_home(rng, "51")
        temporary = other.legacy if trick == "legacy_address" else other.current
    rows, places = residence_history(
        rng, applicant, (address_text(home.legacy), address_text(permanent), home_code), today
    )
    received = _received_at(rng, today)
    channel = rng.choices(("direct", "online", "post"), (5, 4, 1))[0]
    status = 1 if channel == "online" and rng.random() < 0.3 else 2
    email = None
    if rng.random() < 0.3:
        email = ascii_fold(applicant.full_name).lower().replace(" ", "").replace("'", "")
        email = f"{email}{applicant.birth.year}@gmail.com"
    relatives = {"Cha đẻ": father, "Mẹ đẻ": mother, "Vợ" if applicant.sex == "male" else "Chồng": spouse}
    payload = {
        "kind": "judicial_record",
        "father": relative(father),
        "mother": relative(mother),
        "spouse": relative(spouse),
        "residence_history": rows,
        **_request(rng, today, received, permanent, {k: v for k, v in relatives.items() if v}),
    }
    data: dict[str, Any] = {
        "code": "",
        "procedure_code": PROCEDURE_CODE,
        "procedure_name": PROCEDURE_NAME,
        "received_at": received.isoformat(),
        "due_at": working_days_after(received, 15 if len(places) > 1 else 10).isoformat(),
        "status": status,
        "channel": channel,
        "applicant": {
            "full_name": applicant.full_name,
            "other_name": rng.choice(names.NICKNAMES) if rng.random() < 0.05 else None,
            "sex": applicant.sex,
            "birth_date": applicant.birth_text,
            "birth_place": birth_place,
            "nationality": "VN",
            "ethnicity": "10" if gia_rai else "01",
            "identity": identity(rng, applicant, birth_province, today),
            "permanent_address": dict(permanent),
            "temporary_address": temporary,
            "phone": rng.choice(names.PHONE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}",
            "email": email,
        },
        "attachments": [],
        "payload": payload,
    }
    if trick == "nfd_text":
        applicant_data = data["applicant"]
        applicant_data["full_name"] = nfd(applicant_data["full_name"])
        address = applicant_data["permanent_address"]
        address["street"], address["commune"] = nfd(address["street"]), nfd(address["commune"])
    return data
