"""Helpers for tests and demos: serve the portal on a free port, drive its control API, and post back
its WebForms pages over plain HTTP (no browser).

Example::

    with serve(create_app(tmp_path)) as url:
        sandbox = DkkdSandbox(url)
        sandbox.knobs(captcha=False)
        receipt = sandbox.submit_minimal()
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from rpa.sandbox.dkkd.store import SEED_ACCOUNTS
from rpa.sandbox.dkkd.wizard import NEXT_BUTTON, PREFIX, SAVE_BUTTON
from rpa.sandbox.testing import ControlClient, serve

__all__ = ["MINIMAL_PAGES", "DkkdSandbox", "WebForm", "serve"]

_HIDDEN = re.compile(r'<input type="hidden" name="(__[A-Z]+)" id="__[A-Z]+" value="([^"]*)"')
USERNAME, PASSWORD = SEED_ACCOUNTS[0]["username"], SEED_ACCOUNTS[0]["password"]

# what each page 1-7 posts for a valid application (page 3 and 6 have their own postbacks)
MINIMAL_PAGES: dict[int, dict[str, str]] = {
    1: {
        "txtTenDoanhNghiep": "Công ty TNHH Thương mại Hoà Bình Quảng Ngãi",
        "txtTenNuocNgoai": "HOA BINH QUANG NGAI TRADING COMPANY LIMITED",
        "txtTenVietTat": "HOA BINH QN",
    },
    2: {
        "ddlTinh": "51",
        "ddlXa": "21025",
        "txtSoNhaDuong": "Số 12 đường Lê Lợi",
        "txtDienThoai": "0255 3822 123",
        "txtEmail": "lienhe@hoabinh.vn",
        "txtWebsite": "",
    },
    3: {},  # 4620 main, 4632
    4: {
        "txtVonDieuLe": "2000000000",
        "txtGopTienVN": "1500000000",
        "txtGopNgoaiTe": "",
        "txtGopVang": "500000000",
        "txtGopQSDD": "",
        "txtGopSHTT": "",
        "txtGopKhac": "",
        "txtHanGopVon": "15/02/2027",
    },
    5: {
        "txtChuHoTen": "NGUYỄN VĂN AN",
        "ddlChuGioiTinh": "1",
        "txtChuNgaySinh": "03/04/1985",
        "ddlChuQuocTich": "VN",
        "ddlChuDanToc": "01",
        "txtChuSoGiayTo": "051085001234",
        "txtChuNgayCap": "10/05/2021",
        "txtChuNoiCap": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        "txtChuThuongTru": "Số 5 Trần Hưng Đạo, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
        "txtChuLienLac": "Số 5 Trần Hưng Đạo, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
    },
    6: {
        "rptDaiDien$ctl00$txtDdHoTen": "NGUYỄN VĂN AN",
        "rptDaiDien$ctl00$ddlDdGioiTinh": "1",
        "rptDaiDien$ctl00$txtDdNgaySinh": "03/04/1985",
        "rptDaiDien$ctl00$txtDdSoGiayTo": "051085001234",
        "rptDaiDien$ctl00$txtDdChucDanh": "Giám đốc",
        "rptDaiDien$ctl00$txtDdLienLac": "Số 5 Trần Hưng Đạo, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
    },
    7: {
        "txtNgayBatDau": "01/01/2027",
        "ddlHachToan": "1",
        "ddlPhuongPhapGTGT": "1",
        "txtNamTaiChinh": "01/01",
        "txtSoLaoDong": "5",
        "txtKeToanTruong": "Trần Thị Bình",
        "txtKeToanDienThoai": "0905123456",
    },
}
MINIMAL_INDUSTRIES = ("4620", "4632")


class _Controls(HTMLParser):
    """The values a browser would post from a page: inputs (but submit buttons), checked boxes and
    radios, the selected option of each select."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type", "text") not in {"submit", "button", "image"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
                self.values.setdefault(self._select, self._first)
            if "selected" in a:
                self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


class WebForm:
    """One visitor of the portal: GETs pages and posts them back with their hidden state, as a browser
    does. ``fields`` are control ids without the ``ctl00$C$`` prefix."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
        self.response: httpx.Response | None = None
        self.path = "/"

    def close(self) -> None:
        self.http.close()

    @property
    def text(self) -> str:
        assert self.response is not None
        return self.response.text

    @property
    def hidden(self) -> dict[str, str]:
        return {name: html.unescape(value) for name, value in _HIDDEN.findall(self.text)}

    @property
    def controls(self) -> dict[str, str]:
        """Every value the page would post as it is (hidden state included), by full name."""
        parser = _Controls()
        parser.feed(self.text)
        return parser.values

    def get(self, path: str) -> httpx.Response:
        self.response = self.http.get(path)
        self.path = path
        return self.response

    def post(
        self,
        fields: dict[str, str] | None = None,
        *,
        button: str | None = None,
        target: str = "",
        argument: str = "",
        hidden: dict[str, str] | None = None,
        raw: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Post the current page back as a browser would: what its controls hold (or only ``hidden``
        when given), changed by ``fields``, with the button pressed or the ``__doPostBack`` target;
        ``raw`` adds names as they are (no prefix)."""
        data = {
            **(hidden if hidden is not None else self.controls),
            "__EVENTTARGET": "",
            "__EVENTARGUMENT": "",
        }
        data |= {PREFIX + name: value for name, value in (fields or {}).items()}
        if button:
            data[PREFIX + button] = "x"
        if target:
            data |= {"__EVENTTARGET": PREFIX + target, "__EVENTARGUMENT": argument}
        data |= raw or {}
        self.response = self.http.post(self.path, data=data)
        return self.response

    def login(self, username: str = USERNAME, password: str = PASSWORD, path: str = "/DangNhap.aspx") -> None:
        self.get(path)
        response = self.post({"txtTenDangNhap": username, "txtMatKhau": password}, button="btnDangNhap")
        if response.status_code != 302:
            raise RuntimeError("login failed")
        self.get(response.headers["location"])

    def follow(self) -> httpx.Response:
        assert self.response is not None and self.response.is_redirect
        return self.get(self.response.headers["location"])


class DkkdSandbox(ControlClient):
    """A client of ``/_sandbox/`` plus a plain-HTTP way through the wizard."""

    def visitor(self, login: bool = True) -> WebForm:
        form = WebForm(self.url)
        if login:
            form.login()
        return form

    def save_and_next(self, form: WebForm, page: int, fields: dict[str, str]) -> None:
        form.post(fields, button=SAVE_BUTTON[page])
        if "C_lblThongBao" not in form.text:
            raise RuntimeError(f"page {page} was not saved: {_summary(form.text)}")
        form.post(button=NEXT_BUTTON[page])
        if f"Bước {page + 1}/8" not in form.text:
            raise RuntimeError(f"page {page}: no way on: {_summary(form.text)}")

    def add_industry(self, form: WebForm, code: str) -> None:
        form.post({"txtTimNganh": code}, button="btnTimNganh")
        form.post(target="grdKetQua$ctl00$lnkChon")

    def walk_to_review(self, form: WebForm, pages: dict[int, dict[str, str]] | None = None) -> None:
        """From a new draft to page 8 with MINIMAL_PAGES (a page's fields replaced by ``pages``)."""
        chosen = {**MINIMAL_PAGES, **(pages or {})}
        form.get("/HoSo/DangKy.aspx")
        for page in range(1, 8):
            fields = dict(chosen[page])
            if page == 2:
                form.post({"ddlTinh": fields["ddlTinh"]}, target="ddlTinh")
            if page == 3:
                for code in MINIMAL_INDUSTRIES:
                    self.add_industry(form, code)
                fields = {"rdoNganhChinh": MINIMAL_INDUSTRIES[0]}
            self.save_and_next(form, page, fields)

    def submit_minimal(self, pages: dict[int, dict[str, str]] | None = None) -> str:
        """Submit a valid application over HTTP (``captcha`` answered through the control API); its
        receipt."""
        form = self.visitor()
        try:
            self.walk_to_review(form, pages)
            fields = {"chkCamKet": "on"}
            if 'id="C_imgXacThuc"' in form.text:
                fields["txtXacThuc"] = self.latest_captcha()
            response = form.post(fields, button="btnNopHoSo")
            if response.status_code != 302:
                raise RuntimeError(f"not submitted: {_summary(form.text)}")
            return parse_qs(urlsplit(response.headers["location"]).query)["so"][0]
        finally:
            form.close()

    def latest_captcha(self) -> str:
        return str(self.http.get("/_sandbox/captcha").raise_for_status().json()["answer"])

    def application(self, receipt: str) -> dict[str, Any]:
        return dict(self.http.get(f"/_sandbox/applications/{receipt}").raise_for_status().json())


def _summary(page: str) -> str:
    found = re.search(r'id="C_ValidationSummary1".*?</div>', page, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(0)) if found else page[:300]
