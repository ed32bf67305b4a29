"""Which provincial dossiers go to a ministry: intake into the ledger, and the acceptance check made
again right before anything is typed or clicked."""

from __future__ import annotations

from collections.abc import Sequence

from rpa.config import Settings
from rpa.domain import DossierStatus
from rpa.errors import BusinessError
from rpa.ledger import Ledger, Transfer
from rpa.procedures import Procedure, active_procedures, procedure_codes
from rpa.sources import Source

__all__ = ["WAITING_STATUSES", "NotAccepted", "intake", "require_accepted"]

WAITING_STATUSES = (DossierStatus.ACCEPTED,)
"""Provincial statuses of dossiers that still have to go to the ministry."""


class NotAccepted(BusinessError):
    """The provincial dossier is not (or no longer) accepted: nothing may be typed for it."""


def intake(
    source: Source,
    ledger: Ledger,
    settings: Settings,
    procedures: Sequence[Procedure] | None = None,
    actor: str = "scheduler",
) -> list[Transfer]:
    """Queue every provincial dossier of the procedures (default: the active ones) that still waits
    for the ministry, each as a transfer of its procedure.

    Needs no browser when the source is the provincial API, so the scheduler polls without Chromium.
    A dossier with a malformed code is queued too: the worker parks it for a clerk with the reason.
    """
    statuses = [int(s) for s in WAITING_STATUSES]
    queued = []
    for procedure in active_procedures(settings) if procedures is None else procedures:
        for code in procedure_codes(settings, procedure):
            waiting = source.list_codes(code, statuses=statuses)
            queued += [ledger.enqueue(dossier, procedure.name, actor=actor) for dossier in waiting]
    return queued


def require_accepted(code: str, status: object) -> None:
    """Refuse a dossier the provincial system no longer holds as accepted (withdrawn, stopped...)."""
    if status in WAITING_STATUSES:
        return
    try:
        label = f"{status} ({DossierStatus(int(str(status))).label})"
    except (TypeError, ValueError):
        label = repr(status)
    raise NotAccepted(
        f"Hồ sơ {code} đang ở trạng thái {label} trên hệ thống một cửa, không phải “Được tiếp nhận”: "
        "không chuyển sang Bộ"
    )
