"""flows.business_registration against the sandbox business-registration portal (ASP.NET WebForms, full
postbacks), in a real headless Chromium: the form typed from a seeded dossier is stored field for
field, the portal's refusals are business errors with its own Vietnamese text, look-up and status
follow the application, page 8's challenge goes to a person, and a refused view state is a system
error."""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route

import flows as flows_package
from flows import SELECTORS_DIR
from flows.business_registration.flow import (
    PORTAL,
    RECEIPT_CODE,
    SUBMIT_PAGE,
    login,
    lookup,
    read_receipt,
    read_status,
    submission_facts,
    submit,
)
from flows.business_registration.form import BusinessRegistrationForm, map_payload
from flows.business_registration.model import BusinessRegistrationRequest
from rpa.clock import vn_now
from rpa.domain import Applicant
from rpa.errors import BusinessError, CaptchaRequired, ConfigError, PortalError, SelectorDrift, SessionExpired
from rpa.portal import Receipt
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.flowcheck import check_flows
from rpa.portal.steps import Steps, open_portal
from rpa.sandbox.dkkd.app import create_app
from rpa.sandbox.dkkd.testing import DkkdSandbox, serve
from rpa.sandbox.seed import generate

pytestmark = pytest.mark.browser
ACCOUNT = ("motcua.qngai", "DangKy@2025")
TODAY = vn_now().strftime("%d/%m/%Y")
SEED, COUNT = 5, 140  # holds every trick of the business-registration seed and two registered names


@functools.cache
def _seeded() -> list[Any]:
    return generate(SEED, COUNT, procedures=["business_registration"])


def form_of(*, tricky: str | None = None, flaw: str | None = None) -> BusinessRegistrationForm:
    """The portal form of the first seeded dossier with that trick (valid) or that flaw."""
    for seeded in _seeded():
        if seeded.tricky == tricky and seeded.flaw == flaw:
            data = seeded.data
            payload = BusinessRegistrationRequest.model_validate(data["payload"])
            return map_payload(data["code"], Applicant.model_validate(data["applicant"]), payload)
    raise AssertionError(f"no seeded dossier with trick {tricky} and flaw {flaw}")


@pytest.fixture(scope="session")
def dkkd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(create_app(tmp_path_factory.mktemp("dkkd"))) as url:
        yield url


@pytest.fixture
def dkkd(dkkd_server: str) -> Iterator[DkkdSandbox]:
    """The portal, freshly reset, without the page-8 challenge (a test that wants it turns it on)."""
    sandbox = DkkdSandbox(dkkd_server)
    sandbox.reset()
    sandbox.knobs(captcha=False)
    yield sandbox
    sandbox.close()


@pytest.fixture
def steps(page: Page, dkkd: DkkdSandbox, evidence: AttemptEvidence) -> Steps:
    """Steps on the portal (``evidence`` is the flows' conftest's), with a short step timeout."""
    return open_portal(
        page, PORTAL, dkkd.url, selectors_dir=SELECTORS_DIR, timeout_ms=5000, evidence=evidence
    )


@pytest.fixture
def logged_in(steps: Steps) -> Steps:
    login(steps, *ACCOUNT)
    return steps


@pytest.mark.parametrize(
    "tricky", [None, "two_representatives", "capital_five_assets", "ten_industries", "nfd_text"]
)
def test_submit_stores_exactly_the_form(
    logged_in: Steps, dkkd: DkkdSandbox, evidence: AttemptEvidence, tricky: str | None
) -> None:
    form = form_of(tricky=tricky)
    marks: list[int] = []
    receipt = submit(logged_in, form, before_final_click=lambda: marks.append(len(dkkd.applications())))

    assert receipt is not None and RECEIPT_CODE.fullmatch(receipt.code)
    assert receipt.submitted_at.startswith(TODAY)
    assert marks == [0], "the hook runs once, before the application exists"
    applications = dkkd.applications()
    assert len(applications) == 1
    assert applications[0]["receipt"] == receipt.code
    stored, typed = applications[0]["form"], form.model_dump()
    assert {key: stored.get(key) for key in typed} == typed
    shots = sorted(path.name for path in evidence.folder.glob("*.png"))
    assert shots == ["01-1-name.png", "02-2-head-office.png", "03-3-industries.png", "04-4-capital.png",
                     "05-5-owner.png", "06-6-representatives.png", "07-7-tax.png", "08-8-review.png",
                     "09-receipt.png"]  # fmt: skip


