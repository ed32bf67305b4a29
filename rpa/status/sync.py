"""Status sync: how far each submitted application has got at the ministry, written back once.

One pass (:func:`sync_once`) opens one browser and, portal by portal, one logged-in session; it reads
the status page of every transfer the ministry has not finished with (``submitted``, ``written_back``),
and for each change: takes a screenshot, sets the national status in the provincial system (which
texts the citizen once per change) and records it in the ledger. Then it flags transfers past their
legal due date.

Each procedure maps its portal's statuses to the national ones (``Procedure.statuses``) and says
which end the sync (``final``). A supplement request (5) stops the legal clock until the application
is back.

A status the procedure does not know (``read_status`` returned a key missing from its ``statuses``)
parks the transfer for a person, once: one event in its trail (the label seen, a screenshot), one
alert, one line in that pass's summary, and ``last_error`` set to the reason. Nothing is written to
the one-stop system, since guessing a national status would text the citizen something untrue.
The transfer keeps its state and is read again every pass, silently while the label is the same
(failing every pass would bury real errors and exit 1 each time); a different unknown label parks it
anew; a known status again clears the mark with one event and the sync carries on as usual. It stays
out of ``needs_review``: that state leaves the sync and means "settle the receipt", which is not the
question here, and the ministry's next move must still reach the citizen.
"""

from __future__ import annotations

import socket
from collections.abc import Collection
from contextlib import ExitStack
from datetime import UTC, date, datetime
from typing import Final

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from rpa.clock import VN
from rpa.config import Settings
from rpa.domain import DossierStatus
from rpa.errors import ConfigError, FailureKind, HumanNeeded, PortalError, SelectorDrift, failure_kind
from rpa.ledger import Ledger, Transfer, TransferFields, TransferState, worker
from rpa.operations.alerts import raise_alert
from rpa.portal import PortalStatus
from rpa.portal.attempt import Attempt, portal_attempt
from rpa.portal.breaker import Breaker
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.session import (
    browser_settings,
    opened_browser,
    pause_portal,
    read_status,
    write_back_and_record,
)
from rpa.portal.steps import masked_screenshot
from rpa.procedures import Procedure, active_procedures, get_procedure, portals
from rpa.sources.provincial import ProvincialClient
from rpa.status.deadlines import (
    clock_running,
    due_date,
    extend_for_pause,
    is_overdue,
    working_days_between,
)
from rpa.status.summary import Finished, Overdue, Parked, StatusChange, SyncError, SyncSummary
from rpa.status.writeback import write_back_status
from rpa.vault import vault_for

__all__ = ["SyncSummary", "deadline_facts", "sync_once"]

S = TransferState
SYNCED: Final = (S.SUBMITTED, S.WRITTEN_BACK)
PASS_STOPPERS: Final = (FailureKind.DRIFT, FailureKind.HUMAN, FailureKind.CONFIG)
"""Failures that would stop every other transfer of the portal too: the pass on it ends."""
PASS_FOLDER = "status-sync"
"""Evidence folder name of a pass (login, failure trace); status screenshots go to each dossier's own."""

OVERDUE_REASON: Final = "Quá hạn giải quyết: hạn {due:%d/%m/%Y} đã qua"
UNKNOWN_STATUS_PREFIX: Final = "Trạng thái chưa xác định trên cổng"
# Not starting with the agency's name: the trail's agency events are status changes (deadline_facts).
UNKNOWN_STATUS_REASON: Final = (
    UNKNOWN_STATUS_PREFIX + " {agency}: “{label}” (hồ sơ {receipt}) chưa có trong bảng trạng thái của "
    "thủ tục; chưa cập nhật về một cửa. Cán bộ xem hồ sơ trên cổng và cập nhật một cửa nếu cần; "
    "bộ phận kỹ thuật bổ sung trạng thái này cho thủ tục"
)
KNOWN_AGAIN_REASON: Final = "Cổng {agency} lại hiển thị trạng thái đã biết “{label}”: tiếp tục đồng bộ"


