"""Business registration (đăng ký thành lập công ty TNHH một thành viên) on the national portal.

The portal is ASP.NET WebForms: one URL for the eight wizard pages, every button a full-page postback
carrying the page's view state. Three things a worker does with it, each a plain list of steps:

- :func:`login`: sign in with the province's account (this portal has no login CAPTCHA).
- :func:`submit`: type a :class:`BusinessRegistrationForm` through pages 1-7 (each saved with "Lưu",
  then "Tiếp tục"), and file it on page 8, whose challenge image goes to a person.
- :func:`lookup` and :func:`read_status`: find an application again and read how far it has got.

Element names (``name.vietnamese``...) are looked up in ``selectors/dkkd.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flows.business_registration.form import BusinessRegistrationForm
from rpa.errors import BusinessError, CaptchaRequired, ConfigError, PortalError, SelectorDrift, SessionExpired
from rpa.portal import PortalStatus, Receipt
from rpa.portal.steps import Steps

__all__ = [
    "LOOKUP_PAGE",
    "PORTAL",
    "RECEIPT_CODE",
    "SUBMIT_PAGE",
    "login",
    "lookup",
    "read_receipt",
    "read_status",
    "submission_facts",
    "submit",
]

PORTAL = "dkkd"
SUBMIT_PAGE = "new_application"  # the page submit() opens first (a GET starts a draft at page 1)
LOOKUP_PAGE = "lookup"

STATUS_BY_LABEL = {
    "Đã nộp": "received",
    "Đang xử lý": "processing",
    "Yêu cầu sửa đổi bổ sung": "supplement_requested",
    "Đã cấp Giấy chứng nhận": "granted",
}
RECEIPT_CODE = re.compile(r"HS-\d{4}-\d{6}", re.ASCII)
"""The portal's receipt codes, ``HS-yyMM-NNNNNN`` (e.g. ``HS-2612-000042``)."""
RECEIPT_DATE = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", re.ASCII)
_RECEIPT_ROW = re.compile(r"(HS-\d{4}-\d{6}).*?(\d{2}/\d{2}/\d{4} \d{2}:\d{2})", re.S | re.ASCII)
PAGES = 8
SAVED = "Đã lưu thông tin"
NAME_FREE = "Tên doanh nghiệp có thể đăng ký"
_REFUSED = "Cổng đăng ký doanh nghiệp không chấp nhận"


def login(
    steps: Steps, username: str, password: str, *, read_captcha: Callable[[bytes], str] | None = None
) -> None:
    """Sign in (``read_captcha`` is unused: the portal asks for no CAPTCHA at login).

    Raises:
        ConfigError: the portal rejected the account (wrong user name or password).
        PortalError: the portal is under maintenance or failing.
    """
    steps.open("login")
    _check_page(steps, signing_in=True)
    steps.fill("login.username", username)
    steps.fill("login.password", password, secret=True)
    steps.click("login.submit")
    _check_page(steps, signing_in=True)
    if steps.on_page("login"):
        message = steps.read_text("login.error") if steps.exists("login.error") else "no message"
        raise ConfigError(f"the portal rejected account {username!r}: {message}")


