"""The :class:`Ledger`: durable bookkeeping of transfers, their leases and their audit trail.

Every method runs in its own database transaction and commits before it returns, so a caller that got
a result back knows it is on disk: a worker may click "submit" once ``transition(..., SUBMITTING)`` has
returned, and not before.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from typing_extensions import Unpack

from rpa.ledger import rows, states
from rpa.ledger.engine import WRITE, make_engine, upgrade
from rpa.ledger.errors import LeaseLost, UnknownTransfer
from rpa.ledger.models import Event, EventRow, Transfer, TransferRow
from rpa.ledger.states import LEASED, TransferState

__all__ = ["DEFAULT_LEASE_S", "Clock", "Ledger", "TransferFields", "utcnow"]

S = TransferState
Clock = Callable[[], datetime]

DEFAULT_LEASE_S = 300.0
"""Lease given when ``transition()`` moves an unleased transfer into a leased state on a worker's behalf."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class TransferFields(TypedDict, total=False):
    """Facts a transition may record on the transfer together with the new state."""

    attempts: int
    next_attempt_at: datetime | None
    receipt_code: str | None
    ministry_status: str | None
    certificate_number: str | None
    last_error: str | None
    business_reasons: builtins.list[str]
    submitted_at: datetime | None
    due_on: date | None
    deadline_days: int | None
    national_status: int | None
    supplement_reason: str | None
    status_checked_at: datetime | None
    finished_at: datetime | None
    submission: dict[str, Any] | None  # opaque to the ledger: what was typed, kept for the look-up
    applicant_name: str | None  # what a clerk finds the transfer by on the console (migration 0004)
    applicant_search: str | None
    identity_digest: str | None
    requested_by: str | None  # the console user who pushed it ("Chuyển sang Bộ"), if one did