def sync_once(settings: Settings, portal: str | None = None) -> SyncSummary:
    """One status-sync pass over every transfer the ministries have not finished with (only those
    of ``portal``'s procedures when given)."""
    summary = SyncSummary(started_at=_vn_now())
    actor = worker(f"sync-{socket.gethostname()}")
    procedures = [p for p in active_procedures(settings) if portal in (None, p.portal)]
    with ExitStack() as stack:
        ledger = stack.enter_context(Ledger(settings.ledger_url))
        every = ledger.list(states=SYNCED, flows=[p.name for p in procedures], limit=10_000)
        summary.agencies = list(dict.fromkeys(get_procedure(t.flow).agency for t in every))
        sync: StatusSync | None = None
        for name in portals(procedures):
            transfers = [t for t in every if get_procedure(t.flow).portal == name]
            breaker = Breaker(settings.work_dir, name, settings.breaker_cooldown_s)
            if (state := breaker.state()) is not None and not breaker.allows():
                skipped = f"cổng {name} đang tạm dừng từ {state.opened_at}: {state.reason}"
                summary.skipped = f"{summary.skipped}; {skipped}" if summary.skipped else skipped
                logger.warning(
                    "{} circuit open since {} ({}): statuses not read", name, state.opened_at, state.reason
                )
            elif transfers:
                if sync is None:
                    account = settings.provincial.account
                    client = stack.enter_context(
                        ProvincialClient(
                            settings.provincial.base_url,
                            account.username,
                            account.secret,
                        )
                    )
                    browser = stack.enter_context(opened_browser(settings))
                    sync = StatusSync(settings, ledger, client, browser, summary, actor=actor)
                sync.check_all(name, transfers, trial=state is not None, breaker=breaker)
        for transfer in every:  # even with the portal paused: a due date passes all the same
            _flag_overdue(settings, ledger, ledger.get(transfer.id), summary, actor=actor)
    summary.finished_at = _vn_now()
    counts = [len(summary.changed), len(summary.finished), len(summary.overdue), len(summary.errors)]
    logger.info(
        "status sync: {} checked, {} changed, {} finished, {} overdue, {} errors", summary.checked, *counts
    )
    return summary


