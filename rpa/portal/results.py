"""What a portal answers, in the same shape for every procedure: a receipt and an application's status."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PortalStatus", "Receipt"]


@dataclass(frozen=True)
class Receipt:
    """The portal's acknowledgement: its code and "Ngày nộp" (dd/mm/yyyy HH:MM, Vietnam time)."""

    code: str
    submitted_at: str


@dataclass(frozen=True)
class PortalStatus:
    """Where an application stands: ``status`` is one of the procedure's status keys, ``label`` the
    portal's Vietnamese wording."""

    status: str
    label: str
    certificate_number: str | None = None
    supplement_reason: str | None = None
    details: dict[str, str] | None = None
    """What the page shows that tells this application apart from another of the same person, keyed
    as the procedure's ``submission_facts`` (None: nothing)."""
