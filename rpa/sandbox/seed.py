"""Deterministic seed generator of realistic dossiers for the provincial sandbox: judicial-record
certificates (``judicial_record``) and, on request, single-member LLC registrations
(``business_registration``) and vehicle badges (``road_transport``).

``generate(seed, count, today)`` returns ``count`` dossiers received in the 30 days before ``today``.
The same arguments always give byte-identical data and files (one ``random.Random(seed)``, no clock).
With several ``procedures`` they take turns, so each has its share of the dossiers.

Of each procedure's dossiers, about one in seven carries one deliberate flaw (``FLAWS``,
``BUSINESS_FLAWS``, ``TRANSPORT_FLAWS``), cycling through every kind of that procedure in a
seed-shuffled order, so 20 dossiers hold at least two different flaws and 100 hold every kind. About
one in ten others carries one awkward-but-valid trick (``TRICKS``, ``BUSINESS_TRICKS``,
``TRANSPORT_TRICKS``). A dossier never has both.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rpa.clock import vn_today
from rpa.sandbox.records import SeededDossier, SeedFile
from rpa.sandbox.seed_business import BusinessSeeder, business_files
from rpa.sandbox.seed_business_flaws import BUSINESS_FLAWS, BUSINESS_TRICKS, apply_business_flaw
from rpa.sandbox.seed_dossier import build_dossier
from rpa.sandbox.seed_files import application_form, attachment_meta, authorisation_letter, identity_scan
from rpa.sandbox.seed_flaws import FLAWS, TRICKS, apply_flaw
from rpa.sandbox.seed_person import NameCycle
from rpa.sandbox.seed_transport import build_badge_dossier, transport_files
from rpa.sandbox.seed_transport_flaws import TRANSPORT_FLAWS, TRANSPORT_TRICKS, apply_transport_flaw

__all__ = [
    "AGENCY_CODE",
    "BUSINESS_FLAWS",
    "BUSINESS_TRICKS",
    "FLAWS",
    "PROCEDURES",
    "TRANSPORT_FLAWS",
    "TRANSPORT_TRICKS",
    "TRICKS",
    "generate",
]

AGENCY_CODE = "000.00.01.H55"
_FLAW_EVERY, _FLAW_AT = 7, 3  # index % 7 == 3: 14 of the first 100 dossiers, one of each flaw kind
_TRICK_EVERY, _TRICK_AT = 10, 6  # index % 10 == 6 (unless flawed): about 9%


class _Cycle:
    """Hands out ids in a seed-shuffled order, reshuffling after each full round."""

    def __init__(self, rng: random.Random, ids: list[str]) -> None:
        self._rng, self._ids, self._queue = rng, ids, list[str]()

    def next(self) -> str:
        if not self._queue:
            self._queue = list(self._ids)
            self._rng.shuffle(self._queue)
        return self._queue.pop()


def _files(data: dict[str, Any], jpeg: bool) -> list[SeedFile]:
    applicant = data["applicant"]
    files = [
        identity_scan(applicant["identity"]["number"], applicant["full_name"], applicant["birth_date"], jpeg),
        application_form(data),
    ]
    authorised = data["payload"]["authorised_person"]
    if authorised and authorised.get("authorisation_date"):  # a parent or spouse may bring no letter
        files.append(authorisation_letter(data))
    return files


Build = Callable[[random.Random, NameCycle, date, "str | None"], dict[str, Any]]
Break = Callable[[str, dict[str, Any], random.Random, date], None]
Files = Callable[[dict[str, Any], bool], list[SeedFile]]


@dataclass(frozen=True)
class _Procedure:
    """How one procedure's dossiers are made: built, broken, given their files."""

    flaws: dict[str, str]
    tricks: dict[str, str]
    build: Build
    apply_flaw: Break
    files: Files


def _judicial_record() -> _Procedure:
    return _Procedure(FLAWS, TRICKS, build_dossier, apply_flaw, _files)