def test_a_portal_opened_on_the_new_application_page_does_not_load_it_twice(
    page: Page, logged_in: Steps, dkkd: DkkdSandbox, evidence: AttemptEvidence
) -> None:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(f"{request.method} {urlsplit(request.url).path}"))
    steps = open_portal(
        page,
        PORTAL,
        dkkd.url,
        start=SUBMIT_PAGE,
        selectors_dir=SELECTORS_DIR,
        timeout_ms=5000,
        evidence=evidence,
    )
    assert submit(steps, form_of()) is not None
    assert asked.count("GET /HoSo/DangKy.aspx") == 1 and "GET /Default.aspx" not in asked
    assert len(dkkd.applications()) == 1


def test_a_registered_name_is_refused_by_the_name_check_and_nothing_is_stored(
    logged_in: Steps, dkkd: DkkdSandbox
) -> None:
    form = form_of(flaw="name_registered")
    with pytest.raises(BusinessError, match="Tên doanh nghiệp đã được đăng ký: CÔNG TY") as caught:
        submit(logged_in, form, before_final_click=lambda: pytest.fail("nothing may be filed"))
    assert form.txtTenDoanhNghiep in str(caught.value)
    assert dkkd.applications() == []


def test_a_name_filed_already_is_refused_the_second_time(logged_in: Steps, dkkd: DkkdSandbox) -> None:
    form = form_of()
    assert submit(logged_in, form) is not None
    with pytest.raises(BusinessError, match="đã được đăng ký"):
        submit(logged_in, form)
    assert len(dkkd.applications()) == 1


def test_contributions_that_do_not_add_up_are_a_business_error(logged_in: Steps, dkkd: DkkdSandbox) -> None:
    form = form_of(tricky="capital_five_assets")
    wrong = form.model_copy(update={"txtGopVang": str(int(form.txtGopVang) + 50_000_000)})
    with pytest.raises(BusinessError, match="không bằng vốn điều lệ") as caught:
        submit(logged_in, wrong)
    assert "10.050.000.000" in str(caught.value)  # the page's own total, as it shows it
    assert dkkd.applications() == []


def test_lookup_and_status(logged_in: Steps, dkkd: DkkdSandbox) -> None:
    form = form_of(tricky="two_representatives")
    other = form_of(tricky="ten_industries")
    receipt = submit(logged_in, form)
    assert receipt is not None and submit(logged_in, other) is not None  # someone else's application
    facts = submission_facts(form)
    assert facts == {"company_name": form.txtTenDoanhNghiep}

    assert lookup(logged_in, form.txtChuSoGiayTo, "01/01/2025", TODAY, facts) == [receipt]
    assert lookup(logged_in, form.txtChuSoGiayTo, "01/01/2025", TODAY, None) == [receipt]
    assert lookup(logged_in, form.txtChuSoGiayTo, "01/01/2020", "31/12/2020", facts) == []
    assert lookup(logged_in, form.txtChuSoGiayTo, "01/01/2025", TODAY, submission_facts(other)) == []

    status = read_status(logged_in, receipt)
    assert (status.status, status.label, status.certificate_number) == ("received", "Đã nộp", None)
    assert status.details == facts
    dkkd.advance(receipt.code, "processing").raise_for_status()
    assert read_status(logged_in, receipt.code).status == "processing"
    dkkd.advance(receipt.code, "supplement_requested", "Bổ sung bản sao giấy tờ pháp lý").raise_for_status()
    status = read_status(logged_in, receipt.code)
    assert (status.status, status.label) == ("supplement_requested", "Yêu cầu sửa đổi bổ sung")
    assert status.supplement_reason == "Bổ sung bản sao giấy tờ pháp lý"
    dkkd.advance(receipt.code, "processing").raise_for_status()
    dkkd.advance(receipt.code, "granted").raise_for_status()
    status = read_status(logged_in, receipt)
    assert (status.status, status.label) == ("granted", "Đã cấp Giấy chứng nhận")
    assert status.certificate_number is not None and re.fullmatch(r"43\d{8}", status.certificate_number)
    assert status.certificate_number == dkkd.applications()[0]["enterprise_code"]
    with pytest.raises(PortalError, match="HS-2601-999999"):
        read_status(logged_in, "HS-2601-999999")


