"""Settling a transfer whose final click may have reached the portal, by looking it up, never by
submitting again (the verdict itself is :mod:`rpa.transfer.settle`).

Found exactly once → ``submitted`` with that receipt; proved absent → ``queued`` again, after a back-off
and only a few times; several candidates, or absent too often → ``needs_review``, where a person
decides. The look-up uses what was recorded before the final click, never the dossier as the
provincial system shows it now.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from rpa.clock import VN
from rpa.errors import BusinessError, HumanNeeded, PortalError, SelectorDrift
from rpa.ledger import Transfer, TransferState
from rpa.portal import Receipt
from rpa.procedures import Procedure, form_for, get_procedure, procedure_codes
from rpa.transfer.outcome import Outcome
from rpa.transfer.settle import Found, Submitted, VerdictKind, open_submission, settle

if TYPE_CHECKING:
    from rpa.transfer.worker import Worker

__all__ = ["reconcile"]

S = TransferState


def reconcile(worker: Worker, transfer: Transfer) -> Outcome:
    """Settle a transfer that may already be on the portal, by looking it up (see :mod:`rpa.transfer.settle`).

    Found exactly once → ``submitted`` with that receipt; proved absent → ``queued`` again, after a
    back-off and only a few times; several candidates, or absent too often → ``needs_review``,
    where a person decides. The look-up uses what was recorded before the final click, never the
    dossier as the provincial system shows it now.
    """
    log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=transfer.flow)
    procedure = get_procedure(transfer.flow)
    now = worker.now()
    since = _submitting_since(worker, transfer)
    grace = timedelta(seconds=worker.settings.settle_grace_s)
    if now < since + grace:
        # An answer may still be on its way (a late receipt): looking now could prove absent what
        # is about to appear. Let the lease run out and look after the grace period.
        log.info("look-up postponed until {}", (since + grace).isoformat())
        done = worker.ledger.record(transfer.id, actor=worker.actor, next_attempt_at=since + grace)
        return Outcome.of(done)
    try:
        submitted = _submitted(worker, transfer, procedure, since)
    except Exception as exc:  # the provincial system failed: still uncertain, looked up next time
        log.error("provincial read for the look-up failed, transfer stays uncertain: {!r}", exc)
        return Outcome(transfer.dossier_code, transfer.state.value, error=str(exc))
    if submitted is None:
        return Outcome.of(worker.to_review(transfer, "không đọc được hồ sơ để tra cứu trên cổng"))
    skew = timedelta(seconds=worker.settings.lookup_clock_skew_s)
    folder: Path | None = None

    def keep(evidence: Path) -> None:
        nonlocal folder
        folder = evidence

    def wanted(application: Found) -> bool:
        held = worker.ledger.holder_of(application.code)
        recent = application.submitted_at is None or application.submitted_at >= submitted.at - skew
        return recent and held in (None, transfer.id)

    try:
        found = worker.portal.lookup(
            procedure, transfer.dossier_code, submitted, submitted.at - skew, now + skew,
            wanted=wanted, on_evidence=keep,
        )  # fmt: skip
    except (PortalError, PlaywrightError, HumanNeeded, OSError) as exc:
        # Still uncertain: its lease runs out and the next worker looks it up again.
        log.error("look-up failed, transfer stays {}: {}", transfer.state.value, exc)
        if isinstance(exc, SelectorDrift):
            worker.drift(transfer, exc)
        return Outcome(transfer.dossier_code, transfer.state.value, error=str(exc))
    held = {f.code for f in found if worker.ledger.holder_of(f.code) not in (None, transfer.id)}
    verdict = settle(submitted, found, held_elsewhere=held, clock_skew=skew)
    if verdict.excluded:
        log.info("look-up ruled out {}", "; ".join(f"{c}: {why}" for c, why in verdict.excluded.items()))
    if verdict.kind is VerdictKind.AMBIGUOUS:
        codes = ", ".join(f.code for f in verdict.candidates)
        return Outcome.of(
            worker.to_review(transfer, f"tra cứu thấy nhiều hồ sơ có thể là hồ sơ này: {codes}")
        )
    if verdict.kind is VerdictKind.ABSENT:
        return Outcome.of(_absent(worker, transfer, since, log))
    assert verdict.receipt is not None
    receipt = Receipt(verdict.receipt.code, _vn_minute(verdict.receipt.submitted_at))
    days = transfer.deadline_days or procedure.default_deadline_days
    done = worker.move(
        transfer, S.SUBMITTED, f"tra cứu thấy hồ sơ đã nộp, mã {receipt.code}",
        evidence=[str(folder)], receipt_code=receipt.code, **worker.deadline(receipt, days),
    )  # fmt: skip
    return worker.write_back(done, evidence=folder)


def _absent(worker: Worker, transfer: Transfer, since: datetime, log: Any) -> Transfer:
    """The look-up proved the application absent: queue it again, later, and only a few times."""
    tries = sum(
        1 for e in worker.ledger.events(transfer.id) if (e.from_state, e.to_state) == (S.UNCERTAIN, S.QUEUED)
    )
    if tries >= worker.settings.lookup_absent_limit:
        return worker.to_review(
            transfer, f"tra cứu {tries + 1} lần vẫn không thấy hồ sơ trên cổng sau khi đã bấm nộp"
        )
    delay = worker.settings.retry.delay(tries + 1) or worker.settings.retry.base_delay_s
    log.warning("look-up found no application since {}: queued again in {:.0f} s", since.isoformat(), delay)
    return worker.move(
        transfer, S.QUEUED, "tra cứu không thấy hồ sơ trên cổng, nộp lại",
        next_attempt_at=worker.now() + timedelta(seconds=delay),
    )  # fmt: skip


def _submitted(worker: Worker, transfer: Transfer, procedure: Procedure, since: datetime) -> Submitted | None:
    """What was typed before the final click, as recorded then; for a transfer committed
    ``submitting`` before that was recorded, the dossier as the provincial system shows it."""
    if transfer.submission:
        return open_submission(worker.settings, transfer.dossier_code, transfer.submission)
    attachments = worker.attachments_folder(transfer.id)
    try:
        record = worker.source.read(transfer.dossier_code, attachments)
        if record.dossier is None:
            return None
        codes = procedure_codes(worker.settings, procedure)
        form = form_for(record.dossier, procedure=procedure, codes=codes, require_files=False)
    except BusinessError:  # the dossier no longer maps: a person must look
        return None
    finally:
        shutil.rmtree(attachments, ignore_errors=True)
    return Submitted(procedure.lookup_key(form), procedure.submission_facts(form), since)


def _submitting_since(worker: Worker, transfer: Transfer) -> datetime:
    starts = [  # moves into submitting, not notes left on it (a lease ended early, say)
        e.at
        for e in worker.ledger.events(transfer.id)
        if e.to_state is S.SUBMITTING and e.from_state is not S.SUBMITTING
    ]
    return starts[-1] if starts else transfer.created_at


def _vn_minute(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(VN).strftime("%d/%m/%Y %H:%M")
