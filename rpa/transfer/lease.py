"""The lease heartbeat: a worker keeps its transfer's lease alive for as long as it works on it.

One attempt may take ``dossier_timeout_s`` plus a CAPTCHA's wait, far longer than a lease. Without
renewals the lease would run out halfway, another worker would claim the transfer and look it up while
this one still clicks. So a daemon thread renews the lease every ``every_s`` seconds::

    with keep_lease(ledger, transfer.id, worker_id, settings.lease_s) as keeper:
        ...                       # fill the form
        keeper.check()            # raises LeaseLost if the lease is gone: stop, never click
        ledger.transition(transfer.id, TransferState.SUBMITTING, ...)

The ledger refuses every move on an expired or lost lease anyway; ``keeper.check()`` only lets the
worker stop early instead of typing a whole form for nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from loguru import logger
from sqlalchemy.exc import OperationalError

from rpa.ledger import LEASED, LeaseLost, Ledger, TransferChanged

__all__ = ["LeaseKeeper", "keep_lease"]


@dataclass
class LeaseKeeper:
    """What the heartbeat of one transfer's lease knows.

    ``lost`` is set when a renewal found the lease taken by another worker or expired while the
    transfer is still in a leased state; ``stopped`` when the heartbeat ended for any reason (lost,
    the transfer left the leased states, or the ``with`` block ended).
    """

    transfer_id: int
    worker_id: str
    lost: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    error: LeaseLost | None = None

    def check(self) -> None:
        """Raise :class:`LeaseLost` if the lease was lost: the worker must stop work on the transfer."""
        if self.lost.is_set():
            raise self.error or LeaseLost(self.transfer_id, self.worker_id, None)


@contextmanager
def keep_lease(
    ledger: Ledger, transfer_id: int, worker_id: str, lease_s: float, *, every_s: float | None = None
) -> Iterator[LeaseKeeper]:
    """Renew ``worker_id``'s lease on the transfer to ``lease_s`` seconds every ``every_s`` seconds
    (default ``lease_s / 3``) while the block runs; the heartbeat stops and is joined on exit.

    Raises:
        ValueError: ``every_s`` is not above 0 and below ``lease_s`` (the lease would lapse between beats).
    """
    every = lease_s / 3 if every_s is None else every_s
    if not 0 < every < lease_s:
        raise ValueError(f"every_s must be above 0 and below lease_s ({lease_s} s), got {every}")
    keeper = LeaseKeeper(transfer_id, worker_id)
    finish = threading.Event()
    thread = threading.Thread(
        target=_beat,
        args=(ledger, keeper, lease_s, every, finish),
        name=f"lease-{transfer_id}",
        daemon=True,  # a worker that exits must not be kept alive by its heartbeat
    )
    thread.start()
    try:
        yield keeper
    finally:
        finish.set()
        thread.join()


def _beat(
    ledger: Ledger, keeper: LeaseKeeper, lease_s: float, every_s: float, finish: threading.Event
) -> None:
    log = logger.bind(transfer_id=keeper.transfer_id, worker=keeper.worker_id)
    try:
        while not finish.wait(every_s):
            try:
                ledger.renew(keeper.transfer_id, keeper.worker_id, lease_s)
                continue
            except LeaseLost as exc:
                refused = exc
            except (OperationalError, TransferChanged) as exc:
                _transient(log, keeper, every_s, exc)
                continue
            try:
                still_leased = ledger.get(keeper.transfer_id).state in LEASED
            except OperationalError as exc:
                _transient(log, keeper, every_s, exc)  # the next renewal tells again
                continue
            if not still_leased:  # the worker moved it on (submitted, queued...): nothing left to keep
                log.debug("transfer {} left the leased states: lease heartbeat ends", keeper.transfer_id)
                return
            keeper.error = refused
            keeper.lost.set()
            log.warning(
                "worker {} lost the lease on transfer {}: {}", keeper.worker_id, keeper.transfer_id, refused
            )
            return
    except Exception as exc:
        # Unknown trouble: the lease can no longer be vouched for, so the worker is told to stop.
        keeper.error = LeaseLost(keeper.transfer_id, keeper.worker_id, None)
        keeper.lost.set()
        log.opt(exception=exc).error("lease heartbeat of transfer {} failed", keeper.transfer_id)
    finally:
        keeper.stopped.set()


def _transient(log: Any, keeper: LeaseKeeper, every_s: float, exc: Exception) -> None:
    # Database locked, connection dropped: the lease has some life left, and should it run out the
    # ledger refuses the worker's next move anyway.
    log.warning(
        "could not renew the lease on transfer {}, trying again in {:.1f} s: {}",
        keeper.transfer_id, every_s, str(exc).splitlines()[0],
    )  # fmt: skip
