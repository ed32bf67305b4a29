"""Status sync: how far each submitted application has got at the ministry, written back once.

One pass (:func:`sync_once`) opens one browser and one logged-in portal session, reads the status page
of every transfer the ministry has not finished with (``submitted``, ``written_back``), and for each
change: takes a screenshot, sets the national status in the provincial system (which texts the citizen
once per change) and records it in the ledger. Then it flags transfers past their legal due date.

Ministry status → national status (``../shared/docs/domain.md``), and which ones end the sync:

==================== ============================ =====================================================
received, processing 4 Đang xử lý
supplement_requested 5 Yêu cầu bổ sung giấy tờ     the clerk reads the ministry's reason in the log;
                                                  the legal clock stops until the application is back
finished             9 Đã xử lý xong               not final: the certificate still has to reach the
                                                  citizen, and the portal gives its number only then
result_returned      10 Đã trả kết quả             final: nothing follows it on the portal
==================== ============================ =====================================================

The sandbox has no refusal or stop status; on the real portal an unknown label is a per-transfer
error in every pass (``read_status`` refuses to guess), so a supervisor sees it until it is mapped.
"""

from __future__ import annotations

import socket
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from typing import Final

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from flows import judicial_record as flow
from rpa.alerts import raise_alert
from rpa.attempt import Attempt, portal_attempt
from rpa.breaker import Breaker
from rpa.browser import BrowserSettings, open_browser, reap_orphans, save_login_state
from rpa.clock import VN
from rpa.config import Settings
from rpa.deadlines import (
    DEADLINE_DAYS,
    clock_running,
    due_date,
    extend_for_pause,
    is_overdue,
    working_days_between,
)
from rpa.domain import DossierStatus
from rpa.errors import BusinessError, ConfigError, HumanNeeded, PortalError, SelectorDrift, SessionExpired
from rpa.evidence import AttemptEvidence
from rpa.ledger import Ledger, LedgerError, Transfer, TransferFields, TransferState, worker
from rpa.provincial import ProvincialClient
from rpa.sync_summary import Finished, Overdue, StatusChange, SyncError, SyncSummary
from rpa.worker import FLOW
from rpa.writeback import write_back_receipt, write_back_status

__all__ = ["FINAL", "NATIONAL", "SyncSummary", "deadline_facts", "sync_once"]

S = TransferState
NATIONAL: Final[dict[str, DossierStatus]] = {
    "received": DossierStatus.PROCESSING,
    "processing": DossierStatus.PROCESSING,
    "supplement_requested": DossierStatus.SUPPLEMENT_REQUESTED,
    "finished": DossierStatus.FINISHED,
    "result_returned": DossierStatus.RESULT_RETURNED,
}
FINAL: Final = frozenset({"result_returned"})
SYNCED: Final = (S.SUBMITTED, S.WRITTEN_BACK)
PASS_FOLDER = "status-sync"
"""Evidence folder name of a pass (login, failure trace); status screenshots go to each dossier's own."""

NOTES: Final = {
    "received": "Bộ Tư pháp đã tiếp nhận hồ sơ {receipt}",
    "processing": "Bộ Tư pháp đang xử lý hồ sơ {receipt}",
    "supplement_requested": "Bộ Tư pháp yêu cầu bổ sung hồ sơ {receipt}: {reason}",
    "finished": "Bộ Tư pháp đã có kết quả hồ sơ {receipt}",
    "result_returned": "Bộ Tư pháp đã trả kết quả hồ sơ {receipt}",
}
"""Processing-log notes for the clerk, also the ledger's event reasons."""
MINISTRY_PREFIX: Final = "Bộ Tư pháp "
SUPPLEMENT_PREFIX: Final = "Bộ Tư pháp yêu cầu bổ sung hồ sơ"
"""How the trail tells ministry status events, and supplement requests among them, from the rest."""
OVERDUE_REASON: Final = "Quá hạn giải quyết: hạn {due:%d/%m/%Y} đã qua"


