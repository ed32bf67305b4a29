"""Fixtures for the sandbox ministry portal: one uvicorn server per session, reset before each test."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import FilePayload, Page

from rpa.sandbox.moj.app import create_app
from rpa.sandbox.moj.testing import MojSandbox, serve

SHOTS = Path("/tmp/moj-shots")

LOGIN_LABELS = {
    1: ("Tên đăng nhập", "Mật khẩu", "Mã xác nhận"),
    2: ("Tài khoản", "Mật khẩu", "Nhập mã bảo mật"),
}


@pytest.fixture(scope="session")
def moj_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(create_app(tmp_path_factory.mktemp("moj-lltp"))) as url:
        yield url


@pytest.fixture
def moj(moj_server: str) -> Iterator[MojSandbox]:
    """The portal, freshly reset (no applications, default knobs)."""
    sandbox = MojSandbox(moj_server)
    sandbox.reset()
    yield sandbox
    sandbox.close()


@pytest.fixture
def shot(page: Page) -> Callable[[str], None]:
    """Save a full-page screenshot as /tmp/moj-shots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def login(page: Page, moj: MojSandbox) -> Callable[..., None]:
    """Log in as a person would, reading the CAPTCHA answer through the control API."""

    def do(
        next_path: str = "/",
        version: int = 1,
        username: str = "canbo.qngai",
        password: str = "MatKhau@2025",
        goto: bool = True,
        wait: bool = True,
    ) -> None:
        if goto:
            page.goto(f"{moj.url}/dang-nhap?next={next_path}")
        user_label, pass_label, captcha_label = LOGIN_LABELS[version]
        page.get_by_label(user_label).fill(username)
        page.get_by_label(pass_label).fill(password)
        captcha_id = page.locator("input[name=captchaId]")
        if captcha_id.count():
            page.get_by_label(captcha_label).fill(moj.captcha_answer(captcha_id.input_value()))
        page.get_by_role("button", name="Đăng nhập").click()
        if wait:
            page.wait_for_url(lambda url: "/dang-nhap" not in url)

    return do


@pytest.fixture(scope="session")
def scan_png() -> bytes:
    """A small identity-card 'scan'."""
    image = Image.new("RGB", (320, 200), (230, 240, 250))
    ImageDraw.Draw(image).text((20, 90), "CAN CUOC CONG DAN 051090001234", fill=(20, 20, 80))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# Labels a bot's selector map would hold, per ui_version (only those that differ are repeated).
LABELS = {
    1: {
        "fullName": "Họ và tên",
        "birthDate": "Ngày sinh",
        "idType": "Loại giấy tờ tùy thân",
        "idNumber": "Số giấy tờ tùy thân",
        "permanent": "Nơi thường trú",
        "phone": "Số điện thoại",
        "email": "Thư điện tử (email)",
        "father": "Họ và tên cha",
        "fatherDob": "Ngày sinh hoặc năm sinh của cha",
        "mother": "Họ và tên mẹ",
        "motherDob": "Ngày sinh hoặc năm sinh của mẹ",
        "next": "Tiếp tục",
        "add": "Thêm dòng",
        "remove": "Xóa",
        "place": "Nơi cư trú",
        "present": "Đến nay",
        "work": "Nơi làm việc",
        "formType": "Loại phiếu yêu cầu cấp",
        "purpose": "Mục đích sử dụng phiếu",
        "copies": "Số lượng phiếu yêu cầu cấp",
        "auth": "Nộp hồ sơ theo ủy quyền",
        "file": "Bản chụp giấy tờ tùy thân (jpg, png, pdf; tối đa 5 MB)",
    },
    2: {
        "fullName": "Họ, chữ đệm và tên khai sinh",
        "birthDate": "Ngày, tháng, năm sinh",
        "idType": "Loại giấy tờ",
        "idNumber": "Số định danh cá nhân",
        "permanent": "Địa chỉ thường trú",
        "phone": "Điện thoại di động",
        "email": "Email",
        "father": "Họ tên cha",
        "fatherDob": "Năm sinh của cha",
        "mother": "Họ tên mẹ",
        "motherDob": "Năm sinh của mẹ",
        "next": "Lưu và tiếp tục",
        "add": "Thêm quá trình cư trú",
        "remove": "Xóa dòng",
        "place": "Địa chỉ cư trú",
        "present": "Hiện tại",
        "work": "Nơi công tác",
        "formType": "Yêu cầu cấp Phiếu lý lịch tư pháp",
        "purpose": "Mục đích yêu cầu cấp phiếu",
        "copies": "Số bản",
        "auth": "Người được ủy quyền nộp thay",
        "file": "Tệp đính kèm giấy tờ tùy thân",
    },
}


