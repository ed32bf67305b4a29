"""The clerk's pages, driven as a clerk drives them in a real Chromium: find a dossier by code, identity
number or a name typed without diacritics, push it with "Chuyển sang Bộ" and watch its steps arrive
live until the ministry's receipt; read a CAPTCHA on "Chờ cán bộ" and see the transfer resume; approve
or reject an application before its final click. And the guarantees under them: the role and the CSRF
token checked on the server, images only by a desk's own request id, names with markup shown as text,
every view of personal data and every decision in the audit log."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import httpx
import pytest
from playwright.sync_api import Page, expect

from rpa.config import ProcedureSettings
from rpa.console.clerk_runs import ClerkRuns
from rpa.domain import DossierStatus
from rpa.domain.text import fold
from rpa.ledger import TransferState
from rpa.ledger.audit import read_audit
from rpa.portal.approval import ApprovalDesk
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from console.conftest import Console

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
S = TransferState
SHOTS = Path(__file__).parent / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}

SEEDED = generate(1414, 40)
VALID = [d for d in SEEDED if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)]
FLAWED = {d.flaw: d for d in SEEDED if d.flaw is not None}


def _shoot(page: Page, name: str) -> None:
    """The page at laptop and at tablet width (looked at while writing these tests)."""
    SHOTS.mkdir(exist_ok=True)
    for label, size in (("1366", LAPTOP), ("820", TABLET)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)


def _wait(what: str, check: Callable[[], bool], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _state(console: Console, code: str) -> TransferState | None:
    found = console.ledger.find(code)
    return None if found is None else found.state


def test_a_clerk_finds_a_new_dossier_pushes_it_and_sees_the_receipt_live(
    console: Console, page: Page
) -> None:
    dossier = VALID[0]
    (code,) = console.world.add(dossier)
    name = dossier.data["applicant"]["full_name"]
    number = dossier.data["applicant"]["identity"]["number"]
    page.set_viewport_size(LAPTOP)
    console.login(page, "lan")
    page.goto(f"{console.url}/ho-so")
    page.get_by_label("Mã hồ sơ, số định danh hoặc họ tên người nộp").fill(code)
    page.get_by_role("button", name="Tìm").click()
    # not in the ledger yet: found by its exact code in the provincial system, ready to push
    row = page.locator("tr", has_text=code)
    expect(row).to_contain_text("Chưa chuyển sang Bộ")
    expect(row).to_contain_text(name)
    _shoot(page, "clerk-search-new")
    row.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    expect(page.locator("#clerk-state")).to_have_text("Chưa chuyển sang Bộ")

    page.get_by_role("button", name="Chuyển sang Bộ").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã bắt đầu chuyển")
    # the portal's steps arrive while the bot is still at work, then the receipt
    expect(page.locator("#clerk-steps li").first).to_be_visible(timeout=60_000)
    expect(page.locator("#clerk-outcome")).to_contain_text("cấp mã hồ sơ", timeout=120_000)
    transfer = console.ledger.find(code)
    assert transfer is not None and transfer.state is S.WRITTEN_BACK and transfer.receipt_code
    expect(page.locator("#clerk-receipt")).to_have_text(transfer.receipt_code)
    expect(page.locator("#clerk-state")).to_have_text("Đã cập nhật về một cửa")
    steps = page.locator("#clerk-steps li").all_inner_texts()
    assert any(s.startswith("Điền ô") for s in steps) and any(s.startswith("Bấm") for s in steps)
    assert any(s.startswith("Tải lên tệp") for s in steps)
    assert not any(number in s or name in s for s in steps), "a step shows a value typed"
    events = page.locator("#clerk-events li").all_inner_texts()
    assert any("Cán bộ lan" in e for e in events) and any(transfer.receipt_code in e for e in events)
    _shoot(page, "clerk-dossier-done")

    # the worker recorded what a clerk finds it by; the identity number only as an HMAC
    assert transfer.requested_by == "lan" and transfer.applicant_name == name
    assert transfer.applicant_search == " ".join(fold(name).lower().split())
    assert transfer.identity_digest and number not in transfer.identity_digest
    audit = read_audit(console.ledger.engine, actor="lan")
    assert {"view_dossier", "start_transfer", "search_dossiers"} <= {a.action for a in audit}
    assert any(a.action == "view_dossier" and a.target == code for a in audit)
    assert not any(number in str(a.detail) or number in a.target for a in audit)

    # found again by a name typed without diacritics and in lower case, by identity number, by prefix
    for query in (fold(name).lower(), " ".join(fold(name).upper().split()[-2:]), number, code[:-2]):
        page.goto(f"{console.url}/ho-so?q={quote_plus(query)}")
        expect(page.locator("tr", has_text=code)).to_contain_text("Đã cập nhật về một cửa")
    page.goto(f"{console.url}/ho-so")
    expect(page.locator("tr", has_text=code)).to_contain_text(transfer.receipt_code)
    _shoot(page, "clerk-search-list")
    for size in (LAPTOP, TABLET):  # the whole list readable without scrolling sideways
        page.set_viewport_size(size)
        assert page.evaluate("() => document.querySelector('.table-wrap').scrollWidth") <= page.evaluate(
            "() => document.querySelector('.table-wrap').clientWidth"
        )


def test_a_second_start_is_refused_while_one_runs(console: Console) -> None:
    (code,) = console.world.add(VALID[1])
    client = console.client("lan")
    first = client.post(f"/ho-so/{code}/chuyen", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    second = client.post(f"/ho-so/{code}/chuyen", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert first.status_code == 303 and first.headers["location"].endswith("tb=da-bat-dau")
    assert second.status_code == 303 and second.headers["location"].endswith("tb=dang-chay")
    _wait("the run to end", lambda: not client.get(f"/api/ho-so/{code}/tien-trinh").json()["running"])
    assert _state(console, code) is S.WRITTEN_BACK
    progress = client.get(f"/api/ho-so/{code}/tien-trinh").json()
    assert progress["run"]["by"] == "lan" and progress["run"]["error"] is None
    assert progress["transfer"]["receipt_code"] and progress["run"]["steps"]
    again = client.post(f"/ho-so/{code}/chuyen", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert again.status_code == 409  # submitted: never pushed twice
    assert len([a for a in console.world.applications() if a["form"]["idNumber"] == _id(VALID[1])]) == 1


def _id(dossier: object) -> str:
    number: str = dossier.data["applicant"]["identity"]["number"]  # type: ignore[attr-defined]
    return number


def test_a_clerk_reads_the_captcha_on_the_page_and_the_transfer_resumes(console: Console, page: Page) -> None:
    world = console.world
    (code,) = world.add(VALID[2])
    world.portal_knobs("moj-lltp", captcha=True)
    for saved in (world.settings.work_dir / "browser-state").glob("moj-lltp-*"):
        saved.unlink()  # no saved login: the bot meets the login page and its CAPTCHA
    try:
        page.set_viewport_size(LAPTOP)
        console.login(page, "lan")
        page.goto(f"{console.url}/ho-so/{code}")
        page.get_by_role("button", name="Chuyển sang Bộ").click()
        expect(page.locator("#clerk-outcome")).to_contain_text("mã xác nhận", timeout=60_000)
        page.get_by_role("link", name="mở trang Chờ cán bộ để đọc mã").click()
        form = page.locator("form.clerk-captcha", has_text=code)
        image = form.get_by_role("img", name=f"Mã xác nhận của hồ sơ {code}")
        expect(image).to_be_visible()
        assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
        _shoot(page, "clerk-waiting-captcha")
        answer = httpx.get(f"{world.moj}/_sandbox/captcha", timeout=10).json()["answer"]
        form.get_by_label("Mã đọc được trên ảnh").fill(answer)
        form.get_by_role("button", name="Gửi mã").click()
        expect(page.get_by_role("status").first).to_contain_text("Đã gửi mã xác nhận")
        expect(page.locator("#clerk-outcome")).to_contain_text("cấp mã hồ sơ", timeout=120_000)
    finally:
        world.portal_knobs("moj-lltp", captcha=False)
    trail = [e.to_state for e in world.events(code)]
    assert S.WAITING_HUMAN in trail and trail[-1] is S.WRITTEN_BACK
    assert any(a.action == "answer_captcha" and a.target == code for a in read_audit(console.ledger.engine))
    page.goto(f"{console.url}/cho-xu-ly")
    expect(page.locator("form.clerk-captcha")).to_have_count(0)


@pytest.fixture
def approval(console: Console) -> Iterator[ProcedureSettings]:
    """The judicial record procedure configured to need a person's approval before the final click."""
    procedures = console.world.settings.procedures
    before = procedures.get("judicial_record")
    procedures["judicial_record"] = ProcedureSettings(require_approval=True)
    yield procedures["judicial_record"]
    if before is None:
        del procedures["judicial_record"]
    else:
        procedures["judicial_record"] = before