def sync_once(settings: Settings) -> SyncSummary:
    """One status-sync pass over every transfer the ministry has not finished with."""
    summary = SyncSummary(started_at=_vn_now())
    actor = worker(f"sync-{socket.gethostname()}")
    with ExitStack() as stack:
        ledger = stack.enter_context(Ledger(settings.ledger_url))
        transfers = ledger.list(states=SYNCED, flow=FLOW, limit=10_000)
        breaker = Breaker(settings.work_dir, flow.PORTAL, settings.breaker_cooldown_s)
        if (state := breaker.state()) is not None and not breaker.allows():
            summary.skipped = f"cổng {flow.PORTAL} đang tạm dừng từ {state.opened_at}: {state.reason}"
            logger.warning(
                "{} circuit open since {} ({}): statuses not read", flow.PORTAL, state.opened_at, state.reason
            )
        elif transfers:
            account = settings.provincial.account
            client = stack.enter_context(
                ProvincialClient(
                    settings.provincial.base_url, account.username, account.password.get_secret_value()
                )
            )
            browser = stack.enter_context(_browser(settings))
            sync = StatusSync(settings, ledger, client, browser, summary, actor=actor)
            sync.check_all(transfers, trial=state is not None, breaker=breaker)
        for transfer in transfers:  # even with the portal paused: a due date passes all the same
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
        self.browser_settings = _browser_settings(settings)

    def check_all(self, transfers: list[Transfer], *, trial: bool, breaker: Breaker) -> None:
        """Check each transfer in one logged-in session; one transfer's error never stops the others."""
        try:
            with portal_attempt(self.browser, self.browser_settings, self.settings, PASS_FOLDER) as attempt:
                for transfer in transfers:
                    self._check_one(attempt, transfer)
        except SelectorDrift as exc:  # the portal changed: every other transfer would fail the same way
            breaker.open(str(exc))
            raise_alert(self.settings.work_dir, "selector_drift", f"{flow.PORTAL}: {exc}", portal=flow.PORTAL)
            self.summary.errors.append(SyncError(None, str(exc)))
        except (PortalError, HumanNeeded, ConfigError, PlaywrightError) as exc:
            logger.error("status sync pass stopped: {}", exc)
            self.summary.errors.append(SyncError(None, str(exc)))
        if trial and self.summary.checked:
            breaker.close()
            logger.info("{} circuit closed: the portal works again", flow.PORTAL)

    def _check_one(self, attempt: Attempt, transfer: Transfer) -> None:
        log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=FLOW)
        try:
            if transfer.state is S.SUBMITTED:
                transfer = self._write_back_receipt(transfer)
            assert transfer.receipt_code is not None
            status = self._read(attempt, transfer.receipt_code)
            self.summary.checked += 1
            self._apply(attempt, transfer, status)
        except (SelectorDrift, HumanNeeded, ConfigError):
            raise
        except (PortalError, PlaywrightError, BusinessError, LedgerError) as exc:
            log.error("status sync failed: {}", exc)
            self.summary.errors.append(SyncError(transfer.dossier_code, str(exc)))

    def _write_back_receipt(self, transfer: Transfer) -> Transfer:
        """A receipt not written back yet goes first, or a later status would be overwritten by it."""
        assert transfer.receipt_code is not None
        write_back_receipt(self.client, transfer.dossier_code, transfer.receipt_code, actor=self.actor)
        try:
            return self.ledger.transition(
                transfer.id, S.WRITTEN_BACK, actor=self.actor, national_status=int(DossierStatus.PROCESSING),
                reason="đã cập nhật mã hồ sơ về hệ thống một cửa",
            )  # fmt: skip
        except LedgerError:
            now = self.ledger.get(transfer.id)  # a worker wrote it back at the same moment: fine
            if now.state is not S.WRITTEN_BACK:
                raise
            return now

    def _read(self, attempt: Attempt, receipt: str) -> flow.PortalStatus:
        for expiries in range(self.settings.session_retries + 1):
            try:
                return flow.read_status(attempt.steps, receipt)
            except SessionExpired as exc:
                if expiries == self.settings.session_retries:
                    raise
                logger.warning("{}; logging in again", exc)
                account = self.settings.portals[flow.PORTAL].account
                flow.login(attempt.steps, account.username, account.password.get_secret_value())
                save_login_state(
                    attempt.steps.page.context, self.browser_settings, flow.PORTAL, account.username
                )
        raise AssertionError("unreachable")

    def _apply(self, attempt: Attempt, transfer: Transfer, status: flow.PortalStatus) -> None:
        """Write back and record what changed since the last pass (only the check time when nothing did)."""
        assert transfer.receipt_code is not None
        now = datetime.now(UTC)
        before = transfer.national_status or int(DossierStatus.PROCESSING)  # the receipt write-back set 4
        national = int(NATIONAL[status.status])
        deadline = deadline_facts(
            self.ledger,
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
        note = _note(status, transfer.receipt_code)
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
        if status.status in FINAL:
            facts["finished_at"] = now
            self.ledger.transition(
                transfer.id, S.FINISHED, actor=self.actor, reason=note, evidence=evidence, **facts
            )
            self.summary.finished.append(
                Finished(transfer.dossier_code, transfer.receipt_code, status.certificate_number)
            )
        else:
            self.ledger.record(transfer.id, actor=self.actor, reason=note, evidence=evidence, **facts)
        self.summary.changed.append(
            StatusChange(
                transfer.dossier_code, transfer.receipt_code, transfer.ministry_status, status.status,
                status.label, national, written, status.certificate_number, status.supplement_reason,
            )
        )  # fmt: skip
        logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code).info(
            "ministry status {} → {} (national {}{})",
            transfer.ministry_status, status.status, national, ", written back" if written else "",
        )  # fmt: skip


