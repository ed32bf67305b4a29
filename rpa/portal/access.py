"""What the worker does on the ministry portal, behind one small interface.

:class:`BrowserPortal` does it in Chromium through the flow's steps, one fresh logged-in context per
attempt, each with its own evidence folder. The worker depends only on :class:`PortalAccess`, so the
model-based tests can put a portal whose every answer they control (lost clicks, lost answers, late
receipts, a clock that is off) under the real worker and ledger.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from playwright.sync_api import Browser

from rpa.clock import VN
from rpa.config import Settings
from rpa.portal import Receipt
from rpa.portal.attempt import portal_attempt
from rpa.portal.browser import BrowserSettings
from rpa.procedures import Procedure
from rpa.transfer.settle import Found, Submitted

__all__ = ["BeforeFinalClick", "BrowserPortal", "PortalAccess", "receipt_time"]

BeforeFinalClick = Callable[[Path | None], None]
"""Called right before the final click with the attempt's evidence folder; raising stops the click."""


class PortalAccess(Protocol):
    def submit(
        self,
        procedure: Procedure,
        dossier_code: str,
        form: Any,
        *,
        before_final_click: BeforeFinalClick,
        read_captcha: Callable[[bytes], str] | None,
        on_evidence: Callable[[Path], None],
    ) -> Receipt:
        """Fill and submit ``form``; the portal's receipt. ``on_evidence`` gets the folder first."""
        ...

    def lookup(
        self,
        procedure: Procedure,
        dossier_code: str,
        submitted: Submitted,
        since: datetime,
        until: datetime,
        *,
        wanted: Callable[[Found], bool],
        on_evidence: Callable[[Path], None],
    ) -> list[Found]:
        """Applications filed for ``submitted.id_number`` between two moments (whole days, Vietnam
        time), with the details of those ``wanted`` says may be this one."""
        ...


class BrowserPortal:
    """:class:`PortalAccess` in a real browser."""

    def __init__(
        self,
        browser: Browser,
        browser_settings: BrowserSettings,
        settings: Settings,
        session: Callable[[], int] = lambda: 1,
    ) -> None:
        self.browser = browser
        self.browser_settings = browser_settings
        self.settings = settings
        self.session = session  # the account's session slot the worker holds now (its own login)

    def submit(
        self,
        procedure: Procedure,
        dossier_code: str,
        form: Any,
        *,
        before_final_click: BeforeFinalClick,
        read_captcha: Callable[[bytes], str] | None,
        on_evidence: Callable[[Path], None],
    ) -> Receipt:
        with portal_attempt(
            self.browser, self.browser_settings, self.settings, procedure, dossier_code,
            read_captcha=read_captcha, start=procedure.submit_page, session=self.session(),
        ) as attempt:  # fmt: skip
            folder = attempt.evidence.folder
            on_evidence(folder)

            def final_click() -> None:
                attempt.evidence.checkpoint()  # what was typed is on disk before the click, disk full or not
                configured = self.settings.procedures.get(procedure.name)
                if configured is not None and configured.require_approval:
                    attempt.evidence.screenshot(attempt.steps.page, "approval")  # what the person approves
                started = time.monotonic()
                try:
                    before_final_click(folder)
                finally:  # a person's approval is not the dossier's time, as a CAPTCHA's reading is not
                    if attempt.steps.deadline is not None:
                        attempt.steps.deadline += time.monotonic() - started

            receipt = procedure.submit(
                attempt.steps, form, before_final_click=final_click, read_captcha=read_captcha
            )
            assert receipt is not None
            attempt.facts["receipt"] = receipt.code
            return receipt

    def lookup(
        self,
        procedure: Procedure,
        dossier_code: str,
        submitted: Submitted,
        since: datetime,
        until: datetime,
        *,
        wanted: Callable[[Found], bool],
        on_evidence: Callable[[Path], None],
    ) -> list[Found]:
        with portal_attempt(
            self.browser, self.browser_settings, self.settings, procedure, dossier_code,
            start=procedure.lookup_page, session=self.session(),
        ) as attempt:  # fmt: skip
            on_evidence(attempt.evidence.folder)
            listed = procedure.lookup(
                attempt.steps, submitted.id_number, _vn_day(since), _vn_day(until), submitted.facts
            )
            found: list[Found] = []
            for receipt in listed:
                application = Found(receipt.code, receipt_time(receipt))
                if wanted(application):
                    status = procedure.read_status(attempt.steps, receipt.code)
                    application = Found(application.code, application.submitted_at, status.details or {})
                found.append(application)
            attempt.facts["found"] = ", ".join(
                f"{r.code} ({r.submitted_at})" + (" [đã đối chiếu]" if f.details is not None else "")
                for r, f in zip(listed, found, strict=True)
            )
            return found


def receipt_time(receipt: Receipt) -> datetime | None:
    """The portal's "Ngày nộp" as a moment in Vietnam time; None when it is not in the portal's format."""
    try:
        return datetime.strptime(receipt.submitted_at, "%d/%m/%Y %H:%M").replace(tzinfo=VN)
    except ValueError:
        return None


def _vn_day(moment: datetime) -> str:
    return moment.astimezone(VN).strftime("%d/%m/%Y")
