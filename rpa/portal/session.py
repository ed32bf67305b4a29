"""What the worker and the status sync share when they use a ministry portal.

Both open Chromium the same way (orphans of a crashed run reaped first), keep the login state in the
same place, log in again when the portal drops the session, pause a portal whose UI changed (circuit
breaker and one alert), and write a receipt back to the provincial system before anything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from loguru import logger
from playwright.sync_api import Browser

from rpa.config import Settings
from rpa.domain import DossierStatus
from rpa.errors import SelectorDrift, SessionExpired
from rpa.ledger import Ledger, LedgerError, Transfer, TransferState
from rpa.operations.alerts import raise_alert
from rpa.portal import PortalStatus
from rpa.portal.breaker import Breaker
from rpa.portal.browser import BrowserSettings, open_browser, reap_orphans, save_login_state
from rpa.portal.steps import Steps
from rpa.procedures import Procedure
from rpa.sources.provincial import ProvincialClient
from rpa.status.writeback import write_back_receipt
from rpa.vault import vault_for

__all__ = ["browser_settings", "opened_browser", "pause_portal", "read_status", "write_back_and_record"]

WRITTEN_BACK_REASON = "đã cập nhật mã hồ sơ về hệ thống một cửa"


def browser_settings(settings: Settings) -> BrowserSettings:
    """The browser settings, the login state kept under ``work_dir`` unless configured elsewhere,
    so the worker and the status sync reuse one saved login and seldom log in."""
    if "state_dir" in settings.browser.model_fields_set:
        return settings.browser
    return settings.browser.model_copy(update={"state_dir": settings.work_dir / "browser-state"})


@contextmanager
def opened_browser(settings: Settings) -> Iterator[Browser]:
    """One Chromium for a run, after killing what a crashed run left behind."""
    registry = settings.work_dir / "browsers"
    if reaped := reap_orphans(registry):
        logger.warning("killed {} browser processes left by a worker that crashed", reaped)
    with open_browser(settings.browser, registry) as browser:
        yield browser


def pause_portal(settings: Settings, portal: str, exc: SelectorDrift, **context: Any) -> None:
    """The portal's UI changed: no dossier goes to it until the breaker's cool-down, and a supervisor
    is told (a full disk must not hide the error the alert was about)."""
    Breaker(settings.work_dir, portal, settings.breaker_cooldown_s).open(str(exc))
    try:
        raise_alert(
            settings.work_dir, "selector_drift", f"{portal}: {exc}", portal=portal, names=exc.names, **context
        )
    except OSError as error:
        logger.bind(alert=True, alert_kind="selector_drift").error("ALERT (not saved: {}): {}", error, exc)


def read_status(
    steps: Steps, procedure: Procedure, receipt: str, settings: Settings, session: int = 1
) -> PortalStatus:
    """``procedure.read_status``, logging in again (at most ``session_retries`` times) when the portal
    dropped the session meanwhile."""
    for expiries in range(settings.session_retries + 1):
        try:
            return procedure.read_status(steps, receipt)
        except SessionExpired as exc:
            if expiries == settings.session_retries:
                raise
            logger.warning("{}; logging in again", exc)
            account = settings.portals[procedure.portal].account
            procedure.login(steps, account.username, account.secret)
            context = steps.page.context
            save_login_state(
                context, browser_settings(settings), procedure.portal, account.username, session,
                vault=vault_for(settings),
            )  # fmt: skip
    raise AssertionError("unreachable")


def write_back_and_record(
    ledger: Ledger, client: ProvincialClient, procedure: Procedure, transfer: Transfer, *, actor: str
) -> Transfer:
    """Write the transfer's receipt back to the provincial system (once), then record it written.

    Raises:
        NoLongerAccepted: the dossier left "accepted" meanwhile; nothing was written.
        PortalError, BusinessError: the provincial system failed or refused; the transfer stays.
    """
    receipt = transfer.receipt_code
    assert receipt is not None
    write_back_receipt(client, transfer.dossier_code, receipt, procedure.forwarded_note(receipt), actor=actor)
    try:
        return ledger.transition(
            transfer.id, TransferState.WRITTEN_BACK, actor=actor, reason=WRITTEN_BACK_REASON,
            national_status=int(DossierStatus.PROCESSING),
        )  # fmt: skip
    except LedgerError:
        now = ledger.get(transfer.id)  # the worker and the sync wrote it back at the same moment: fine
        if now.state is not TransferState.WRITTEN_BACK:
            raise
        return now
