"""What a procedure plug-in tells the engine: one :class:`Procedure` object per package under ``flows/``.

The engine never imports a procedure. It finds each one through :mod:`rpa.procedures.registry` and
uses only what this object holds: how to tell its dossiers (provincial procedure codes, the payload
model and rules), how to turn one into the portal's form (``map``), what to do on the portal
(``login``, ``submit``, ``lookup``, ``read_status``), how the portal's statuses read as the national
status codes 1-10, its legal deadline, and the Vietnamese names clerks and citizens read.
``docs/adding-a-procedure.md`` walks through the contract on the two procedures the project ships.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from rpa.domain.dates import BirthDate
from rpa.domain.dossier import Attachment, Dossier, DossierStatus
from rpa.errors import Problem
from rpa.portal.results import PortalStatus, Receipt
from rpa.portal.steps import Steps

__all__ = ["DossierFacts", "Procedure", "ReadCaptcha", "StatusNote"]

ReadCaptcha = Callable[[bytes], str]
"""Hands a CAPTCHA or challenge image to a person and returns their reading (the bot never reads one)."""


@dataclass(frozen=True)
class DossierFacts:
    """What a procedure's payload rules may need from the rest of the dossier (None: unreadable)."""

    today: date
    received: date | None = None
    applicant_birth: BirthDate | None = None
    applicant_identity_number: str | None = None


class PayloadRules(Protocol):
    def __call__(self, payload: Any, raw: Mapping[str, Any], facts: DossierFacts) -> list[Problem]:
        """Every cross-field problem of the payload (paths start with ``payload.``). ``payload`` is
        the typed payload, or None when it did not validate: then rules salvage what ``raw`` (the
        payload's JSON) still lets them check, so one bad field does not hide the others."""
        ...


class MapForm(Protocol):
    def __call__(self, dossier: Dossier, *, require_files: bool = True) -> Any:
        """The portal's form for a valid dossier (pure: no browser); raises ``InvalidDossier`` listing
        every problem only the form can find (a unit code the portal lacks, a missing scan...).
        ``require_files`` False: attachments not downloaded yet are left out (a dry run)."""
        ...


class Salvage(Protocol):
    def __call__(
        self, data: Mapping[str, Any], attachments: list[Attachment] | None, require_files: bool
    ) -> list[Problem]:
        """What ``map`` would refuse in the readable parts of a dossier that did not validate
        (``attachments``: read and located, or None when some cannot be read)."""
        ...


class Submit(Protocol):
    def __call__(
        self,
        steps: Steps,
        form: Any,
        *,
        before_final_click: Callable[[], None] | None = None,
        read_captcha: ReadCaptcha | None = None,
        dry_run: bool = False,
    ) -> Receipt | None:
        """Fill and submit ``form``; ``before_final_click`` runs right before the click that files it."""
        ...


class Lookup(Protocol):
    def __call__(
        self, steps: Steps, id_number: str, date_from: str, date_to: str, facts: Mapping[str, str]
    ) -> list[Receipt]:
        """Applications filed for ``id_number`` between two days (dd/mm/yyyy, inclusive); ``facts``
        are the procedure's :attr:`Procedure.submission_facts` of the application looked for."""
        ...


@dataclass(frozen=True)
class StatusNote:
    """One portal status: its national status code, whether nothing follows it, and the note that
    goes into the provincial processing log (``{receipt}``, ``{reason}`` are filled in). A note starts
    with the procedure's ``agency``: the ledger's trail tells the ministry's events apart by it (the
    registry refuses a procedure whose notes do not)."""

    national: DossierStatus
    note: str
    final: bool = False


