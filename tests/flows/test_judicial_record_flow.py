"""flows.judicial_record against the sandbox ministry portal, in a real headless Chromium."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

import flows as flows_package
from flows import SELECTORS_DIR
from flows.judicial_record.flow import PORTAL, SUBMIT_PAGE, login, lookup, read_status, submit
from flows.judicial_record.form import FormAddress, JudicialRecordForm, ResidenceRow
from rpa.clock import vn_now
from rpa.errors import CaptchaRequired, ConfigError, HumanNeeded, PortalError
from rpa.portal import Receipt
from rpa.portal.flowcheck import check_flows
from rpa.portal.steps import Steps, open_portal
from rpa.sandbox.moj.testing import MojSandbox

pytestmark = pytest.mark.browser
ACCOUNT = ("canbo.qngai", "MatKhau@2025")
TODAY = vn_now().strftime("%d/%m/%Y")


def make_form(id_card: Path) -> JudicialRecordForm:
    return JudicialRecordForm(
        fullName="PHẠM THỊ THU HÀ",
        otherName="Hà Phạm",
        genderId="2",
        birthDateStr="14/07/1992",
        birthPlace="Xã Tịnh Hà, huyện Sơn Tịnh, tỉnh Quảng Ngãi",
        nationalityId="VN",
        ethnicId="01",
        idTypeId="1",
        idNumber="051192004567",
        idIssueDateStr="22/09/2021",
        idIssuePlace="Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        permanentAddress=FormAddress(
            legacy=False, provinceId="51", wardId="21025", street="47 Phan Đình Phùng"
        ),
        temporaryAddress=FormAddress(
            legacy=True, provinceId="62", districtId="608", wardId="23284", street="Tổ 3, đường Bà Triệu"
        ),
        phone="0905123456",
        email="thuha.pham@example.vn",
        fatherName="PHẠM VĂN TÙNG",
        fatherBirthDateStr="1963",
        motherName="LÊ THỊ HỒNG",
        motherBirthDateStr="02/03/1966",
        residences=[
            ResidenceRow(
                fromDateStr="14/07/2006",
                toDateStr="31/08/2010",
                address="Thôn Phú Thọ, xã Tịnh Hà, huyện Sơn Tịnh, tỉnh Quảng Ngãi",
                occupation="Học sinh",
            ),
            ResidenceRow(
                fromDateStr="01/09/2010",
                toDateStr="30/06/2014",
                address="Tổ 3, đường Bà Triệu, phường Duy Tân, thành phố Kon Tum, tỉnh Kon Tum",
                occupation="Sinh viên",
                workplace="Phân hiệu Đại học Đà Nẵng tại Kon Tum",
            ),
            ResidenceRow(
                fromDateStr="01/07/2014",
                toPresent=True,
                address="47 Phan Đình Phùng, phường Cẩm Thành, tỉnh Quảng Ngãi",
                occupation="Kế toán",
                workplace="Công ty TNHH Thương mại Sông Trà",
            ),
        ],
        formType=1,
        isBanPosition=False,
        purpose="Bổ sung hồ sơ dự tuyển viên chức",
        copies=2,
        deliveryMethod="post",
        deliveryAddress=FormAddress(legacy=False, provinceId="51", wardId="21028", street="08 Hùng Vương"),
        hasAuthorised=True,
        authName="PHẠM VĂN NAM",
        authIdTypeId="1",
        authIdNumber="051088007788",
        authRelationship="Anh trai",
        authDateStr="03/11/2025",
        idCardFile=id_card,
    )


def expected_stored(form: JudicialRecordForm) -> dict[str, Any]:
    """The form as the portal should have stored it (addresses by codes, the file by its digest)."""
    expected = form.model_dump(exclude={"idCardFile"})
    for key in ("permanentAddress", "temporaryAddress", "deliveryAddress"):
        if expected[key] is not None:
            expected[key] = {k: v for k, v in expected[key].items()}
    return expected


def stored_comparable(stored: dict[str, Any]) -> dict[str, Any]:
    address_keys = ("legacy", "provinceId", "districtId", "wardId", "street")
    out = {k: v for k, v in stored.items() if k != "idCardFile"}
    for key in ("permanentAddress", "temporaryAddress", "deliveryAddress"):
        if out[key] is not None:
            out[key] = {k: out[key][k] for k in address_keys}
    return out


@pytest.fixture
def logged_in(steps: Steps) -> Steps:
    login(steps, *ACCOUNT)
    return steps


def test_submit_stores_exactly_the_form(
    logged_in: Steps, moj: MojSandbox, id_card_png: Path, evidence: Any
) -> None:
    form = make_form(id_card_png)
    marks: list[int] = []
    receipt = submit(logged_in, form, before_final_click=lambda: marks.append(len(moj.applications())))

    assert receipt is not None
    assert receipt.code.startswith("51-LLTP-")
    assert receipt.submitted_at.startswith(TODAY)
    assert marks == [0], "the hook runs once, before the application exists"
    applications = moj.applications()
    assert len(applications) == 1
    stored = applications[0]
    assert stored["receipt"] == receipt.code
    got, want = stored_comparable(stored["form"]), expected_stored(form)
    for key in want:
        assert got[key] == want[key], key
    assert stored["form"]["idCardFile"]["sha256"] == hashlib.sha256(id_card_png.read_bytes()).hexdigest()
    shots = sorted(path.name for path in evidence.folder.glob("*.png"))
    assert shots == ["01-a-applicant.png", "02-b-family.png", "03-c-residences.png", "04-d-request.png",
                     "05-review.png", "06-receipt.png"]  # fmt: skip
    assert all(path.stat().st_size > 10_000 for path in evidence.folder.glob("*.png"))
    manifest = json.loads(evidence.write_manifest(outcome="submitted").read_text(encoding="utf-8"))
    assert manifest["typed"]["applicant.id_number"] == form.idNumber


def test_a_portal_opened_on_the_new_application_page_does_not_load_it_twice(
    page: Page, moj: MojSandbox, evidence: Any, id_card_png: Path
) -> None:
    logged = open_portal(
        page, PORTAL, moj.url, selectors_dir=SELECTORS_DIR, timeout_ms=5000, evidence=evidence
    )
    login(logged, *ACCOUNT)  # the context keeps the session cookie
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    steps = open_portal(
        page,
        PORTAL,
        moj.url,
        start=SUBMIT_PAGE,
        selectors_dir=SELECTORS_DIR,
        timeout_ms=5000,
        evidence=evidence,
    )
    assert urlsplit(page.url).path == "/ho-so/buoc/a"  # the portal redirects a new application there
    assert submit(steps, make_form(id_card_png)) is not None
    assert asked.count("/ho-so/moi") == 1 and "/" not in asked  # no home page, no second load
    assert len(moj.applications()) == 1


def test_lookup_and_status(logged_in: Steps, moj: MojSandbox, id_card_png: Path) -> None:
    receipt = submit(logged_in, make_form(id_card_png))
    assert receipt is not None
    other = moj.submit_minimal(idNumber="051090009999")  # someone else's application
    assert other

    found = lookup(logged_in, "051192004567", "01/01/2025", TODAY)
    assert found == [receipt]
    assert lookup(logged_in, "051192004567", "01/01/2020", "31/12/2020") == []

    status = read_status(logged_in, receipt)
    assert (status.status, status.label, status.certificate_number) == ("received", "Đã tiếp nhận", None)
    moj.advance(receipt.code, "processing").raise_for_status()
    moj.advance(receipt.code, "supplement_requested", "Bổ sung ảnh chụp rõ nét").raise_for_status()
    status = read_status(logged_in, receipt.code)
    assert status.status == "supplement_requested"
    assert status.supplement_reason == "Bổ sung ảnh chụp rõ nét"
    for to in ("processing", "finished", "result_returned"):
        moj.advance(receipt.code, to).raise_for_status()
    status = read_status(logged_in, receipt)
    assert status.status == "result_returned"
    assert status.certificate_number is not None and status.certificate_number.startswith("LLTP-")


def test_dry_run_submits_nothing(logged_in: Steps, moj: MojSandbox, id_card_png: Path, evidence: Any) -> None:
    called: list[bool] = []
    assert (
        submit(
            logged_in, make_form(id_card_png), dry_run=True, before_final_click=lambda: called.append(True)
        )
        is None
    )
    assert moj.applications() == []
    assert called == []
    shots = {path.name for path in evidence.folder.glob("*.png")}
    assert "05-review.png" in shots and not any("receipt" in name for name in shots)


def test_captcha_needs_a_person(steps: Steps, moj: MojSandbox) -> None:
    moj.knobs(captcha=True)
    with pytest.raises(HumanNeeded) as caught:
        login(steps, *ACCOUNT)
    assert isinstance(caught.value, CaptchaRequired)
    assert caught.value.image.startswith(b"\x89PNG")


def test_wrong_password_is_a_config_error(steps: Steps) -> None:
    with pytest.raises(ConfigError, match="rejected"):
        login(steps, ACCOUNT[0], "sai-mat-khau")


def test_maintenance_is_a_portal_error(logged_in: Steps, moj: MojSandbox) -> None:
    moj.knobs(maintenance=True)
    with pytest.raises(PortalError, match="503"):
        read_status(logged_in, Receipt("51-LLTP-2611-000001", ""))


def test_session_expiry_mid_flow(logged_in: Steps, moj: MojSandbox, id_card_png: Path) -> None:
    logged_in.page.context.clear_cookies()
    with pytest.raises(PortalError, match="session expired"):
        submit(logged_in, make_form(id_card_png))


def test_check_flows_passes_and_reports_a_missing_name(tmp_path: Path) -> None:
    assert check_flows() == []
    flows, maps = tmp_path / "flows", tmp_path / "selectors"
    shutil.copytree(Path(flows_package.__file__).parent / "judicial_record", flows)
    maps.mkdir()
    text = (SELECTORS_DIR / "moj-lltp.yaml").read_text(encoding="utf-8")
    assert "  applicant.phone:\n" in text
    (maps / "moj-lltp.yaml").write_text(
        text.replace("  applicant.phone:\n", "  applicant.mobile:\n"), encoding="utf-8"
    )
    problems = check_flows(flows, maps)
    assert len(problems) == 1
    assert "'applicant.phone' is missing from the moj-lltp v1 selector map" in problems[0]
    # a second (v2) map without a combobox's value element, and a flow naming an element at run time
    v2 = text.replace("version: 1", "version: 2").replace("  applicant.ethnicity.value:\n", "  x:\n")
    (maps / "moj-lltp.v2.yaml").write_text(v2, encoding="utf-8")
    (flows / "extra.py").write_text('PORTAL = "moj-lltp"\n\n\ndef f(steps, n):\n    steps.click(f"x{n}")\n')
    problems = check_flows(flows, maps)
    assert any("'applicant.ethnicity.value' is missing from the moj-lltp v2" in p for p in problems)
    assert any(p.startswith("extra.py:5: this element name is not a literal string") for p in problems)
    # a page named through a module constant (SUBMIT_PAGE) is checked like a literal
    (maps / "moj-lltp.v2.yaml").write_text(v2.replace("  new_application:", "  new_form:"), encoding="utf-8")
    problems = check_flows(flows, maps)
    assert any("'new_application' is missing from the moj-lltp v2" in p for p in problems), problems


def test_year_only_birth_goes_through(logged_in: Steps, moj: MojSandbox, id_card_png: Path) -> None:
    full = make_form(id_card_png)
    form = full.model_copy(update={"birthDateStr": full.birthDateStr[-4:], "birthYearOnly": True})
    assert submit(logged_in, form) is not None
    stored = moj.applications()[0]["form"]
    assert (stored["birthDateStr"], stored["birthYearOnly"]) == (full.birthDateStr[-4:], True)