class Ledger:
    """Transfers of dossiers to ministry portals, in a SQLite file or a PostgreSQL database.

    Args:
        url: a SQLAlchemy URL, e.g. ``sqlite:///rpa-ledger.sqlite`` or
            ``postgresql+psycopg://user@host/db``. The schema is migrated to the newest revision on open.
        clock: the source of "now" (UTC, timezone-aware); tests pass a fake one.
        migrate: bring the schema to the newest revision on open (a short-lived reader that opens
            the ledger for one query may skip it: whoever opened it first migrated it).
    """

    def __init__(self, url: str, *, clock: Clock = utcnow, migrate: bool = True) -> None:
        self.url = url
        self._clock = clock
        self._engine = make_engine(url)
        if migrate:
            self.upgrade()

    def upgrade(self) -> None:
        """Run the Alembic migrations up to head (a no-op when the schema is current)."""
        upgrade(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        with self._engine.connect() as connection:
            connection.execution_options(**{WRITE: write})
            with Session(connection) as session, session.begin():
                yield session

    # -- reading ---------------------------------------------------------------------------------------

    def get(self, transfer_id: int) -> Transfer:
        """The transfer with this id; raises :class:`UnknownTransfer` when there is none."""
        with self._session(write=False) as session:
            row = session.get(TransferRow, transfer_id)
            if row is None:
                raise UnknownTransfer(transfer_id)
            return Transfer.from_row(row)

    @property
    def engine(self) -> Engine:
        """The ledger's database engine, for the tables beside the transfers (console, audit log)."""
        return self._engine

    def now(self) -> datetime:
        """The ledger's clock (UTC): leases, back-offs and look-up windows count on it."""
        return self._clock()

    def holder_of(self, receipt_code: str) -> int | None:
        """The id of the transfer that holds this ministry receipt code, if any does."""
        with self._session(write=False) as session:
            query = select(TransferRow.id).where(TransferRow.receipt_code == receipt_code).limit(1)
            return session.scalar(query)

    def find(self, dossier_code: str, flow: str | None = None) -> Transfer | None:
        """The transfer of this dossier through this flow (any flow: the latest), if it was ever enqueued."""
        query = select(TransferRow).filter_by(dossier_code=dossier_code)
        if flow is not None:
            query = query.filter_by(flow=flow)
        query = query.order_by(TransferRow.created_at.desc(), TransferRow.id.desc()).limit(1)
        with self._session(write=False) as session:
            row = session.scalar(query)
            return Transfer.from_row(row) if row is not None else None

    def list(
        self,
        states: Iterable[TransferState | str] | None = None,
        since: datetime | None = None,
        limit: int = 100,
        flow: str | None = None,
        flows: Sequence[str] | None = None,
    ) -> builtins.list[Transfer]:
        """Transfers most recently changed first, optionally only those in ``states`` or changed ``since``."""
        query = (
            select(TransferRow).order_by(TransferRow.updated_at.desc(), TransferRow.id.desc()).limit(limit)
        )
        if states is not None:
            query = query.where(TransferRow.state.in_([TransferState(s).value for s in states]))
        if since is not None:
            query = query.where(TransferRow.updated_at >= since)
        if flow is not None:
            query = query.where(TransferRow.flow == flow)
        if flows is not None:
            query = query.where(TransferRow.flow.in_(flows))
        with self._session(write=False) as session:
            return [Transfer.from_row(row) for row in session.scalars(query)]

    def submissions_since(self, since: datetime, flows: Sequence[str]) -> tuple[datetime, ...]:
        """When transfers of ``flows`` went into ``submitting`` after ``since``, oldest first (the
        portal's rate counts final clicks over every worker and process sharing this ledger)."""
        query = (
            select(EventRow.at)
            .join(TransferRow, TransferRow.id == EventRow.transfer_id)
            .where(EventRow.to_state == TransferState.SUBMITTING.value, EventRow.at > since)
            .where(EventRow.from_state != TransferState.SUBMITTING.value)  # a note is no final click
            .where(TransferRow.flow.in_(flows))
            .order_by(EventRow.at)
        )
        with self._session(write=False) as session:
            return tuple(session.scalars(query))

    def filling_now(self, flows: Sequence[str], now: datetime | None = None) -> int:
        """Transfers of ``flows`` being filled under a live lease: each submits within moments."""
        query = select(func.count()).where(
            TransferRow.state == TransferState.FILLING.value,
            TransferRow.lease_expires_at > (now or self._clock()),
            TransferRow.flow.in_(flows),
        )
        with self._session(write=False) as session:
            return session.scalar(query) or 0

    def history(self, until: datetime) -> tuple[builtins.list[Transfer], builtins.list[Event]]:
        """Transfers created before ``until`` and their whole audit trail, read in one transaction."""
        transfers_query = select(TransferRow).where(TransferRow.created_at < until).order_by(TransferRow.id)
        events_query = (
            select(EventRow)
            .join(TransferRow, EventRow.transfer_id == TransferRow.id)
            .where(TransferRow.created_at < until)
            .order_by(EventRow.id)
        )
        with self._session(write=False) as session:
            transfers = [Transfer.from_row(row) for row in session.scalars(transfers_query)]
            events = [Event.from_row(row) for row in session.scalars(events_query)]
        return transfers, events

    def events(self, transfer_id: int) -> builtins.list[Event]:
        """The audit trail of one transfer, oldest first."""
        query = select(EventRow).where(EventRow.transfer_id == transfer_id).order_by(EventRow.id)
        with self._session(write=False) as session:
            return [Event.from_row(row) for row in session.scalars(query)]

    # -- writing ---------------------------------------------------------------------------------------

    def enqueue(
        self,
        dossier_code: str,
        flow: str,
        *,
        actor: str,
        payload_hash: str | None = None,
        identity_last4: str | None = None,
    ) -> Transfer:
        """Queue a dossier for a flow; a dossier × flow already known is returned unchanged."""
        now = self._clock()
        try:
            with self._session(write=True) as session:
                existing = session.scalar(select(TransferRow).filter_by(dossier_code=dossier_code, flow=flow))
                if existing is not None:
                    return Transfer.from_row(existing)
                row = TransferRow(
                    dossier_code=dossier_code,
                    flow=flow,
                    state=S.QUEUED.value,
                    attempts=0,
                    payload_hash=payload_hash,
                    identity_last4=identity_last4,
                    business_reasons=[],
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                session.flush()
                rows.log(session, row.id, None, S.QUEUED, actor, "enqueued", (), now)
                return Transfer.from_row(row)
        except IntegrityError:  # another process enqueued the same dossier × flow a moment earlier
            found = self.find(dossier_code, flow)
            if found is None:
                raise
            return found

    def transition(
        self,
        transfer_id: int,
        to: TransferState | str,
        *,
        actor: str,
        reason: str = "",
        evidence: Iterable[str | os.PathLike[str]] = (),
        worker_id: str | None = None,
        **fields: Unpack[TransferFields],
    ) -> Transfer:
        """Move a transfer to ``to``, record ``fields`` and append the event in one committed transaction.

        Args:
            to: the new state; :data:`rpa.ledger.states.TRANSITIONS` must allow it.
            actor: ``scheduler``, ``system``, ``worker:<id>`` or ``clerk:<name>``.
            reason: why, for the people who read the trail.
            evidence: paths of screenshots, traces and manifests backing the change.
            worker_id: the worker acting under its lease; when the transfer is in a leased state, the
                worker must still be its lease owner and the lease must not have expired (an expired
                lease is claimable, so a rival may be looking the transfer up already). Moving into a
                leased state hands the lease to it.
            fields: facts to record (receipt code, ministry status, error, attempts...).

        Raises:
            IllegalTransition: the move is not in the table, or needs a clerk.
            LeaseLost: ``worker_id`` no longer holds the transfer, or its lease expired.
            UnknownTransfer: no transfer has this id.
        """
        _check_fields("transition", fields)
        next_attempt_at = fields.get("next_attempt_at")
        if next_attempt_at is not None and next_attempt_at.tzinfo is None:
            raise ValueError("next_attempt_at must be timezone-aware (the ledger stores UTC)")
        now = self._clock()
        with self._session(write=True) as session:
            row = rows.lock(session, transfer_id)
            current = TransferState(row.state)
            target = states.transition(current, to, actor=actor)
            if worker_id is not None and current in LEASED:
                _check_lease(row, worker_id, now)
            values: dict[str, object] = {"state": target.value, "updated_at": now, **fields}
            if target not in LEASED:
                values.update(lease_owner=None, lease_expires_at=None)
            elif worker_id is not None and current not in LEASED:
                values.update(
                    lease_owner=worker_id, lease_expires_at=now + timedelta(seconds=DEFAULT_LEASE_S)
                )
            rows.compare_and_set(session, row, values)
            rows.log(session, transfer_id, current, target, actor, reason, evidence, now)
            return rows.snapshot(session, transfer_id)

    def record(
        self,
        transfer_id: int,
        *,
        actor: str,
        reason: str = "",
        evidence: Iterable[str | os.PathLike[str]] = (),
        **fields: Unpack[TransferFields],
    ) -> Transfer:
        """Record facts learnt about a transfer without moving it, in one committed transaction.

        With a ``reason`` the trail gets an event whose ``from_state`` equals its ``to_state`` (e.g.
        every status change the ministry made) and ``updated_at`` moves on. Without one, only the
        fields change: a routine fact such as the time of a check that found nothing new would
        otherwise bury the trail and reorder ``list()`` on every pass. The state and the lease are
        never touched, so a worker's lease and the state machine stay as they were.

        Raises:
            UnknownTransfer: no transfer has this id.
            TypeError: a field that is not a :class:`TransferFields` key.
            ValueError: ``actor`` is empty, or ``evidence`` comes without a ``reason``.
        """
        _check_fields("record", fields)
        if not actor.strip():
            raise ValueError("record() needs an actor (scheduler, system, worker:<id> or clerk:<name>)")
        evidence = builtins.list(evidence)
        if evidence and not reason:
            raise ValueError("evidence is recorded with an event: give a reason")
        now = self._clock()
        with self._session(write=True) as session:
            row = rows.lock(session, transfer_id)
            current = TransferState(row.state)
            values: dict[str, object] = dict(fields)
            if reason:
                values["updated_at"] = now
            if values:
                rows.compare_and_set(session, row, values)
            if reason:
                rows.log(session, transfer_id, current, current, actor, reason, evidence, now)
            return rows.snapshot(session, transfer_id)

    def claim(
        self,
        worker_id: str,
        *,
        lease_s: float,
        flow: str | None = None,
        flows: Sequence[str] | None = None,
        dossier_code: str | None = None,
        now: datetime | None = None,
    ) -> Transfer | None:
        """Take one transfer to work on, oldest first, under a lease of ``lease_s`` seconds.

        Candidates: ``queued`` ones that are due (``next_attempt_at``), and leased ones whose lease
        expired. An abandoned ``filling`` or ``waiting_human`` goes back to ``queued`` and is taken
        (nothing was submitted). An abandoned ``submitting`` becomes ``uncertain``; an ``uncertain`` one
        is returned as it is: both come back with ``needs_lookup`` set and must be resolved by
        ``lookup``, never filled again.

        Returns:
            The claimed transfer, or ``None`` when nothing is claimable now (or a rival won the race).
        """
        now = now or self._clock()
        query = (
            select(TransferRow)
            .where(rows.claimable(now, due_now=dossier_code is not None))
            .order_by(TransferRow.created_at, TransferRow.id)
        )
        if flow is not None:
            query = query.where(TransferRow.flow == flow)
        if flows is not None:  # the procedures of one portal
            query = query.where(TransferRow.flow.in_(flows))
        if dossier_code is not None:  # a clerk pushing one dossier now, retry back-off or not
            query = query.where(TransferRow.dossier_code == dossier_code)
        with self._session(write=True) as session:
            row = session.scalar(query.limit(1).with_for_update(skip_locked=True))
            return rows.take(session, row, worker_id, now, lease_s) if row is not None else None

    def renew(self, transfer_id: int, worker_id: str, lease_s: float) -> Transfer:
        """Extend the worker's lease to ``lease_s`` seconds from now.

        Raises :class:`LeaseLost` when the worker lost the lease, including when it merely expired: a
        rival may be claiming it at this moment, and renewing late would let two workers hold it.
        """
        now = self._clock()
        with self._session(write=True) as session:
            row = rows.lock(session, transfer_id)
            if row.state not in LEASED:
                raise LeaseLost(transfer_id, worker_id, row.lease_owner)
            _check_lease(row, worker_id, now)
            rows.compare_and_set(session, row, {"lease_expires_at": now + timedelta(seconds=lease_s)})
            return rows.snapshot(session, transfer_id)

    def end_leases_of_gone_holders(
        self, is_gone: Callable[[str], bool], now: datetime | None = None
    ) -> builtins.list[Transfer]:
        """End at once the live leases of holders ``is_gone(owner)`` says are dead (a worker on the
        same machine whose process ended), instead of waiting out their lease.

        Only the lease ends: the next claim takes the transfer over the usual way, a ``submitting``
        one through ``uncertain`` and a look-up, never by typing again. Each one gets an event.
        """
        now = now or self._clock()
        query = select(TransferRow).where(
            TransferRow.state.in_([s.value for s in LEASED]),
            TransferRow.lease_owner.is_not(None),
            TransferRow.lease_expires_at > now,
        )
        ended = []
        with self._session(write=True) as session:
            for row in session.scalars(query.order_by(TransferRow.id).with_for_update(skip_locked=True)):
                owner = str(row.lease_owner)
                if not is_gone(owner):
                    continue
                if rows.compare_and_set(session, row, {"lease_expires_at": now}, strict=False):
                    state = TransferState(row.state)
                    reason = f"lease of {owner} ended early: its process is gone from this machine"
                    rows.log(session, row.id, state, state, states.SYSTEM, reason, (), now)
                    ended.append(rows.snapshot(session, row.id))
        return ended

    def recover_expired(self, now: datetime | None = None) -> builtins.list[Transfer]:
        """Settle every transfer whose worker's lease expired, e.g. after a crash.

        ``submitting`` becomes ``uncertain`` (the click may have happened: only ``lookup`` can tell);
        ``filling`` and ``waiting_human`` go back to ``queued`` (nothing was submitted). The lease is
        cleared, so any worker may claim them next.
        """
        now = now or self._clock()
        query = select(TransferRow).where(rows.expired(now)).order_by(TransferRow.id)
        with self._session(write=True) as session:
            found = session.scalars(query.with_for_update(skip_locked=True)).all()
            return [rows.expire(session, row, now) for row in found]


def _check_fields(method: str, fields: TransferFields) -> None:
    unknown = set(fields) - set(TransferFields.__annotations__)
    if unknown:
        raise TypeError(f"{method}() got unknown transfer fields: {', '.join(sorted(unknown))}")
    submission = fields.get("submission")
    if submission is not None and not isinstance(submission, dict):
        raise TypeError(f"{method}(): submission must be a dict or None, not {type(submission).__name__}")


def _check_lease(row: TransferRow, worker_id: str, now: datetime) -> None:
    """Raise :class:`LeaseLost` unless ``worker_id`` holds the lease on ``row`` and it is valid at ``now``."""
    if row.lease_owner != worker_id:
        raise LeaseLost(row.id, worker_id, row.lease_owner)
    # A lease without an end is claimable (``rows.claimable``), so it protects nobody either.
    if row.lease_expires_at is None or row.lease_expires_at <= now:
        raise LeaseLost(row.id, worker_id, row.lease_owner, expired_at=row.lease_expires_at)
