"""Vehicle badges (cấp phù hiệu) on the construction department's public-service portal.

The portal is a single-page application: it draws each view in the browser from its JSON API, keeps
the login token in the browser, and answers most actions with a toast that disappears after a few
seconds. Three things a worker does with it, each a plain list of steps:

- :func:`login`: sign in with the province's account (no CAPTCHA at login).
- :func:`submit`: choose the business in the licence autocomplete, fill the badge, add each vehicle
  in the "Thông tin phương tiện" dialog (with its scans), check the table, confirm (the CAPTCHA there
  goes to a person), and read the receipt.
- :func:`lookup` and :func:`read_status`: find an application again and read how far it has got.

Element names (``business.licence``...) are looked up in ``selectors/vantai.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from flows.road_transport.form import RoadTransportForm, Upload, VehicleRow
from rpa.errors import BusinessError, CaptchaRequired, ConfigError, PortalError, SelectorDrift, SessionExpired
from rpa.portal import PortalStatus, Receipt
from rpa.portal.receipt_page import read_receipt_page
from rpa.portal.steps import Steps

__all__ = [
    "LOOKUP_PAGE",
    "PORTAL",
    "RECEIPT_CODE",
    "STATUS_BY_LABEL",
    "SUBMIT_PAGE",
    "login",
    "lookup",
    "read_receipt",
    "read_status",
    "submission_facts",
    "submit",
]

PORTAL = "vantai"
SUBMIT_PAGE = "new_application"
LOOKUP_PAGE = "lookup"

STATUS_BY_LABEL = {
    "Đã tiếp nhận": "submitted",
    "Đang thẩm định": "processing",
    "Yêu cầu bổ sung": "supplement_requested",
    "Từ chối cấp": "refused",
    "Đã cấp phù hiệu": "issued",
}
RECEIPT_CODE = re.compile(r"VT-\d{4}-\d{6}", re.ASCII)
"""The portal's receipt codes, ``VT-yyMM-NNNNNN`` (e.g. ``VT-2612-000042``)."""
_RECEIPT_ROW = re.compile(r"(VT-\d{4}-\d{6}).*?(\d{2}/\d{2}/\d{4} \d{2}:\d{2})", re.S | re.ASCII)
OWNERSHIP_LABELS = {"so_huu": "Xe thuộc sở hữu", "thue": "Xe đi thuê"}
_REFUSED = "Cổng dịch vụ công Sở Xây dựng không chấp nhận"
_NETWORK = ("Lỗi kết nối tới máy chủ", "Không kết nối được tới máy chủ", "Hệ thống đang bảo trì")
"""How the page's toasts start when the portal, not the application, failed."""
_EXPIRED = "Phiên đăng nhập đã hết hạn"


def login(
    steps: Steps, username: str, password: str, *, read_captcha: Callable[[bytes], str] | None = None
) -> None:
    """Sign in (``read_captcha`` is unused: the portal asks for no CAPTCHA at login).

    Raises:
        ConfigError: the portal rejected the account (its toast says why).
        PortalError: the portal is under maintenance or failing.
    """
    steps.open("login")
    _ready(steps, signing_in=True)
    steps.fill("login.username", username)
    steps.fill("login.password", password, secret=True)
    steps.click("login.submit")
    if steps.wait_any("view.signed_in", "toast.errors") == "toast.errors":
        message = _toast(steps)
        if message.startswith(_NETWORK):
            raise PortalError(f"login: {message}")
        if message.startswith(_EXPIRED):  # signed in, but the next call found the new token too old
            raise SessionExpired(f"login: {message}")
        raise ConfigError(f"the portal rejected account {username!r}: {message or 'no message'}")