def submit(
    steps: Steps,
    form: BusinessRegistrationForm,
    *,
    before_final_click: Callable[[], None] | None = None,
    read_captcha: Callable[[bytes], str] | None = None,
    dry_run: bool = False,
) -> Receipt | None:
    """Fill and save pages 1-7, then file the application on page 8; the receipt (None on a dry run).

    ``read_captcha`` gets page 8's challenge image when the portal shows one and returns a person's
    reading; ``before_final_click`` runs right before "Nộp hồ sơ" (the ledger commits ``submitting``).

    Raises:
        BusinessError: the portal refused what was typed (a registered name, a wrong total...): the
            validation summary's text, in Vietnamese. Nothing is filed.
        CaptchaRequired: page 8 shows a challenge and nobody is there to read it, or the reading was
            refused.
        PortalError: the portal failed, or refused the page's view state ("Trạng thái trang không hợp
            lệ"); SessionExpired when it sent the browser back to its login page.
    """
    steps.open(SUBMIT_PAGE)
    _expect_page(steps, 1)
    for page, (fill, label) in enumerate(_WIZARD, start=1):
        fill(steps, form)  # ends with the page's own "Lưu"
        _saved(steps, page, label)
        steps.click("wizard.next")
        _expect_page(steps, page + 1)
    steps.screenshot("8-review")
    if dry_run:
        return None
    steps.check("review.commitment", True)
    if steps.exists("review.captcha_image"):
        image = steps.locate("review.captcha_image").screenshot()
        if read_captcha is None:
            raise CaptchaRequired(image)
        steps.fill("review.captcha", read_captcha(image), secret=True)  # a person read it; the bot never does
    if before_final_click is not None:
        before_final_click()
    steps.click("review.submit")
    steps.page.wait_for_load_state()
    shown = steps.page.evaluate("() => location.href")  # page.url names the portal even on an error page
    if not shown.startswith(steps.base_url):  # chrome-error://: the connection closed with no answer
        raise PortalError(f"no answer to the final submit from {steps.page.url} (the browser shows {shown})")
    _check_page(steps)
    if steps.on_page(SUBMIT_PAGE):  # still page 8: the portal refused the click
        errors = steps.read_text("wizard.errors") if steps.exists("wizard.errors") else ""
        if steps.exists("review.captcha_image"):
            raise CaptchaRequired(steps.locate("review.captcha_image").screenshot())
        raise BusinessError(f"{_REFUSED} hồ sơ (bước 8/8): {errors or 'không có thông báo'}")
    steps.screenshot("receipt")
    return read_receipt(steps)


def read_receipt(steps: Steps) -> Receipt:
    """The receipt page's "Số hồ sơ" and "Ngày nộp", each checked against the portal's format.

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


def submission_facts(form: BusinessRegistrationForm) -> dict[str, str]:
    """What was typed that the status page shows too: the company's name, which tells two applications
    of one owner apart (see rpa.transfer.settle) and narrows the look-up."""
    return {"company_name": form.txtTenDoanhNghiep}


def lookup(
    steps: Steps, id_number: str, date_from: str, date_to: str, facts: Mapping[str, str] | None = None
) -> list[Receipt]:
    """Applications filed by the owner ``id_number`` between two dates (dd/mm/yyyy, inclusive), narrowed
    to the company's name when ``facts`` has it."""
    steps.open(LOOKUP_PAGE)
    _check_page(steps)
    steps.fill("lookup.id_number", id_number)
    steps.fill("lookup.company_name", (facts or {}).get("company_name", ""))
    steps.fill("lookup.date_from", date_from)
    steps.fill("lookup.date_to", date_to)
    steps.click("lookup.search")
    _check_page(steps)
    if steps.exists("lookup.empty"):
        return []
    rows = steps.read_all("lookup.result_rows")
    found = [_RECEIPT_ROW.search(row) for row in rows]
    return [Receipt(match.group(1), match.group(2)) for match in found if match]


def read_status(steps: Steps, receipt: Receipt | str) -> PortalStatus:
    """The current status of one application.

    Raises:
        PortalError: the portal does not know the receipt, or shows no status at all.

    A label this flow does not know comes back as status ``"unknown"`` (the sync parks it for a person).
    """
    code = receipt.code if isinstance(receipt, Receipt) else receipt
    steps.open("status", receipt=code)
    _check_page(steps)
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
    details = {}
    if steps.exists("status.company_name"):
        details["company_name"] = steps.read_text("status.company_name")
    return PortalStatus(STATUS_BY_LABEL.get(label, "unknown"), label, certificate, reason, details or None)


