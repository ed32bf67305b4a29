"""One attempt on a portal: a fresh browser context, logged in, with its own evidence folder."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loguru import logger
from playwright.sync_api import Browser, Page

from rpa.config import Settings
from rpa.portal.browser import BrowserSettings, new_context, save_login_state
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.network import retry_gateway_errors
from rpa.portal.selectors import load_maps, map_files
from rpa.portal.steps import Steps, masked_screenshot, open_portal
from rpa.procedures import Procedure
from rpa.procedures.active import masked_fields
from rpa.vault import vault_for

__all__ = ["Attempt", "portal_attempt", "selectors_dir_for"]


@dataclass
class Attempt:
    steps: Steps
    evidence: AttemptEvidence
    failed: bool = False
    facts: dict[str, Any] = field(default_factory=dict)
    """What the portal answered (``receipt``, ...), kept in the manifest next to what was typed."""


@contextmanager
def portal_attempt(
    browser: Browser,
    browser_settings: BrowserSettings,
    settings: Settings,
    procedure: Procedure,
    dossier_code: str,
    *,
    read_captcha: Callable[[bytes], str] | None = None,
    start: str = "home",
    session: int = 1,
) -> Iterator[Attempt]:
    """Open ``procedure``'s portal in a new context (saved login reused), log in if needed, keep evidence.

    ``session`` is the account's session slot the caller holds: each slot keeps its own login.

    ``start`` names the map page the flow will open first (see :func:`rpa.portal.steps.open_portal`).
    On failure the last screen is kept as a screenshot and the Playwright trace is saved. The trace
    starts once the session is logged in, and is saved redacted (:func:`rpa.portal.evidence.redact_trace`):
    no login page, password, CAPTCHA reading or session cookie is in it.
    """
    vault = vault_for(settings)
    evidence = AttemptEvidence.begin(settings.recordings_dir, dossier_code, vault=vault)
    deadline = time.monotonic() + settings.dossier_timeout_s
    name = procedure.portal
    portal = settings.portals[name]
    account = portal.account
    tracing = settings.keep_trace != "never"
    selectors_dir = selectors_dir_for(settings, procedure)
    with new_context(browser, browser_settings, name, account.username, session, vault=vault) as context:
        log = logger.bind(dossier=dossier_code)  # every step's log record names its dossier
        resend = {glob for m in load_maps(name, selectors_dir).values() for glob in m.resend_posts}
        retry_gateway_errors(context, settings.network_retries, resend_posts=sorted(resend), log=log)
        page = context.new_page()
        attempt: Attempt | None = None
        traced = False
        password = account.secret
        readings: list[str] = []  # CAPTCHA readings: secrets like the password, kept out of the trace
        try:
            attempt = Attempt(
                open_portal(
                    page,
                    name,
                    portal.base_url,
                    start=start,
                    evidence=evidence,
                    log=log,
                    reloads=settings.network_retries,
                    deadline=deadline,
                    selectors_dir=selectors_dir,
                    masked=masked_fields(settings, procedure),
                ),
                evidence,
            )
            if attempt.steps.on_page("login"):
                read = None if read_captcha is None else _paused(attempt.steps, read_captcha, readings)
                procedure.login(attempt.steps, account.username, password, read_captcha=read)
                save_login_state(context, browser_settings, name, account.username, session, vault=vault)
            if tracing:
                # Only now: a trace of the login would hold the password (DOM snapshots of the filled
                # field, the login post) and the new session's Set-Cookie, kept with the evidence.
                evidence.start_trace(context, screenshots=settings.trace_screenshots)
                traced = True
            yield attempt
        except BaseException:
            if attempt is not None:
                attempt.failed = True
            _last_screen(page, evidence, None if attempt is None else attempt.steps)
            raise
        finally:
            failed = attempt is None or attempt.failed
            if traced:
                keep = failed or settings.keep_trace == "always"
                evidence.stop_trace(context, keep=keep, secrets=[password, *readings])
            facts = {} if attempt is None else attempt.facts
            evidence.write_manifest(outcome="failed" if failed else "ok", **facts)


def selectors_dir_for(settings: Settings, procedure: Procedure) -> Path:
    """Where ``procedure``'s portal maps are read from: the configured ``selectors_dir`` when it holds
    a map of that portal (an engineer's fixed maps), else the ones its plug-in ships."""
    override = settings.selectors_dir
    if override is not None and map_files(procedure.portal, override):
        return override
    return procedure.selectors_dir


def _paused(
    steps: Steps, read_captcha: Callable[[bytes], str], readings: list[str]
) -> Callable[[bytes], str]:
    """``read_captcha`` with the time a person takes to answer added to the dossier's time limit;
    each reading is appended to ``readings``."""

    def read(image: bytes) -> str:
        started = time.monotonic()
        try:
            reading = read_captcha(image)
            readings.append(reading)
            return reading
        finally:
            if steps.deadline is not None:
                steps.deadline += time.monotonic() - started

    return read


def _last_screen(page: Page, evidence: AttemptEvidence, steps: Steps | None) -> None:
    """The screen when the attempt failed, for the supervisor (best effort: the page may be gone),
    with the masked fields painted over (none are typed before the steps exist)."""
    try:
        masked_screenshot(evidence, page, "failure", [] if steps is None else steps.mask_locators())
    except Exception as exc:  # the browser itself may be what failed
        logger.debug("no failure screenshot: {}", exc)