def submit(
    steps: Steps,
    form: RoadTransportForm,
    *,
    before_final_click: Callable[[], None] | None = None,
    read_captcha: Callable[[bytes], str] | None = None,
    dry_run: bool = False,
) -> Receipt | None:
    """Fill the application, check what the page shows, confirm and read the receipt (None on a dry run).

    ``read_captcha`` gets the confirmation dialog's image when the portal shows one and returns a
    person's reading; ``before_final_click`` runs right before "Đồng ý" (the ledger commits
    ``submitting``).

    Raises:
        BusinessError: the portal does not know the licence, or refused what was typed (its message).
        CaptchaRequired: the dialog shows a CAPTCHA and nobody is there to read it, or it was wrong.
        SessionExpired: the portal's login ran out (it shows its login form).
        PortalError: the portal failed, or its answer to the final click was lost.
    """
    steps.open(SUBMIT_PAGE)
    _ready(steps)
    try:
        _fill_business(steps, form)
        _fill_badge(steps, form)
        for number, row in enumerate(form.phuong_tien, start=1):
            _add_vehicle(steps, row, number)
        _check_table(steps, form)
        _check_fields(steps, form)
    except SelectorDrift:
        _check_session(steps)  # a login form where the application was: the token ran out
        raise
    steps.screenshot("application")
    if dry_run:
        return None
    steps.click("form.submit")
    # The dialog first asks the API whether a CAPTCHA is due: the login form if the token ran out.
    if _unless_login(steps.wait_any("confirm.ready", "toast.errors", "view.login")) == "toast.errors":
        _refused(steps, "hồ sơ")
    _captcha(steps, read_captcha)
    if before_final_click is not None:
        before_final_click()
    steps.click("confirm.accept")
    answer = _unless_login(
        steps.wait_any("receipt.success", "toast.errors", "confirm.captcha_error", "view.login")
    )
    if answer == "confirm.captcha_error":
        raise CaptchaRequired(steps.locate("confirm.captcha_image").screenshot())
    if answer == "toast.errors":
        _refused(steps, "hồ sơ")
    _ready(steps)
    steps.screenshot("receipt")
    return read_receipt(steps)


def read_receipt(steps: Steps) -> Receipt:
    """The receipt page's code and date; SelectorDrift when either is not in the portal's format."""
    return read_receipt_page(steps, RECEIPT_CODE)


def submission_facts(form: RoadTransportForm) -> dict[str, str]:
    """What tells two applications of one business apart (its plates, the validity asked), and the tax
    code that narrows the look-up; recorded before the final click (see rpa.transfer.settle). The rows
    may also be the portal's stored JSON (the chaos soak keys stored applications with this)."""
    plates = (row.bien_so if isinstance(row, VehicleRow) else row["bien_so"] for row in form.phuong_tien)
    return {"plates": _plates(plates), "valid_until": form.hieu_luc_den, "tax_code": form.ma_so_thue}


def lookup(
    steps: Steps, id_number: str, date_from: str, date_to: str, facts: Mapping[str, str] | None = None
) -> list[Receipt]:
    """Applications of the licence ``id_number`` filed between two dates (dd/mm/yyyy, inclusive), narrowed
    to the tax code and the first plate when ``facts`` has them."""
    facts = facts or {}
    steps.open(LOOKUP_PAGE)
    _ready(steps)
    steps.fill("lookup.licence", id_number)
    steps.fill("lookup.tax_code", facts.get("tax_code", ""))
    steps.fill("lookup.plate", facts.get("plates", "").split(",")[0].strip())
    steps.fill("lookup.date_from", date_from)
    _choose_day(steps, date_from)
    steps.fill("lookup.date_to", date_to)
    _choose_day(steps, date_to)
    steps.click("lookup.search")
    if _unless_login(steps.wait_any("lookup.done", "toast.errors", "view.login")) == "toast.errors":
        raise PortalError(f"look-up: {_toast(steps) or 'the portal showed a message that vanished'}")
    if steps.exists("lookup.empty"):
        return []
    found = [_RECEIPT_ROW.search(row) for row in steps.read_all("lookup.result_rows")]
    return [Receipt(match.group(1), match.group(2)) for match in found if match]


def read_status(steps: Steps, receipt: Receipt | str) -> PortalStatus:
    """The current status of one application; a label this flow does not know comes back as "unknown"
    (the sync parks it for a person). ``details`` hold its plates and validity, as ``submission_facts``.

    Raises:
        PortalError: the portal does not know the receipt, or shows no status.
    """
    code = receipt.code if isinstance(receipt, Receipt) else receipt
    steps.open("status", receipt=code)
    _ready(steps)
    if steps.exists("status.error"):
        raise PortalError(f"status of {code}: {steps.read_text('status.error')}")
    label = " ".join(steps.read_text("status.label").split())
    if not label:
        raise PortalError(f"status of {code}: the status page shows no status")
    status = STATUS_BY_LABEL.get(label, "unknown")
    badges = "; ".join(": ".join(row.split()) for row in steps.read_all("status.badges"))
    reason = None
    if steps.exists("status.supplement_reason"):
        reason = steps.read_text("status.supplement_reason").split(":", 1)[-1].strip() or None
    elif status == "refused":
        notes = [note for note in steps.read_all("status.notes") if note]
        reason = notes[-1] if notes else None
    details = {
        "plates": _plates(steps.read_all("status.plates")),
        "valid_until": steps.read_text("status.field", field="hieu_luc_den"),
    }
    return PortalStatus(status, label, badges or None, reason, details)