# ---- wizard pages ---------------------------------------------------------------------------------
def _fill_name(steps: Steps, form: BusinessRegistrationForm) -> None:
    steps.fill("name.vietnamese", form.txtTenDoanhNghiep)
    steps.fill("name.foreign", form.txtTenNuocNgoai)
    steps.fill("name.abbreviation", form.txtTenVietTat)
    steps.click("name.check")  # a postback: the portal looks the name up among registered enterprises
    _check_page(steps)
    result = steps.read_text("name.check_result") if steps.exists("name.check_result") else ""
    if result != NAME_FREE:
        refusal = steps.read_text("wizard.errors") if steps.exists("wizard.errors") else result
        raise BusinessError(
            f"{_REFUSED} tên doanh nghiệp {form.txtTenDoanhNghiep!r}: {refusal or 'không rõ lý do'}"
        )
    steps.click("name.save")


def _fill_head_office(steps: Steps, form: BusinessRegistrationForm) -> None:
    steps.choose("head_office.province", form.ddlTinh, navigates=True)  # AutoPostBack reloads the communes
    _check_page(steps)
    steps.choose("head_office.commune", form.ddlXa)
    steps.fill("head_office.street", form.txtSoNhaDuong)
    steps.fill("head_office.phone", form.txtDienThoai)
    steps.fill("head_office.email", form.txtEmail)
    steps.fill("head_office.website", form.txtWebsite)
    steps.click("head_office.save")


def _fill_industries(steps: Steps, form: BusinessRegistrationForm) -> None:
    """Search each code and pick the result row whose first cell is the code (one postback each), then
    tick the main line."""
    rows = form.nganhNghe
    for row in rows:
        steps.fill("industry.search", row.maNganh)
        steps.click("industry.search_button")
        _check_page(steps)
        if not steps.exists("industry.result_row", code=row.maNganh):
            _refused(steps, f"ngành {row.maNganh}")  # else drift: the row is not where the map says
        steps.click("industry.choose", navigates=True, code=row.maNganh)  # a __doPostBack link
        _check_page(steps)
        _refused(steps, f"ngành {row.maNganh}")
        steps.locate("industry.chosen_row", code=row.maNganh)  # drift when the line did not appear
    for row in rows:
        if row.laNganhChinh:
            steps.check("industry.main", True, code=row.maNganh)
    steps.click("industry.save")


def _fill_capital(steps: Steps, form: BusinessRegistrationForm) -> None:
    """The capital and each kind of contribution; the page adds them up, and its total must be the
    capital before anything is saved."""
    steps.fill("capital.charter", form.txtVonDieuLe)
    steps.fill("capital.vnd", form.txtGopTienVN)
    steps.fill("capital.foreign_currency", form.txtGopNgoaiTe)
    steps.fill("capital.gold", form.txtGopVang)
    steps.fill("capital.land_use_right", form.txtGopQSDD)
    steps.fill("capital.intellectual_property", form.txtGopSHTT)
    steps.fill("capital.other", form.txtGopKhac)
    steps.fill("capital.deadline", form.txtHanGopVon)
    shown = steps.read_text("capital.total")
    total = re.sub(r"\D", "", shown)
    if total.lstrip("0") != form.txtVonDieuLe.lstrip("0"):
        raise BusinessError(
            f"{_REFUSED} vốn điều lệ: tổng giá trị vốn góp trên cổng là {shown or '0'} đồng,"
            f" không bằng vốn điều lệ {_dotted(form.txtVonDieuLe)} đồng"
        )
    steps.click("capital.save")


def _fill_owner(steps: Steps, form: BusinessRegistrationForm) -> None:
    steps.fill("owner.full_name", form.txtChuHoTen)
    steps.choose("owner.sex", form.ddlChuGioiTinh)
    steps.fill("owner.birth_date", form.txtChuNgaySinh)
    steps.choose("owner.nationality", form.ddlChuQuocTich)
    steps.choose("owner.ethnicity", form.ddlChuDanToc)
    steps.fill("owner.id_number", form.txtChuSoGiayTo)
    steps.fill("owner.id_issue_date", form.txtChuNgayCap)
    steps.fill("owner.id_issue_place", form.txtChuNoiCap)
    steps.fill("owner.permanent_address", form.txtChuThuongTru)
    steps.fill("owner.contact_address", form.txtChuLienLac)
    steps.click("owner.save")