def deadline_facts(
    ledger: Ledger,
    transfer: Transfer,
    before: int,
    national: int,
    *,
    holidays: Collection[date] | None,
    today: date,
) -> TransferFields:
    """Due-date facts to record with a status change from national status ``before`` to ``national``.

    A transfer submitted before due dates were kept gets one: the SUBMITTED event is within a minute of
    the portal's receipt time, and without the form the usual 10 days apply. A transfer coming back
    from a supplement request gets its due date moved on by the working days it waited.
    """
    if transfer.due_on is None:
        submitted = transfer.submitted_at or next(
            (e.at for e in ledger.events(transfer.id) if e.to_state is S.SUBMITTED), transfer.created_at
        )
        days = transfer.deadline_days or DEADLINE_DAYS
        return {
            "submitted_at": submitted,
            "deadline_days": days,
            "due_on": due_date(submitted, days, holidays),
        }
    if before != DossierStatus.SUPPLEMENT_REQUESTED or national == before:
        return {}
    paused: datetime | None = None  # the first supplement event since the ministry last said otherwise
    for event in ledger.events(transfer.id):
        if event.reason.startswith(SUPPLEMENT_PREFIX):
            paused = paused or event.at
        elif event.reason.startswith(MINISTRY_PREFIX):
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
    days = transfer.deadline_days or DEADLINE_DAYS
    summary.overdue.append(
        Overdue(transfer.dossier_code, transfer.receipt_code, transfer.due_on.isoformat(), days, late, first)
    )


def _note(status: flow.PortalStatus, receipt: str) -> str:
    note = NOTES[status.status].format(
        receipt=receipt, reason=status.supplement_reason or "không nêu nội dung"
    )
    if status.certificate_number:
        note += f", số phiếu {status.certificate_number}"
    return note


def _screenshot(
    settings: Settings, attempt: Attempt, transfer: Transfer, status: flow.PortalStatus
) -> list[str]:
    """The status page, in the dossier's own evidence (a new numbered folder next to its attempts)."""
    evidence = AttemptEvidence.begin(settings.recordings_dir, transfer.dossier_code)
    evidence.screenshot(attempt.steps.page, f"status-{status.status}")
    evidence.write_manifest(
        outcome=f"status:{status.status}", receipt=transfer.receipt_code, label=status.label,
        certificate_number=status.certificate_number, supplement_reason=status.supplement_reason,
    )  # fmt: skip
    return [str(evidence.folder)]


def _browser_settings(settings: Settings) -> BrowserSettings:
    """As the worker's: the same saved login state, so a pass seldom has to log in."""
    if "state_dir" in settings.browser.model_fields_set:
        return settings.browser
    return settings.browser.model_copy(update={"state_dir": settings.work_dir / "browser-state"})


@contextmanager
def _browser(settings: Settings) -> Iterator[Browser]:
    registry = settings.work_dir / "browsers"
    if reaped := reap_orphans(registry):
        logger.warning("killed {} browser processes left by a worker that crashed", reaped)
    with open_browser(settings.browser, registry) as browser:
        yield browser


def _vn_now() -> str:
    return datetime.now(VN).isoformat(timespec="seconds")
