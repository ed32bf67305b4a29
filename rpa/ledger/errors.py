"""Errors the ledger raises, all under :class:`rpa.errors.RpaError`.

    RpaError
    └── LedgerError             something about a transfer's bookkeeping went wrong
        ├── IllegalTransition   the transition table forbids this move (or this actor may not make it)
        ├── LeaseLost           a worker acted on a transfer whose lease expired, or that another worker
        │                       (or recovery) took
        ├── UnknownTransfer     no transfer has this id
        └── TransferChanged     a compare-and-set update found the row changed under it

Messages are English: they are for engineers and logs, not for clerks.
"""

from __future__ import annotations

from datetime import datetime

from rpa.errors import RpaError

__all__ = ["IllegalTransition", "LeaseLost", "LedgerError", "TransferChanged", "UnknownTransfer"]


class LedgerError(RpaError):
    """Base of the ledger's errors."""


class IllegalTransition(LedgerError):
    """The transition table has no edge from ``from_state`` to ``to_state`` for this actor."""

    def __init__(self, from_state: str | None, to_state: str, detail: str = "") -> None:
        self.from_state = from_state
        self.to_state = to_state
        message = f"illegal transfer transition {from_state} -> {to_state}"
        super().__init__(message + (f": {detail}" if detail else ""))


class LeaseLost(LedgerError):
    """The worker no longer holds the transfer's lease: it must stop working on it at once."""

    def __init__(
        self, transfer_id: int, worker_id: str, holder: str | None, *, expired_at: datetime | None = None
    ) -> None:
        self.transfer_id = transfer_id
        self.worker_id = worker_id
        self.holder = holder
        self.expired_at = expired_at
        if holder == worker_id:
            when = expired_at.isoformat() if expired_at is not None else "never set"
            message = f"lease of worker {worker_id!r} on transfer {transfer_id} expired ({when})"
        else:
            message = (
                f"worker {worker_id!r} does not hold the lease on transfer {transfer_id} (held by {holder!r})"
            )
        super().__init__(message)


class UnknownTransfer(LedgerError, LookupError):
    """No transfer has this id."""

    def __init__(self, transfer_id: int) -> None:
        self.transfer_id = transfer_id
        super().__init__(f"no transfer with id {transfer_id}")


class TransferChanged(LedgerError):
    """A conditional update matched no row: another writer changed the transfer first."""

    def __init__(self, transfer_id: int) -> None:
        self.transfer_id = transfer_id
        super().__init__(f"transfer {transfer_id} changed concurrently; read it again and retry")