def _fill_representatives(steps: Steps, form: BusinessRegistrationForm) -> None:
    """Add the rows first (each "Thêm người đại diện" is a postback), then type every row."""
    rows = form.nguoiDaiDien
    while steps.count("representative.rows") < len(rows):
        steps.add_row("representative.add", "representative.rows")
        _check_page(steps)
    for i, row in enumerate(rows):
        steps.fill("representative.full_name", row.txtDdHoTen, i=i)
        steps.choose("representative.sex", row.ddlDdGioiTinh, i=i)
        steps.fill("representative.birth_date", row.txtDdNgaySinh, i=i)
        steps.fill("representative.id_number", row.txtDdSoGiayTo, i=i)
        steps.choose("representative.title", row.txtDdChucDanh, i=i)
        steps.fill("representative.contact_address", row.txtDdLienLac, i=i)
    steps.click("representative.save")


def _fill_tax(steps: Steps, form: BusinessRegistrationForm) -> None:
    steps.fill("tax.start_date", form.txtNgayBatDau)
    steps.choose("tax.accounting", form.ddlHachToan)
    steps.choose("tax.vat_method", form.ddlPhuongPhapGTGT)
    steps.fill("tax.fiscal_year_start", form.txtNamTaiChinh)
    steps.fill("tax.employees", form.txtSoLaoDong)
    steps.fill("tax.chief_accountant", form.txtKeToanTruong)
    steps.fill("tax.chief_accountant_phone", form.txtKeToanDienThoai)
    steps.click("tax.save")


_WIZARD: tuple[tuple[Callable[[Steps, BusinessRegistrationForm], None], str], ...] = (
    (_fill_name, "1-name"),
    (_fill_head_office, "2-head-office"),
    (_fill_industries, "3-industries"),
    (_fill_capital, "4-capital"),
    (_fill_owner, "5-owner"),
    (_fill_representatives, "6-representatives"),
    (_fill_tax, "7-tax"),
)
"""Pages 1-7 in order: how each is filled (ending with its own "Lưu") and its screenshot's label."""


# ---- postbacks ------------------------------------------------------------------------------------
def _refused(steps: Steps, what: str) -> None:
    """A BusinessError with the validation summary's text when the page shows one."""
    if steps.exists("wizard.errors"):
        raise BusinessError(f"{_REFUSED} {what}: {steps.read_text('wizard.errors')}")


def _saved(steps: Steps, page: int, label: str) -> None:
    """After "Lưu": the save message, or the validation summary's text as a BusinessError."""
    _check_page(steps)
    _refused(steps, f"hồ sơ (bước {page}/{PAGES})")
    message = steps.read_text("wizard.saved")  # drift (with evidence) when the page shows neither
    if message != SAVED:
        raise PortalError(f"page {page}: the portal answered {message!r} to Lưu, not {SAVED!r}")
    steps.screenshot(label)


def _expect_page(steps: Steps, page: int) -> None:
    _check_page(steps)
    heading = steps.read_text("wizard.heading")
    if heading.startswith(f"Bước {page}/{PAGES}"):
        return
    _refused(steps, f"hồ sơ (bước {page - 1}/{PAGES})")
    raise PortalError(f"expected wizard page {page}/{PAGES}, the portal shows {heading!r} ({steps.page.url})")


def _check_page(steps: Steps, *, signing_in: bool = False) -> None:
    """The portal's answer to the last load or postback is the page asked for, not its view-state error
    page ("Trạng thái trang không hợp lệ": a system problem, retried) or, unless ``signing_in``, its
    login page (the session expired)."""
    if steps.exists("error.view_state"):
        shown = steps.read_text("error.view_state")
        raise PortalError(f"the portal refused the page's view state: {shown} ({steps.page.url})")
    if not signing_in and steps.on_page("login"):
        raise SessionExpired("session expired: the portal sent the browser back to the login page")


def _dotted(digits: str) -> str:
    """2000000000 → 2.000.000.000, as the portal writes amounts."""
    return f"{int(digits or 0):,}".replace(",", ".")