# ---- the application's parts ----------------------------------------------------------------------
def _fill_business(steps: Steps, form: RoadTransportForm) -> None:
    """Type the licence, pick it in the autocomplete and check it is the dossier's business."""
    licence = form.so_giay_phep
    steps.fill("business.licence", licence)
    answer = steps.wait_any("business.suggestion", "business.no_match", "view.login", licence=licence)
    if _unless_login(answer) == "business.no_match":
        raise BusinessError(
            f"{_REFUSED} số giấy phép kinh doanh vận tải {licence}: "
            "cổng không tìm thấy doanh nghiệp có giấy phép này"
        )
    steps.click("business.suggestion", licence=licence)
    name = steps.locate("business.name").input_value()  # both filled in by the page
    tax_code = steps.locate("business.tax_code").input_value()
    if tax_code != form.ma_so_thue or _words(name) != _words(form.ten_doanh_nghiep):
        raise BusinessError(
            f"giấy phép {licence} trên cổng là của {name or '?'} (mã số thuế {tax_code or '?'}), "
            f"không phải {form.ten_doanh_nghiep} (mã số thuế {form.ma_so_thue}) như hồ sơ ghi"
        )
    hint = steps.read_text("business.hint")
    if "hết hạn" in hint:
        raise BusinessError(f"{_REFUSED} giấy phép kinh doanh vận tải số {licence}: {hint}")
    steps.fill("contact.full_name", form.nguoi_lien_he)
    steps.fill("contact.phone", form.so_dien_thoai)
    steps.fill("contact.email", form.email)


def _fill_badge(steps: Steps, form: RoadTransportForm) -> None:
    steps.choose("badge.kind", form.loai_phu_hieu)
    steps.fill("badge.valid_until", form.hieu_luc_den)
    _choose_day(steps, form.hieu_luc_den)


def _add_vehicle(steps: Steps, row: VehicleRow, number: int) -> None:
    """Vehicle ``number`` (from 1) through the "Thông tin phương tiện" dialog; the table then has its row."""
    steps.click("vehicle.add")
    steps.wait("vehicle.dialog")
    steps.fill("vehicle.plate", row.bien_so)
    steps.fill("vehicle.make", row.nhan_hieu)
    if row.trong_tai_kg is not None:
        steps.fill("vehicle.payload_kg", str(row.trong_tai_kg))
    else:
        steps.fill("vehicle.seats", str(row.so_cho))
    steps.fill("vehicle.year", str(row.nam_san_xuat))
    steps.fill("vehicle.registration_number", row.so_dang_ky_xe)
    steps.upload("vehicle.registration_scan", _local(row.anh_dang_ky), file_name=row.anh_dang_ky.name)
    if row.so_huu == "thue":
        steps.check("vehicle.leased", True)  # shows the lease's file and date
        lease = row.hop_dong_thue
        steps.upload("vehicle.lease_file", _local(lease), file_name=lease.name if lease else None)
        steps.fill("vehicle.lease_end", row.thue_den or "")
        _choose_day(steps, row.thue_den or "")
    else:
        steps.check("vehicle.owned", True)
    steps.click("vehicle.save")
    done = _unless_login(
        steps.wait_any("vehicle.added", "vehicle.field_errors", "toast.errors", "view.login", n=number)
    )
    if done != "vehicle.added":
        messages = (
            steps.read_all("vehicle.field_errors") if done == "vehicle.field_errors" else [_toast(steps)]
        )
        raise BusinessError(f"{_REFUSED} phương tiện {row.bien_so}: {'; '.join(m for m in messages if m)}")


