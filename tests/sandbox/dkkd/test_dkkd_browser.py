"""The whole wizard in a real Chromium, as a person (or the bot's selector map) would: labels, roles,
postbacks by ``__doPostBack``; a screenshot of every page in /tmp/dkkd-shots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rpa.sandbox.dkkd.testing import DkkdSandbox

SHOTS = Path("/tmp/dkkd-shots")


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(5000)
    page.set_default_navigation_timeout(10000)
    return page


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _save_and_next(page: Page, step: int) -> None:
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu thông tin")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    expect(page.locator("#C_lblTieuDe")).to_contain_text(f"Bước {step + 1}/8")


@pytest.mark.browser
def test_a_person_files_an_application_in_chromium(page: Page, dkkd: DkkdSandbox) -> None:
    page.goto(f"{dkkd.url}/HoSo/DangKy.aspx")
    expect(page).to_have_url(re.compile(r"/DangNhap\.aspx\?ReturnUrl=%2FHoSo%2FDangKy\.aspx$"))
    page.get_by_label("Tên đăng nhập", exact=True).fill("motcua.qngai")
    page.get_by_label("Mật khẩu", exact=True).fill("sai mật khẩu")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng")
    _shot(page, "00-login-error")
    page.get_by_label("Mật khẩu", exact=True).fill("DangKy@2025")
    page.get_by_role("button", name="Đăng nhập").click()
    heading = page.locator("#C_lblTieuDe")
    expect(heading).to_have_text("Bước 1/8: Tên doanh nghiệp")

    # 1 -- a registered name first, then a free one
    name = page.get_by_label("Tên doanh nghiệp viết bằng tiếng Việt", exact=True)
    name.fill("Công ty TNHH Xây dựng Trà Khúc")
    page.get_by_role("button", name="Kiểm tra tên").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Tên doanh nghiệp đã được đăng ký: CÔNG TY TNHH XÂY DỰNG TRÀ KHÚC"
    )
    _shot(page, "01-name-registered")
    name.fill("Công ty TNHH Thương mại & Dịch vụ Sông Trà")
    page.get_by_role("button", name="Kiểm tra tên").click()
    expect(page.locator("#C_lblKetQuaKiemTra")).to_have_text("Tên doanh nghiệp có thể đăng ký")
    page.get_by_label("Tên doanh nghiệp viết bằng tiếng nước ngoài", exact=True).fill(
        "SONG TRA TRADING & SERVICE COMPANY LIMITED"
    )
    page.get_by_label("Tên doanh nghiệp viết tắt", exact=True).fill("SONG TRA TSC")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Bạn phải lưu trang trước khi tiếp tục")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(name).to_have_value("CÔNG TY TNHH THƯƠNG MẠI & DỊCH VỤ SÔNG TRÀ")
    _shot(page, "01-name-saved")
    page.get_by_role("button", name="Tiếp tục", exact=True).click()

    # 2 -- choosing the province posts back and fills the communes
    expect(heading).to_have_text("Bước 2/8: Trụ sở chính")
    page.get_by_label("Tỉnh/Thành phố", exact=True).select_option(label="Tỉnh Quảng Ngãi")
    page.wait_for_load_state()
    page.get_by_label("Xã/Phường/Đặc khu", exact=True).select_option(label="Phường Cẩm Thành")
    page.get_by_label("Số nhà, ngách, hẻm, ngõ, đường phố", exact=True).fill("Số 12 đường Lê Lợi")
    page.get_by_label("Điện thoại", exact=True).fill("0255 3822 123")
    page.get_by_label("Thư điện tử", exact=True).fill("lienhe@songtra.vn")
    _shot(page, "02-head-office")
    _save_and_next(page, 2)

    # 3 -- two lines, one per postback, the second one main
    search = page.get_by_label("Tìm ngành kinh tế", exact=True)
    search.fill("ban buon gao")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    results = page.locator("table#C_grdKetQua")
    results.locator("tr", has=page.locator("td", has_text=re.compile(r"^4631$"))).get_by_role(
        "link", name="Chọn"
    ).click()
    chosen = page.locator("table#C_grdNganhDaChon")
    expect(chosen.locator("tr:has(td)")).to_have_count(1)
    search.fill("4620")
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    results.get_by_role("link", name="Chọn").first.click()
    expect(chosen.locator("tr:has(td)")).to_have_count(2)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Phải chọn đúng một ngành kinh doanh chính")
    chosen.locator("tr", has=page.locator("#C_rdoNganhChinh_4620")).get_by_label("Ngành chính").check()
    _shot(page, "03-industries")
    _save_and_next(page, 3)

    # 4 -- the total row follows the typing
    page.get_by_label("Vốn điều lệ (VNĐ)", exact=True).fill("3000000000")
    page.get_by_label("Đồng Việt Nam", exact=True).fill("1000000000")
    page.get_by_label("Vàng", exact=True).fill("1500000000")
    total = page.locator("span#C_lblTongGop")
    expect(total).to_have_text("2.500.000.000")
    page.get_by_label("Quyền sử dụng đất", exact=True).fill("500000000")
    expect(total).to_have_text("3.000.000.000")
    page.get_by_label("Thời hạn góp vốn", exact=True).fill("15/02/2027")
    _shot(page, "04-capital")
    _save_and_next(page, 4)

    # 5
    page.get_by_label("Họ và tên", exact=True).fill("NGUYỄN THỊ HOÀ")
    page.get_by_label("Giới tính", exact=True).select_option(label="Nữ")
    page.get_by_label("Ngày sinh", exact=True).fill("12/08/1990")
    page.get_by_label("Quốc tịch", exact=True).select_option("VN")
    page.get_by_label("Dân tộc", exact=True).select_option(label="Kinh")
    page.get_by_label("Số giấy tờ pháp lý của cá nhân", exact=True).fill("051190004321")
    page.get_by_label("Ngày cấp", exact=True).fill("10/05/2021")
    page.get_by_label("Nơi cấp", exact=True).fill("Cục Cảnh sát quản lý hành chính về trật tự xã hội")
    page.get_by_label("Địa chỉ thường trú", exact=True).fill("Số 5 Trần Hưng Đạo, Phường Cẩm Thành")
    page.get_by_label("Địa chỉ liên lạc", exact=True).fill("Số 5 Trần Hưng Đạo, Phường Cẩm Thành")
    _shot(page, "05-owner")
    _save_and_next(page, 5)

    # 6 -- two representatives, the second row added by a postback
    people = [
        ("NGUYỄN THỊ HOÀ", "Nữ", "12/08/1990", "051190004321", "Giám đốc"),
        ("TRẦN VĂN BÌNH", "Nam", "01/02/1980", "051080001111", "Chủ tịch công ty"),
    ]
    for i, (full_name, sex, born, number, title) in enumerate(people):
        if i:
            page.get_by_role("button", name="Thêm người đại diện", exact=True).click()
        row = page.locator(f"fieldset#C_rptDaiDien_{i}")
        expect(row.locator("legend")).to_have_text(f"Người đại diện {i + 1}")
        row.get_by_label("Họ và tên", exact=True).fill(full_name)
        row.get_by_label("Giới tính", exact=True).select_option(label=sex)
        row.get_by_label("Ngày sinh", exact=True).fill(born)
        row.get_by_label("Số giấy tờ pháp lý", exact=True).fill(number)
        row.get_by_label("Chức danh", exact=True).select_option(label=title)
        row.get_by_label("Địa chỉ liên lạc", exact=True).fill("Số 5 Trần Hưng Đạo, Phường Cẩm Thành")
    _shot(page, "06-representatives")
    _save_and_next(page, 6)

    # 7
    page.get_by_label("Ngày bắt đầu hoạt động", exact=True).fill("01/01/2027")
    page.get_by_label("Hình thức hạch toán", exact=True).select_option(label="Hạch toán độc lập")
    page.get_by_label("Phương pháp tính thuế GTGT", exact=True).select_option(label="Khấu trừ")
    page.get_by_label("Năm tài chính bắt đầu từ ngày", exact=True).fill("01/01")
    page.get_by_label("Số lao động dự kiến", exact=True).fill("8")
    _shot(page, "07-tax")
    _save_and_next(page, 7)

    # 8 -- the challenge, read through the control API
    expect(heading).to_have_text("Bước 8/8: Xem lại và nộp hồ sơ")
    expect(page.get_by_role("img", name="Ảnh xác thực")).to_be_visible()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Bạn chưa nhập các ký tự trong ảnh xác thực")
    page.get_by_label("Tôi không phải là người máy: nhập các ký tự trong ảnh", exact=True).fill(
        dkkd.latest_captcha()
    )
    page.get_by_label(
        "Tôi cam kết chịu trách nhiệm về tính hợp pháp, chính xác của hồ sơ", exact=True
    ).check()
    _shot(page, "08-review")
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    expect(page).to_have_url(re.compile(r"/HoSo/BienNhan\.aspx\?so=HS-\d{4}-\d{6}$"))
    receipt = page.locator("#C_lblSoHoSo").inner_text()
    expect(page.locator("#C_lblNgayNop")).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$"))
    _shot(page, "09-receipt")

    # the browser's back button, then submit again: refused, nothing more stored
    page.go_back()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    expect(page.get_by_role("heading", name="Trạng thái trang không hợp lệ")).to_be_visible()
    _shot(page, "10-stale-view-state")

    (stored,) = dkkd.applications()
    form = stored["form"]
    assert stored["receipt"] == receipt
    assert form["txtTenDoanhNghiep"] == "CÔNG TY TNHH THƯƠNG MẠI & DỊCH VỤ SÔNG TRÀ"
    assert (form["ddlTinh"], form["ddlXa"]) == ("51", "21025")
    assert form["nganhNghe"] == [
        {"maNganh": "4631", "laNganhChinh": False},
        {"maNganh": "4620", "laNganhChinh": True},
    ]
    assert (form["txtVonDieuLe"], form["txtGopQSDD"], form["txtGopNgoaiTe"]) == (
        "3000000000",
        "500000000",
        "",
    )
    assert [r["txtDdChucDanh"] for r in form["nguoiDaiDien"]] == ["Giám đốc", "Chủ tịch công ty"]
    assert (form["ddlChuGioiTinh"], form["ddlChuDanToc"], form["txtKeToanTruong"]) == ("2", "01", "")

    # look-up and status
    dkkd.advance(receipt, "granted").raise_for_status()
    page.goto(f"{dkkd.url}/TraCuu.aspx")
    page.get_by_label("Tên doanh nghiệp", exact=True).fill("song tra")
    page.get_by_role("button", name="Tra cứu", exact=True).click()
    rows = page.locator("table#C_grdTraCuu tr:has(td)")
    expect(rows).to_have_count(1)
    expect(rows.locator("td").nth(3)).to_have_text("Đã cấp Giấy chứng nhận")
    _shot(page, "11-lookup")
    rows.get_by_role("link", name=receipt).click()
    expect(page.locator("#C_lblTrangThai")).to_have_text("Đã cấp Giấy chứng nhận")
    expect(page.locator("#C_lblMaSoDN")).to_have_text(re.compile(r"^43\d{8}$"))
    _shot(page, "12-status")
