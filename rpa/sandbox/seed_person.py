"""People for the seed generator: names, identity cards, relatives and residence histories."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rpa.sandbox import seed_names as names
from rpa.sandbox.seed_places import OTHER_PROVINCES, address_text, legacy_address

__all__ = [
    "CCCD_ISSUER",
    "NameCycle",
    "Person",
    "add_years",
    "cccd_number",
    "cccd_valid_on",
    "fourteenth_birthday",
    "identity",
    "relative",
    "residence_history",
]

CCCD_ISSUER = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
CCCD_START = date(2021, 1, 1)  # chip-based CCCD cards: every valid card seen today was issued after this


@dataclass
class NameCycle:
    """Hands out given names in a seed-shuffled cycle, so a few dozen people use every name in a list."""

    rng: random.Random
    _queues: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    def next(self, pool: tuple[str, ...], applicant: bool = False) -> str:
        """The next name of ``pool``; applicants have their own cycle, so they alone show every name."""
        queue = self._queues.setdefault((*pool, "applicant") if applicant else pool, [])
        if not queue:
            queue.extend(pool)
            self.rng.shuffle(queue)
        return queue.pop()


@dataclass(frozen=True)
class Person:
    full_name: str
    sex: str  # "male" / "female"
    birth: date
    year_only: bool = False

    @property
    def birth_text(self) -> str:
        return f"{self.birth.year:04d}" if self.year_only else self.birth.strftime("%d/%m/%Y")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def fourteenth_birthday(person: Person) -> date:
    born = date(person.birth.year, 1, 1) if person.year_only else person.birth
    return add_years(born, 14)


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def birth_date(rng: random.Random, year: int) -> date:
    """A birth date in ``year``, never 29 February (whose 14th anniversary does not exist)."""
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 364))


def cccd_number(rng: random.Random, province_code: str, sex: str, year: int) -> str:
    """12 digits: birth-registration province, century+sex, year's last two digits, six random."""
    century = 0 if year < 2000 else 2 if year < 2100 else 4
    sex_digit = century + (1 if sex == "female" else 0)
    return f"0{province_code}{sex_digit}{year % 100:02d}{rng.randint(0, 999_999):06d}"


def cccd_valid_on(birth: date, issued: date, day: date) -> bool:
    """A card must be renewed at 25, 40 and 60; one issued within two years of a milestone skips it."""
    age = (issued - birth).days // 365
    for milestone in (25, 40, 60):
        if age < milestone - 2:
            return day < add_years(birth, milestone)
    return True


def identity(rng: random.Random, person: Person, province_code: str, today: date) -> dict[str, Any]:
    number = cccd_number(rng, province_code, person.sex, person.birth.year)
    earliest = max(CCCD_START, fourteenth_birthday(person))
    issued = today - timedelta(days=90)
    for _ in range(10):
        candidate = random_date(rng, earliest, today - timedelta(days=60))
        if cccd_valid_on(person.birth, candidate, today):
            issued = candidate
            break
    return {
        "kind": "cccd",
        "number": number,
        "issue_date": issued.strftime("%d/%m/%Y"),
        "issue_place": CCCD_ISSUER,
    }


def relative(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"full_name": person.full_name, "birth_date": person.birth_text}


def _history_place(rng: random.Random, age: int) -> tuple[str, str] | None:
    """Somewhere away from home (text, legacy province code) for a young adult, else None."""
    if 18 <= age <= 35 and rng.random() < 0.35:
        code = rng.choice(OTHER_PROVINCES)
        return address_text(legacy_address(rng, code)), code
    return None


def _occupation(rng: random.Random, age: int, place_is_home: bool) -> tuple[str, str | None]:
    if age < 18:
        return "Học sinh", rng.choice(names.SCHOOLS)
    if age < 23 and rng.random() < 0.5:
        return "Sinh viên", rng.choice(names.UNIVERSITIES)
    occupation, workplaces = rng.choice(names.OCCUPATIONS)
    if not place_is_home and occupation in ("Nông dân", "Ngư dân", "Nội trợ"):
        occupation, workplaces = names.OCCUPATIONS[1]  # working away from home: factory work
    return occupation, rng.choice(workplaces)


def residence_history(
    rng: random.Random, person: Person, home: tuple[str, str, str], today: date
) -> tuple[list[dict[str, Any]], set[str]]:
    """Contiguous rows from the 14th birthday to now (last ``to_date`` None: "đến nay").

    ``home`` is (legacy address text, current address text, legacy province code). Returns the rows and
    the legacy province codes the person lived in.
    """
    home_legacy, home_now, home_code = home
    start = fourteenth_birthday(person)
    span = (today - start).days
    rows_wanted = min(rng.choice((1, 2, 2, 3, 3, 4)), 1 + span // 730)
    cuts = sorted(rng.sample(range(365, span - 180), rows_wanted - 1)) if rows_wanted > 1 else []
    cuts = [c for i, c in enumerate(cuts) if i == 0 or c - cuts[i - 1] > 180]
    bounds = [start] + [start + timedelta(days=c) for c in cuts]
    rows, places = [], {home_code}
    for i, row_start in enumerate(bounds):
        last = i == len(bounds) - 1
        row_end = today if last else bounds[i + 1] - timedelta(days=1)
        away = None if last else _history_place(rng, (row_start - person.birth).days // 365)
        if away:
            places.add(away[1])
        # the last row tells today's occupation, earlier ones the occupation in the middle of the period
        told = row_end if last else row_start + (row_end - row_start) / 2
        occupation, workplace = _occupation(rng, (told - person.birth).days // 365, away is None)
        rows.append(
            {
                "from_date": row_start.strftime("%d/%m/%Y"),
                "to_date": None if last else row_end.strftime("%d/%m/%Y"),
                "address": home_now if last else away[0] if away else home_legacy,
                "occupation": occupation,
                "workplace": workplace,
            }
        )
    return rows, places