def _check_table(steps: Steps, form: RoadTransportForm) -> None:
    """Read the vehicle table back before anything is submitted: every row as typed, no other row."""
    rows = steps.count("vehicle.rows")
    if rows != len(form.phuong_tien):
        raise PortalError(f"the vehicle table has {rows} rows, {len(form.phuong_tien)} were added")
    for row in form.phuong_tien:
        size = row.so_cho if row.trong_tai_kg is None else row.trong_tai_kg
        want = {"bien_so": row.bien_so, "nhan_hieu": row.nhan_hieu, "nam_san_xuat": str(row.nam_san_xuat),
                "so_huu": OWNERSHIP_LABELS[row.so_huu]}  # fmt: skip
        shown = {field: steps.read_text("vehicle.cell", plate=row.bien_so, field=field) for field in want}
        shown_size = steps.read_text("vehicle.size_cell", plate=row.bien_so)
        if shown != want or shown_size != str(size):
            raise PortalError(
                f"the vehicle table shows {shown} ({shown_size}) for {row.bien_so}, not {want} ({size})"
            )


def _check_fields(steps: Steps, form: RoadTransportForm) -> None:
    """Read every field back before anything is submitted: the page may have changed one after it was
    typed (typing in the licence box again empties the fields the page filled from it)."""
    shown = {
        "so_giay_phep": steps.locate("business.licence").input_value(),
        "ten_doanh_nghiep": steps.locate("business.name").input_value(),
        "ma_so_thue": steps.locate("business.tax_code").input_value(),
        "nguoi_lien_he": steps.locate("contact.full_name").input_value(),
        "so_dien_thoai": steps.locate("contact.phone").input_value(),
        "email": steps.locate("contact.email").input_value(),
        "loai_phu_hieu": steps.locate("badge.kind").input_value(),
        "hieu_luc_den": steps.locate("badge.valid_until").input_value(),
    }
    typed = form.model_dump()
    wrong = {field: value for field, value in shown.items() if _words(value) != _words(typed[field])}
    if wrong:
        raise PortalError(f"before submitting, the form shows {wrong}, not what was typed")


def _choose_day(steps: Steps, date: str) -> None:
    """Click the day just typed in the calendar that typing opened on its month (which closes it)."""
    if date:
        steps.click("calendar.day", date=date)


def _local(upload: Upload | None) -> Path:
    if upload is None or upload.path is None:
        raise PortalError(f"the file {upload.name if upload else '?'!r} to upload was not downloaded")
    return upload.path


def _captcha(steps: Steps, read_captcha: Callable[[bytes], str] | None) -> None:
    if not steps.exists("confirm.captcha_image"):
        return
    image = steps.locate("confirm.captcha_image").screenshot()
    if read_captcha is None:
        raise CaptchaRequired(image)
    steps.fill("confirm.captcha", read_captcha(image), secret=True)  # a person read it; the bot never does


# ---- the portal's answers ---------------------------------------------------------------------------
def _ready(steps: Steps, *, signing_in: bool = False) -> None:
    """Wait until the view has loaded; a login form instead (unless ``signing_in``) means the token ran
    out, an error in the view that the portal failed."""
    steps.wait("view.ready", state="attached")
    if not signing_in:
        _check_session(steps)
    if steps.exists("view.error"):
        raise PortalError(f"{steps.page.url}: {steps.read_text('view.error')}")


def _unless_login(shown: str) -> str:
    """``shown``, unless it is the login form the page goes to when an API call found the token run out."""
    if shown == "view.login":
        raise SessionExpired("session expired: the portal shows its login form")
    return shown


def _check_session(steps: Steps) -> None:
    if steps.on_page("login"):
        raise SessionExpired("session expired: the portal shows its login form")


def _toast(steps: Steps) -> str:
    """The newest error toast's text ("" when it disappeared before it could be read)."""
    shown = steps.read_all("toast.errors")
    return shown[-1] if shown else ""


def _refused(steps: Steps, what: str) -> None:
    """The portal answered with an error toast: who must act depends on what it says."""
    message = _toast(steps)
    _check_session(steps)
    if not message or message.startswith(_NETWORK):
        raise PortalError(
            f"the portal answered {message or 'with a message that vanished'!r} ({steps.page.url})"
        )
    details = [*steps.read_all("form.errors"), *steps.read_all("vehicle.row_errors")]
    raise BusinessError(f"{_REFUSED} {what}: {'; '.join([message, *details])}")


def _plates(plates: Iterable[str]) -> str:
    return ", ".join(sorted(p.strip() for p in plates))


def _words(text: str) -> str:
    return " ".join(text.upper().split())
