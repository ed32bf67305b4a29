"""What the bot does on the tiny portal, in steps through ``selectors/tiny-portal.yaml``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime

from rpa.errors import BusinessError, ConfigError, PortalError, SelectorDrift, SessionExpired
from rpa.portal import PortalStatus, Receipt
from rpa.portal.steps import Steps
from tiny_permit.form import PetLicenceForm

__all__ = ["PORTAL", "RECEIPT_CODE", "login", "lookup", "read_receipt", "read_status", "submit"]

PORTAL = "tiny-portal"
SUBMIT_PAGE = "application"
STATUS_BY_LABEL = {"Đã nhận đơn": "received", "Cần bổ sung": "supplement", "Đã cấp giấy phép": "issued"}
RECEIPT_CODE = re.compile(r"GPN\d{2}-\d{5}", re.ASCII)
"""The portal's receipt codes, e.g. ``GPN25-00001``."""
_SHOWN_AT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", re.ASCII)  # the portal shows ISO minutes
_ROW = re.compile(rf"({RECEIPT_CODE.pattern})\s+({_SHOWN_AT.pattern})")


def login(
    steps: Steps, username: str, password: str, *, read_captcha: Callable[[bytes], str] | None = None
) -> None:
    """Sign in (this portal never shows a CAPTCHA)."""
    steps.open("login")
    steps.fill("login.username", username)
    steps.fill("login.password", password, secret=True)
    steps.click("login.submit")
    if steps.on_page("login"):
        raise ConfigError(f"the portal rejected account {username!r}: {steps.read_text('login.error')}")


def submit(
    steps: Steps,
    form: PetLicenceForm,
    *,
    before_final_click: Callable[[], None] | None = None,
    read_captcha: Callable[[bytes], str] | None = None,
    dry_run: bool = False,
) -> Receipt | None:
    steps.open(SUBMIT_PAGE)
    _ensure_session(steps)
    steps.fill("form.id_number", form.ownerIdNumber)
    steps.fill("form.pet_name", form.petName)
    steps.choose("form.species", form.speciesCode)
    steps.fill("form.phone", form.ownerPhone)
    steps.screenshot("form")
    if dry_run:
        return None
    if before_final_click is not None:
        before_final_click()
    steps.click("form.submit")
    steps.page.wait_for_load_state()
    _ensure_session(steps)
    if steps.on_page(SUBMIT_PAGE) and steps.exists("form.errors"):
        raise BusinessError(f"Cổng cấp giấy phép không nhận đơn: {steps.read_text('form.errors')}")
    steps.screenshot("receipt")
    return read_receipt(steps)


def read_receipt(steps: Steps) -> Receipt:
    code = steps.read_text("receipt.code") if steps.exists("receipt.code") else ""
    shown = steps.read_text("receipt.date") if steps.exists("receipt.date") else ""
    if not RECEIPT_CODE.fullmatch(code) or not _SHOWN_AT.fullmatch(shown):
        raise SelectorDrift(["receipt.code", "receipt.date"], f"the receipt page shows {code!r}, {shown!r}")
    return Receipt(code, _contract_time(shown))


def submission_facts(form: PetLicenceForm) -> dict[str, str]:
    return {"pet_name": form.petName}


def lookup(
    steps: Steps, id_number: str, date_from: str, date_to: str, facts: Mapping[str, str]
) -> list[Receipt]:
    """The portal lists every application of an owner; the days are filtered here."""
    steps.open("lookup")
    _ensure_session(steps)
    steps.fill("lookup.id_number", id_number)
    steps.click("lookup.search")
    if steps.exists("lookup.empty"):
        return []
    first, last = (datetime.strptime(d, "%d/%m/%Y").date() for d in (date_from, date_to))
    found = [_ROW.search(row) for row in steps.read_all("lookup.rows")]
    return [
        Receipt(m.group(1), _contract_time(m.group(2)))
        for m in found
        if m and first <= datetime.fromisoformat(m.group(2)).date() <= last
    ]


def read_status(steps: Steps, receipt: str) -> PortalStatus:
    steps.open("status", receipt=receipt)
    _ensure_session(steps)
    if steps.exists("status.error"):
        raise PortalError(f"status of {receipt}: {steps.read_text('status.error')}")
    label = steps.read_text("status.label")
    if label not in STATUS_BY_LABEL:
        raise PortalError(f"status of {receipt}: unknown status label {label!r}")
    licence = steps.read_text("status.licence_number") if steps.exists("status.licence_number") else None
    reason = steps.read_text("status.reason") if steps.exists("status.reason") else None
    details = {"pet_name": steps.read_text("status.pet_name")}
    return PortalStatus(STATUS_BY_LABEL[label], label, licence, reason, details)


def _contract_time(shown: str) -> str:
    """The portal's ``2025-11-03 08:15`` as the engine's receipt time, ``03/11/2025 08:15``."""
    return datetime.strptime(shown, "%Y-%m-%d %H:%M").strftime("%d/%m/%Y %H:%M")


def _ensure_session(steps: Steps) -> None:
    if steps.on_page("login"):
        raise SessionExpired("session expired: the portal sent the browser back to the login page")