@dataclass(frozen=True)
class Procedure:
    """Everything the engine needs to know about one procedure. See ``docs/adding-a-procedure.md``."""

    name: str
    """Its name in the ledger, the configuration and the entry point (lower-case letters, digits, ``_``)."""
    title: str
    """Its Vietnamese name in reports and on the console, as the national catalogue of procedures has it."""
    agency: str
    """Who decides on the portal, as clerks and citizens read it (a ministry's name); the notes of the
    processing log and the SMS name it."""
    portal: str
    """The portal it runs on: the ``portal:`` of its selector maps and the key of ``[portals.<name>]``."""
    procedure_codes: tuple[str, ...]
    """Provincial procedure codes of its dossiers, unless the configuration names others."""
    payload: type[BaseModel]
    """Its payload model; its ``kind`` field (a one-value ``Literal``) equals :attr:`name`."""
    payload_rules: PayloadRules
    map: MapForm
    salvage: Salvage | None
    login: Callable[..., None]
    """``login(steps, username, password, *, read_captcha=None)``."""
    submit: Submit
    lookup: Lookup
    read_status: Callable[[Steps, str], PortalStatus]
    read_receipt: Callable[[Steps], Receipt]
    """The receipt page's code (matching :attr:`receipt_code`) and "Ngày nộp" as ``dd/mm/yyyy HH:MM``
    in Vietnam time (the engine counts deadlines and look-up windows from it)."""
    lookup_key: Callable[[Any], str]
    """The identity number the portal finds the form's application by."""
    submission_facts: Callable[[Any], dict[str, str]]
    """What was typed that the status page shows again, to tell two applications of one person apart;
    recorded before the final click, compared with :attr:`PortalStatus.details` when settling."""
    statuses: Mapping[str, StatusNote]
    """The portal's status keys (``PortalStatus.status``) as the national statuses."""
    deadline_days: Callable[[Any], int]
    """Working days the portal has to decide on the form's application."""
    default_deadline_days: int
    receipt_code: re.Pattern[str]
    """The portal's receipt codes (a text read as one must match it)."""
    selectors_dir: Path
    """Where this procedure's selector maps are (several procedures of one portal may share them)."""
    submit_page: str = "new_application"
    """The selector-map page ``submit`` opens first (the engine loads it up front)."""
    lookup_page: str = "lookup"
    certificate_name: str = "số giấy tờ"
    """How the write-back note names the result's number, e.g. "số phiếu", "mã số doanh nghiệp"."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Vietnamese labels of its payload's fields by path (``payload.<field>``, ``*`` for a list index,
    ``{n}`` for its 1-based value), as clerks know them from the form."""
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    """Optional: what clerks read for each code of its payload's coded fields (``Enum`` or ``Literal``),
    by path as in :attr:`labels`, e.g. ``{"payload.delivery.method": {"post": "Nhận qua bưu chính"}}``.
    The one-stop system's pages show these labels, and the web source reads them back into codes
    (:mod:`rpa.procedures.choices`). An enum member's own ``label`` needs no entry; a code with no
    label at all is shown as it is, so give one for every code a clerk would not read as it is."""
    masked_fields: tuple[str, ...] = ()
    """Selector-map names of the fields painted over in every screenshot by default (identity numbers,
    typically): the manifest keeps a keyed hash of what was typed into them instead of a picture, and
    the step log never shows their values. A parametrised name (a row's field) masks every row. The
    installation may override it with ``[procedures.<name>] masked_fields``."""
    configure: Callable[[Mapping[str, Any]], None] | None = None
    """Optional: applies the province's own settings of the plug-in, ``[procedures.<name>.options]``
    (e.g. a vehicle's age limit per kind of badge), which only the plug-in understands; raises
    ``ConfigError`` for a wrong one. The engine calls it whenever it reads which procedures run
    (:func:`rpa.procedures.active_procedures`), with ``{}`` when the table is absent."""

    def national(self, status: str) -> DossierStatus:
        return self.statuses[status].national

    def is_final(self, status: str) -> bool:
        return self.statuses[status].final

    def status_note(self, status: PortalStatus, receipt: str) -> str:
        """The processing-log note of a status change (the procedure's wording, receipt and reason in it)."""
        note = self.statuses[status.status].note.format(
            receipt=receipt, reason=status.supplement_reason or "không nêu nội dung"
        )
        if status.certificate_number:
            note += f", {self.certificate_name} {status.certificate_number}"
        return note

    def forwarded_note(self, receipt: str) -> str:
        """The processing-log note of the receipt write-back."""
        return f"Đã chuyển {self.agency}, mã hồ sơ {receipt}"

    @property
    def supplement_prefix(self) -> str:
        """How this procedure's supplement-request notes start (the legal clock stops on them)."""
        notes = [s.note for s in self.statuses.values() if s.national is DossierStatus.SUPPLEMENT_REQUESTED]
        return notes[0].split("{", 1)[0] if notes else "\0"
