"""The supervisor's pages against a real sandbox: dossiers of every procedure transferred by the bots
(submitted, refused on the dossier's own flaws, failed on a portal under maintenance), then the
dashboard, the list, a transfer's evidence and the actions driven in real Chromium or over HTTP.

Each test attacks a guarantee: the role and the CSRF token are checked on the server, evidence is found
from ledger ids and never from a path, every view and action lands in the audit log with the
supervisor's name and reason, a name holding a script tag shows as text, an export never holds a formula.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from console.conftest import Console
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from rpa.clock import VN
from rpa.ledger import Ledger, Transfer, TransferState
from rpa.ledger.audit import read_audit
from rpa.ledger.states import clerk, worker
from rpa.portal.breaker import Breaker

S = TransferState
PROCEDURES = ["judicial_record", "business_registration", "road_transport"]
SCRIPT_NAME = """<script>window.pwned = 1</script>Nguyễn "Văn" 'An' <b>đậm</b>"""
PAST_DAY = datetime(2026, 1, 12, 3, 0, tzinfo=UTC)  # 12/01/2026 in Vietnam: the pagination set
SHOTS = Path(os.environ.get("RPA_CONSOLE_SHOTS", "/tmp/rpa-console-shots"))


@dataclass
class Seeded:
    submitted: Transfer  # written back, with screenshots and a trace
    refused: Transfer  # failed_business: the dossier's own flaw
    down: Transfer  # failed_system: the ministry portal under maintenance
    review: Transfer  # needs_review: moved there through the state machine as a worker does


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height, tag in ((1366, 768, "laptop"), (820, 1180, "tablet")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SHOTS / f"supervisor-{name}-{tag}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


@pytest.fixture(scope="module")
def seeded(console: Console) -> Seeded:
    world = console.world
    world.reconfigure(keep_trace="always")
    world.seed_procedures(41, 12, PROCEDURES)  # index 3 of each procedure carries a flaw
    assert world.rpa("run", "--once").returncode in (0, 1, 2)
    world.reconfigure(keep_trace="always", retry={"max_attempts": 1})  # no back-off: it stays failed
    world.portal_knobs("moj-lltp", maintenance=True)
    try:
        down_code = world.seed_procedures(42, 1, ["judicial_record"])[0]
        world.rpa("run", "--once")
    finally:
        world.portal_knobs("moj-lltp", maintenance=False)
    transfers = world.transfers()
    submitted = next(
        t for t in transfers if t.state is S.WRITTEN_BACK and t.flow == "judicial_record" and t.receipt_code
    )
    refused = next(t for t in transfers if t.state is S.FAILED_BUSINESS)
    down = world.transfer(down_code)
    assert down is not None and down.state is S.FAILED_SYSTEM, down
    # a look-up that could not tell which application is this dossier's: queued → ... → needs_review
    ledger = console.ledger
    review = ledger.enqueue("000.00.01.H55-260101-0099", "judicial_record", actor="scheduler")
    bot = "host-test"
    ledger.transition(review.id, S.FILLING, actor=worker(bot), worker_id=bot)
    ledger.transition(review.id, S.SUBMITTING, actor=worker(bot), worker_id=bot)
    ledger.transition(review.id, S.UNCERTAIN, actor=worker(bot), worker_id=bot, reason="no answer")
    review = ledger.transition(
        review.id,
        S.NEEDS_REVIEW,
        actor=worker(bot),
        worker_id=bot,
        reason="hai hồ sơ có thể là của hồ sơ này",
    )
    return Seeded(submitted, refused, down, review)


def _audit(console: Console, action: str, transfer: Transfer) -> list[str]:
    entries = read_audit(console.ledger.engine, action=action, target=f"transfer:{transfer.id}")
    return [e.actor for e in entries]


# -- dashboard ---------------------------------------------------------------------------------------------


def test_dashboard_shows_today_per_procedure_failures_and_charts(
    console: Console, seeded: Seeded, page: Page
) -> None:
    console.login(page, "minh")
    page.goto(f"{console.url}/tong-quan")
    expect(page.get_by_role("heading", name="Tổng quan ngày")).to_be_visible()
    counts = page.locator("section.sv-counts")
    for title in ("Cấp Phiếu lý lịch tư pháp", "Đăng ký thành lập công ty TNHH một thành viên"):
        expect(counts.get_by_role("rowheader", name=title)).to_be_visible()
    failures = page.locator("section", has=page.get_by_role("heading", name="Lỗi cần xem"))
    expect(failures.get_by_role("link", name=seeded.refused.dossier_code)).to_be_visible()
    expect(failures.get_by_text("Hệ thống đang bảo trì").first).to_be_visible()
    reasons = "; ".join(seeded.refused.business_reasons)
    expect(failures.get_by_text(seeded.refused.business_reasons[0], exact=False).first).to_be_visible()
    assert reasons
    # three charts drawn on the server, each with a title, and the same figures as a table
    assert page.locator("svg.chart").count() == 3
    assert page.locator("svg.chart rect.bar").count() >= 3
    expect(page.locator("svg.chart title").first).to_have_text("Số hồ sơ nộp sang Bộ mỗi ngày")
    page.get_by_text("Xem số liệu 30 ngày dạng bảng").click()
    today = datetime.now(VN).strftime("%d/%m/%Y")
    row = page.get_by_role("row", name=today)
    expect(row).to_be_visible()
    submitted_today = int(page.locator(".sv-figures .figure").first.inner_text())
    assert submitted_today >= 5
    expect(row.get_by_role("cell").first).to_have_text(str(submitted_today))
    _shoot(page, "dashboard")


def test_an_open_breaker_shows_its_drift_and_a_reset_needs_a_reason(
    console: Console, seeded: Seeded, page: Page
) -> None:
    settings = console.world.settings
    breaker = Breaker(settings.work_dir, "dkkd", settings.breaker_cooldown_s)
    breaker.open("selector map v1 of dkkd no longer matches: business.name (#tenDoanhNghiep) not found")
    console.login(page, "minh")
    page.goto(f"{console.url}/tong-quan")
    alert = page.locator("section.sv-alert")
    expect(alert).to_contain_text("dkkd")
    expect(alert).to_contain_text("business.name (#tenDoanhNghiep) not found")
    _shoot(page, "dashboard-breaker")
    alert.get_by_label("Lý do đặt lại").fill("   ")  # passes the browser's check, not the server's
    alert.get_by_role("button", name="Đặt lại cầu dao").click()
    expect(page.get_by_role("alert")).to_contain_text("Hãy ghi lý do")
    assert breaker.state() is not None
    page.locator("section.sv-alert").get_by_label("Lý do đặt lại").fill("Đã cập nhật bản đồ giao diện v2")
    page.locator("section.sv-alert").get_by_role("button", name="Đặt lại cầu dao").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đặt lại cầu dao")
    assert breaker.state() is None
    entry = read_audit(console.ledger.engine, action="reset_breaker", target="portal:dkkd")[0]
    assert (entry.actor, entry.reason) == ("minh", "Đã cập nhật bản đồ giao diện v2")
    assert "tenDoanhNghiep" in entry.detail["drift"]


def test_a_transfer_page_offers_its_portals_breaker_and_goes_back_to_that_transfer_only(
    console: Console, seeded: Seeded
) -> None:
    settings = console.world.settings
    breaker = Breaker(settings.work_dir, "moj-lltp", settings.breaker_cooldown_s)
    t = seeded.submitted  # a judicial-record transfer: its portal is moj-lltp
    try:
        breaker.open("selector map v1 of moj-lltp no longer matches: applicant.full_name")
        with console.client("minh") as client:
            page = client.get(f"/chuyen/{t.id}", headers={"accept": "text/html"}).text
            assert "/tong-quan/cau-dao/moj-lltp/dat-lai" in page and "applicant.full_name" in page
            url = "/tong-quan/cau-dao/moj-lltp/dat-lai"
            form = {"csrf_token": client.csrf, "ly_do": "Bản đồ v2 đã có"}  # type: ignore[attr-defined]
            response = client.post(url, data={**form, "chuyen": str(t.id)})
            assert (response.status_code, response.headers["location"]) == (
                303,
                f"/chuyen/{t.id}?xong=breaker",
            )
            assert breaker.state() is None
            breaker.open("drift again")
            response = client.post(url, data={**form, "chuyen": "https://example.org/"})
            assert response.headers["location"] == "/tong-quan?xong=breaker"  # never a URL from the form
            assert client.post("/tong-quan/cau-dao/..%2Fbreakers/dat-lai", data=form).status_code == 404
            closed = client.post(url, data=form, headers={"accept": "text/html"})
            assert closed.status_code == 409 and "đang đóng" in closed.text
    finally:
        breaker.close()


# -- one transfer: evidence, actions ---------------------------------------------------------------------


def test_transfer_page_shows_timeline_screenshots_typed_values_answer_and_trace(
    console: Console, seeded: Seeded, page: Page
) -> None:
    t = seeded.submitted
    views_before = len(_audit(console, "view_evidence", t))
    console.login(page, "minh")
    page.goto(f"{console.url}/chuyen/{t.id}")
    expect(page.get_by_role("heading", name=f"Hồ sơ {t.dossier_code}")).to_be_visible()
    expect(page.locator(".timeline li")).to_have_count(len(console.ledger.events(t.id)))
    expect(page.locator(".sv-answer")).to_contain_text(str(t.receipt_code))
    shots = page.locator(".sv-shots img")
    assert shots.count() >= 3
    shots.last.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    for index in range(shots.count()):  # every screenshot really loaded from the authorised route
        shots.nth(index).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=shots.nth(index).element_handle()
        )
    page.get_by_text("Giá trị bot đã nhập").first.click()
    expect(page.locator(".sv-typed").first).to_contain_text("applicant.full_name")
    expect(page.get_by_text("python -m playwright show-trace trace.zip").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản ghi trace").first.click()
    path = download.value.path()
    assert path.read_bytes()[:2] == b"PK"  # a zip
    _shoot(page, "transfer")
    assert "minh" in _audit(console, "view_transfer", t)
    assert len(_audit(console, "view_evidence", t)) >= views_before + shots.count()
    assert _audit(console, "download_trace", t)[0] == "minh"


def test_evidence_is_addressed_by_ledger_ids_never_by_a_path(console: Console, seeded: Seeded) -> None:
    t = seeded.submitted
    with console.client("minh") as client:
        assert client.get(f"/chuyen/{t.id}/bang-chung/1/1").headers["content-type"] == "image/png"
        for bad in (
            f"/chuyen/{t.id}/bang-chung/..%2F..%2F..%2Fetc%2Fpasswd/1",
            f"/chuyen/{t.id}/bang-chung/1/..%2F..%2Fmanifest.json",
            f"/chuyen/{t.id}/bang-chung/1/999",
            f"/chuyen/{t.id}/bang-chung/0/1",
            f"/chuyen/{t.id}/bang-chung/99/1",
            f"/chuyen/{t.id}/trace/99",
            "/chuyen/999999/bang-chung/1/1",
            "/chuyen/..%2F..%2Fetc%2Fpasswd",
        ):
            response = client.get(bad)
            assert response.status_code == 404, bad
            assert b"root:" not in response.content
        # a link planted in the evidence folder that points outside is never listed nor served
        folder = console.world.evidence_folders(t.dossier_code)[0]
        planted = folder / "00-planted.png"
        planted.symlink_to("/etc/passwd")
        try:
            first = client.get(f"/chuyen/{t.id}/bang-chung/1/1")
            assert first.status_code == 200 and first.content[:4] == b"\x89PNG"
            page = client.get(f"/chuyen/{t.id}", headers={"accept": "text/html"}).text
            assert "00-planted" not in page
        finally:
            planted.unlink()
    # a dossier code that could escape the recordings folder has no evidence at all
    odd = console.ledger.enqueue("../../etc", "judicial_record", actor="scheduler")
    console.ledger.transition(odd.id, S.FAILED_BUSINESS, actor=clerk("test"), reason="test")
    with console.client("minh") as client:
        assert client.get(f"/chuyen/{odd.id}/bang-chung/1/1").status_code == 404
        assert "Chưa có bằng chứng" in client.get(f"/chuyen/{odd.id}", headers={"accept": "text/html"}).text


def test_supervisor_retries_a_failed_transfer_the_audit_log_shows_it_and_the_bot_submits_it(
    console: Console, seeded: Seeded, page: Page
) -> None:
    t = seeded.down
    console.login(page, "minh")
    page.goto(f"{console.url}/chuyen/{t.id}")
    form = page.locator("form[action$='/thu-lai']")
    form.get_by_label("Lý do thử lại").fill("  ")
    form.get_by_role("button", name="Thử lại").click()
    expect(page.get_by_role("alert")).to_contain_text("Hãy ghi lý do")
    assert console.ledger.get(t.id).state is S.FAILED_SYSTEM
    reason = "Cổng Bộ Tư pháp đã hết bảo trì"
    page.locator("form[action$='/thu-lai']").get_by_label("Lý do thử lại").fill(reason)
    page.locator("form[action$='/thu-lai']").get_by_role("button", name="Thử lại").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xếp lượt chuyển vào hàng chờ")
    expect(page.locator(".sv-facts").first).to_contain_text("Chờ chuyển")
    log = page.locator("section", has=page.get_by_role("heading", name="Nhật ký giám sát"))
    expect(log).to_contain_text("Thử lại")
    expect(log).to_contain_text("minh")
    expect(log).to_contain_text(reason)
    _shoot(page, "transfer-retried")
    entry = read_audit(console.ledger.engine, action="retry_transfer", target=f"transfer:{t.id}")[0]
    assert (entry.actor, entry.reason, entry.detail["before"]) == ("minh", reason, "failed_system")
    last = console.ledger.events(t.id)[-1]
    assert (last.to_state, last.actor) == (S.QUEUED, "clerk:minh") and reason in last.reason
    console.world.rpa("run", "--once")
    after = console.ledger.get(t.id)
    assert after.state in (S.SUBMITTED, S.WRITTEN_BACK) and after.receipt_code


def test_cancel_resolve_and_refusals_follow_the_state_machine(console: Console, seeded: Seeded) -> None:
    ledger = console.ledger
    with console.client("minh") as client:

        def post(transfer: Transfer, action: str, **form: str) -> tuple[int, str]:
            response = client.post(
                f"/chuyen/{transfer.id}/{action}",
                data={"csrf_token": client.csrf, **form},  # type: ignore[attr-defined]
                headers={"accept": "text/html"},
            )
            return response.status_code, response.text

        # actions the state does not allow: a Vietnamese message, never a 500, nothing moved
        status, text = post(seeded.submitted, "thu-lai", ly_do="thử")
        assert status == 409 and "Chỉ thử lại được lượt chuyển bị lỗi" in text
        status, text = post(seeded.submitted, "huy", ly_do="huỷ")
        assert status == 409 and "Chỉ huỷ được" in text
        status, text = post(seeded.refused, "da-xu-ly", ly_do="x", ma_ho_so_bo="51-LLTP-2612-999999")
        assert status == 409 and "Chỉ đánh dấu đã xử lý" in text
        assert (
            client.post(f"/chuyen/{seeded.refused.id}/xoa", data={"csrf_token": client.csrf}).status_code
            == 404
        )  # type: ignore[attr-defined]
        assert ledger.get(seeded.submitted.id).state is S.WRITTEN_BACK

        # cancel a queued transfer: failed_business with the supervisor's reason, nothing retries it
        queued = ledger.enqueue("000.00.01.H55-260101-0098", "judicial_record", actor="scheduler")
        status, text = post(queued, "huy", ly_do="")
        assert status == 400 and "Hãy ghi lý do" in text
        status, _ = post(queued, "huy", ly_do="Công dân rút hồ sơ")
        assert status == 303
        cancelled = ledger.get(queued.id)
        assert cancelled.state is S.FAILED_BUSINESS
        assert cancelled.business_reasons == ("Giám sát huỷ: Công dân rút hồ sơ",)
        assert _audit(console, "cancel_transfer", queued) == ["minh"]

        # mark resolved: needs_review → submitted with the receipt the supervisor read on the portal
        review = seeded.review
        status, text = post(review, "da-xu-ly", ly_do="Đã xem cổng", ma_ho_so_bo="HS-2612-000001")
        assert status == 400 and "sai định dạng" in text
        taken = str(seeded.submitted.receipt_code)
        status, text = post(review, "da-xu-ly", ly_do="Đã xem cổng", ma_ho_so_bo=taken)
        assert status == 409 and "đã thuộc một hồ sơ khác" in text
        assert ledger.get(review.id).state is S.NEEDS_REVIEW
        status, _ = post(
            review, "da-xu-ly", ly_do="Đã xem cổng, đúng người", ma_ho_so_bo="51-LLTP-2612-999999"
        )
        assert status == 303
        resolved = ledger.get(review.id)
        assert (resolved.state, resolved.receipt_code) == (S.SUBMITTED, "51-LLTP-2612-999999")
        entry = read_audit(ledger.engine, action="resolve_transfer", target=f"transfer:{review.id}")[0]
        assert (entry.actor, entry.reason, entry.detail["receipt"]) == (
            "minh",
            "Đã xem cổng, đúng người",
            "51-LLTP-2612-999999",
        )


# -- the list, its export, the daily report --------------------------------------------------------------


@pytest.fixture(scope="module")
def past(console: Console, seeded: Seeded) -> list[Transfer]:
    """55 transfers queued on 12/01/2026 (then cancelled, so no bot takes them): two pages."""
    names = ['=HYPERLINK("http://x","bấm")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", SCRIPT_NAME]
    made = []
    with Ledger(console.world.settings.ledger_url, clock=lambda: PAST_DAY) as ledger:
        for n in range(55):
            t = ledger.enqueue(f"000.00.01.H55-260112-{n:04d}", "road_transport", actor="scheduler")
            t = ledger.transition(
                t.id,
                S.FAILED_BUSINESS,
                actor=clerk("hoa"),
                reason="thử phân trang",
                applicant_name=names[n % len(names)] if n < len(names) else f"Người nộp {n}",
            )
            made.append(t)
    return made


def test_list_filters_paginate_with_a_stable_order(
    console: Console, past: list[Transfer], page: Page
) -> None:
    console.login(page, "minh")
    page.goto(f"{console.url}/chuyen")
    page.get_by_label("Từ ngày").fill("12/01/2026")
    page.get_by_label("Đến ngày").fill("12/01/2026")
    page.get_by_label("Thủ tục").select_option(label="Cấp phù hiệu xe ô tô kinh doanh vận tải")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_text("1–50 trên 55 lượt chuyển")).to_be_visible()
    first_page = page.locator("tbody tr td:first-child a").all_inner_texts()
    _shoot(page, "transfers")
    page.get_by_role("link", name="Trang sau").click()
    expect(page.get_by_text("51–55 trên 55 lượt chuyển")).to_be_visible()
    second_page = page.locator("tbody tr td:first-child a").all_inner_texts()
    codes = first_page + second_page
    assert len(codes) == len(set(codes)) == 55
    assert codes == [t.dossier_code for t in sorted(past, key=lambda t: t.id, reverse=True)]
    # state and clerk filters (the clerk who moved it, from the trail)
    with console.client("minh") as client:
        html = client.get(
            "/chuyen", params={"can_bo": "hoa", "trang_thai": "failed_business", "trang": "2"}
        ).text
        assert "51–55 trên 55" in html
        assert "Không có lượt chuyển nào" in client.get("/chuyen", params={"can_bo": "nobody"}).text
        html = client.get("/chuyen", params={"tu": "12/01/2026", "trang_thai": "written_back"}).text
        assert "000.00.01.H55-260112" not in html


def test_list_refuses_bad_filters_with_vietnamese_messages(console: Console, seeded: Seeded) -> None:
    with console.client("minh") as client:
        for params, message in (
            ({"tu": "31/02/2026"}, "Ngày bắt đầu không hợp lệ: «31/02/2026»"),
            ({"den": "hôm qua"}, "Ngày kết thúc không hợp lệ"),
            ({"tu": "05/12/2026", "den": "01/12/2026"}, "Ngày bắt đầu phải trước hoặc trùng ngày kết thúc"),
            ({"thu_tuc": "../etc"}, "Thủ tục không có trong danh sách"),
            ({"trang_thai": "deleted"}, "Trạng thái không có trong danh sách"),
        ):
            response = client.get("/chuyen", params=params, headers={"accept": "text/html"})
            assert response.status_code == 400 and message in response.text, params
            assert client.get("/chuyen/xuat-excel", params=params).status_code == 400
        assert client.get("/chuyen", params={"tu": "2026-01-12", "den": "2026-01-12"}).status_code == 200


def test_excel_export_of_the_filtered_list_opens_and_holds_no_formula(
    console: Console, past: list[Transfer]
) -> None:
    with console.client("minh") as client:
        response = client.get("/chuyen/xuat-excel", params={"tu": "12/01/2026", "den": "12/01/2026"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3))
    assert len(rows) == 55
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    names = {str(row[2].value) for row in rows}
    assert {'\'=HYPERLINK("http://x","bấm")', "'+1+2", "'-3+4", "'@SUM(A1)", "'\tTAB", SCRIPT_NAME} <= names
    assert not any(str(c.value).startswith(("=", "+", "-", "@", "\t")) for c in cells if c.value is not None)
    entry = read_audit(console.ledger.engine, action="export_transfers")[0]
    assert entry.actor == "minh" and entry.detail["rows"] == 55


def test_daily_report_downloads_for_today_or_a_chosen_day(console: Console, seeded: Seeded) -> None:
    with console.client("minh") as client:
        today = client.get("/chuyen/bao-cao")
        assert today.status_code == 200
        workbook = load_workbook(io.BytesIO(today.content))
        assert "Lỗi" in workbook.sheetnames
        reports = console.world.settings.reports_dir  # kept sealed on the server, never in clear
        assert list(reports.glob("*.xlsx")) == [] and list(reports.glob("bao-cao-*.xlsx.enc"))
        assert all(not p.read_bytes().startswith(b"PK") for p in reports.iterdir())
        opened = read_audit(console.ledger.engine, action="report.open")
        assert opened[0].actor == "minh" and opened[0].target.startswith("report:")
        chosen = client.get("/chuyen/bao-cao", params={"ngay": "12/01/2026"})
        assert (
            chosen.status_code == 200 and "bao-cao-2026-01-12.xlsx" in chosen.headers["content-disposition"]
        )
        tomorrow = (datetime.now(VN) + timedelta(days=1)).strftime("%d/%m/%Y")
        refused = client.get("/chuyen/bao-cao", params={"ngay": tomorrow}, headers={"accept": "text/html"})
        assert refused.status_code == 400 and "chưa tới" in refused.text
        wrong = client.get("/chuyen/bao-cao", params={"ngay": "32/01/2026"}, headers={"accept": "text/html"})
        assert wrong.status_code == 400 and "Ngày báo cáo không hợp lệ" in wrong.text


# -- guarantees: names as text, roles, CSRF --------------------------------------------------------------


def test_a_name_with_a_script_tag_or_quotes_shows_as_text(
    console: Console, past: list[Transfer], page: Page
) -> None:
    target = next(t for t in past if t.applicant_name == SCRIPT_NAME)
    console.login(page, "minh")
    for url in (f"/chuyen/{target.id}", "/chuyen?tu=12/01/2026&den=12/01/2026"):
        page.goto(console.url + url)
        expect(page.get_by_text(SCRIPT_NAME).first).to_be_visible()
        assert page.evaluate("window.pwned") is None
        assert page.locator("main b").count() == 0
    _shoot(page, "transfer-script-name")


def _supervisor_urls(seeded: Seeded) -> tuple[list[str], list[str]]:
    t = seeded.submitted
    gets = [
        "/tong-quan",
        "/chuyen",
        "/chuyen/xuat-excel",
        "/chuyen/bao-cao",
        f"/chuyen/{t.id}",
        f"/chuyen/{t.id}/bang-chung/1/1",
        f"/chuyen/{t.id}/trace/1",
    ]
    posts = [
        f"/chuyen/{seeded.refused.id}/thu-lai",
        f"/chuyen/{seeded.refused.id}/huy",
        f"/chuyen/{seeded.review.id}/da-xu-ly",
        "/tong-quan/cau-dao/dkkd/dat-lai",
    ]
    return gets, posts


def test_a_clerk_gets_403_on_every_supervisor_url_and_action(console: Console, seeded: Seeded) -> None:
    gets, posts = _supervisor_urls(seeded)
    before = console.ledger.get(seeded.refused.id)
    with console.client("lan") as client:
        for url in gets:
            response = client.get(url, headers={"accept": "text/html"})
            assert response.status_code == 403 and "Không có quyền" in response.text, url
        for url in posts:
            response = client.post(url, data={"csrf_token": client.csrf, "ly_do": "thử"})  # type: ignore[attr-defined]
            assert response.status_code == 403, url
    with console.client() as anonymous:
        for url in gets + posts:
            response = anonymous.request(
                "GET" if url in gets else "POST", url, headers={"accept": "text/html"}
            )
            assert response.status_code == 303 and "/dang-nhap" in response.headers["location"], url
    assert console.ledger.get(seeded.refused.id) == before
    assert not [e for e in read_audit(console.ledger.engine, actor="lan") if e.action.endswith("_transfer")]


def test_an_action_without_its_csrf_token_is_refused(console: Console, seeded: Seeded) -> None:
    settings = console.world.settings
    breaker = Breaker(settings.work_dir, "vantai", settings.breaker_cooldown_s)
    breaker.open("drift for the CSRF test")
    try:
        before = console.ledger.get(seeded.refused.id)
        with console.client("minh") as client:
            for url in (f"/chuyen/{seeded.refused.id}/thu-lai", "/tong-quan/cau-dao/vantai/dat-lai"):
                for token in ({}, {"csrf_token": "not-the-token"}):
                    response = client.post(
                        url, data={"ly_do": "thử", **token}, headers={"accept": "application/json"}
                    )
                    assert response.status_code == 403 and "CSRF" in response.json()["error"], url
        assert console.ledger.get(seeded.refused.id) == before
        assert breaker.state() is not None
    finally:
        breaker.close()
