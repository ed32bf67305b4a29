"""The single-page portal in a real headless Chromium, driven as a person (or the bot's selector map)
would: labels, roles and the README's ids; screenshots in /tmp/vantai-shots."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rpa.sandbox.vantai.portal import EXPIRED
from rpa.sandbox.vantai.testing import PASSWORD, PDF_BYTES, USERNAME, VantaiSandbox

SHOTS = Path("/tmp/vantai-shots")
pytestmark = pytest.mark.browser


@pytest.fixture
def page(page: Page) -> Page:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.set_default_timeout(5000)
    return page


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page: Page, url: str, path: str = "/ho-so/moi") -> None:
    page.goto(url + path)
    page.get_by_label("Tên đăng nhập").fill(USERNAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#app")).not_to_have_attribute("aria-busy", "true")


def _pdf(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def test_a_person_files_an_application_through_the_page(page: Page, vantai: VantaiSandbox) -> None:
    _login(page, vantai.url)
    expect(page.locator("main#view")).to_have_attribute("data-view", "form")
    licence = page.get_by_role("combobox", name="Số giấy phép kinh doanh vận tải")
    licence.press_sequentially("76-0022")
    page.get_by_role("option", name=re.compile("^76-002233")).click()
    expect(page.get_by_label("Tên doanh nghiệp/HTX")).to_have_value("CÔNG TY TNHH VẬN TẢI SA HUỲNH")
    expect(page.get_by_label("Mã số thuế")).to_have_value("4344232327")
    page.get_by_label("Người liên hệ").fill("Trần Thị Hoa")
    page.get_by_label("Số điện thoại").fill("0905123456")
    page.get_by_label("Loại phù hiệu").select_option(label="Xe hợp đồng")
    page.get_by_label("Đề nghị hiệu lực đến").click()
    calendar = page.get_by_role("dialog", name="Chọn ngày")
    calendar.get_by_role("button", name="Năm sau").click()
    calendar.get_by_role("button", name="Năm sau").click()
    calendar.locator("button.dp-day[data-date$='-15']").click()
    expect(page.get_by_label("Đề nghị hiệu lực đến")).to_have_value(re.compile(r"^15/\d{2}/2028$"))

    for plate, leased in (("76b-123.45", False), ("76LD-012.34", True)):
        page.get_by_role("button", name="Thêm phương tiện").click()
        dialog = page.get_by_role("dialog", name="Thông tin phương tiện")
        dialog.get_by_label("Biển kiểm soát").fill(plate)
        dialog.get_by_label("Nhãn hiệu").fill("Thaco")
        expect(dialog.get_by_label("Khối lượng hàng chuyên chở (kg)")).to_be_hidden()
        dialog.get_by_label("Số chỗ").fill("29")
        dialog.get_by_label("Năm sản xuất").fill("2019")
        dialog.get_by_label("Xe đi thuê" if leased else "Xe thuộc sở hữu").check()
        dialog.get_by_label("Số giấy đăng ký xe").fill("012345")
        dialog.get_by_label("Ảnh giấy đăng ký xe").set_input_files(_pdf("dang-ky.pdf"))  # type: ignore[arg-type]
        if leased:
            dialog.get_by_label("Hợp đồng thuê xe").set_input_files(_pdf("hop-dong.pdf"))  # type: ignore[arg-type]
            dialog.get_by_label("Thuê đến ngày").fill("30/06/2028")
            _shot(page, "dialog")
        dialog.get_by_role("button", name="Lưu phương tiện").click()
        expect(dialog).to_be_hidden()
    rows = page.locator("#vehicle-table tbody tr[data-plate]")
    expect(rows).to_have_count(2)

    # the same plate again: a toast, nothing added
    page.get_by_role("button", name="Thêm phương tiện").click()
    page.get_by_role("dialog", name="Thông tin phương tiện").get_by_label("Biển kiểm soát").fill("76B-123.45")
    dialog = page.get_by_role("dialog", name="Thông tin phương tiện")
    for label, value in (
        ("Nhãn hiệu", "Hyundai"),
        ("Số chỗ", "16"),
        ("Năm sản xuất", "2020"),
        ("Số giấy đăng ký xe", "99999"),
    ):
        dialog.get_by_label(label).fill(value)
    dialog.get_by_label("Xe thuộc sở hữu").check()
    dialog.get_by_label("Ảnh giấy đăng ký xe").set_input_files(_pdf("x.pdf"))  # type: ignore[arg-type]
    dialog.get_by_role("button", name="Lưu phương tiện").click()
    expect(page.get_by_role("alert").filter(has_text="đã có trong danh sách phương tiện")).to_be_visible()
    dialog.get_by_role("button", name="Hủy").click()
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="Sửa phương tiện 76B-123.45").click()
    page.get_by_role("dialog", name="Thông tin phương tiện").get_by_label("Nhãn hiệu").fill("Samco")
    page.get_by_role("button", name="Lưu phương tiện").click()
    expect(rows.first.locator("td[data-field=nhan_hieu]")).to_have_text("SAMCO")
    _shot(page, "form")

    page.get_by_role("button", name="Nộp hồ sơ").click()
    confirm = page.get_by_role("dialog", name="Xác nhận nộp hồ sơ")
    captcha_id = confirm.get_by_role("img", name="Mã xác thực").get_attribute("data-captcha-id")
    assert captcha_id
    confirm.get_by_label("Mã xác thực").fill(vantai.captcha_answer(captcha_id))
    confirm.get_by_role("button", name="Đồng ý").click()
    expect(page.get_by_role("heading", name="Nộp hồ sơ thành công")).to_be_visible()
    receipt = page.locator("#receipt-number").inner_text()
    assert re.fullmatch(r"VT-\d{4}-\d{6}", receipt)
    expect(page).to_have_url(f"{vantai.url}/ho-so/{receipt}")
    expect(page.locator("#receipt-status")).to_have_text("Đã tiếp nhận")
    _shot(page, "receipt")
    stored = vantai.application(receipt)["form"]
    assert [v["bien_so"] for v in stored["phuong_tien"]] == ["76B-123.45", "76LD-012.34"]
    assert stored["phuong_tien"][0]["nhan_hieu"] == "SAMCO" and stored["hieu_luc_den"].endswith("/2028")
    assert stored["phuong_tien"][1]["hop_dong_thue"]["name"] == "hop-dong.pdf"


def test_a_refusal_is_a_toast_that_disappears(page: Page, vantai: VantaiSandbox) -> None:
    _login(page, vantai.url)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    toast = page.locator("#toasts .toast[role=alert]")
    expect(toast).to_have_text("Hồ sơ chưa hợp lệ, vui lòng kiểm tra lại các trường được đánh dấu")
    expect(page.locator("#err-nguoi_lien_he")).to_have_text("Vui lòng nhập người liên hệ")
    expect(page.locator("#err-phuong_tien")).to_have_text("Hồ sơ phải có ít nhất một phương tiện")
    expect(toast).to_have_count(0, timeout=6000)


def test_the_list_loads_more_rows_as_one_scrolls(page: Page, vantai: VantaiSandbox) -> None:
    vantai.knobs(captcha=False)
    receipts = vantai.seed_applications(45)
    _login(page, vantai.url, "/ho-so")
    rows = page.locator("#application-list tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_have_attribute("data-receipt", receipts[-1])
    page.locator("#list-sentinel").scroll_into_view_if_needed()
    expect(rows).to_have_count(40)
    page.locator("#list-sentinel").scroll_into_view_if_needed()
    expect(rows).to_have_count(45)
    expect(page.locator("#list-status")).to_have_text("Đã hiển thị tất cả 45 hồ sơ")
    rows.last.get_by_role("link").click()
    expect(page.locator("#receipt-number")).to_have_text(receipts[0])
    expect(page.get_by_role("heading", name="Chi tiết hồ sơ")).to_be_visible()


def test_an_expired_token_shows_the_login_screen_and_navigation_loads_no_page(
    page: Page, vantai: VantaiSandbox
) -> None:
    _login(page, vantai.url)
    page.evaluate("window.__samePage = true")
    page.get_by_role("link", name="Tra cứu hồ sơ").click()
    expect(page.locator("main#view")).to_have_attribute("data-view", "lookup")
    assert page.evaluate("window.__samePage") is True  # pushState, not a page load
    assert page.evaluate("localStorage.getItem('vantai.token')").count(".") == 2
    vantai.knobs(session_idle_s=1)
    time.sleep(1.3)
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.locator("main#view")).to_have_attribute("data-view", "login")
    expect(page.get_by_role("alert")).to_have_text(EXPIRED)
    expect(page).to_have_url(f"{vantai.url}/dang-nhap?next=%2Fho-so")
    assert page.evaluate("localStorage.getItem('vantai.token')") is None
    vantai.knobs(session_idle_s=900)
    page.get_by_label("Tên đăng nhập").fill(USERNAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("main#view")).to_have_attribute("data-view", "list")