def _open_approval(console: Console, page: Page, code: str) -> None:
    page.goto(f"{console.url}/ho-so/{code}")
    page.get_by_role("button", name="Chuyển sang Bộ").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã bắt đầu chuyển")  # the POST is through
    page.goto(f"{console.url}/cho-xu-ly")
    deadline = time.monotonic() + 90
    while page.locator("article.clerk-approval", has_text=code).count() == 0:
        assert time.monotonic() < deadline, "no approval request appeared"
        time.sleep(1)
        page.reload()


def test_an_approved_application_is_submitted_and_a_rejected_one_is_not(
    console: Console, page: Page, approval: ProcedureSettings
) -> None:
    world = console.world
    approved, rejected = world.add(VALID[3], VALID[4])
    page.set_viewport_size(LAPTOP)
    console.login(page, "lan")

    _open_approval(console, page, approved)
    article = page.locator("article.clerk-approval", has_text=approved)
    shot = article.get_by_role("img", name=f"Ảnh trang của Bộ ngay trước khi nộp hồ sơ {approved}")
    expect(shot).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", shot.element_handle()) > 300
    expect(article.locator(".clerk-values")).to_contain_text(_id(VALID[3]))  # the values to be submitted
    assert _state(console, approved) is S.FILLING and world.applications_of(_id(VALID[3])) == []
    _shoot(page, "clerk-waiting-approval")
    article.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã duyệt")
    expect(page.locator("#clerk-outcome")).to_contain_text("cấp mã hồ sơ", timeout=120_000)
    assert len(world.applications_of(_id(VALID[3]))) == 1
    events = page.locator("#clerk-events li").all_inner_texts()
    assert any("cán bộ lan đã duyệt nộp" in e for e in events)

    _open_approval(console, page, rejected)
    article = page.locator("article.clerk-approval", has_text=rejected)
    article.get_by_role("button", name="Từ chối").click()  # without a reason: refused
    expect(page.get_by_role("alert")).to_contain_text("Từ chối cần ghi lý do")
    page.go_back()
    page.reload()
    article = page.locator("article.clerk-approval", has_text=rejected)
    article.get_by_label("Lý do (bắt buộc khi từ chối)").fill("Ảnh CCCD mờ, đề nghị công dân bổ sung")
    article.get_by_role("button", name="Từ chối").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã từ chối")
    expect(page.locator("#clerk-state")).to_have_text("Lỗi nghiệp vụ", timeout=60_000)
    expect(page.locator("#clerk-reasons")).to_contain_text("Ảnh CCCD mờ, đề nghị công dân bổ sung")
    _shoot(page, "clerk-dossier-rejected")
    transfer = console.ledger.find(rejected)
    assert transfer is not None and transfer.state is S.FAILED_BUSINESS
    assert transfer.business_reasons == (
        "Cán bộ lan không duyệt nộp hồ sơ: Ảnh CCCD mờ, đề nghị công dân bổ sung",
    )
    assert S.SUBMITTING not in [e.to_state for e in world.events(rejected)]
    assert world.applications_of(_id(VALID[4])) == []  # nothing reached the portal
    decisions = [
        a for a in read_audit(console.ledger.engine, actor="lan") if a.action.endswith("_submission")
    ]
    assert {(a.action, a.target) for a in decisions} == {
        ("approve_submission", approved),
        ("reject_submission", rejected),
    }
    assert next(a for a in decisions if a.target == rejected).reason.startswith("Ảnh CCCD mờ")