def test_read_receipt_refuses_a_page_without_the_code(steps: Steps) -> None:
    steps.page.set_content(
        '<span id="C_lblSoHoSo">Đã nộp</span><span id="C_lblNgayNop">20/11/2026 09:15</span>'
    )
    with pytest.raises(SelectorDrift) as caught:
        read_receipt(steps)
    assert caught.value.names == ["receipt.code"]
    steps.page.set_content("<h2>Biên nhận hồ sơ</h2>")
    with pytest.raises(SelectorDrift) as caught:
        read_receipt(steps)
    assert caught.value.names == ["receipt.code", "receipt.date"]
    steps.page.set_content(
        '<span id="C_lblSoHoSo">HS-2611-000042</span><span id="C_lblNgayNop">20/11/2026 09:15</span>'
    )
    assert read_receipt(steps) == Receipt("HS-2611-000042", "20/11/2026 09:15")


def test_the_challenge_goes_to_a_person(logged_in: Steps, dkkd: DkkdSandbox) -> None:
    dkkd.knobs(captcha=True)
    form = form_of()
    with pytest.raises(CaptchaRequired) as caught:
        submit(logged_in, form, before_final_click=lambda: pytest.fail("nothing may be filed"))
    assert caught.value.image.startswith(b"\x89PNG")
    assert dkkd.applications() == []

    images: list[bytes] = []

    def person(image: bytes) -> str:
        images.append(image)
        return dkkd.latest_captcha()  # what the person reads in the image

    receipt = submit(logged_in, form, read_captcha=person)
    assert receipt is not None and len(images) == 1 and images[0].startswith(b"\x89PNG")
    assert [a["receipt"] for a in dkkd.applications()] == [receipt.code]


def test_a_wrong_reading_of_the_challenge_asks_a_person_again(logged_in: Steps, dkkd: DkkdSandbox) -> None:
    dkkd.knobs(captcha=True)
    with pytest.raises(CaptchaRequired):
        submit(logged_in, form_of(), read_captcha=lambda image: "sai")
    assert dkkd.applications() == []


def test_a_refused_view_state_is_a_portal_error(page: Page, logged_in: Steps, dkkd: DkkdSandbox) -> None:
    posts: list[str] = []

    def tamper(route: Route) -> None:
        """The third postback of the wizard carries a view state the portal did not sign."""
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.url)
        body = route.request.post_data or ""
        if len(posts) == 3:
            body = re.sub(r"__VIEWSTATE=[^&]*", "__VIEWSTATE=dGFtcGVyZWQ%3D", body)
        route.continue_(post_data=body)

    page.route("**/HoSo/DangKy.aspx", tamper)
    with pytest.raises(PortalError) as caught:
        submit(logged_in, form_of())
    assert not isinstance(caught.value, (BusinessError, SessionExpired))
    assert len(posts) == 3
    assert dkkd.applications() == []


def test_dry_run_files_nothing(logged_in: Steps, dkkd: DkkdSandbox, evidence: AttemptEvidence) -> None:
    assert (
        submit(logged_in, form_of(), dry_run=True, before_final_click=lambda: pytest.fail("no click")) is None
    )
    assert dkkd.applications() == []
    assert "08-8-review.png" in {path.name for path in evidence.folder.glob("*.png")}


def test_wrong_password_is_a_config_error(steps: Steps) -> None:
    with pytest.raises(ConfigError, match="rejected"):
        login(steps, ACCOUNT[0], "sai-mat-khau")


def test_session_expiry_mid_flow(logged_in: Steps, dkkd: DkkdSandbox) -> None:
    logged_in.page.context.clear_cookies()
    with pytest.raises(SessionExpired):
        submit(logged_in, form_of())
    assert dkkd.applications() == []


def test_flows_check_knows_every_name_the_flow_uses(tmp_path: Path) -> None:
    package = Path(flows_package.__file__).parent / "business_registration"
    assert check_flows(package, SELECTORS_DIR) == []
    flows, maps = tmp_path / "flows", tmp_path / "selectors"
    shutil.copytree(package, flows)
    maps.mkdir()
    text = (SELECTORS_DIR / "dkkd.yaml").read_text(encoding="utf-8")
    (maps / "dkkd.yaml").write_text(text.replace("  capital.total:", "  capital.sum:"), encoding="utf-8")
    problems = check_flows(flows, maps)
    assert len(problems) == 1 and "'capital.total' is missing from the dkkd v1 selector map" in problems[0]