def _business_registration() -> _Procedure:
    seeder = BusinessSeeder()  # one per run: company names never repeat within it
    return _Procedure(BUSINESS_FLAWS, BUSINESS_TRICKS, seeder.build, apply_business_flaw, business_files)


def _road_transport() -> _Procedure:
    return _Procedure(
        TRANSPORT_FLAWS, TRANSPORT_TRICKS, build_badge_dossier, apply_transport_flaw, transport_files
    )


PROCEDURES: dict[str, Callable[[], _Procedure]] = {
    "judicial_record": _judicial_record,
    "business_registration": _business_registration,
    "road_transport": _road_transport,
}
"""The procedures ``generate`` can seed, by ledger name."""


class _Turn:
    """One procedure's share of a run: its own flaw and trick cycles, and how many it has made."""

    def __init__(self, rng: random.Random, procedure: _Procedure) -> None:
        self.procedure = procedure
        self.flaws = _Cycle(random.Random(rng.getrandbits(64)), sorted(procedure.flaws))
        self.tricks = _Cycle(random.Random(rng.getrandbits(64)), sorted(procedure.tricks))
        self.made = 0

    def draft(
        self, rng: random.Random, names: NameCycle, today: date
    ) -> tuple[dict[str, Any], str | None, str | None]:
        index, self.made = self.made, self.made + 1
        flaw = self.flaws.next() if index % _FLAW_EVERY == _FLAW_AT else None
        trick = self.tricks.next() if flaw is None and index % _TRICK_EVERY == _TRICK_AT else None
        data = self.procedure.build(rng, names, today, trick)
        if flaw:
            self.procedure.apply_flaw(flaw, data, rng, today)
        return data, flaw, trick


def generate(
    seed: int, count: int, today: date | None = None, *, procedures: Sequence[str] = ("judicial_record",)
) -> list[SeededDossier]:
    """Generate ``count`` dossiers, ordered by reception time, coded ``000.00.01.H55-{yyMMdd}-{NNNN}``.

    Args:
        seed: the only source of randomness.
        count: how many dossiers.
        today: the day the data is generated for (received dates fall in the 30 days before it);
            defaults to today in Vietnam.
        procedures: the ledger names of the procedures to seed (see :data:`PROCEDURES`), each once.
            They take turns in the order given, so with up to four each gets at least a quarter; each
            cycles through its own flaws and tricks. The default gives exactly the judicial-record
            dossiers this function always gave for the same seed.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    unknown = [name for name in procedures if name not in PROCEDURES]
    if unknown or not procedures or len(set(procedures)) != len(procedures):
        raise ValueError(
            f"procedures must be distinct names among {sorted(PROCEDURES)}, got {list(procedures)}"
        )
    today = today or vn_today()
    rng = random.Random(seed)
    names = NameCycle(random.Random(rng.getrandbits(64)))
    turns = [_Turn(rng, PROCEDURES[name]()) for name in procedures]
    drafts: list[tuple[dict[str, Any], str | None, str | None, bool, Files]] = []
    for index in range(count):
        turn = turns[index % len(turns)]
        data, flaw, trick = turn.draft(rng, names, today)
        drafts.append((data, flaw, trick, rng.random() < 0.3, turn.procedure.files))
    drafts.sort(key=lambda draft: datetime.fromisoformat(draft[0]["received_at"]))
    sequence: dict[str, int] = {}
    dossiers = []
    for data, flaw, trick, jpeg, make_files in drafts:
        day = datetime.fromisoformat(data["received_at"]).strftime("%y%m%d")
        sequence[day] = sequence.get(day, 0) + 1
        data["code"] = f"{AGENCY_CODE}-{day}-{sequence[day]:04d}"
        files = make_files(data, jpeg)
        data["attachments"] = [attachment_meta(f) for f in files]
        dossiers.append(SeededDossier(data=data, files=files, flaw=flaw, tricky=trick))
    return dossiers