def test_an_approval_nobody_gives_ends_the_attempt_without_the_click(
    console: Console, approval: ProcedureSettings
) -> None:
    world = console.world
    (code,) = world.add(VALID[5])
    before = world.settings.captcha_wait_s
    world.settings.captcha_wait_s = 2.0
    try:
        client = console.client("lan")
        client.post(f"/ho-so/{code}/chuyen", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
        _wait("the run to end", lambda: not client.get(f"/api/ho-so/{code}/tien-trinh").json()["running"])
    finally:
        world.settings.captcha_wait_s = before
    transfer = console.ledger.find(code)
    assert transfer is not None and transfer.state is S.QUEUED and transfer.next_attempt_at is not None
    assert S.SUBMITTING not in [e.to_state for e in world.events(code)]
    assert world.applications_of(_id(VALID[5])) == []
    page_html = client.get("/cho-xu-ly").text
    assert code not in page_html  # the expired request is no longer offered


def test_a_console_that_stops_ends_its_runs_safely(console: Console, approval: ProcedureSettings) -> None:
    """Stopping the console stops its transfers as SIGTERM stops ``rpa transfer``: the wait for a person
    is cancelled, nothing is clicked, the transfer goes back to the queue, the thread ends."""
    world = console.world
    (code,) = world.add(VALID[8])
    runs = ClerkRuns(world.settings)
    run = runs.start(code, "lan")
    assert run is not None and runs.start(code, "lan") is None
    desk = ApprovalDesk(world.settings.work_dir / "approval")
    _wait("the approval request", lambda: any(r.dossier_code == code for r in desk.list()))
    (request,) = [r for r in desk.list() if r.dossier_code == code]
    runs.close(timeout_s=60)
    assert run.done and run.thread is not None and not run.thread.is_alive()
    assert desk.get(request.id).status == "cancelled"
    assert _state(console, code) is S.QUEUED
    assert S.SUBMITTING not in [e.to_state for e in world.events(code)]
    assert world.applications_of(_id(VALID[8])) == []
    assert runs.start(code, "lan") is None  # a stopping console starts nothing new


def test_names_with_markup_show_as_text(console: Console, page: Page) -> None:
    dossier = VALID[6]
    (code,) = console.world.add(dossier)
    transfer = console.ledger.enqueue(code, "judicial_record", actor="test")
    hostile = '<script>alert(1)</script> Lê "Văn" O\'Brien <img src=x onerror=alert(2)>'
    console.login(page, "lan")  # a name the ledger does not have yet is read from the provincial system
    page.goto(f"{console.url}/ho-so/{code}")
    expect(page.locator("#clerk-applicant")).to_have_text(dossier.data["applicant"]["full_name"])
    console.ledger.record(transfer.id, actor="test", applicant_name=hostile, applicant_search="le van obrien")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{console.url}/ho-so?q=le+van")
    expect(page.locator("tr", has_text=code)).to_contain_text(hostile)
    page.goto(f"{console.url}/ho-so/{code}")
    expect(page.locator("#clerk-applicant")).to_have_text(hostile)
    assert page.locator("#clerk-applicant script, #clerk-applicant img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_a_refused_dossier_shows_its_reasons_and_a_scripted_name_as_text(
    console: Console, page: Page
) -> None:
    """The seeded dossier whose applicant is named ``<script>alert(1)</script>`` goes through the real
    path: the worker refuses it before the portal, records the name as written, and every page shows
    that name as text and the reasons in Vietnamese."""
    dossier = FLAWED["html_in_name"]
    (code,) = console.world.add(dossier)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size(LAPTOP)
    console.login(page, "lan")
    page.goto(f"{console.url}/ho-so/{code}")
    expect(page.locator("#clerk-applicant")).to_have_text(
        "<script>alert(1)</script>"
    )  # from the provincial API
    page.get_by_role("button", name="Chuyển sang Bộ").click()
    expect(page.locator("#clerk-state")).to_have_text("Lỗi nghiệp vụ", timeout=60_000)
    expect(page.locator("#clerk-outcome")).to_contain_text("Chưa nộp được")
    transfer = console.ledger.find(code)
    assert transfer is not None and transfer.business_reasons
    assert transfer.applicant_name == "<script>alert(1)</script>"
    reasons = page.locator("#clerk-reasons li").all_inner_texts()
    assert reasons == list(transfer.business_reasons)
    assert any("Họ" in r or "tên" in r for r in reasons), reasons  # the clerk reads which field is wrong
    _shoot(page, "clerk-dossier-refused")
    page.goto(f"{console.url}/ho-so?q={quote_plus('<SCRIPT>')}")
    expect(page.locator("tr", has_text=code)).to_contain_text("<script>alert(1)</script>")
    assert page.locator("main script").count() == 0
    page.goto(f"{console.url}/ho-so?q={quote_plus('%_')}")  # LIKE wildcards are only characters
    expect(page.locator("main")).to_contain_text("Không có hồ sơ nào khớp")
    assert dialogs == []


def test_pages_and_actions_need_a_signed_in_clerk_and_a_csrf_token(console: Console) -> None:
    (code,) = console.world.add(VALID[7])
    anonymous = console.client()
    assert anonymous.get("/ho-so", headers={"accept": "text/html"}).status_code == 303
    assert anonymous.get(f"/api/ho-so/{code}/tien-trinh").status_code == 401
    assert anonymous.post(f"/ho-so/{code}/chuyen", headers={"accept": "application/json"}).status_code == 401
    assert (
        anonymous.get("/cho-xu-ly/ma-xac-nhan/0123abcd/anh", headers={"accept": "image/png"}).status_code
        == 401
    )
    client = console.client("lan")
    refused = client.post(f"/ho-so/{code}/chuyen", data={"csrf_token": "not-the-token"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.post(f"/ho-so/{code}/chuyen").status_code == 403
    assert client.post("/cho-xu-ly/duyet/0123abcd", data={"decision": "approve"}).status_code == 403
    assert client.post("/cho-xu-ly/ma-xac-nhan/0123abcd", data={"answer": "x"}).status_code == 403
    assert console.ledger.find(code) is None  # nothing started
    for bad in ("-rf", "a%20b", "x%3Cscript%3E", "%2E%2E", ".hidden"):  # never a ledger row, file or URL
        response = client.get(f"/ho-so/{bad}")
        assert response.status_code == 404 and "<script>" not in response.text
        assert client.post(f"/ho-so/{bad}/chuyen", data={"csrf_token": client.csrf}).status_code == 404  # type: ignore[attr-defined]
    # a supervisor and an admin may use the clerk's pages too
    assert console.client("minh").get(f"/ho-so/{code}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/cho-xu-ly/ma-xac-nhan/..%2F..%2Fetc%2Fpasswd/anh",
        "/cho-xu-ly/ma-xac-nhan/....%2F..%2Fsearch.key/anh",
        "/cho-xu-ly/duyet/..%2F..%2F..%2Fetc%2Fpasswd/anh",
        "/cho-xu-ly/duyet/0123ABCD/anh",
        "/cho-xu-ly/ma-xac-nhan/0123abcd/anh",
        "/cho-xu-ly/ma-xac-nhan/%2Fetc%2Fpasswd/anh",
    ],
)
def test_images_are_served_only_by_a_desk_request_id(console: Console, path: str) -> None:
    response = console.client("lan").get(path)
    assert response.status_code == 404
    assert "root:" not in response.text and not response.headers["content-type"].startswith("image/")


def test_a_system_error_ends_the_page_on_a_vietnamese_message(console: Console, page: Page) -> None:
    """Last in the module: the portal is down for maintenance, the transfer fails and is queued for a
    retry; the page ends on the system error in Vietnamese, not on a receipt."""
    world = console.world
    (code,) = world.add(VALID[9])
    world.portal_knobs("moj-lltp", maintenance=True)
    try:
        page.set_viewport_size(LAPTOP)
        console.login(page, "lan")
        page.goto(f"{console.url}/ho-so/{code}")
        page.get_by_role("button", name="Chuyển sang Bộ").click()
        expect(page.locator("#clerk-outcome")).to_contain_text(
            "Lỗi hệ thống, hồ sơ chưa được nộp; bot sẽ tự thử lại sau", timeout=120_000
        )
    finally:
        world.portal_knobs("moj-lltp", maintenance=False)
    _shoot(page, "clerk-dossier-system-error")
    transfer = console.ledger.find(code)
    assert transfer is not None and transfer.state is S.QUEUED and transfer.last_error
    assert S.FAILED_SYSTEM in [e.to_state for e in world.events(code)]
    assert world.applications_of(_id(VALID[9])) == []
