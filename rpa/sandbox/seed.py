"""Deterministic seed generator of realistic judicial-record dossiers for the provincial sandbox.

``generate(seed, count, today)`` returns ``count`` dossiers received in the 30 days before ``today``.
The same arguments always give byte-identical data and files (one ``random.Random(seed)``, no clock).

About one dossier in seven carries one deliberate flaw (``FLAWS``), cycling through every kind in a
seed-shuffled order, so 20 dossiers hold at least two different flaws and 100 hold every kind. About one
in ten others carries one awkward-but-valid trick (``TRICKS``). A dossier never has both.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

from rpa.clock import vn_today
from rpa.sandbox.records import SeededDossier, SeedFile
from rpa.sandbox.seed_dossier import build_dossier
from rpa.sandbox.seed_files import application_form, attachment_meta, authorisation_letter, identity_scan
from rpa.sandbox.seed_flaws import FLAWS, TRICKS, apply_flaw
from rpa.sandbox.seed_person import NameCycle

__all__ = ["AGENCY_CODE", "FLAWS", "TRICKS", "generate"]

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
    if data["payload"]["authorised_person"]:
        files.append(authorisation_letter(data))
    return files


def generate(seed: int, count: int, today: date | None = None) -> list[SeededDossier]:
    """Generate ``count`` dossiers, ordered by reception time, coded ``000.00.01.H55-{yyMMdd}-{NNNN}``.

    Args:
        seed: the only source of randomness.
        count: how many dossiers.
        today: the day the data is generated for (received dates fall in the 30 days before it);
            defaults to today in Vietnam.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    today = today or vn_today()
    rng = random.Random(seed)
    names = NameCycle(random.Random(rng.getrandbits(64)))
    flaws = _Cycle(random.Random(rng.getrandbits(64)), sorted(FLAWS))
    tricks = _Cycle(random.Random(rng.getrandbits(64)), sorted(TRICKS))
    drafts: list[tuple[dict[str, Any], str | None, str | None, bool]] = []
    for index in range(count):
        flaw = flaws.next() if index % _FLAW_EVERY == _FLAW_AT else None
        trick = tricks.next() if flaw is None and index % _TRICK_EVERY == _TRICK_AT else None
        data = build_dossier(rng, names, today, trick)
        if flaw:
            apply_flaw(flaw, data, rng, today)
        drafts.append((data, flaw, trick, rng.random() < 0.3))
    drafts.sort(key=lambda draft: datetime.fromisoformat(draft[0]["received_at"]))
    sequence: dict[str, int] = {}
    dossiers = []
    for data, flaw, trick, jpeg in drafts:
        day = datetime.fromisoformat(data["received_at"]).strftime("%y%m%d")
        sequence[day] = sequence.get(day, 0) + 1
        data["code"] = f"{AGENCY_CODE}-{day}-{sequence[day]:04d}"
        files = _files(data, jpeg)
        data["attachments"] = [attachment_meta(f) for f in files]
        dossiers.append(SeededDossier(data=data, files=files, flaw=flaw, tricky=trick))
    return dossiers
