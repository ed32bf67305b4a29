"""The clerk's web UI in real headless Chromium: login, list, filters, pages, detail, downloads, Excel."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import PROCEDURES, generate
from rpa.sources.fields import read_fields

if TYPE_CHECKING:
    from conftest import Provincial

pytestmark = pytest.mark.browser
MakeSeeded = Callable[..., SeededDossier]
TZ = timezone(timedelta(hours=7))
READ_FIELDS = "els => els.map(e => [e.dataset.field, e.textContent, e.dataset.type || null])"


def test_login_refuses_a_wrong_password_then_opens_the_list(
    page: Page, provincial: Provincial, shots: Path
) -> None:
    page.goto(provincial.url + "/ho-so?status=2")
    expect(page).to_have_url(f"{provincial.url}/dang-nhap?next=%2Fho-so%3Fstatus%3D2")
    page.get_by_label("Tên đăng nhập").fill("motcua.qngai")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng")
    page.screenshot(path=shots / "login-error.png")
    page.get_by_label("Mật khẩu").fill("MotCua@2025")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(provincial.url + "/ho-so?status=2")
    expect(page.get_by_role("heading", name="Danh sách hồ sơ")).to_be_visible()
    expect(page.get_by_text("Nguyễn Thị Thu Hà")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(provincial.url + "/dang-nhap")


def _many(make_seeded: MakeSeeded) -> list[SeededDossier]:
    start = datetime(2025, 11, 3, 8, 0, tzinfo=TZ)
    return [
        make_seeded(
            i,
            files=0,
            received=start + timedelta(days=i // 10, minutes=i),
            status=2 + i % 3,
            procedure=("2.000488", "Đăng ký khai sinh")
            if i % 9 == 0
            else ("1.001234", "Cấp Phiếu lý lịch tư pháp"),
        )
        for i in range(45)
    ]


def test_list_filters_and_pages(
    clerk_page: Page, provincial: Provincial, make_seeded: MakeSeeded, shots: Path
) -> None:
    page = clerk_page
    provincial.add(*_many(make_seeded))
    page.reload()
    expect(page.locator("#tong-so")).to_have_text("45")
    rows = page.locator("#danh-sach tbody tr")
    expect(rows).to_have_count(20)
    page.screenshot(path=shots / "list.png", full_page=True)
    page.get_by_role("link", name="Trang 3").click()
    expect(rows).to_have_count(5)
    expect(page.locator(".pager .current")).to_have_text("3")
    page.get_by_role("link", name="‹ Trước").click()
    expect(page.locator(".pager .current")).to_have_text("2")
    expect(rows.first.locator("td").first).to_have_text("21")

    page.get_by_label("Trạng thái").select_option("4")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#tong-so")).to_have_text("15")
    expect(page.locator("#danh-sach td[data-col=status]").first).to_have_text("Đang xử lý")
    page.get_by_label("Trạng thái").select_option("2")
    page.get_by_label("Thủ tục").select_option("2.000488")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#tong-so")).to_have_text("5")  # i = 0, 9, 18, 27, 36: status 2, other procedure
    expect(page.locator("#danh-sach td[data-col=procedure_name]")).to_have_text(["Đăng ký khai sinh"] * 5)

    page.get_by_role("link", name="Xóa bộ lọc").click()
    page.get_by_label("Tiếp nhận từ ngày").fill("04/11/2025")
    page.get_by_label("Đến ngày").fill("05/11/2025")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#tong-so")).to_have_text("20")
    received = page.locator("#danh-sach td[data-col=received_at]").all_inner_texts()
    assert {text[:10] for text in received} == {"04/11/2025", "05/11/2025"}


def test_detail_shows_every_field_as_the_api_gives_it(
    clerk_page: Page, provincial: Provincial, make_seeded: MakeSeeded, shots: Path
) -> None:
    page = clerk_page
    flawed = make_seeded(1, flaw="birth_date_impossible")
    flawed.data["applicant"]["birth_date"] = "31/02/1990"
    flawed.data["applicant"]["other_name"] = "  Tí  "
    flawed.data["payload"]["residence_history"][1]["note"] = "dòng lạ"
    flawed.data["ghi_chu_noi_bo"] = {"uu_tien": True, "so_lan": 2, "rong": []}
    (code,) = provincial.add(flawed)
    provincial.store.change_status(
        code, 4, "Đã chuyển Bộ Tư pháp", "51-LLTP-000777", "rpa-bot", provincial.url
    )
    page.reload()
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
    for title in (
        "A. Thông tin người yêu cầu cấp phiếu",
        "B. Thông tin về cha, mẹ, vợ/chồng",
        "C. Quá trình cư trú",
        "D. Nội dung yêu cầu cấp phiếu",
        "Tệp đính kèm",
        "Quá trình xử lý",
        "Tin nhắn SMS đã gửi công dân",
    ):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator('[data-field="applicant.birth_date"]')).to_have_text("31/02/1990")
    expect(page.locator('[data-field="payload.residence_history.0.from_date"]')).to_have_text("01/01/1995")
    page.screenshot(path=shots / "detail.png", full_page=True)

    found = page.locator("[data-field]").evaluate_all(READ_FIELDS)
    rebuilt = read_fields(found).data
    with httpx.Client(base_url=provincial.url) as client:
        token = client.post("/api/auth/token", data={"username": "rpa.bot", "password": "RpaBot@2025"}).json()
        api_dict = client.get(
            f"/api/dossiers/{code}", headers={"Authorization": f"Bearer {token['access_token']}"}
        ).json()
    assert rebuilt == api_dict
    assert len({path for path, _, _ in found}) == len(found)


def test_download_an_attachment_from_the_detail_page(
    clerk_page: Page, provincial: Provincial, make_seeded: MakeSeeded
) -> None:
    seeded = make_seeded(2)
    (code,) = provincial.add(seeded)
    clerk_page.goto(f"{provincial.url}/ho-so/{code}")
    with clerk_page.expect_download() as info:
        clerk_page.locator('[data-field="attachments.0.download_url"]').click()
    download = info.value
    assert download.suggested_filename == "cccd_mat_truoc.jpg"
    assert Path(download.path()).read_bytes() == seeded.files[0].content
    # The web session opens downloads, not the JSON API: that one wants a bearer token.
    assert clerk_page.request.get(f"{provincial.url}/api/dossiers/{code}").status == 401


def test_excel_export_of_the_filtered_list(
    clerk_page: Page, provincial: Provincial, make_seeded: MakeSeeded
) -> None:
    provincial.add(*_many(make_seeded))
    page = clerk_page
    page.goto(provincial.url + "/ho-so?status=3")
    expect(page.locator("#tong-so")).to_have_text("15")
    with page.expect_download() as info:
        page.get_by_role("link", name="Xuất Excel").click()
    assert info.value.suggested_filename.startswith("danh-sach-ho-so-")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert sheet is not None and sheet.title == "Danh sách hồ sơ"
    assert [c.value for c in sheet[1]][:5] == [
        "STT",
        "Mã hồ sơ",
        "Mã thủ tục",
        "Tên thủ tục",
        "Họ và tên người nộp",
    ]
    assert sheet.max_row == 16 and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N16"
    assert {row[12] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"Không được tiếp nhận"}
    assert sheet.column_dimensions["B"].width == 28


def test_clerk_changes_the_status_from_the_detail_page(
    clerk_page: Page, provincial: Provincial, make_seeded: MakeSeeded, shots: Path
) -> None:
    (code,) = provincial.add(make_seeded(0, status=2))
    page = clerk_page
    page.goto(f"{provincial.url}/ho-so/{code}")
    page.get_by_label("Trạng thái mới").select_option("4")
    page.get_by_label("Mã hồ sơ Bộ Tư pháp").fill("51-LLTP-000888")
    page.get_by_label("Ghi chú").fill("Đã nộp trực tuyến lên Bộ Tư pháp")
    page.get_by_role("button", name="Cập nhật trạng thái").click()
    expect(page.locator("#thong-bao")).to_have_text(
        "Đã chuyển trạng thái hồ sơ sang “Đang xử lý” và gửi tin nhắn SMS."
    )
    expect(page.locator('[data-field="status"]')).to_have_text("Đang xử lý")  # the label, not 4
    expect(page.locator('[data-field="receipt_codes.0"]')).to_have_text("51-LLTP-000888")
    expect(page.locator('[data-field="processing_log.1.actor"]')).to_have_text("Nguyễn Thị Thu Hà")
    expect(page.locator("#tin-nhan tbody tr")).to_have_count(1)
    page.screenshot(path=shots / "detail-after-status.png", full_page=True)
    page.get_by_role("button", name="Cập nhật trạng thái").click()  # same status again: logged, no SMS
    expect(page.locator("#thong-bao")).to_have_text("Đã ghi nhận vào quá trình xử lý (trạng thái không đổi).")
    assert len(httpx.get(f"{provincial.url}/_sandbox/sms").json()) == 1


def test_the_dossier_list_fits_a_1366_px_screen(
    clerk_page: Page, provincial: Provincial, shots: Path
) -> None:
    """A full page of what ``rpa sandbox serve`` seeds (every procedure, long procedure names, overdue
    badges) reads on a common office laptop without scrolling sideways."""
    page = clerk_page
    page.set_viewport_size({"width": 1366, "height": 768})
    codes = provincial.add(*generate(1, 20, date(2025, 11, 20), procedures=list(PROCEDURES)))
    for code in codes[:3]:  # receipt codes fill the last column
        provincial.store.change_status(code, 4, "Đã chuyển", "51-LLTP-2511-000123", "rpa-bot", provincial.url)
    page.reload()
    expect(page.locator("#danh-sach tr[data-code]")).to_have_count(20)
    widths = page.evaluate(
        """() => [document.documentElement, document.querySelector('.table-wrap')]
            .map(e => [e.scrollWidth, e.clientWidth])"""
    )
    assert all(scroll <= client for scroll, client in widths), widths
    page.screenshot(path=shots / "list-1366.png")