class StatusSync:
    """Reads statuses on the portal and carries every change to the provincial system and the ledger."""

    def __init__(
        self,
        settings: Settings,
        ledger: Ledger,
        client: ProvincialClient,
        browser: Browser,
        summary: SyncSummary,
        *,
        actor: str,
    ) -> None:
        self.settings, self.ledger, self.client, self.browser = settings, ledger, client, browser
        self.summary = summary
        self.actor = actor
        self.browser_settings = browser_settings(settings)

    def check_all(self, portal: str, transfers: list[Transfer], *, trial: bool, breaker: Breaker) -> None:
        """Check each transfer of ``portal`` in one logged-in session; one transfer's error never stops
        the others."""
        checked = self.summary.checked
        login = get_procedure(transfers[0].flow)  # the procedures of one portal share its login
        try:
            with portal_attempt(
                self.browser, self.browser_settings, self.settings, login, PASS_FOLDER
            ) as attempt:
                for transfer in transfers:
                    self._check_one(attempt, get_procedure(transfer.flow), transfer)
        except SelectorDrift as exc:  # the portal changed: every other transfer would fail the same way
            pause_portal(self.settings, portal, exc)
            self.summary.errors.append(SyncError(None, str(exc)))
        except (PortalError, HumanNeeded, ConfigError, PlaywrightError) as exc:
            logger.error("status sync pass on {} stopped: {}", portal, exc)
            self.summary.errors.append(SyncError(None, str(exc)))
        if trial and self.summary.checked > checked:
            breaker.close()
            logger.info("{} circuit closed: the portal works again", portal)

    def _check_one(self, attempt: Attempt, procedure: Procedure, transfer: Transfer) -> None:
        log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=transfer.flow)
        try:
            if transfer.state is S.SUBMITTED:
                # A receipt not written back yet goes first, or a later status would overwrite it.
                transfer = write_back_and_record(
                    self.ledger, self.client, procedure, transfer, actor=self.actor
                )
            assert transfer.receipt_code is not None
            status = read_status(attempt.steps, procedure, transfer.receipt_code, self.settings)
            self.summary.checked += 1
            if status.status not in procedure.statuses:
                self._park_unknown(attempt, procedure, transfer, status)
                return
            if (transfer.last_error or "").startswith(UNKNOWN_STATUS_PREFIX):
                reason = KNOWN_AGAIN_REASON.format(agency=procedure.agency, label=status.label)
                transfer = self.ledger.record(transfer.id, actor=self.actor, reason=reason, last_error=None)
                log.info("ministry status known again: {}", status.label)
            self._apply(attempt, procedure, transfer, status)
        except Exception as exc:
            if failure_kind(exc) in PASS_STOPPERS:
                raise
            log.error("status sync failed: {}", exc)
            self.summary.errors.append(SyncError(transfer.dossier_code, str(exc)))

    def _park_unknown(
        self, attempt: Attempt, procedure: Procedure, transfer: Transfer, status: PortalStatus
    ) -> None:
        """Park a transfer whose portal status ``procedure`` does not know, unless it already is for
        this very label (see the module's docstring)."""
        assert transfer.receipt_code is not None
        now = datetime.now(UTC)
        reason = UNKNOWN_STATUS_REASON.format(
            agency=procedure.agency, label=status.label, receipt=transfer.receipt_code
        )
        if transfer.last_error == reason:  # parked in an earlier pass: a person knows already
            self.ledger.record(transfer.id, actor=self.actor, status_checked_at=now)
            return
        evidence = _screenshot(self.settings, attempt, transfer, status)
        self.ledger.record(
            transfer.id, actor=self.actor, reason=reason, evidence=evidence, last_error=reason,
            status_checked_at=now,
        )  # fmt: skip
        raise_alert(
            self.settings.work_dir, "unknown_status",
            f"{transfer.dossier_code} (mã {transfer.receipt_code}): {reason}",
            dossier=transfer.dossier_code, receipt=transfer.receipt_code, label=status.label,
            flow=transfer.flow,
        )  # fmt: skip
        self.summary.parked.append(
            Parked(transfer.dossier_code, transfer.receipt_code, status.label, procedure.agency)
        )

    def _apply(
        self, attempt: Attempt, procedure: Procedure, transfer: Transfer, status: PortalStatus
    ) -> None:
        """Write back and record what changed since the last pass (only the check time when nothing did)."""
        assert transfer.receipt_code is not None
        now = datetime.now(UTC)
        before = transfer.national_status or int(DossierStatus.PROCESSING)  # the receipt write-back set 4
        national = int(procedure.national(status.status))
        deadline = deadline_facts(
            self.ledger,
            procedure,
            transfer,
            before,
            national,
            holidays=self.settings.holidays,
            today=now.astimezone(VN).date(),
        )
        facts: TransferFields = {"status_checked_at": now, **deadline}
        news = (
            status.status != transfer.ministry_status
            or status.certificate_number not in (None, transfer.certificate_number)
            or status.supplement_reason not in (None, transfer.supplement_reason)
        )
        if not news and national == before:
            self.ledger.record(transfer.id, actor=self.actor, **facts)
            return
        evidence = _screenshot(self.settings, attempt, transfer, status)
        note = procedure.status_note(status, transfer.receipt_code)
        written = False
        if national != before:
            written = write_back_status(
                self.client, transfer.dossier_code, national, note, None, actor=self.actor
            )
            note += f" (một cửa: {national} {DossierStatus(national).label})"
        facts["ministry_status"], facts["national_status"] = status.status, national
        if status.certificate_number:
            facts["certificate_number"] = status.certificate_number
        if status.supplement_reason:
            facts["supplement_reason"] = status.supplement_reason
        if procedure.is_final(status.status):
            facts["finished_at"] = now
            self.ledger.transition(
                transfer.id, S.FINISHED, actor=self.actor, reason=note, evidence=evidence, **facts
            )
            self.summary.finished.append(
                Finished(
                    transfer.dossier_code,
                    transfer.receipt_code,
                    status.certificate_number,
                    procedure.certificate_name,
                )
            )
        else:
            self.ledger.record(transfer.id, actor=self.actor, reason=note, evidence=evidence, **facts)
        self.summary.changed.append(
            StatusChange(
                transfer.dossier_code, transfer.receipt_code, transfer.ministry_status, status.status,
                status.label, national, written, status.certificate_number, status.supplement_reason,
                procedure.agency, procedure.certificate_name,
            )
        )  # fmt: skip
        logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code).info(
            "ministry status {} → {} (national {}{})",
            transfer.ministry_status, status.status, national, ", written back" if written else "",
        )  # fmt: skip


