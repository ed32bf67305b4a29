"""The whole wizard walked in headless Chromium, as a person would, in both UI versions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import FilePayload, Page, expect

from rpa.clock import vn_now
from rpa.sandbox.moj.testing import MojSandbox

pytestmark = pytest.mark.browser

STORED_KEYS = {
    "fullName",
    "otherName",
    "genderId",
    "birthDateStr",
    "birthYearOnly",
    "birthPlace",
    "nationalityId",
    "ethnicId",
    "idTypeId",
    "idNumber",
    "idIssueDateStr",
    "idIssuePlace",
    "permanentAddress",
    "temporaryAddress",
    "phone",
    "email",
    "fatherName",
    "fatherBirthDateStr",
    "motherName",
    "motherBirthDateStr",
    "spouseName",
    "spouseBirthDateStr",
    "residences",
    "formType",
    "isBanPosition",
    "purpose",
    "copies",
    "deliveryMethod",
    "deliveryAddress",
    "hasAuthorised",
    "authName",
    "authIdTypeId",
    "authIdNumber",
    "authRelationship",
    "authIsRelative",
    "authDateStr",
    "idCardFile",
}


def confirm_in_modal(page: Page) -> str:
    """Open the confirmation modal, cancel once, confirm; return the receipt code."""
    dialog = page.get_by_role("dialog", name="Xác nhận nộp hồ sơ?")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Hủy").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    dialog.get_by_role("button", name="Đồng ý").click()
    page.wait_for_url("**/ho-so/bien-nhan/**")
    code = page.get_by_role("row", name=re.compile("Mã hồ sơ")).get_by_role("cell").inner_text().strip()
    assert re.fullmatch(r"51-LLTP-\d{4}-\d{6}", code)
    return code


def test_complete_application_v1(
    page: Page,
    moj: MojSandbox,
    login: Callable[..., None],
    fill_application: Callable[..., None],
    shot: Callable[[str], None],
    scan_png: bytes,
) -> None:
    login()
    expect(page.locator('meta[name="portal-version"]')).to_have_attribute("content", "1")
    fill_application(version=1, prefix="v1")
    review = page.locator("main")
    for text in (
        "NGUYỄN THỊ HOÀ",
        "05/03/1990",
        "Hrê",
        "25 Trần Hưng Đạo, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
        "01/09/2008 – nay",
        "08 Hùng Vương, Phường Nghĩa Lộ, Tỉnh Quảng Ngãi",
        "cccd-mat-truoc.png",
    ):
        expect(review).to_contain_text(text)
    expect(review).not_to_contain_text("Dòng nhập nhầm")
    shot("v1-review")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    shot("v1-modal")
    page.get_by_role("button", name="Hủy").click()
    receipt = confirm_in_modal(page)
    shot("v1-receipt")
    today = vn_now().strftime("%d/%m/%Y")
    expect(page.get_by_role("row", name=re.compile("Ngày nộp"))).to_contain_text(today)

    # the bot's way to find out whether it already submitted: the look-up page
    page.get_by_role("link", name="Tra cứu hồ sơ").first.click()
    page.get_by_label("Số giấy tờ tùy thân").fill("051190001234")
    page.get_by_label("Từ ngày").press_sequentially(today.replace("/", ""))
    page.get_by_label("Đến ngày").press_sequentially(today.replace("/", ""))
    page.get_by_role("button", name="Tìm kiếm").click()
    row = page.get_by_role("row", name=re.compile(receipt))
    expect(row).to_contain_text("NGUYỄN THỊ HOÀ")
    expect(row).to_contain_text("Đã tiếp nhận")
    shot("v1-lookup")

    [stored] = moj.applications()
    assert (
        stored["receipt"] == receipt and stored["account"] == "canbo.qngai" and stored["status"] == "received"
    )
    form = stored["form"]
    assert set(form) == STORED_KEYS
    assert form["fullName"] == "NGUYỄN THỊ HOÀ" and form["otherName"] == "Hoà Nguyễn"
    assert (form["genderId"], form["birthDateStr"], form["nationalityId"], form["ethnicId"]) == (
        "2",
        "05/03/1990",
        "VN",
        "19",
    )
    assert (form["idTypeId"], form["idNumber"], form["idIssueDateStr"]) == ("1", "051190001234", "10/04/2021")
    assert form["birthPlace"] == "Xã Nghĩa Dõng, Tỉnh Quảng Ngãi"
    assert form["permanentAddress"] == {
        "legacy": False,
        "provinceId": "51",
        "provinceName": "Tỉnh Quảng Ngãi",
        "districtId": None,
        "districtName": None,
        "wardId": "21025",
        "wardName": "Phường Cẩm Thành",
        "street": "25 Trần Hưng Đạo",
        "fullText": "25 Trần Hưng Đạo, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
    }
    assert form["temporaryAddress"] is None
    assert (form["phone"], form["email"]) == ("0912345678", "hoa.nguyen@example.vn")
    assert (form["fatherName"], form["fatherBirthDateStr"]) == ("NGUYỄN VĂN HÙNG", "1960")
    assert (form["motherName"], form["motherBirthDateStr"]) == ("TRẦN THỊ LAN", "12/08/1965")
    assert form["spouseName"] is None and form["spouseBirthDateStr"] is None
    assert form["residences"] == [
        {
            "fromDateStr": "05/03/2004",
            "toDateStr": "31/08/2008",
            "toPresent": False,
            "address": "Thôn 3, xã Nghĩa Dõng, Quảng Ngãi",
            "occupation": "Học sinh",
            "workplace": None,
        },
        {
            "fromDateStr": "01/09/2008",
            "toDateStr": None,
            "toPresent": True,
            "address": "25 Trần Hưng Đạo, Phường Cẩm Thành",
            "occupation": "Giáo viên",
            "workplace": "Trường THPT Lê Khiết",
        },
    ]
    assert (form["formType"], form["isBanPosition"], form["copies"]) == (1, True, 3)
    assert form["purpose"] == "Bổ sung hồ sơ xin việc"
    assert form["deliveryMethod"] == "post"
    assert (
        form["deliveryAddress"]["wardId"] == "21028" and form["deliveryAddress"]["street"] == "08 Hùng Vương"
    )
    assert form["hasAuthorised"] is True
    assert (
        form["authName"],
        form["authIdTypeId"],
        form["authIdNumber"],
        form["authRelationship"],
        form["authDateStr"],
    ) == ("NGUYỄN VĂN MINH", "1", "051085009876", "Anh trai", "01/11/2025")
    assert form["idCardFile"] == {
        "name": "cccd-mat-truoc.png",
        "size": len(scan_png),
        "sha256": hashlib.sha256(scan_png).hexdigest(),
        "contentType": "image/png",
    }


def test_ui_version_2_differs_but_stores_the_same_keys(
    page: Page,
    moj: MojSandbox,
    login: Callable[..., None],
    fill_application: Callable[..., None],
    shot: Callable[[str], None],
) -> None:
    moj.knobs(ui_version=2)
    page.goto(f"{moj.url}/dang-nhap")
    expect(page.get_by_label("Tên đăng nhập")).to_have_count(0)
    login(version=2, goto=False)
    expect(page.locator('meta[name="portal-version"]')).to_have_attribute("content", "2")
    expect(page.locator("body")).to_have_attribute("data-portal-version", "2")
    page.goto(f"{moj.url}/ho-so/moi")
    shot("v2-a-empty")
    assert page.locator("#fullName").count() == 0 and page.locator("[name=fullName]").count() == 0
    expect(page.locator("#f2-ho-ten")).to_have_attribute("name", "ho_ten")
    expect(page.get_by_label("Họ, chữ đệm và tên khai sinh")).to_be_visible()
    labels = page.locator("form .form-row label").all_inner_texts()
    assert labels[0].startswith("Loại giấy tờ") and labels.index("Họ, chữ đệm và tên khai sinh") > 2
    fill_application(version=2, legacy=True, prefix="v2")
    expect(page.locator("main")).to_contain_text("Phường Duy Tân, Thành phố Kon Tum, Tỉnh Kon Tum")
    confirm_in_modal(page)
    shot("v2-receipt")
    [stored] = moj.applications()
    assert stored["uiVersion"] == 2 and set(stored["form"]) == STORED_KEYS
    address = stored["form"]["permanentAddress"]
    assert (address["legacy"], address["provinceId"], address["districtId"], address["wardId"]) == (
        True,
        "62",
        "608",
        "23284",
    )
    assert stored["form"]["residences"][1]["toPresent"] is True


def test_validation_messages_in_vietnamese(
    page: Page, moj: MojSandbox, login: Callable[..., None], shot: Callable[[str], None]
) -> None:
    moj.knobs(captcha=False)
    login("/ho-so/moi")
    page.get_by_role("button", name="Tiếp tục").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Vui lòng nhập Họ và tên.")
    expect(summary).to_contain_text("Vui lòng chọn Quốc tịch.")
    expect(summary).to_contain_text("Vui lòng chọn Tỉnh/Thành phố (Nơi thường trú).")
    page.get_by_label("Họ và tên", exact=True).fill("Lê Văn Tám")
    page.get_by_label("Ngày sinh", exact=True).press_sequentially("31021990")
    page.get_by_label("Số giấy tờ tùy thân").fill("05109000ABCD")
    page.get_by_label("Ngày cấp").press_sequentially("01019999")
    page.get_by_label("Số điện thoại").fill("12345")
    page.get_by_role("button", name="Tiếp tục").click()
    shot("validation-a")
    expect(page.locator(".has-error", has=page.get_by_label("Ngày sinh", exact=True))).to_contain_text(
        "Ngày sinh không hợp lệ (định dạng dd/mm/yyyy, ngày phải có thật)."
    )
    expect(page.get_by_role("alert")).to_contain_text("Số giấy tờ tùy thân phải gồm 12 chữ số.")
    expect(page.get_by_role("alert")).to_contain_text("Ngày cấp không được sau ngày hiện tại.")
    expect(page.get_by_role("alert")).to_contain_text("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.")
    expect(page.get_by_label("Họ và tên", exact=True)).to_have_value("Lê Văn Tám")  # values are kept
    # the masked date input refuses letters
    issue = page.get_by_label("Ngày cấp")
    issue.fill("")
    issue.press_sequentially("0a1b0c22d0e2f1")
    expect(issue).to_have_value("01/02/2021")


def test_residence_and_request_validation(
    page: Page, moj: MojSandbox, login: Callable[..., None], shot: Callable[[str], None]
) -> None:
    # steps A and B were passed over plain HTTP; the browser takes over the same session at step C
    page.context.add_cookies([{"name": "MOJSESSID", "value": moj.session_after("ab"), "url": moj.url}])
    page.goto(f"{moj.url}/ho-so/buoc/c")
    page.get_by_label("Từ ngày (dòng 1)").press_sequentially("01012010")
    page.get_by_label("Đến ngày (dòng 1)").press_sequentially("01012005")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text("Đến ngày phải sau hoặc bằng Từ ngày.")
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng nhập Nơi cư trú.")
    page.get_by_role("button", name="Xóa", exact=True).click()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng khai ít nhất một dòng quá trình cư trú.")
    page.get_by_role("button", name="Thêm dòng").click()
    page.get_by_label("Từ ngày (dòng 1)").press_sequentially("05032004")
    page.get_by_label("Đến nay (dòng 1)").check()
    expect(page.get_by_label("Đến ngày (dòng 1)")).to_be_disabled()
    page.get_by_label("Nơi cư trú (dòng 1)").fill("Quảng Ngãi")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mục đích sử dụng phiếu").fill("Xin việc")
    page.get_by_label("Số lượng phiếu yêu cầu cấp").fill("11")
    page.get_by_label("Nhận qua dịch vụ bưu chính").check()
    page.get_by_label("Bản chụp giấy tờ tùy thân (jpg, png, pdf; tối đa 5 MB)").set_input_files(
        files=[FilePayload(name="cccd.docx", mimeType="application/msword", buffer=b"PK\x03\x04 not a scan")]
    )
    page.get_by_role("button", name="Tiếp tục").click()
    shot("validation-d")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Số lượng phiếu phải từ 1 đến 10.")
    expect(alert).to_contain_text("Vui lòng chọn Tỉnh/Thành phố (Địa chỉ nhận kết quả qua bưu chính).")
    expect(alert).to_contain_text("Chỉ chấp nhận tệp định dạng jpg, png hoặc pdf.")
    page.get_by_role("button", name="Quay lại").click()
    expect(page.get_by_label("Nơi cư trú (dòng 1)")).to_have_value("Quảng Ngãi")


def test_session_expires_mid_wizard(
    page: Page, moj: MojSandbox, login: Callable[..., None], shot: Callable[[str], None]
) -> None:
    moj.knobs(captcha=False, session_idle_s=1)
    login("/ho-so/moi")
    page.get_by_label("Họ và tên", exact=True).fill("Phạm Văn Đồng")
    page.wait_for_timeout(1300)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/dang-nhap\?next=%2Fho-so%2Fbuoc%2Fa"))
    expect(page.get_by_role("alert")).to_have_text("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.")
    shot("session-expired")
    login(goto=False)
    page.wait_for_url("**/ho-so/buoc/a")
    expect(page.get_by_label("Họ và tên", exact=True)).to_have_value(
        ""
    )  # the draft is lost, as on the real portal


def test_year_only_birth_date(page: Page, moj: MojSandbox, login: Callable[..., None]) -> None:
    moj.knobs(captcha=False)
    login("/ho-so/moi")
    birth = page.get_by_label("Ngày sinh", exact=True)
    birth.press_sequentially("1968")
    expect(birth).to_have_value("19/68/")  # the mask expects a full date...
    page.get_by_label("Chỉ có năm sinh").check()
    expect(birth).to_have_value("")  # ...until "Chỉ có năm sinh" turns it into a year field
    birth.press_sequentially("1968")
    expect(birth).to_have_value("1968")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng nhập Họ và tên.")
    expect(page.get_by_role("alert")).not_to_contain_text("Ngày sinh")
    expect(page.get_by_label("Chỉ có năm sinh")).to_be_checked()
    expect(page.get_by_label("Ngày sinh", exact=True)).to_have_value("1968")
    page.get_by_label("Ngày sinh", exact=True).fill("68")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text("khi chỉ có năm sinh, nhập 4 chữ số của năm (yyyy)")
