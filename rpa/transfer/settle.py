"""Settling a transfer that may already be on the portal, from what a look-up found there.

After a crash, a lost answer or an unreadable receipt, the worker does not know whether its final
click reached the ministry. It looks the application up and must then decide, from what the portal
lists, whether one of those applications is this dossier's. Guessing wrong either types the dossier a
second time (a duplicate at the ministry) or hands the citizen somebody else's receipt, so the rules
below only ever take an application that nothing else can explain, and hand the transfer to a person
when two could be it.

Pure logic, no browser and no database: the worker and the model-based tests call the same function.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rpa.config import Settings

__all__ = ["Found", "Submitted", "Verdict", "VerdictKind", "same_value", "settle"]


@dataclass(frozen=True)
class Submitted:
    """What the worker recorded in the ledger right before the final click.

    Attributes:
        id_number: the identity number typed into the form (a look-up searches by it).
        facts: enough of the form to tell two applications of one person apart, e.g. the purpose
            and the number of copies, as the portal shows them on an application's page.
        at: when ``submitting`` was committed (the bot's clock, timezone-aware).
    """

    id_number: str
    facts: Mapping[str, str]
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id_number": self.id_number, "facts": dict(self.facts), "at": self.at.isoformat()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Submitted:
        return cls(str(data["id_number"]), dict(data.get("facts") or {}), datetime.fromisoformat(data["at"]))


def seal_submission(settings: Settings, dossier_code: str, submitted: Submitted) -> dict[str, str]:
    """``submitted`` as the ledger keeps it: sealed under the dossier's key (it holds the identity
    number), so the database alone reveals nothing about the citizen."""
    from rpa.vault import dossier_scope, submission_aad, vault_for

    scope, aad = dossier_scope(dossier_code), submission_aad(dossier_code)
    return vault_for(settings).seal_json(scope, submitted.to_json(), aad)


def open_submission(settings: Settings, dossier_code: str, column: Mapping[str, Any]) -> Submitted:
    """The :class:`Submitted` :func:`seal_submission` sealed (a record from before sealing as is)."""
    from rpa.vault import dossier_scope, submission_aad, vault_for

    scope, aad = dossier_scope(dossier_code), submission_aad(dossier_code)
    return Submitted.from_json(vault_for(settings).open_json(scope, dict(column), aad))


@dataclass(frozen=True)
class Found:
    """One application a look-up listed.

    Attributes:
        code: its receipt code.
        submitted_at: the portal's "Ngày nộp" (the portal's clock), None when unreadable.
        details: what its page shows of the facts in :attr:`Submitted.facts` (None: not read).
    """

    code: str
    submitted_at: datetime | None
    details: Mapping[str, str] | None = None


class VerdictKind(StrEnum):
    FOUND = "found"  # exactly one application can be this dossier's: take its receipt
    ABSENT = "absent"  # none can: the click never reached the portal, submitting again is safe
    AMBIGUOUS = "ambiguous"  # several can: a person must look, the bot never guesses


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    receipt: Found | None = None
    candidates: tuple[Found, ...] = ()
    excluded: Mapping[str, str] = field(default_factory=dict)
    """Why each other application was ruled out, by receipt code (for the trail)."""


def settle(
    submitted: Submitted,
    found: Iterable[Found],
    *,
    held_elsewhere: Collection[str],
    clock_skew: timedelta,
) -> Verdict:
    """Decide which of the ``found`` applications, if any, is the one ``submitted`` describes.

    An application is ruled out only for a reason that holds whatever the clocks say:
    - another transfer already holds its receipt code (it is that dossier's);
    - the portal dated it before the final click, by more than ``clock_skew`` (the portal's clock
      may be behind the bot's, and "Ngày nộp" is cut to the minute);
    - its page shows a fact that differs from what was typed (another purpose, other copies).

    Unknown dates and unread details rule nothing out.
    """
    earliest = submitted.at - clock_skew
    candidates: list[Found] = []
    excluded: dict[str, str] = {}
    for application in found:
        why = _ruled_out(application, submitted, earliest, held_elsewhere)
        if why is None:
            candidates.append(application)
        else:
            excluded[application.code] = why
    if not candidates:
        return Verdict(VerdictKind.ABSENT, excluded=excluded)
    if len(candidates) > 1:
        return Verdict(VerdictKind.AMBIGUOUS, candidates=tuple(candidates), excluded=excluded)
    return Verdict(VerdictKind.FOUND, candidates[0], tuple(candidates), excluded)


def _ruled_out(
    application: Found, submitted: Submitted, earliest: datetime, held_elsewhere: Collection[str]
) -> str | None:
    if application.code in held_elsewhere:
        return "receipt held by another transfer"
    if application.submitted_at is not None and application.submitted_at < earliest:
        return f"filed {application.submitted_at.isoformat()}, before the final click"
    for name, value in (application.details or {}).items():
        typed = submitted.facts.get(name)
        if typed is not None and not same_value(typed, value):
            return f"{name} differs"
    return None


def same_value(typed: str, shown: str) -> bool:
    """Whether the portal shows what was typed, up to Unicode form, case and runs of whitespace."""

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return norm(typed) == norm(shown)