def pick_unit(page: Page, group: str, label: str, option: str) -> None:
    """Choose ``option`` in a cascading select; Playwright waits until the XHR has filled it."""
    page.get_by_role("group", name=group).get_by_label(label, exact=True).select_option(label=option)


def choose(page: Page, combobox: str, search: str, option: str) -> None:
    """Use the custom (non-native) dropdown: open, type into its search box, click the option."""
    page.get_by_role("combobox", name=combobox).click()
    page.get_by_role("textbox", name=f"Tìm {combobox.lower()}").fill(search)
    page.get_by_role("option", name=option, exact=True).click()


@pytest.fixture
def fill_application(
    page: Page, moj: MojSandbox, shot: Callable[[str], None], scan_png: bytes
) -> Callable[..., None]:
    """Walk steps A-D as a person would, up to the review page, in either UI version."""

    def walk(version: int = 1, legacy: bool = False, prefix: str = "v1") -> None:
        t = LABELS[version]
        page.goto(f"{moj.url}/ho-so/moi")
        # -- step A --
        page.get_by_label(t["fullName"], exact=True).fill("Nguyễn Thị Hoà")
        page.get_by_label("Tên gọi khác").fill("Hoà Nguyễn")
        page.get_by_label("Giới tính").select_option(label="Nữ")
        birth = page.get_by_label(t["birthDate"], exact=True)
        birth.press_sequentially("05031990")
        assert birth.input_value() == "05/03/1990"
        page.get_by_label("Nơi sinh").fill("Xã Nghĩa Dõng, Tỉnh Quảng Ngãi")
        choose(page, "Quốc tịch", "việt", "Việt Nam")
        choose(page, "Dân tộc", "hre", "Hrê")
        page.get_by_label(t["idType"], exact=True).select_option(label="Căn cước công dân / Thẻ căn cước")
        page.get_by_label(t["idNumber"], exact=True).fill("051190001234")
        page.get_by_label("Ngày cấp").press_sequentially("10042021")
        page.get_by_label("Nơi cấp").fill("Cục Cảnh sát quản lý hành chính về trật tự xã hội")
        group = page.get_by_role("group", name=t["permanent"])
        if legacy:
            group.get_by_label("Địa chỉ trước 01/07/2025").check()
            pick_unit(page, t["permanent"], "Tỉnh/Thành phố", "Tỉnh Kon Tum")
            pick_unit(page, t["permanent"], "Quận/Huyện", "Thành phố Kon Tum")
            pick_unit(page, t["permanent"], "Xã/Phường/Đặc khu", "Phường Duy Tân")
        else:
            pick_unit(page, t["permanent"], "Tỉnh/Thành phố", "Tỉnh Quảng Ngãi")
            pick_unit(page, t["permanent"], "Xã/Phường/Đặc khu", "Phường Cẩm Thành")
        group.get_by_label("Số nhà, đường phố, thôn/xóm").fill("25 Trần Hưng Đạo")
        page.get_by_label(t["phone"], exact=True).fill("0912345678")
        page.get_by_label(t["email"], exact=True).fill("hoa.nguyen@example.vn")
        shot(f"{prefix}-a-filled")
        page.get_by_role("button", name=t["next"]).click()
        # -- step B --
        page.get_by_label(t["father"], exact=True).fill("Nguyễn Văn Hùng")
        page.get_by_label(t["fatherDob"], exact=True).fill("1960")
        page.get_by_label(t["mother"], exact=True).fill("Trần Thị Lan")
        page.get_by_label(t["motherDob"], exact=True).fill("12/08/1965")
        shot(f"{prefix}-b-filled")
        page.get_by_role("button", name=t["next"]).click()
        # -- step C: three rows typed, the middle one removed --
        rows = [
            ("05032004", "31082008", "Thôn 3, xã Nghĩa Dõng, Quảng Ngãi", "Học sinh", ""),
            ("01012000", "01012001", "Dòng nhập nhầm", "", ""),
            ("01092008", None, "25 Trần Hưng Đạo, Phường Cẩm Thành", "Giáo viên", "Trường THPT Lê Khiết"),
        ]
        for number, (start, end, place, job, work) in enumerate(rows, start=1):
            if number > 1:
                page.get_by_role("button", name=t["add"]).click()
            page.get_by_label(f"Từ ngày (dòng {number})").press_sequentially(start)
            if end:
                page.get_by_label(f"Đến ngày (dòng {number})").press_sequentially(end)
            else:
                page.get_by_label(f"{t['present']} (dòng {number})").check()
            page.get_by_label(f"{t['place']} (dòng {number})").fill(place)
            page.get_by_label(f"Nghề nghiệp (dòng {number})").fill(job)
            page.get_by_label(f"{t['work']} (dòng {number})").fill(work)
        shot(f"{prefix}-c-three-rows")
        page.locator("tr", has=page.get_by_label(f"{t['place']} (dòng 2)")).get_by_role(
            "button", name=t["remove"], exact=True
        ).click()
        assert page.get_by_label(f"{t['place']} (dòng 2)").input_value().startswith("25 Trần Hưng Đạo")
        shot(f"{prefix}-c-row-removed")
        page.get_by_role("button", name=t["next"]).click()
        # -- step D --
        page.get_by_role("group", name=t["formType"]).get_by_label("Phiếu lý lịch tư pháp số 1").check()
        page.get_by_label("Yêu cầu xác nhận về việc cấm đảm nhiệm").check()
        page.get_by_label(t["purpose"], exact=True).fill("Bổ sung hồ sơ xin việc")
        page.get_by_label(t["copies"], exact=True).fill("3")
        page.get_by_label("Nhận qua dịch vụ bưu chính").check()
        post = "Địa chỉ nhận kết quả qua bưu chính"
        pick_unit(page, post, "Tỉnh/Thành phố", "Tỉnh Quảng Ngãi")
        pick_unit(page, post, "Xã/Phường/Đặc khu", "Phường Nghĩa Lộ")
        page.get_by_role("group", name=post).get_by_label("Số nhà, đường phố, thôn/xóm").fill("08 Hùng Vương")
        page.get_by_label(t["auth"], exact=True).check()
        page.get_by_label("Họ và tên người được ủy quyền").fill("Nguyễn Văn Minh")
        page.get_by_label("Loại giấy tờ của người được ủy quyền").select_option("1")
        page.get_by_label("Số giấy tờ của người được ủy quyền").fill("051085009876")
        page.get_by_label("Quan hệ với người yêu cầu cấp phiếu").fill("Anh trai")
        page.get_by_label("Ngày ủy quyền").press_sequentially("01112025")
        page.get_by_label(t["file"], exact=True).set_input_files(
            files=[FilePayload(name="cccd-mat-truoc.png", mimeType="image/png", buffer=scan_png)]
        )
        shot(f"{prefix}-d-filled")
        page.get_by_role("button", name=t["next"]).click()
        page.wait_for_url("**/ho-so/xem-lai")

    return walk


@pytest.fixture
def page(page: Page) -> Page:
    """pytest-playwright's page, failing fast: the local portal answers in milliseconds."""
    page.set_default_timeout(5000)
    page.set_default_navigation_timeout(10000)
    return page
