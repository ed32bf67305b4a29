"""Judicial-record certificate (Phiếu lý lịch tư pháp) on the Ministry of Justice portal.

Three things a worker does with the portal, each a plain list of steps:

- :func:`login`: sign in with the province's account (never solves a CAPTCHA: a person must).
- :func:`submit`: type a :class:`JudicialRecordForm` through wizard steps A-D and submit it.
- :func:`lookup` and :func:`read_status`: find an application again and read how far it has got.

Element names (``applicant.full_name``...) are looked up in ``selectors/moj-lltp.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flows.judicial_record.form import FormAddress, JudicialRecordForm, ResidenceRow
from rpa.errors import BusinessError, CaptchaRequired, ConfigError, PortalError, SelectorDrift, SessionExpired
from rpa.portal import PortalStatus, Receipt
from rpa.portal.steps import Steps

__all__ = [
    "PORTAL",
    "STATUS_BY_LABEL",
    "UNKNOWN_STATUS",
    "login",
    "lookup",
    "read_receipt",
    "read_status",
    "submission_facts",
    "submit",
]

PORTAL = "moj-lltp"
SUBMIT_PAGE = "new_application"  # the page submit() opens first: the engine may load it up front
LOOKUP_PAGE = "lookup"  # the same for lookup()

STATUS_BY_LABEL = {
    "Đã tiếp nhận": "received",
    "Đang xử lý": "processing",
    "Yêu cầu bổ sung": "supplement_requested",
    "Đã có kết quả": "finished",
    "Đã trả kết quả": "result_returned",
    "Từ chối cấp phiếu": "refused",
    "Đã hủy": "cancelled",
}
UNKNOWN_STATUS = "unknown"
"""What :func:`read_status` answers for a label it does not know: not a key of ``PROCEDURE.statuses``,
so the status sync parks the transfer for a person (once) instead of guessing a national status."""
_RECEIPT_ROW = re.compile(r"(\d+-LLTP-\d{4}-\d{6}).*?(\d{2}/\d{2}/\d{4} \d{2}:\d{2})", re.S)
RECEIPT_CODE = re.compile(r"\d{2}-LLTP-\d{4}-\d{6}", re.ASCII)
"""The portal's receipt codes, e.g. ``51-LLTP-2611-000042``: a text read as the code must be one."""
RECEIPT_DATE = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", re.ASCII)


def login(
    steps: Steps, username: str, password: str, *, read_captcha: Callable[[bytes], str] | None = None
) -> None:
    """Sign in; when the portal shows a CAPTCHA, ``read_captcha`` gets the image and a person's reading.

    Raises:
        CaptchaRequired: the login page shows a CAPTCHA and nobody is there to read it, or the reading
            was wrong.
        ConfigError: the portal rejected the account (wrong user name or password).
        PortalError: the portal is under maintenance or failing.
    """
    steps.open("login")
    reading = None
    if steps.exists("login.captcha_image"):
        image = steps.locate("login.captcha_image").screenshot()
        if read_captcha is None:
            raise CaptchaRequired(image)
        reading = read_captcha(image)  # a person reads it; the bot never does
    steps.fill("login.username", username)
    steps.fill("login.password", password, secret=True)
    if reading is not None:
        steps.fill("login.captcha", reading, secret=True)  # a live reading logs in as the province
    steps.click("login.submit")
    if steps.on_page("login"):
        message = steps.read_text("login.error") if steps.exists("login.error") else "no message"
        if reading is not None and steps.exists("login.captcha_image"):
            raise CaptchaRequired(steps.locate("login.captcha_image").screenshot())
        raise ConfigError(f"the portal rejected account {username!r}: {message}")


def submit(
    steps: Steps,
    form: JudicialRecordForm,
    *,
    dry_run: bool = False,
    before_final_click: Callable[[], None] | None = None,
    read_captcha: Callable[[bytes], str] | None = None,
) -> Receipt | None:
    """Fill steps A-D, check the review page and submit; the receipt (None on a dry run).

    ``before_final_click`` runs right before "Đồng ý": the ledger commits ``submitting`` there.
    ``read_captcha`` is unused: this portal asks for a CAPTCHA only at login.
    """
    steps.open(SUBMIT_PAGE)
    _ensure_session(steps)
    _fill_applicant(steps, form)
    _next_step(steps, "a-applicant")
    _fill_family(steps, form)
    _next_step(steps, "b-family")
    _fill_residences(steps, form.residences)
    _next_step(steps, "c-residences")
    _fill_request(steps, form)
    _next_step(steps, "d-request")
    if not steps.on_page("review"):
        raise PortalError(f"expected the review page, got {steps.page.url}")
    steps.screenshot("review")
    if dry_run:
        return None
    steps.click("review.submit")
    steps.wait("confirm.dialog")
    if before_final_click is not None:
        before_final_click()
    steps.click("confirm.accept")
    steps.page.wait_for_load_state()
    shown = steps.page.evaluate("() => location.href")  # page.url names the portal even on an error page
    if not shown.startswith(steps.base_url):  # chrome-error://: the connection closed with no answer
        raise PortalError(f"no answer to the final submit from {steps.page.url} (the browser shows {shown})")
    _ensure_session(steps)
    steps.screenshot("receipt")
    return read_receipt(steps)


