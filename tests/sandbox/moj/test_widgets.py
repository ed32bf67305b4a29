"""Login CAPTCHA, cascading address selects (current and legacy units) and the custom dropdown."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from rpa.sandbox.moj.testing import MojSandbox

pytestmark = pytest.mark.browser


def test_captcha_login(
    page: Page, moj: MojSandbox, login: Callable[..., None], shot: Callable[[str], None]
) -> None:
    page.goto(f"{moj.url}/dang-nhap")
    shot("login-captcha")
    captcha_id = page.locator("input[name=captchaId]").input_value()
    answer = moj.captcha_answer(captcha_id)
    assert answer not in page.content()
    image = Image.open(io.BytesIO(httpx.get(f"{moj.url}/captcha/{captcha_id}.png").content))
    assert image.format == "PNG" and image.size == (200, 64)
    assert moj.http.get("/_sandbox/captcha").json() == {"id": captcha_id, "answer": answer}
    page.get_by_label("Tên đăng nhập").fill("canbo.qngai")
    page.get_by_label("Mật khẩu").fill("MatKhau@2025")
    page.get_by_label("Mã xác nhận").fill("ZZZZZ" if answer != "ZZZZZ" else "YYYYY")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Mã xác nhận không đúng, vui lòng nhập lại.")
    assert page.locator("input[name=captchaId]").input_value() != captcha_id  # a new CAPTCHA
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("canbo.qngai")
    login(goto=False, password="sai-mat-khau", wait=False)
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    login(goto=False)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    moj.knobs(captcha=False)
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("input[name=captchaId]")).to_have_count(0)


def test_cascading_selects_current_and_legacy(
    page: Page, moj: MojSandbox, login: Callable[..., None], shot: Callable[[str], None]
) -> None:
    moj.knobs(captcha=False)
    login("/ho-so/moi")
    group = page.get_by_role("group", name="Nơi thường trú")
    province, ward = group.get_by_label("Tỉnh/Thành phố"), group.get_by_label("Xã/Phường/Đặc khu")
    expect(province.locator("option")).to_have_count(35)  # 34 provinces after 1 July 2025
    expect(group.get_by_label("Quận/Huyện")).to_be_hidden()
    with page.expect_response("**/api/dm/xa?tinh=51") as response:
        province.select_option(label="Tỉnh Quảng Ngãi")
    assert len(response.value.json()) == 96
    expect(ward.locator("option")).to_have_count(97)
    group.get_by_label("Địa chỉ trước 01/07/2025").check()
    expect(province.locator("option")).to_have_count(64)  # 63 provinces before the merger
    district = group.get_by_label("Quận/Huyện")
    expect(district).to_be_visible()
    province.select_option(label="Tỉnh Kon Tum")
    district.select_option(label="Huyện Đắk Glei")
    expect(ward.locator("option").nth(1)).to_be_attached()
    assert "Tỉnh Kon Tum" not in ward.locator("option").all_inner_texts()
    shot("legacy-address")
    # the legacy_units knob starts address groups in the legacy mode
    moj.knobs(legacy_units=True)
    page.reload()
    expect(
        page.get_by_role("group", name="Nơi tạm trú").get_by_label("Địa chỉ trước 01/07/2025")
    ).to_be_checked()
    expect(page.get_by_role("group", name="Nơi tạm trú").get_by_label("Quận/Huyện")).to_be_visible()


def test_custom_dropdown_by_keyboard(
    page: Page, moj: MojSandbox, login: Callable[..., None], shot: Callable[[str], None]
) -> None:
    moj.knobs(captcha=False)
    login("/ho-so/moi")
    assert page.locator("select[name=nationalityId], select[name=ethnicId]").count() == 0
    combo = page.get_by_role("combobox", name="Dân tộc")
    combo.click()
    expect(combo).to_have_attribute("aria-expanded", "true")
    page.get_by_role("textbox", name="Tìm dân tộc").fill("mong")  # accent-insensitive search
    shot("combobox-open")
    expect(
        page.get_by_role("listbox", name="Dân tộc").get_by_role("option").filter(visible=True)
    ).to_have_text(["HMông"])
    page.keyboard.press("Enter")
    expect(combo).to_have_text("HMông▾")
    expect(page.locator("input[type=hidden][name=ethnicId]")).to_have_value("08")
