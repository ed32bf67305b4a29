"""The worker: takes transfers from the ledger and carries each dossier to the ministry portal.

One transfer's life, in the order of the methods below::

    intake            provincial dossiers waiting for the ministry → queued transfers
    perform           read the dossier, map it (no browser for a wrong one), fill, submit, write back
    reconcile         a transfer that may have been submitted (crash after the final click) is
                      settled by looking it up on the portal, never by submitting again
    write_back        the receipt code goes back to the provincial system, which texts the citizen

The ledger records ``submitting`` (committed) before the final click, so whatever happens after it,
the next worker knows it must look the application up instead of typing it again.
"""

from __future__ import annotations

import shutil
import socket
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from flows import judicial_record as flow
from flows.judicial_record_form import JudicialRecordForm, map_dossier
from rpa.alerts import raise_alert
from rpa.attempt import Attempt, portal_attempt
from rpa.breaker import Breaker, BreakerState
from rpa.browser import BrowserSettings
from rpa.captcha import CaptchaDesk
from rpa.clock import VN
from rpa.config import Settings
from rpa.deadlines import DEADLINE_DAYS, deadline_days, due_date
from rpa.domain import PROCEDURE_CODE, DossierStatus
from rpa.errors import (
    BusinessError,
    ConfigError,
    HumanNeeded,
    InvalidDossier,
    PortalError,
    SelectorDrift,
    SessionExpired,
)
from rpa.ledger import Ledger, LedgerError, Transfer, TransferFields, TransferState, worker
from rpa.provincial import ProvincialClient
from rpa.rules import HeldBack, PortalRules
from rpa.sources import Source, SourceRecord
from rpa.stopping import StopLatch
from rpa.writeback import write_back_receipt

__all__ = ["FLOW", "Outcome", "Worker", "intake"]

FLOW = "judicial_record"
"""The flow's name in the ledger."""
WAITING_STATUSES = (DossierStatus.ACCEPTED,)
"""Provincial statuses of dossiers that still have to go to the ministry."""
S = TransferState


@dataclass(frozen=True)
class Outcome:
    """What became of one dossier in this run."""

    dossier_code: str
    state: str
    receipt_code: str | None = None
    reasons: tuple[str, ...] = ()
    evidence: str | None = None
    error: str | None = None

    @classmethod
    def of(cls, transfer: Transfer, evidence: Path | None = None) -> Outcome:
        return cls(
            transfer.dossier_code,
            transfer.state.value,
            transfer.receipt_code,
            transfer.business_reasons,
            str(evidence) if evidence else None,
            transfer.last_error,
        )