def read_receipt(steps: Steps) -> Receipt:
    """The receipt page's code and date, each checked against the portal's format.

    Whatever else the receipt elements show (an empty cell, a status such as "Đã tiếp nhận" after a
    redesign moved the code) is the portal's UI having changed, never a receipt code to hand on.

    Raises:
        SelectorDrift: the page shows no code or date in the portal's format where the map says.
    """
    code = steps.read_text("receipt.code").strip() if steps.exists("receipt.code") else ""
    date = steps.read_text("receipt.date").strip() if steps.exists("receipt.date") else ""
    wrong = [
        f"{name} {text!r}"
        for name, text, form in (("receipt.code", code, RECEIPT_CODE), ("receipt.date", date, RECEIPT_DATE))
        if not form.fullmatch(text)
    ]
    if wrong:
        raise SelectorDrift(
            [w.split()[0] for w in wrong], "the receipt page shows " + ", ".join(wrong) + " (not the format)"
        )
    return Receipt(code, date)


def submission_facts(form: JudicialRecordForm) -> dict[str, str]:
    """What was typed that an application's status page shows too (purpose, copies), recorded before
    the final click so a look-up can tell two applications of one person apart (see rpa.transfer.settle)."""
    return {"purpose": form.purpose, "copies": str(form.copies)}


def lookup(
    steps: Steps, id_number: str, date_from: str, date_to: str, facts: Mapping[str, str] | None = None
) -> list[Receipt]:
    """Applications filed for ``id_number`` between two dates (dd/mm/yyyy, inclusive); the portal
    searches by identity number only, so ``facts`` are not needed."""
    steps.open(LOOKUP_PAGE)
    _ensure_session(steps)
    steps.fill("lookup.id_number", id_number)
    steps.pick_date("lookup.date_from", date_from)
    steps.pick_date("lookup.date_to", date_to)
    steps.click("lookup.search")
    if steps.exists("lookup.empty"):
        return []
    rows = steps.read_all("lookup.result_rows")
    found = [_RECEIPT_ROW.search(row) for row in rows]
    return [Receipt(match.group(1), match.group(2)) for match in found if match]


def read_status(steps: Steps, receipt: Receipt | str) -> PortalStatus:
    """The current status of one application."""
    code = receipt.code if isinstance(receipt, Receipt) else receipt
    steps.open("status", receipt=code)
    _ensure_session(steps)
    if steps.exists("status.error"):
        raise PortalError(f"status of {code}: {steps.read_text('status.error')}")
    label = " ".join(steps.read_text("status.label").split())
    if not label:
        raise PortalError(f"status of {code}: the status page shows no status")
    certificate = reason = None
    if steps.exists("status.certificate_number"):
        certificate = steps.read_text("status.certificate_number") or None
    if steps.exists("status.supplement_reason"):
        reason = steps.read_text("status.supplement_reason") or None
    details = {}  # what tells this application apart from another of the same person (rpa.transfer.settle)
    if steps.exists("status.purpose"):
        details["purpose"] = steps.read_text("status.purpose")
    if steps.exists("status.copies"):
        details["copies"] = steps.read_text("status.copies")
    return PortalStatus(
        STATUS_BY_LABEL.get(label, UNKNOWN_STATUS), label, certificate, reason, details or None
    )


