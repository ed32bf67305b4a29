"""Write-back: the ministry's receipt code and later status changes, into the provincial system.

The provincial system then texts the citizen and offers its look-up and rating pages, as for any
other procedure. Each write is done once even if retried: the dossier's processing log is read
first, and the provincial API's status change is idempotent on its own as a second guard.
"""

from __future__ import annotations

from typing import Any

from loguru import logger

from rpa.domain import DossierStatus
from rpa.errors import BusinessError, PortalError
from rpa.sources.provincial import ProvincialClient

__all__ = [
    "CLOSED_AT_THE_DESK",
    "NoLongerAccepted",
    "already_written",
    "write_back_receipt",
    "write_back_status",
]


CLOSED_AT_THE_DESK = frozenset({DossierStatus.WITHDRAWN, DossierStatus.RESULT_RETURNED})
"""Provincial statuses a clerk set that no later ministry status overwrites."""


class NoLongerAccepted(BusinessError):
    """The dossier left "accepted" in the provincial system (withdrawn, stopped...) before the ministry's
    receipt could be written: writing it would overwrite the clerk's status and text the citizen a
    contradiction, so nothing is written and a person settles it."""


def already_written(dossier: dict[str, Any], status: int, receipt_code: str | None) -> bool:
    """Whether the dossier's processing log holds an entry to ``status`` with ``receipt_code``.

    Without a receipt code, the latest entry must be that status (and the dossier still in it).
    """
    log = dossier.get("processing_log")
    if not isinstance(log, list):
        raise PortalError(f"dossier {dossier.get('code')} came without its processing_log")
    entries = [e for e in log if isinstance(e, dict)]
    if receipt_code:
        return any(e.get("status_to") == status and e.get("receipt_code") == receipt_code for e in entries)
    return bool(entries) and entries[-1].get("status_to") == status and dossier.get("status") == status


def write_back_receipt(
    client: ProvincialClient, dossier_code: str, receipt_code: str, note: str, *, actor: str = "rpa"
) -> bool:
    """Record that the dossier went to the ministry under ``receipt_code``.

    Sets the status to 4 (Đang xử lý) with ``note`` (the procedure's: ``Đã chuyển <agency>, mã hồ sơ
    <receipt>``) and the receipt code; the provincial system logs it and texts the citizen (once, on
    the status change). Returns whether anything was written (False when it was written before).

    Raises:
        PortalError: the provincial system failed (retry: nothing is written twice).
        ProvincialRefused: it refused the change, e.g. the result was already returned.
        NoLongerAccepted: the dossier is no longer in status 2 (and the receipt was not written before).
    """
    receipt_code = receipt_code.strip()
    if not receipt_code:
        raise ValueError("receipt_code must not be empty")
    return write_back_status(
        client, dossier_code, DossierStatus.PROCESSING, note, receipt_code, actor=actor,
        require=DossierStatus.ACCEPTED,
    )  # fmt: skip


def write_back_status(
    client: ProvincialClient,
    dossier_code: str,
    national_status: int,
    note: str,
    receipt_code: str | None,
    *,
    actor: str = "rpa",
    require: DossierStatus | None = None,
) -> bool:
    """Set the dossier's status (1-10, the national codes) with a log note, once.

    With ``require``, the dossier must be in that status now (unless this write was done before),
    else :class:`NoLongerAccepted` and nothing is written.

    Returns whether anything was written: False when the log already shows this status with this
    receipt code (or, without one, when the dossier already is in it after such an entry).

    Ministry status changes (rpa.status.sync) pass no receipt code: a status may come back (4 → 5 → 4 when a
    supplement is handed in), and both this check and the provincial system's own guard take a
    second 4 carrying the same receipt code for a repeat of the first, so it would never be written.
    Without one, "already written" means the dossier is in that status after an entry setting it,
    which is exactly what a retry after a crash finds; and a dossier whose result a clerk already
    returned (10), or whose withdrawal a clerk recorded (7), takes no later ministry status (False,
    nothing written).
    """
    status = int(DossierStatus(national_status))
    dossier = client.get(dossier_code)
    if already_written(dossier, status, receipt_code):
        return False
    if require is not None and dossier.get("status") != require:
        current = dossier.get("status")
        try:
            label = f"{current} ({DossierStatus(int(str(current))).label})"
        except (TypeError, ValueError):
            label = repr(current)
        raise NoLongerAccepted(
            f"Hồ sơ {dossier_code} đã chuyển sang trạng thái {label} trên hệ thống một cửa trong khi bot "
            f"nộp sang Bộ (mã hồ sơ Bộ {receipt_code}): không ghi đè; cần cán bộ xử lý với Bộ"
        )
    if receipt_code is None and dossier.get("status") in CLOSED_AT_THE_DESK:
        # A clerk handed the result over before the ministry's own status caught up (10: the
        # provincial system refuses any later change), or recorded the citizen's withdrawal (7: the
        # ministry's "cancelled" or anything later would overwrite the more precise status the
        # citizen was told). Either way the desk's status stands.
        logger.info(
            "dossier {}: closed at the desk (status {}); status {} not written",
            dossier_code, dossier.get("status"), status,
        )  # fmt: skip
        return False
    result = client.set_status(dossier_code, status, note, receipt_code, actor)
    return not result["duplicate"]