class Worker:
    """Carries dossiers of one provincial system to the ministry portal, one transfer at a time."""

    def __init__(
        self,
        settings: Settings,
        ledger: Ledger,
        source: Source,
        client: ProvincialClient,
        browser: Browser,
        *,
        worker_id: str | None = None,
        stop: StopLatch | None = None,
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.source = source
        self.client = client
        self.browser = browser
        self.worker_id = worker_id or f"{socket.gethostname()}-{id(self):x}"
        self.actor = worker(self.worker_id)
        self.portal = settings.portals[flow.PORTAL]
        browser_settings = settings.browser
        if "state_dir" not in browser_settings.model_fields_set:
            browser_settings = browser_settings.model_copy(
                update={"state_dir": settings.work_dir / "browser-state"}
            )
        self.browser_settings: BrowserSettings = browser_settings
        self.breaker = Breaker(settings.work_dir, flow.PORTAL, settings.breaker_cooldown_s)
        self.stop = stop or StopLatch()  # set by SIGTERM: take no new transfer, end any wait
        self.rules = PortalRules(settings, flow.PORTAL, [FLOW])

    @property
    def stop_requested(self) -> bool:
        return self.stop.is_set()

    # -- the queue -----------------------------------------------------------------------------------
    def intake(self, actor: str = "scheduler") -> list[Transfer]:
        """Queue every provincial dossier of the procedure that still waits for the ministry."""
        return intake(self.source, self.ledger, actor)

    def work(self, dossier_code: str | None = None) -> list[Outcome]:
        """Process claimable transfers (only ``dossier_code``'s when given) until none is left.

        Each transfer starts only within the portal's operating rules (:mod:`rpa.rules`): in working
        hours, holding one of the account's session slots for the whole transfer, and within the rate.
        When a rule holds the queue back, the transfers stay queued and the log says why; a named
        dossier's outcome carries the reason for the clerk.
        """
        outcomes: list[Outcome] = []
        held_back: HeldBack | None = None
        logger.info("worker {} starts", self.worker_id)
        while not self.stop_requested:
            if not self.breaker.allows():
                state = self.breaker.state()
                logger.warning("{} circuit open since {} ({}): dossiers wait", flow.PORTAL, *_opened(state))
                break
            trial = self.breaker.state() is not None  # half-open: this dossier tells if the portal is usable
            with self.rules.session_slot(self.stop) as no_slot:
                transfer, held_back = (None, no_slot) if no_slot else self._claim_admitted(dossier_code)
                if transfer is None:
                    break
                try:
                    outcome = self.perform(transfer)
                    outcomes.append(outcome)
                    if trial and outcome.state in ("submitted", "written_back"):
                        self.breaker.close()
                        logger.info("{} circuit closed: the portal works again", flow.PORTAL)
                    if dossier_code is not None and self._backing_off(transfer):
                        break  # a named dossier is claimed despite back-off: don't spin on it in this run
                except LedgerError as exc:
                    # Another worker took this transfer over (our lease ran out): it is theirs now, and the
                    # ledger refused our move, so nothing was submitted twice. Carry on with the next one.
                    logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code).error("{}", exc)
        if held_back is not None:
            logger.bind(portal=flow.PORTAL).info("no transfer started: {}", held_back.reason)
            if dossier_code is not None and (found := self.ledger.find(dossier_code, FLOW)) is not None:
                outcomes.append(Outcome(dossier_code, found.state.value, error=held_back.message))
        for transfer in self.ledger.list(states=[S.SUBMITTED], flow=FLOW, limit=10_000):
            if dossier_code in (None, transfer.dossier_code):  # write-backs that failed earlier
                outcomes.append(self.write_back(transfer))
        logger.info("worker {} done: {} transfers handled", self.worker_id, len(outcomes))
        return outcomes

    def claim(self, dossier_code: str | None = None) -> Transfer | None:
        return self.ledger.claim(
            self.worker_id, lease_s=self.settings.lease_s, flow=FLOW, dossier_code=dossier_code
        )

    def _claim_admitted(self, dossier_code: str | None) -> tuple[Transfer | None, HeldBack | None]:
        """Claim once working hours and the rate allow it (waiting for the rate), or say why not."""
        with self.rules.admission(self.stop) as held_back:
            return (None, held_back) if held_back is not None else (self.claim(dossier_code), None)

    # -- one transfer -------------------------------------------------------------------------------
    def perform(self, transfer: Transfer) -> Outcome:
        """Take one claimed transfer as far as it can go in this run."""
        if transfer.needs_lookup:
            return self.reconcile(transfer)
        attachments = self.settings.work_dir / "attachments" / str(transfer.id)
        try:
            return self._perform(transfer, attachments)
        finally:
            # Personal data (identity-card scans): no copy is kept once typed, nor when the dossier
            # was refused after its files were downloaded.
            shutil.rmtree(attachments, ignore_errors=True)

    def _perform(self, transfer: Transfer, attachments: Path) -> Outcome:
        log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=FLOW)
        try:
            form = self._read_and_map(transfer.dossier_code, attachments)
        except InvalidDossier as exc:
            reasons = [str(p) for p in exc.problems]
            log.warning("dossier refused before the portal: {}", "; ".join(reasons))
            done = self._move(transfer, S.FAILED_BUSINESS, "hồ sơ không hợp lệ", business_reasons=reasons)
            return Outcome.of(done)
        except BusinessError as exc:  # e.g. the provincial system does not know the dossier
            log.warning("dossier refused before the portal: {}", exc)
            return Outcome.of(self._move(transfer, S.FAILED_BUSINESS, str(exc), business_reasons=[str(exc)]))
        except PortalError as exc:
            return Outcome.of(self._move(transfer, S.FAILED_SYSTEM, str(exc), last_error=str(exc)))
        return self._submit(transfer, form, log)

    def _read_and_map(self, code: str, attachments: Path) -> JudicialRecordForm:
        record = self.source.read(code, attachments)
        if record.problems is not None:
            raise record.problems
        assert record.dossier is not None
        return map_dossier(record.dossier)

    def _submit(self, transfer: Transfer, form: JudicialRecordForm, log: Any) -> Outcome:
        folder = None
        days = deadline_days(form)  # before the portal: nothing after the final click may fail on it

        def before_final_click() -> None:
            self._move(transfer, S.SUBMITTING, "bấm nút nộp hồ sơ", evidence=[str(folder)])

        try:
            for expiries in range(self.settings.session_retries + 1):
                try:
                    with self._attempt(transfer.dossier_code, transfer, start=flow.SUBMIT_PAGE) as attempt:
                        folder = attempt.evidence.folder
                        receipt = flow.submit(attempt.steps, form, before_final_click=before_final_click)
                        if receipt is not None:
                            attempt.facts["receipt"] = receipt.code
                    break
                except SessionExpired as exc:
                    # The portal dropped the draft with the session: log in again and start the
                    # application over, unless the final click already happened (then only look-up).
                    if expiries == self.settings.session_retries or self._state(transfer) is not S.FILLING:
                        raise
                    log.warning("{}; logging in again and starting the application over", exc)
        except (BusinessError, HumanNeeded, PortalError, PlaywrightError, ConfigError) as exc:
            failed = self._fail(transfer, exc, log)
            if isinstance(exc, ConfigError):
                raise  # a rejected account stops the run: every other dossier would fail the same way
            return Outcome.of(failed, folder)
        assert receipt is not None
        done = self._move(
            transfer, S.SUBMITTED, f"Bộ Tư pháp cấp mã hồ sơ {receipt.code}",
            evidence=[str(folder)], receipt_code=receipt.code, **self._deadline(receipt, days),
        )  # fmt: skip
        log.info("submitted, receipt {}", receipt.code)
        return self.write_back(done, evidence=folder)

    def dry_run(self, dossier_code: str) -> Outcome:
        """Fill every step and screenshot the review page; never click submit, never touch the ledger."""
        attachments = self.settings.work_dir / "attachments" / f"dry-run-{dossier_code}"
        try:
            form = self._read_and_map(dossier_code, attachments)
        except InvalidDossier as exc:
            return Outcome(dossier_code, S.FAILED_BUSINESS.value, reasons=tuple(str(p) for p in exc.problems))
        try:
            with self._attempt(dossier_code, start=flow.SUBMIT_PAGE) as attempt:
                flow.submit(attempt.steps, form, dry_run=True)
        finally:
            shutil.rmtree(attachments, ignore_errors=True)
        return Outcome(dossier_code, "dry_run", evidence=str(attempt.evidence.folder))

    def reconcile(self, transfer: Transfer) -> Outcome:
        """Settle a transfer that may already be on the portal, by looking it up."""
        log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=FLOW)
        since = self._submitting_since(transfer)
        record = self.source.read(
            transfer.dossier_code, self.settings.work_dir / "attachments" / str(transfer.id)
        )
        shutil.rmtree(self.settings.work_dir / "attachments" / str(transfer.id), ignore_errors=True)
        days = _deadline_days_of(record)
        id_number = str((record.raw.get("applicant") or {}).get("identity", {}).get("number", ""))
        try:
            with self._attempt(transfer.dossier_code, start=flow.LOOKUP_PAGE) as attempt:
                found = flow.lookup(attempt.steps, id_number, _vn_day(since), _vn_day(datetime.now(VN)))
                attempt.facts["found"] = ", ".join(f"{r.code} ({r.submitted_at})" for r in found)
        except (PortalError, PlaywrightError, HumanNeeded) as exc:
            # Still uncertain: its lease runs out and the next worker looks it up again.
            log.error("look-up failed, transfer stays {}: {}", transfer.state.value, exc)
            return Outcome(transfer.dossier_code, transfer.state.value, error=str(exc))
        after = [
            r for r in found if _receipt_time(r) >= since.astimezone(VN).replace(second=0, microsecond=0)
        ]
        if not after:
            log.warning("look-up found no application since {}: queued again", since.isoformat())
            return Outcome.of(self._move(transfer, S.QUEUED, "tra cứu không thấy hồ sơ trên cổng, nộp lại"))
        if len(after) > 1:
            log.error("look-up found {} applications: {}", len(after), ", ".join(r.code for r in after))
        receipt = after[0]
        done = self._move(
            transfer, S.SUBMITTED, f"tra cứu thấy hồ sơ đã nộp, mã {receipt.code}",
            evidence=[str(attempt.evidence.folder)], receipt_code=receipt.code,
            **self._deadline(receipt, days),
        )  # fmt: skip
        return self.write_back(done, evidence=attempt.evidence.folder)

    def write_back(self, transfer: Transfer, evidence: Path | None = None) -> Outcome:
        """Put the receipt into the provincial system (once); the transfer stays ``submitted`` on failure."""
        assert transfer.receipt_code is not None
        try:
            write_back_receipt(self.client, transfer.dossier_code, transfer.receipt_code, actor=self.actor)
        except (PortalError, BusinessError) as exc:
            logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code).error(
                "write-back failed: {}", exc
            )
            return Outcome(transfer.dossier_code, transfer.state.value, transfer.receipt_code, error=str(exc))
        done = self.ledger.transition(
            transfer.id, S.WRITTEN_BACK, actor=self.actor, reason="đã cập nhật mã hồ sơ về hệ thống một cửa"
        )
        logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=FLOW).info(
            "receipt {} written back to the provincial system", transfer.receipt_code
        )
        return Outcome.of(done, evidence)

    # -- helpers -------------------------------------------------------------------------------------
    def _move(self, transfer: Transfer, to: TransferState, reason: str, **fields: Any) -> Transfer:
        return self.ledger.transition(
            transfer.id, to, actor=self.actor, worker_id=self.worker_id, reason=reason, **fields
        )

    def _fail(self, transfer: Transfer, exc: Exception, log: Any) -> Transfer:
        """Where a failed attempt leaves the transfer, from the state the ledger holds it in now."""
        state = self._state(transfer)
        if state is S.SUBMITTING:  # the click may have gone through: only a look-up can tell
            log.error("failed after the final click, needs look-up: {}", exc)
            return self._move(transfer, S.UNCERTAIN, f"lỗi sau khi bấm nộp: {exc}", last_error=str(exc))
        if isinstance(
            exc, SelectorDrift
        ):  # the portal changed: this dossier is fine, it waits with the others
            self.breaker.open(str(exc))
            raise_alert(
                self.settings.work_dir, "selector_drift", f"{flow.PORTAL}: {exc}",
                portal=flow.PORTAL, names=exc.names, dossier=transfer.dossier_code,
            )  # fmt: skip
            return self._move(transfer, S.QUEUED, f"giao diện cổng đã thay đổi: {exc}", last_error=str(exc))
        if isinstance(exc, BusinessError):
            log.warning("the portal refused the dossier: {}", exc)
            return self._move(transfer, S.FAILED_BUSINESS, str(exc), business_reasons=[str(exc)])
        if isinstance(exc, HumanNeeded):  # nobody read the CAPTCHA in time, or the reading was wrong
            log.warning("back to the queue, a person is needed: {}", exc)
            wait = self.settings.retry.base_delay_s
            return self._move(
                transfer, S.QUEUED, f"cần người hỗ trợ: {exc}",
                next_attempt_at=datetime.now(UTC) + timedelta(seconds=wait),
            )  # fmt: skip
        log.error("system error: {}", exc)
        failed = self._move(transfer, S.FAILED_SYSTEM, str(exc), last_error=str(exc))
        delay = self.settings.retry.delay(failed.attempts)
        if delay is None:
            message = f"{transfer.dossier_code}: hết số lần thử lại ({exc})"
            raise_alert(
                self.settings.work_dir,
                "failed_system",
                message,
                dossier=transfer.dossier_code,
                transfer_id=transfer.id,
            )
        else:
            self.ledger.transition(
                transfer.id, S.QUEUED, actor=self.actor, reason=f"thử lại sau {delay:.0f} giây",
                next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
            )  # fmt: skip
        return failed

    def _attempt(
        self, dossier_code: str, transfer: Transfer | None = None, start: str = "home"
    ) -> ContextManager[Attempt]:
        """A logged-in portal page for one attempt; a person reads any CAPTCHA when ``transfer`` is given."""
        read = None if transfer is None else lambda image: self._ask_person(transfer, image)
        return portal_attempt(
            self.browser, self.browser_settings, self.settings, dossier_code, read_captcha=read, start=start
        )

    def _ask_person(self, transfer: Transfer, image: bytes) -> str:
        """Put the transfer in ``waiting_human`` until a person reads the CAPTCHA (the bot never does)."""
        desk = CaptchaDesk(self.settings.work_dir / "captcha")
        request = desk.ask(transfer.id, transfer.dossier_code, flow.PORTAL, image)
        reason = f"cần người đọc mã xác nhận: rpa captcha answer {request.id} <mã>"
        self._move(transfer, S.WAITING_HUMAN, reason, evidence=[request.image])
        raise_alert(
            self.settings.work_dir, "captcha", reason, dossier=transfer.dossier_code, request=request.id
        )
        answer = desk.wait(request.id, self.settings.captcha_wait_s, stop=self.stop)
        if answer is None and self.stop.is_set():
            raise HumanNeeded(f"stopping: CAPTCHA request {request.id} cancelled before anyone answered")
        if answer is None:
            raise HumanNeeded(
                f"nobody answered CAPTCHA request {request.id} within {self.settings.captcha_wait_s:.0f} s"
            )
        self._move(transfer, S.FILLING, f"người dùng đã nhập mã xác nhận ({request.id})")
        return answer

    def _deadline(self, receipt: flow.Receipt, days: int) -> TransferFields:
        """When the portal took the application ("Ngày nộp") and the legal due date that follows."""
        try:
            submitted = _receipt_time(receipt)
        except ValueError:  # an unreadable receipt date must not lose the receipt: now is minutes off
            logger.warning("receipt {}: unreadable date {!r}", receipt.code, receipt.submitted_at)
            submitted = datetime.now(VN)
        due = due_date(submitted, days, self.settings.holidays)
        return {"submitted_at": submitted, "deadline_days": days, "due_on": due}

    def _state(self, transfer: Transfer) -> TransferState:
        return self.ledger.get(transfer.id).state

    def _backing_off(self, transfer: Transfer) -> bool:
        now = self.ledger.get(transfer.id)
        return (
            now.state is S.QUEUED
            and now.next_attempt_at is not None
            and now.next_attempt_at > datetime.now(UTC)
        )

    def _submitting_since(self, transfer: Transfer) -> datetime:
        starts = [e.at for e in self.ledger.events(transfer.id) if e.to_state is S.SUBMITTING]
        return starts[-1] if starts else transfer.created_at