# ---- wizard steps -------------------------------------------------------------------------------------
def _fill_applicant(steps: Steps, form: JudicialRecordForm) -> None:
    steps.fill("applicant.full_name", form.fullName)
    steps.fill("applicant.other_name", form.otherName or "")
    steps.choose("applicant.gender", form.genderId)
    steps.check("applicant.birth_year_only", form.birthYearOnly)
    if form.birthYearOnly:  # "Chỉ có năm sinh" turns the masked date into a plain year field
        steps.fill("applicant.birth_date", form.birthDateStr)
    else:
        steps.pick_date("applicant.birth_date", form.birthDateStr)
    steps.fill("applicant.birth_place", form.birthPlace)
    steps.choose("applicant.nationality", form.nationalityId)
    if form.ethnicId:
        steps.choose("applicant.ethnicity", form.ethnicId)
    steps.choose("applicant.id_type", form.idTypeId)
    steps.fill("applicant.id_number", form.idNumber)
    if form.idIssueDateStr:
        steps.pick_date("applicant.id_issue_date", form.idIssueDateStr)
    steps.fill("applicant.id_issue_place", form.idIssuePlace or "")
    _fill_address(steps, form.permanentAddress, group="address.permanent")
    if form.temporaryAddress:
        _fill_address(steps, form.temporaryAddress, group="address.temporary")
    steps.fill("applicant.phone", form.phone or "")
    steps.fill("applicant.email", form.email or "")


def _fill_family(steps: Steps, form: JudicialRecordForm) -> None:
    steps.fill("family.father_name", form.fatherName or "")
    steps.fill("family.father_birth", form.fatherBirthDateStr or "")
    steps.fill("family.mother_name", form.motherName)
    steps.fill("family.mother_birth", form.motherBirthDateStr or "")
    steps.fill("family.spouse_name", form.spouseName or "")
    steps.fill("family.spouse_birth", form.spouseBirthDateStr or "")


def _fill_residences(steps: Steps, rows: list[ResidenceRow]) -> None:
    for n, row in enumerate(rows, start=1):
        if n > steps.count("residence.rows"):
            steps.add_row("residence.add", "residence.rows")
        steps.pick_date("residence.from", row.fromDateStr, n=n)
        if row.toPresent:
            steps.check("residence.to_present", True, n=n)
        else:
            steps.check("residence.to_present", False, n=n)
            steps.pick_date("residence.to", row.toDateStr or "", n=n)
        steps.fill("residence.address", row.address, n=n)
        steps.fill("residence.occupation", row.occupation or "", n=n)
        steps.fill("residence.workplace", row.workplace or "", n=n)


def _fill_request(steps: Steps, form: JudicialRecordForm) -> None:
    steps.check("request.form_type", True, n=form.formType)
    if form.formType == 1:  # the portal offers the court-ban confirmation with Phiếu số 1 only
        steps.check("request.ban_position", form.isBanPosition)
    steps.fill("request.purpose", form.purpose)
    steps.fill("request.copies", str(form.copies))
    if form.deliveryMethod == "post":
        steps.check("request.delivery_post", True)
        if form.deliveryAddress is None:
            raise BusinessError("Nhận kết quả qua bưu chính nhưng thiếu địa chỉ nhận kết quả")
        _fill_address(steps, form.deliveryAddress, group="address.delivery")
    else:
        steps.check("request.delivery_at_agency", True)
    steps.check("request.authorised", form.hasAuthorised)
    if form.hasAuthorised:
        steps.fill("authorised.name", form.authName or "")
        steps.choose("authorised.id_type", form.authIdTypeId or "")
        steps.fill("authorised.id_number", form.authIdNumber or "")
        steps.fill("authorised.relationship", form.authRelationship or "")
        steps.check("authorised.is_relative", form.authIsRelative)
        if form.authDateStr:  # a parent, spouse or child may have no written authorisation to date
            steps.pick_date("authorised.date", form.authDateStr)
    if form.idCardFile is not None:  # kept sealed: the portal gets its plain bytes and name
        steps.upload("request.id_card_file", form.idCardFile)


def _fill_address(steps: Steps, address: FormAddress, *, group: str) -> None:
    steps.check("address.legacy", address.legacy, group=group)
    steps.choose("address.province", address.provinceId, group=group)
    if address.legacy:
        steps.choose("address.district", address.districtId or "", group=group)
    steps.choose("address.ward", address.wardId, group=group)
    steps.fill("address.street", address.street or "", group=group)


def _next_step(steps: Steps, label: str) -> None:
    """Screenshot the filled step, press "Tiếp tục", and make sure the portal accepted it."""
    steps.screenshot(label)
    before = steps.page.url
    steps.click("wizard.next")
    _ensure_session(steps)
    if steps.page.url == before and steps.exists("wizard.errors"):
        raise BusinessError(f"Cổng Bộ Tư pháp không chấp nhận hồ sơ: {steps.read_text('wizard.errors')}")


def _ensure_session(steps: Steps) -> None:
    if steps.on_page("login"):
        raise SessionExpired("session expired: the portal sent the browser back to the login page")