def deadline_facts(
    ledger: Ledger,
    procedure: Procedure,
    transfer: Transfer,
    before: int,
    national: int,
    *,
    holidays: Collection[date] | None,
    today: date,
) -> TransferFields:
    """Due-date facts to record with a status change from national status ``before`` to ``national``.

    A transfer submitted before due dates were kept gets one: the SUBMITTED event is within a minute of
    the portal's receipt time, and without the form the procedure's usual days apply. A transfer coming back
    from a supplement request gets its due date moved on by the working days it waited.
    """
    if transfer.due_on is None:
        submitted = transfer.submitted_at or next(
            (e.at for e in ledger.events(transfer.id) if e.to_state is S.SUBMITTED), transfer.created_at
        )
        days = transfer.deadline_days or procedure.default_deadline_days
        return {
            "submitted_at": submitted,
            "deadline_days": days,
            "due_on": due_date(submitted, days, holidays),
        }
    if before != DossierStatus.SUPPLEMENT_REQUESTED or national == before:
        return {}
    paused: datetime | None = None  # the first supplement event since the ministry last said otherwise
    for event in ledger.events(transfer.id):
        if event.reason.startswith(procedure.supplement_prefix):
            paused = paused or event.at
        elif event.reason.startswith(f"{procedure.agency} "):
            paused = None
    if paused is None:
        return {}
    return {"due_on": extend_for_pause(transfer.due_on, paused.astimezone(VN).date(), today, holidays)}


def _flag_overdue(
    settings: Settings, ledger: Ledger, transfer: Transfer, summary: SyncSummary, *, actor: str
) -> None:
    """Warn about a transfer past its due date while the ministry works on it; alert once per due date.

    Not while waiting for a supplement (the clock stops) nor once the ministry is done (9, 10). The
    ledger event is what makes the alert go out once, on whichever machine runs the sync; a due date
    moved on by a supplement pause and missed again is a new lateness and alerts again.
    """
    if transfer.state not in SYNCED or not clock_running(transfer.national_status) or transfer.due_on is None:
        return
    today = datetime.now(VN).date()
    if not is_overdue(transfer.due_on, today):
        return
    late = working_days_between(transfer.due_on, today, settings.holidays)
    reason = OVERDUE_REASON.format(due=transfer.due_on)
    first = all(e.reason != reason for e in ledger.events(transfer.id))
    if first:
        ledger.record(transfer.id, actor=actor, reason=reason)
        raise_alert(
            settings.work_dir, "overdue",
            f"{transfer.dossier_code} (mã {transfer.receipt_code}): {reason}, trễ {late} ngày làm việc",
            dossier=transfer.dossier_code, receipt=transfer.receipt_code, due_on=transfer.due_on.isoformat(),
        )  # fmt: skip
    else:
        logger.bind(dossier=transfer.dossier_code).warning("overdue since {}", transfer.due_on.isoformat())
    days = transfer.deadline_days or get_procedure(transfer.flow).default_deadline_days
    summary.overdue.append(
        Overdue(transfer.dossier_code, transfer.receipt_code, transfer.due_on.isoformat(), days, late, first)
    )


def _screenshot(settings: Settings, attempt: Attempt, transfer: Transfer, status: PortalStatus) -> list[str]:
    """The status page, in the dossier's own evidence (a new numbered folder next to its attempts)."""
    vault = vault_for(settings)
    evidence = AttemptEvidence.begin(settings.recordings_dir, transfer.dossier_code, vault=vault)
    steps = attempt.steps
    masked_screenshot(evidence, steps.page, f"status-{status.status}", steps.mask_locators())
    evidence.write_manifest(
        outcome=f"status:{status.status}", receipt=transfer.receipt_code, label=status.label,
        certificate_number=status.certificate_number, supplement_reason=status.supplement_reason,
    )  # fmt: skip
    return [str(evidence.folder)]


def _vn_now() -> str:
    return datetime.now(VN).isoformat(timespec="seconds")