def intake(source: Source, ledger: Ledger, actor: str = "scheduler") -> list[Transfer]:
    """Queue every provincial dossier of the procedure that still waits for the ministry.

    Needs no browser when the source is the provincial API, so the scheduler polls without Chromium.
    """
    codes = source.list_codes(PROCEDURE_CODE, statuses=[int(s) for s in WAITING_STATUSES])
    return [ledger.enqueue(code, FLOW, actor=actor) for code in codes]


def _opened(state: BreakerState | None) -> tuple[str, str]:
    return (state.opened_at, state.reason) if state else ("?", "?")


def _deadline_days_of(record: SourceRecord) -> int:
    """The legal deadline of a dossier re-read for a look-up (its form was not kept from the submission).

    A dossier that no longer maps (a clerk edited it since, or the rules changed) gets 10 days: the
    usual case, and the shorter one, so an overdue warning comes early rather than never.
    """
    if record.dossier is None:
        return DEADLINE_DAYS
    try:
        return deadline_days(map_dossier(record.dossier, require_files=False))
    except BusinessError:
        return DEADLINE_DAYS


def _vn_day(moment: datetime) -> str:
    return moment.astimezone(VN).strftime("%d/%m/%Y")


def _receipt_time(receipt: flow.Receipt) -> datetime:
    return datetime.strptime(receipt.submitted_at, "%d/%m/%Y %H:%M").replace(tzinfo=VN)
