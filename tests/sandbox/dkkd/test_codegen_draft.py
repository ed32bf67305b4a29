"""`rpa flows draft-map`: a recording in the shape `playwright codegen --target python` writes, made on
the business-registration sandbox, drafts a map whose every element finds exactly one control there."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from rpa.cli import app
from rpa.portal.codegen import draft_map, read_recording
from rpa.portal.selectors import SelectorMap, load_selector_map
from rpa.sandbox.dkkd.testing import DkkdSandbox

# What codegen 1.4x prints for: sign in, open the look-up page, search by identity number. The
# values typed are kept in the recording but must never reach the map.
RECORDING = """import re
from playwright.sync_api import Playwright, sync_playwright, expect


def run(playwright: Playwright) -> None:
    browser = playwright.chromium.launch(headless=False)
    context = browser.new_context()
    page = context.new_page()
    page.goto("{url}/DangNhap.aspx")
    page.get_by_label("Tên đăng nhập", exact=True).click()
    page.get_by_label("Tên đăng nhập", exact=True).fill("motcua.qngai")
    page.get_by_label("Mật khẩu", exact=True).fill("DangKy@2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("{url}/TraCuu.aspx")
    page.get_by_label("Số giấy tờ pháp lý của chủ sở hữu").fill("051190000123")
    page.locator("#C_txtTuNgay").fill("01/12/2026")
    page.get_by_role("button", name="Tra cứu").click()
    page.locator("form").filter(has_text="Tra cứu hồ sơ").get_by_role("button", name="Tra cứu").click()

    # ---------------------
    context.close()
    browser.close()


with sync_playwright() as playwright:
    run(playwright)
"""


def test_draft_lists_each_locator_once_in_order_and_never_the_values() -> None:
    recording = read_recording(RECORDING.format(url="http://127.0.0.1:1"))
    assert recording.pages == {"dangnhap_aspx": "/DangNhap.aspx", "tracuu_aspx": "/TraCuu.aspx"}
    names = list(recording.elements)
    assert names == ["ten_dang_nhap", "mat_khau", "dang_nhap", "so_giay_to_phap_ly_cua_chu_so_huu",
                     "c_txttungay", "tra_cuu", "form", "tra_cuu_2"]  # fmt: skip
    assert recording.elements["ten_dang_nhap"].actions == ["click", "fill"]
    assert recording.elements["ten_dang_nhap"].candidate == {"label": "Tên đăng nhập", "exact": True}
    assert recording.elements["dang_nhap"].candidate == {"role": "button", "name": "Đăng nhập"}
    assert recording.elements["c_txttungay"].candidate == {"css": "#C_txtTuNgay"}
    scoped = recording.elements["tra_cuu_2"]
    assert scoped.candidate == {"role": "button", "name": "Tra cứu", "within": "form"}
    assert recording.elements["form"].notes == [
        "the recording narrowed it with .filter: give a candidate that finds exactly one"
    ]
    text = draft_map(RECORDING.format(url="http://x"), "dkkd")
    for typed in ("motcua.qngai", "DangKy@2025", "051190000123", "01/12/2026"):
        assert typed not in text


@pytest.mark.browser
def test_every_drafted_element_finds_one_control_on_the_portal(
    page: Page, dkkd: DkkdSandbox, tmp_path: Path
) -> None:
    recording = tmp_path / "ghi.py"
    recording.write_text(RECORDING.format(url=dkkd.url), encoding="utf-8")
    drafted = tmp_path / "dkkd.yaml"
    result = CliRunner().invoke(
        app, ["flows", "draft-map", str(recording), "--portal", "dkkd", "--out", str(drafted)]
    )
    assert result.exit_code == 0, result.output
    selector_map = load_selector_map(drafted)
    assert isinstance(selector_map, SelectorMap)
    assert selector_map.portal == "dkkd"

    def one(name: str) -> None:
        (candidate,) = selector_map.candidates(name)
        root = (
            page if candidate.within is None else selector_map.candidates(candidate.within)[0].build(page, {})
        )
        expect(candidate.build(root, {})).to_have_count(1)

    page.goto(dkkd.url + selector_map.page_url("dangnhap_aspx"))
    for name in ("ten_dang_nhap", "mat_khau", "dang_nhap"):
        one(name)
    page.get_by_label("Tên đăng nhập", exact=True).fill("motcua.qngai")
    page.get_by_label("Mật khẩu", exact=True).fill("DangKy@2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(dkkd.url + selector_map.page_url("tracuu_aspx"))
    for name in ("so_giay_to_phap_ly_cua_chu_so_huu", "c_txttungay", "tra_cuu"):
        one(name)


def test_a_file_that_is_not_python_is_refused_in_vietnamese(tmp_path: Path) -> None:
    recording = tmp_path / "ghi.py"
    recording.write_text("page.goto(\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["flows", "draft-map", str(recording), "--portal", "dkkd"])
    assert result.exit_code == 1
    assert "không đọc được bản ghi" in result.output
