"""Moving one dossier to its ministry: the worker, its lease, settling by look-up, intake."""

from typing import TYPE_CHECKING

from rpa.lazy import lazy_exports

if TYPE_CHECKING:
    from rpa.transfer.intake import WAITING_STATUSES, require_accepted
    from rpa.transfer.lease import LeaseKeeper, keep_lease
    from rpa.transfer.reconcile import reconcile
    from rpa.transfer.session import open_worker, worker_session
    from rpa.transfer.settle import Found, Submitted, Verdict, VerdictKind, same_value, settle
    from rpa.transfer.worker import NotAccepted, Outcome, Worker, intake

_PUBLIC = {
    "Found": "settle",
    "LeaseKeeper": "lease",
    "NotAccepted": "worker",
    "Outcome": "worker",
    "Submitted": "settle",
    "Verdict": "settle",
    "VerdictKind": "settle",
    "WAITING_STATUSES": "intake",
    "Worker": "worker",
    "intake": "worker",
    "keep_lease": "lease",
    "open_worker": "session",
    "reconcile": "reconcile",
    "require_accepted": "intake",
    "same_value": "settle",
    "settle": "settle",
    "worker_session": "session",
}
__all__ = [
    "WAITING_STATUSES",
    "Found",
    "LeaseKeeper",
    "NotAccepted",
    "Outcome",
    "Submitted",
    "Verdict",
    "VerdictKind",
    "Worker",
    "intake",
    "keep_lease",
    "open_worker",
    "reconcile",
    "require_accepted",
    "same_value",
    "settle",
    "worker_session",
]
__getattr__ = lazy_exports(__name__, _PUBLIC)
