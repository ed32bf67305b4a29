"""The worker: takes transfers from the ledger and carries each dossier to the ministry portal.

One transfer's life, in the order of the methods below::

    intake            provincial dossiers waiting for the ministry → queued transfers
    perform           read the dossier, map it (no browser for a wrong one), fill, submit, write back
    reconcile         a transfer that may have been submitted (crash after the final click) is
                      settled by looking it up on the portal, never by submitting again
    write_back        the receipt code goes back to the provincial system, which texts the citizen

The ledger records ``submitting`` (committed, with what was typed to find it again) before the final
click, so whatever happens after it, the next worker knows it must look the application up instead of
typing it again. While a worker holds a transfer its lease is renewed by a heartbeat; a worker whose
lease ran out can no longer move the transfer, so it never clicks while another one looks it up.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from rpa.clock import VN
from rpa.config import Settings
from rpa.domain import dossier_code_problem
from rpa.errors import (
    BusinessError,
    ConfigError,
    FailureKind,
    HumanNeeded,
    InvalidDossier,
    PortalError,
    SelectorDrift,
    SessionExpired,
    failure_kind,
)
from rpa.ledger import Ledger, LedgerError, Transfer, TransferFields, TransferState, worker
from rpa.ledger.search import identity_digest, searchable_name
from rpa.operations.alerts import raise_alert
from rpa.operations.rules import HeldBack, PortalRules
from rpa.operations.stopping import StopLatch
from rpa.portal import Receipt
from rpa.portal.access import BrowserPortal, PortalAccess, receipt_time
from rpa.portal.approval import ApprovalDesk
from rpa.portal.attempt import Attempt, portal_attempt
from rpa.portal.breaker import Breaker, BreakerState
from rpa.portal.browser import BrowserSettings
from rpa.portal.captcha import CaptchaDesk
from rpa.portal.session import browser_settings, pause_portal, write_back_and_record
from rpa.procedures import (
    Procedure,
    active_procedures,
    form_for,
    get_procedure,
    portals,
    procedure_codes,
    procedure_of,
)
from rpa.sources import Source
from rpa.sources.provincial import ProvincialClient
from rpa.status.deadlines import due_date
from rpa.status.writeback import NoLongerAccepted
from rpa.transfer.holder import is_gone_here, new_worker_id
from rpa.transfer.intake import NotAccepted, intake, require_accepted
from rpa.transfer.lease import LeaseKeeper, keep_lease
from rpa.transfer.outcome import Outcome
from rpa.transfer.reconcile import reconcile
from rpa.transfer.settle import Submitted, seal_submission

__all__ = ["NotAccepted", "Outcome", "Worker", "intake"]


S = TransferState


@dataclass
class _Lane:
    """One portal as the worker uses it: its circuit breaker, its operating rules (working hours,
    rate, the account's session slots, shared by every procedure on it) and those procedures."""

    portal: str
    breaker: Breaker
    rules: PortalRules
    flows: tuple[str, ...]


class Worker:
    """Carries dossiers of one provincial system to the ministry portals, one transfer at a time.

    It serves every active procedure (:func:`rpa.procedures.active_procedures`, or ``procedures``),
    one portal after the other. ``portal`` is how the worker reaches the portals: by default Chromium
    (``browser``); the model-based tests pass a portal whose every answer they control.
    """

    def __init__(
        self,
        settings: Settings,
        ledger: Ledger,
        source: Source,
        client: ProvincialClient,
        browser: Browser | None,
        *,
        worker_id: str | None = None,
        stop: StopLatch | None = None,
        portal: PortalAccess | None = None,
        procedures: Sequence[Procedure] | None = None,
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.source = source
        self.client = client
        self.browser = browser
        self.worker_id = worker_id or new_worker_id(f"{id(self):x}")
        self.actor = worker(self.worker_id)
        self.browser_settings: BrowserSettings = browser_settings(settings)
        self.stop = stop or StopLatch()  # set by SIGTERM: take no new transfer, end any wait
        self.procedures = tuple(active_procedures(settings) if procedures is None else procedures)
        self.lanes = {
            name: _Lane(
                name,
                Breaker(settings.work_dir, name, settings.breaker_cooldown_s),
                PortalRules(
                    settings, name, flows := tuple(p.name for p in self.procedures if p.portal == name)
                ),
                flows,
            )
            for name in portals(self.procedures)
        }
        self._lane: _Lane | None = None  # the portal of the transfer in hand
        if portal is None:
            assert browser is not None, "a worker needs a browser or a portal"
            portal = BrowserPortal(browser, self.browser_settings, settings, lambda: self._slot())
        self.portal = portal

    @property
    def stop_requested(self) -> bool:
        return self.stop.is_set()

    def now(self) -> datetime:
        """The ledger's clock: leases, back-offs and look-up windows all count on one clock."""
        return self.ledger.now()

    # -- the queue -----------------------------------------------------------------------------------
    @property
    def flows(self) -> tuple[str, ...]:
        """The ledger names of the procedures this worker serves."""
        return tuple(p.name for p in self.procedures)

    def _slot(self) -> int:
        """The session slot of the account held now (each slot keeps its own portal login)."""
        return self._lane.rules.session if self._lane is not None else 1

    def procedure_for(self, dossier_code: str) -> Procedure:
        """The procedure a dossier goes through: its transfer's, else the one of this installation
        that takes its provincial procedure code.

        Raises:
            BusinessError: no active procedure takes it (Vietnamese, for the clerk), or the
                provincial system does not know the dossier.
        """
        found = self.ledger.find(dossier_code)
        if found is not None and found.flow in self.flows:
            return get_procedure(found.flow)
        code = self.client.get(dossier_code).get("procedure_code")
        for procedure in self.procedures:
            if code in procedure_codes(self.settings, procedure):
                return procedure
        raise BusinessError(
            f"Hồ sơ {dossier_code} thuộc thủ tục “{code}”: chưa có bot nào chuyển thủ tục này sang Bộ, "
            "cán bộ xử lý như trước"
        )

    def intake(self, actor: str = "scheduler") -> list[Transfer]:
        """Queue every provincial dossier of the procedures that still waits for the ministry."""
        return intake(self.source, self.ledger, self.settings, self.procedures, actor)

    def work(self, dossier_code: str | None = None) -> list[Outcome]:
        """Process claimable transfers (only ``dossier_code``'s when given) until none is left.

        Portal by portal, each transfer starts only within the portal's operating rules
        (:mod:`rpa.operations.rules`): in working hours, holding one of the account's session slots for
        the whole transfer, and within the rate. When a rule holds the queue back, the transfers stay
        queued and the log says why; a named dossier's outcome carries the reason for the clerk.
        Whatever goes wrong with one transfer is recorded on it (with an alert) and the run goes on.
        """
        outcomes: list[Outcome] = []
        logger.info("worker {} starts", self.worker_id)
        lanes = list(self.lanes.values())
        if dossier_code is not None:
            found = self.ledger.find(dossier_code)
            lanes = [lane for lane in lanes if found is not None and found.flow in lane.flows][:1]
        for lane in lanes:
            if self.stop_requested:
                break
            try:
                outcomes += self._work_lane(lane, dossier_code)
            except ConfigError as exc:  # this portal's account was rejected: the other portals go on
                if dossier_code is not None or len(self.lanes) == 1:
                    raise
                self._alert("config_error", f"{lane.portal}: {exc}", portal=lane.portal)
                logger.error("{}: {}; its transfers wait", lane.portal, exc)
        for transfer in self.ledger.list(states=[S.SUBMITTED], flows=self.flows, limit=10_000):
            if dossier_code in (None, transfer.dossier_code):  # write-backs that failed earlier
                outcomes.append(self._guarded(transfer, self.write_back))
        logger.info("worker {} done: {} transfers handled", self.worker_id, len(outcomes))
        return outcomes

    def _work_lane(self, lane: _Lane, dossier_code: str | None) -> list[Outcome]:
        """:meth:`work` on one portal."""
        outcomes: list[Outcome] = []
        held_back: HeldBack | None = None
        self._lane = lane
        while not self.stop_requested:
            if not lane.breaker.allows():
                state = lane.breaker.state()
                logger.warning("{} circuit open since {} ({}): dossiers wait", lane.portal, *_opened(state))
                break
            trial = lane.breaker.state() is not None  # half-open: this dossier tells if the portal works
            with lane.rules.session_slot(self.stop) as no_slot:
                try:
                    transfer, held_back = (
                        (None, no_slot) if no_slot else self._claim_admitted(lane, dossier_code)
                    )
                except Exception as exc:  # the ledger itself is failing (locked, disk full): end the run
                    self._alert("ledger_error", f"không nhận được hồ sơ từ sổ theo dõi: {exc}")
                    logger.exception("claim failed, the run ends: {}", exc)
                    break
                if transfer is None:
                    break
                outcome = self._perform_safely(transfer)
                if outcome is not None:
                    outcomes.append(outcome)
                    if trial and outcome.state in ("submitted", "written_back"):
                        lane.breaker.close()
                        logger.info("{} circuit closed: the portal works again", lane.portal)
                if dossier_code is not None and self._backing_off(transfer):
                    break  # a named dossier is claimed despite back-off: don't spin on it in this run
        if held_back is not None:
            logger.bind(portal=lane.portal).info("no transfer started: {}", held_back.reason)
            if dossier_code is not None and (found := self.ledger.find(dossier_code)) is not None:
                outcomes.append(Outcome(dossier_code, found.state.value, error=held_back.message))
        return outcomes

    def claim(self, dossier_code: str | None = None, lane: _Lane | None = None) -> Transfer | None:
        flows = lane.flows if lane is not None else self.flows
        for ended in self.ledger.end_leases_of_gone_holders(is_gone_here):
            logger.bind(transfer_id=ended.id, dossier=ended.dossier_code).warning(
                "transfer {} ({}): its worker {} died on this machine; taking it over now",
                ended.id, ended.state.value, ended.lease_owner,
            )  # fmt: skip
        return self.ledger.claim(
            self.worker_id, lease_s=self.settings.lease_s, flows=flows, dossier_code=dossier_code
        )

    def _claim_admitted(
        self, lane: _Lane, dossier_code: str | None
    ) -> tuple[Transfer | None, HeldBack | None]:
        """Claim once working hours and the rate allow it (waiting for the rate), or say why not."""
        with lane.rules.admission(self.stop) as held_back:
            return (None, held_back) if held_back is not None else (self.claim(dossier_code, lane), None)

    def _perform_safely(self, transfer: Transfer) -> Outcome | None:
        """:meth:`perform`, with any error recorded on the transfer instead of ending the run."""
        try:
            return self.perform(transfer)
        except LedgerError as exc:
            # Another worker took this transfer over (our lease ran out): it is theirs now, and the
            # ledger refused our move, so nothing was submitted twice. Carry on with the next one.
            logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code).error("{}", exc)
            return None
        except ConfigError:
            raise  # a rejected account stops the run: every other dossier would fail the same way
        except Exception as exc:
            return self._crashed(transfer, exc)

    def _guarded(self, transfer: Transfer, action: Callable[[Transfer], Outcome]) -> Outcome:
        try:
            return action(transfer)
        except Exception as exc:
            return self._crashed(transfer, exc)

    # -- one transfer -------------------------------------------------------------------------------
    def perform(self, transfer: Transfer) -> Outcome:
        """Take one claimed transfer as far as it can go in this run, its lease kept alive meanwhile."""
        with keep_lease(self.ledger, transfer.id, self.worker_id, self.settings.lease_s) as lease:
            if transfer.needs_lookup:
                return self.reconcile(transfer)
            if (problem := dossier_code_problem(transfer.dossier_code)) is not None:
                # Before anything is read or written under this code (it names files and URLs).
                logger.bind(transfer_id=transfer.id).warning("malformed dossier code refused: {}", problem)
                reason = str(problem)
                return Outcome.of(self.move(transfer, S.FAILED_BUSINESS, reason, business_reasons=[reason]))
            attachments = self.attachments_folder(transfer.id)
            try:
                return self._perform(transfer, attachments, lease)
            finally:
                # Personal data (identity-card scans): no copy is kept once typed, nor when the dossier
                # was refused after its files were downloaded.
                shutil.rmtree(attachments, ignore_errors=True)

    def _perform(self, transfer: Transfer, attachments: Path, lease: LeaseKeeper) -> Outcome:
        log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=transfer.flow)
        procedure = get_procedure(transfer.flow)
        try:
            procedure, form = self._read_and_map(
                transfer.dossier_code, attachments, procedure, transfer=transfer
            )
        except InvalidDossier as exc:
            reasons = [str(p) for p in exc.problems]
            log.warning("dossier refused before the portal: {}", "; ".join(reasons))
            done = self.move(transfer, S.FAILED_BUSINESS, "hồ sơ không hợp lệ", business_reasons=reasons)
            return Outcome.of(done)
        except BusinessError as exc:  # e.g. the provincial system does not know the dossier
            log.warning("dossier refused before the portal: {}", exc)
            return Outcome.of(self.move(transfer, S.FAILED_BUSINESS, str(exc), business_reasons=[str(exc)]))
        except PortalError as exc:
            return Outcome.of(self.move(transfer, S.FAILED_SYSTEM, str(exc), last_error=str(exc)))
        return self._submit(transfer, procedure, form, lease, log)

    def _read_and_map(
        self,
        code: str,
        attachments: Path,
        procedure: Procedure | None,
        *,
        accepted: bool = True,
        transfer: Transfer | None = None,
    ) -> tuple[Procedure, Any]:
        """The dossier's procedure (``procedure`` when the transfer names one) and its portal form;
        ``transfer`` gets what a clerk finds it by (name, identity digest), even for a flawed dossier."""
        record = self.source.read(code, attachments)
        if transfer is not None:
            self._remember_applicant(transfer, record.raw)
        if accepted:  # before anything is typed (a dry run may preview a dossier not yet accepted)
            require_accepted(code, record.raw.get("status"))
        if record.problems is not None:
            raise record.problems
        assert record.dossier is not None
        procedure = procedure or procedure_of(record.dossier)
        codes = procedure_codes(self.settings, procedure)
        return procedure, form_for(record.dossier, procedure=procedure, codes=codes)

    def _remember_applicant(self, transfer: Transfer, raw: dict[str, Any]) -> None:
        """Record the applicant's name (as written and folded) and the HMAC of the identity number on
        the transfer, for the console's search; nothing when the dossier does not carry them."""
        applicant = raw.get("applicant")
        if not isinstance(applicant, dict):
            return
        name, identity = applicant.get("full_name"), applicant.get("identity")
        number = identity.get("number") if isinstance(identity, dict) else None
        fields: TransferFields = {}
        if isinstance(name, str) and name.strip():
            fields["applicant_name"] = name.strip()[:256]
            fields["applicant_search"] = searchable_name(name)[:256]
        if isinstance(number, str) and number.strip():
            fields["identity_digest"] = identity_digest(self.settings.work_dir, number)
        if fields:
            self.ledger.record(transfer.id, actor=self.actor, **fields)

    def _submit(
        self, transfer: Transfer, procedure: Procedure, form: Any, lease: LeaseKeeper, log: Any
    ) -> Outcome:
        folder: Path | None = None
        days = procedure.deadline_days(form)  # before the portal: nothing after the final click may fail

        def keep(evidence: Path) -> None:
            nonlocal folder
            folder = evidence

        def before_final_click(evidence: Path | None) -> None:
            if approval_required(self.settings, procedure.name):
                self._ask_approval(transfer, procedure, evidence, log)
            lease.check()  # a worker whose lease ran out must not click: another may be looking it up
            require_accepted(transfer.dossier_code, self.client.get(transfer.dossier_code).get("status"))
            submitted = Submitted(procedure.lookup_key(form), procedure.submission_facts(form), self.now())
            sealed = seal_submission(self.settings, transfer.dossier_code, submitted)
            self.move(
                transfer, S.SUBMITTING, "bấm nút nộp hồ sơ", evidence=[str(evidence)],
                submission=sealed, deadline_days=days,
            )  # fmt: skip

        try:
            for expiries in range(self.settings.session_retries + 1):
                try:
                    receipt = self.portal.submit(
                        procedure, transfer.dossier_code, form, before_final_click=before_final_click,
                        read_captcha=lambda image: self._ask_person(transfer, image), on_evidence=keep,
                    )  # fmt: skip
                    break
                except SessionExpired as exc:
                    # The portal dropped the draft with the session: log in again and start the
                    # application over, unless the final click already happened (then only look-up).
                    if expiries == self.settings.session_retries or self._state(transfer) is not S.FILLING:
                        raise
                    log.warning("{}; logging in again and starting the application over", exc)
        except (BusinessError, HumanNeeded, PortalError, PlaywrightError, ConfigError, OSError) as exc:
            failed = self._fail(transfer, exc, log)
            if isinstance(exc, ConfigError):
                raise  # a rejected account stops the run: every other dossier would fail the same way
            return Outcome.of(failed, folder)
        holder = self.ledger.holder_of(receipt.code)
        if holder is not None and holder != transfer.id:
            # The portal handed out a receipt another dossier already holds: never pass it on.
            taken = SelectorDrift(
                ["receipt.code"], f"receipt {receipt.code} already belongs to transfer {holder}"
            )
            return Outcome.of(self._fail(transfer, taken, log), folder)
        done = self.move(
            transfer, S.SUBMITTED, f"{procedure.agency} cấp mã hồ sơ {receipt.code}",
            evidence=[str(folder)], receipt_code=receipt.code, **self.deadline(receipt, days),
        )  # fmt: skip
        log.info("submitted, receipt {}", receipt.code)
        return self.write_back(done, evidence=folder)

    def dry_run(self, dossier_code: str) -> Outcome:
        """Fill every step and screenshot the review page; never click submit, never touch the ledger."""
        if (problem := dossier_code_problem(dossier_code)) is not None:
            return Outcome(dossier_code, S.FAILED_BUSINESS.value, reasons=(str(problem),))
        attachments = self.settings.work_dir / "attachments" / f"dry-run-{dossier_code}"
        try:
            try:
                procedure, form = self._read_and_map(dossier_code, attachments, None, accepted=False)
            except InvalidDossier as exc:
                reasons = tuple(str(p) for p in exc.problems)
                return Outcome(dossier_code, S.FAILED_BUSINESS.value, reasons=reasons)
            except BusinessError as exc:
                return Outcome(dossier_code, S.FAILED_BUSINESS.value, reasons=(str(exc),))
            with self._attempt(procedure, dossier_code, start=procedure.submit_page) as attempt:
                procedure.submit(attempt.steps, form, dry_run=True)
        finally:
            shutil.rmtree(attachments, ignore_errors=True)
        return Outcome(dossier_code, "dry_run", evidence=str(attempt.evidence.folder))

    def reconcile(self, transfer: Transfer) -> Outcome:
        """Settle a transfer that may already be on the portal, by looking it up
        (:mod:`rpa.transfer.reconcile`)."""
        return reconcile(self, transfer)

    def write_back(self, transfer: Transfer, evidence: Path | None = None) -> Outcome:
        """Put the receipt into the provincial system (once); the transfer stays ``submitted`` on failure.

        A dossier that left "accepted" in the provincial system meanwhile (withdrawn, stopped) keeps
        its status: the transfer goes to a person, who must settle it with the ministry too.
        """
        assert transfer.receipt_code is not None
        log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=transfer.flow)
        procedure = get_procedure(transfer.flow)
        try:
            done = write_back_and_record(self.ledger, self.client, procedure, transfer, actor=self.actor)
        except NoLongerAccepted as exc:
            log.error("write-back refused: {}", exc)
            return Outcome.of(self.to_review(transfer, str(exc)), evidence)
        except (PortalError, BusinessError) as exc:
            log.error("write-back failed: {}", exc)
            return Outcome(transfer.dossier_code, transfer.state.value, transfer.receipt_code, error=str(exc))
        log.info("receipt {} written back to the provincial system", transfer.receipt_code)
        return Outcome.of(done, evidence)

    # -- helpers -------------------------------------------------------------------------------------
    def move(self, transfer: Transfer, to: TransferState, reason: str, **fields: Any) -> Transfer:
        return self.ledger.transition(
            transfer.id, to, actor=self.actor, worker_id=self.worker_id, reason=reason, **fields
        )

    def _fail(self, transfer: Transfer, exc: Exception, log: Any) -> Transfer:
        """Where a failed attempt leaves the transfer, from the state the ledger holds it in now."""
        state = self._state(transfer)
        if isinstance(exc, SelectorDrift):  # the portal changed: every dossier waits until it is fixed
            self.drift(transfer, exc)
        if state is S.SUBMITTING:  # the click may have gone through: only a look-up can tell
            log.error("failed after the final click, needs look-up: {}", exc)
            return self.move(
                transfer, S.UNCERTAIN, f"lỗi sau khi bấm nộp: {exc}", last_error=str(exc),
                next_attempt_at=self.now() + timedelta(seconds=self.settings.settle_grace_s),
            )  # fmt: skip
        kind = failure_kind(exc)
        if kind is FailureKind.DRIFT:  # this dossier is fine, it waits with the others
            return self.move(transfer, S.QUEUED, f"giao diện cổng đã thay đổi: {exc}", last_error=str(exc))
        if kind is FailureKind.BUSINESS:
            log.warning("the dossier cannot go to the portal: {}", exc)
            return self.move(transfer, S.FAILED_BUSINESS, str(exc), business_reasons=[str(exc)])
        if kind is FailureKind.HUMAN:  # nobody read the CAPTCHA in time, or the reading was wrong
            log.warning("back to the queue, a person is needed: {}", exc)
            wait = self.settings.retry.base_delay_s
            return self.move(
                transfer, S.QUEUED, f"cần người hỗ trợ: {exc}",
                next_attempt_at=self.now() + timedelta(seconds=wait),
            )  # fmt: skip
        log.error("system error: {}", exc)  # SYSTEM, and CONFIG (the run stops, this one is retried)
        if state is S.WAITING_HUMAN:  # no edge to failed_system: back to the queue with the back-off
            state = self.move(transfer, S.FILLING, f"lỗi hệ thống: {exc}").state
        failed = self.move(transfer, S.FAILED_SYSTEM, str(exc), last_error=str(exc))
        delay = self.settings.retry.delay(failed.attempts)
        if delay is None:
            self._alert(
                "failed_system", f"{transfer.dossier_code}: hết số lần thử lại ({exc})",
                dossier=transfer.dossier_code, transfer_id=transfer.id,
            )  # fmt: skip
        else:
            self.ledger.transition(
                transfer.id, S.QUEUED, actor=self.actor, reason=f"thử lại sau {delay:.0f} giây",
                next_attempt_at=self.now() + timedelta(seconds=delay),
            )  # fmt: skip
        return failed

    def _crashed(self, transfer: Transfer, exc: Exception) -> Outcome:
        """An error nobody planned for: recorded on the transfer, alerted, and the run goes on."""
        log = logger.bind(transfer_id=transfer.id, dossier=transfer.dossier_code, flow=transfer.flow)
        log.opt(exception=exc).error("unexpected error in transfer: {!r}", exc)
        self._alert(
            "transfer_error",
            f"Hồ sơ {transfer.dossier_code.strip()!r}: lỗi ngoài dự kiến ({type(exc).__name__}: {exc}); "
            "đã ghi nhận vào hồ sơ chuyển, các hồ sơ khác vẫn được xử lý",
            dossier=transfer.dossier_code, transfer_id=transfer.id,
        )  # fmt: skip
        try:
            if self._state(transfer) in (S.FILLING, S.SUBMITTING, S.WAITING_HUMAN):
                return Outcome.of(self._fail(transfer, exc, log))
            return Outcome.of(self.ledger.get(transfer.id))
        except Exception as inner:  # the ledger is failing too: its lease runs out, another worker retries
            log.error("could not record the error on the transfer: {!r}", inner)
            return Outcome(transfer.dossier_code, "unknown", error=f"{exc!r}; ledger: {inner!r}")

    def to_review(self, transfer: Transfer, reason: str) -> Transfer:
        """Park the transfer for a person (the bot never guesses which application is whose)."""
        self._alert("needs_review", f"Hồ sơ {transfer.dossier_code}: {reason}", dossier=transfer.dossier_code)
        return self.move(transfer, S.NEEDS_REVIEW, reason)

    def drift(self, transfer: Transfer, exc: SelectorDrift) -> None:
        pause_portal(self.settings, get_procedure(transfer.flow).portal, exc, dossier=transfer.dossier_code)

    def _alert(self, kind: str, message: str, **context: Any) -> None:
        try:
            raise_alert(self.settings.work_dir, kind, message, **context)
        except OSError as exc:  # a full disk must not hide the error the alert was about
            logger.bind(alert=True, alert_kind=kind).error("ALERT {} (not saved: {}): {}", kind, exc, message)

    def _attempt(
        self, procedure: Procedure, dossier_code: str, transfer: Transfer | None = None, start: str = "home"
    ) -> ContextManager[Attempt]:
        """A logged-in portal page for one attempt; a person reads any CAPTCHA when ``transfer`` is given."""
        assert self.browser is not None
        read = None if transfer is None else lambda image: self._ask_person(transfer, image)
        return portal_attempt(
            self.browser, self.browser_settings, self.settings, procedure, dossier_code,
            read_captcha=read, start=start, session=self._slot(),
        )  # fmt: skip

    def _ask_person(self, transfer: Transfer, image: bytes) -> str:
        """Put the transfer in ``waiting_human`` until a person reads the CAPTCHA (the bot never does)."""
        desk = CaptchaDesk(self.settings.work_dir / "captcha")
        request = desk.ask(transfer.id, transfer.dossier_code, get_procedure(transfer.flow).portal, image)
        reason = f"cần người đọc mã xác nhận: rpa captcha answer {request.id} <mã>"
        self.move(transfer, S.WAITING_HUMAN, reason, evidence=[request.image])
        context = {"dossier": transfer.dossier_code, "portal": request.portal, "request": request.id}
        self._alert("captcha", reason, **context)  # never the image: it shows a login page
        answer = desk.wait(request.id, self.settings.captcha_wait_s, stop=self.stop)
        if answer is None and self.stop.is_set():
            raise HumanNeeded(f"stopping: CAPTCHA request {request.id} cancelled before anyone answered")
        if answer is None:
            raise HumanNeeded(
                f"nobody answered CAPTCHA request {request.id} within {self.settings.captcha_wait_s:.0f} s"
            )
        self.move(transfer, S.FILLING, f"người dùng đã nhập mã xác nhận ({request.id})")
        return answer

    def _ask_approval(
        self, transfer: Transfer, procedure: Procedure, evidence: Path | None, log: Any
    ) -> None:
        """Wait, page open, for a person to approve the application before the final click.

        The transfer does not move while it waits (an event says why it waits): approved, the caller
        goes on to ``submitting``; rejected, a :class:`BusinessError` with the person's reason (nothing
        was submitted, never retried automatically); no answer in ``captcha_wait_s``, a
        :class:`HumanNeeded` (the attempt ends without the click, the transfer is queued again).
        """
        if evidence is None or (image := approval_image(evidence)) is None:
            raise PortalError("no review screenshot to approve: the final click is not made")
        desk = ApprovalDesk(self.settings.work_dir / "approval")
        request = desk.ask(
            transfer.id, transfer.dossier_code, procedure.name, procedure.portal, image, evidence
        )
        reason = f"chờ cán bộ duyệt trước khi nộp (yêu cầu {request.id})"
        self.ledger.record(transfer.id, actor=self.actor, reason=reason, evidence=[str(image)])
        context = {"dossier": transfer.dossier_code, "portal": procedure.portal, "request": request.id}
        self._alert("approval", f"Hồ sơ {transfer.dossier_code}: {reason}", **context)
        log.info("waiting for a person to approve before the final click (request {})", request.id)
        decision = desk.wait(request.id, self.settings.captcha_wait_s, stop=self.stop)
        if decision is None and self.stop.is_set():
            raise HumanNeeded(f"stopping: approval request {request.id} cancelled before anyone answered")
        if decision is None:
            raise HumanNeeded(
                f"không có cán bộ duyệt yêu cầu {request.id} trong {self.settings.captcha_wait_s:.0f} giây; "
                "chưa nộp, hồ sơ chờ lượt sau"
            )
        if not decision.approved:
            raise BusinessError(f"Cán bộ {decision.by} không duyệt nộp hồ sơ: {decision.reason}")
        log.info("approved by {} before the final click (request {})", decision.by, request.id)
        self.ledger.record(
            transfer.id, actor=self.actor, reason=f"cán bộ {decision.by} đã duyệt nộp (yêu cầu {request.id})"
        )

    def deadline(self, receipt: Receipt, days: int) -> TransferFields:
        """When the portal took the application ("Ngày nộp") and the legal due date that follows."""
        submitted = receipt_time(receipt)
        if submitted is None:  # an unreadable receipt date must not lose the receipt: now is minutes off
            logger.warning("receipt {}: unreadable date {!r}", receipt.code, receipt.submitted_at)
            submitted = self.now().astimezone(VN)
        due = due_date(submitted, days, self.settings.holidays)
        return {"submitted_at": submitted, "deadline_days": days, "due_on": due}

    def attachments_folder(self, transfer_id: int) -> Path:
        return self.settings.work_dir / "attachments" / str(transfer_id)

    def _state(self, transfer: Transfer) -> TransferState:
        return self.ledger.get(transfer.id).state

    def _backing_off(self, transfer: Transfer) -> bool:
        now = self.ledger.get(transfer.id)
        return now.state is S.QUEUED and now.next_attempt_at is not None and now.next_attempt_at > self.now()


def approval_required(settings: Settings, procedure: str) -> bool:
    """Whether ``[procedures.<procedure>] require_approval`` asks for a person before the final click."""
    configured = settings.procedures.get(procedure)
    return configured is not None and configured.require_approval


def approval_image(evidence: Path) -> Path | None:
    """The screenshot a person approves: the attempt's ``approval`` shot of the page right before the
    final click, else the last one taken (the flow's review page)."""
    shots = sorted(p for p in evidence.glob("*.png*") if p.name.endswith((".png", ".png.enc")))
    taken = [shot for shot in shots if shot.name.removesuffix(".enc").endswith("-approval.png")] or shots
    return taken[-1] if taken else None


def _opened(state: BreakerState | None) -> tuple[str, str]:
    return (state.opened_at, state.reason) if state else ("?", "?")
