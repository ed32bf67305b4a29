"""The wizard over plain HTTP: postbacks, view state, saving before going on, each page's checks."""

from __future__ import annotations

import base64
import json
import re
import time

from rpa.sandbox.dkkd.testing import MINIMAL_PAGES, DkkdSandbox, WebForm

SUMMARY = re.compile(
    r'<div id="C_ValidationSummary1" role="alert" class="validation-summary"><ul>(.*?)</ul></div>', re.S
)


def summary(form: WebForm) -> list[str]:
    found = SUMMARY.search(form.text)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def heading(form: WebForm) -> str:
    found = re.search(r'<h2 id="C_lblTieuDe">(.*?)</h2>', form.text)
    assert found, form.text[:500]
    return found.group(1)


def state_error(form: WebForm) -> bool:
    assert form.response is not None
    return (
        form.response.status_code == 500
        and '<h2 id="loi-trang-thai">Trạng thái trang không hợp lệ</h2>' in form.text
    )


def test_every_page_is_a_webforms_page_with_labelled_controls(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    assert "<h1>Đăng ký doanh nghiệp qua mạng</h1>" in visitor.text
    assert 'href="/HoSo/DangKy.aspx">Đăng ký doanh nghiệp</a>' in visitor.text
    assert 'href="/TraCuu.aspx">Tra cứu hồ sơ</a>' in visitor.text
    visitor.get("/HoSo/DangKy.aspx")
    page = visitor.text
    assert '<meta name="portal-version" content="1">' in page
    assert '<form method="post" id="aspnetForm" action="/HoSo/DangKy.aspx">' in page
    assert {"__VIEWSTATE", "__EVENTVALIDATION", "__EVENTTARGET", "__EVENTARGUMENT"} <= set(visitor.hidden)
    assert "function __doPostBack(eventTarget, eventArgument)" in page
    assert heading(visitor) == "Bước 1/8: Tên doanh nghiệp"
    assert '<label for="C_txtTenDoanhNghiep">Tên doanh nghiệp viết bằng tiếng Việt</label>' in page
    assert 'name="ctl00$C$txtTenDoanhNghiep" id="C_txtTenDoanhNghiep"' in page
    assert 'name="ctl00$C$btnSave" value="Lưu" id="C_btnSave"' in page
    assert 'name="ctl00$C$btnNext" value="Tiếp tục" id="C_btnNext"' in page
    state = json.loads(json.loads(base64.b64decode(visitor.hidden["__VIEWSTATE"]))["d"])
    assert (state["page"], state["seq"], state["results"]) == (1, 0, [])


def test_save_before_going_on_and_values_survive_postbacks(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    visitor.get("/HoSo/DangKy.aspx")
    visitor.post(MINIMAL_PAGES[1], button="btnNext")
    assert summary(visitor) == ["Bạn phải lưu trang trước khi tiếp tục"]
    assert heading(visitor).startswith("Bước 1/8")
    assert 'value="Công ty TNHH Thương mại Hoà Bình Quảng Ngãi"' in visitor.text  # kept, not saved yet
    visitor.post(button="btnSave")
    assert '<span id="C_lblThongBao" role="status">Đã lưu thông tin</span>' in visitor.text
    assert 'value="CÔNG TY TNHH THƯƠNG MẠI HOÀ BÌNH QUẢNG NGÃI"' in visitor.text  # kept upper-cased
    visitor.post({"txtTenVietTat": "HBQN"}, button="btnNext")  # changed since the save
    assert summary(visitor) == ["Bạn phải lưu trang trước khi tiếp tục"]
    visitor.post({"txtTenVietTat": "HOA BINH QN"}, button="btnNext")  # as saved again
    assert heading(visitor) == "Bước 2/8: Trụ sở chính"
    assert 'name="ctl00$C$BtnSave" value="Lưu"' in visitor.text
    assert 'name="ctl00$C$BtnTiepTuc" value="Tiếp tục"' in visitor.text
    visitor.post(button="btnBack")
    assert heading(visitor).startswith("Bước 1/8")
    assert 'value="HOA BINH QN"' in visitor.text


def test_page_errors_are_listed_together(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    visitor.get("/HoSo/DangKy.aspx")
    visitor.post({"txtTenDoanhNghiep": "Hợp tác xã Ba Tơ"}, button="btnSave")
    assert summary(visitor) == [
        "Tên doanh nghiệp phải bắt đầu bằng loại hình “CÔNG TY TNHH” hoặc “CÔNG TY TRÁCH NHIỆM HỮU HẠN”"
    ]
    dkkd.save_and_next(visitor, 1, MINIMAL_PAGES[1])
    visitor.post({"txtDienThoai": "abc", "txtEmail": "không-phải-email"}, button="BtnSave")
    assert summary(visitor) == [
        "Tỉnh/Thành phố không được để trống",
        "Xã/Phường/Đặc khu không được để trống",
        "Số nhà, ngách, hẻm, ngõ, đường phố không được để trống",
        "Điện thoại không hợp lệ",
        "Thư điện tử không đúng định dạng",
    ]


def test_the_province_reloads_the_communes(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    visitor.get("/HoSo/DangKy.aspx")
    dkkd.save_and_next(visitor, 1, MINIMAL_PAGES[1])
    assert "onchange=\"__doPostBack('ctl00$C$ddlTinh','')\"" in visitor.text
    assert "Phường Cẩm Thành" not in visitor.text
    visitor.post({"ddlTinh": "51"}, target="ddlTinh")
    assert '<option value="21025">Phường Cẩm Thành</option>' in visitor.text
    visitor.post({"ddlXa": "21025"})
    visitor.post({"ddlTinh": "01"}, target="ddlTinh")  # another province: the commune is cleared
    assert "Phường Cẩm Thành" not in visitor.text and "Phường Ba Đình" in visitor.text


def test_name_check(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    visitor.get("/HoSo/DangKy.aspx")
    visitor.post({"txtTenDoanhNghiep": "công ty tnhh  xây dựng TRÀ khúc "}, button="btnKiemTraTen")
    assert summary(visitor) == ["Tên doanh nghiệp đã được đăng ký: CÔNG TY TNHH XÂY DỰNG TRÀ KHÚC"]
    assert "C_lblKetQuaKiemTra" not in visitor.text
    visitor.post(button="btnSave")
    assert summary(visitor) == ["Tên doanh nghiệp đã được đăng ký: CÔNG TY TNHH XÂY DỰNG TRÀ KHÚC"]
    visitor.post({"txtTenDoanhNghiep": "Công ty TNHH Sông Trà Mới"}, button="btnKiemTraTen")
    assert '<span id="C_lblKetQuaKiemTra" class="ok">Tên doanh nghiệp có thể đăng ký</span>' in visitor.text
    assert summary(visitor) == []
    # a name already submitted is taken too
    dkkd.knobs(captcha=False)
    dkkd.submit_minimal()
    visitor.post({"txtTenDoanhNghiep": "CÔNG TY TNHH THƯƠNG MẠI HOÀ BÌNH QUẢNG NGÃI"}, button="btnKiemTraTen")
    assert summary(visitor) == [
        "Tên doanh nghiệp đã được đăng ký: CÔNG TY TNHH THƯƠNG MẠI HOÀ BÌNH QUẢNG NGÃI"
    ]


def _to_page(dkkd: DkkdSandbox, visitor: WebForm, page: int) -> None:
    visitor.get("/HoSo/DangKy.aspx")
    for number in range(1, page):
        if number == 2:
            visitor.post({"ddlTinh": "51"}, target="ddlTinh")
        if number == 3:
            dkkd.add_industry(visitor, "4620")
            dkkd.save_and_next(visitor, 3, {"rdoNganhChinh": "4620"})
        else:
            dkkd.save_and_next(visitor, number, MINIMAL_PAGES[number])
    assert heading(visitor).startswith(f"Bước {page}/8")


def test_industries_one_line_per_postback_and_exactly_one_main(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    _to_page(dkkd, visitor, 3)
    assert 'name="ctl00$C$BtnSaveNotVSIC" value="Lưu"' in visitor.text
    visitor.post({"txtTimNganh": "462"}, button="btnTimNganh")
    visitor.post(target="grdKetQua$ctl00$lnkChon")
    rows = re.findall(
        r"<tr><td>(\d{4})</td><td>(.*?)</td><td><a id=\"C_grdKetQua_lnkChon_(\d+)\"", visitor.text
    )
    assert [code for code, _, _ in rows] == ["4620"]
    visitor.post({"txtTimNganh": "BAN BUON gao"}, button="btnTimNganh")  # words, no accents
    codes = re.findall(r"<tr><td>(\d{4})</td>", visitor.text.split('id="C_grdNganhDaChon"')[0])
    assert "4631" in codes and len(codes) <= 20
    visitor.post({"txtTimNganh": "ban"}, button="btnTimNganh")
    assert len(re.findall(r'id="C_grdKetQua_lnkChon_\d+"', visitor.text)) == 20
    assert "href=\"javascript:__doPostBack('ctl00$C$grdKetQua$ctl19$lnkChon','')\">Chọn</a>" in visitor.text
    visitor.post({"txtTimNganh": "4631"}, button="btnTimNganh")
    visitor.post(target="grdKetQua$ctl00$lnkChon")
    chosen = visitor.text.split('id="C_grdNganhDaChon"')[1]
    assert re.findall(r"<tr><td>(\d{4})</td>", chosen) == ["4620", "4631"]
    assert (
        '<input type="radio" name="ctl00$C$rdoNganhChinh" value="4631" id="C_rdoNganhChinh_4631">'
        '<label for="C_rdoNganhChinh_4631">Ngành chính</label>' in chosen
    )
    visitor.post(target="grdKetQua$ctl00$lnkChon")  # the same code again
    assert summary(visitor) == ["Ngành 4631 đã có trong danh sách ngành, nghề kinh doanh"]
    visitor.post(button="BtnSaveNotVSIC")  # no main line
    assert summary(visitor) == ["Phải chọn đúng một ngành kinh doanh chính"]
    visitor.post({"rdoNganhChinh": "4631"}, button="BtnSaveNotVSIC")
    assert "Đã lưu thông tin" in visitor.text
    assert 'value="4631" id="C_rdoNganhChinh_4631" checked="checked"' in visitor.text
    visitor.post(target="grdNganhDaChon", argument="Xoa$4620")
    chosen = visitor.text.split('id="C_grdNganhDaChon"')[1]
    assert re.findall(r"<tr><td>(\d{4})</td>", chosen) == ["4631"]
    visitor.post(target="grdNganhDaChon", argument="Xoa$4631")
    visitor.post(button="BtnSaveNotVSIC")
    assert summary(visitor) == ["Doanh nghiệp phải đăng ký ít nhất một ngành, nghề kinh doanh"]


def test_contribution_total_row(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    _to_page(dkkd, visitor, 4)
    assert '<span id="C_lblTongGop"></span>' in visitor.text.replace(
        '<span id="C_lblTongGop">0</span>', '<span id="C_lblTongGop"></span>'
    )
    assert 'name="ctl00$C$lblTongGop"' not in visitor.text
    fields = {**MINIMAL_PAGES[4], "txtGopVang": "400000000"}
    visitor.post(fields, button="btnLuu")
    assert '<span id="C_lblTongGop">1.900.000.000</span>' in visitor.text
    assert summary(visitor) == [
        "Tổng giá trị tài sản góp vốn (1.900.000.000 VNĐ) phải bằng vốn điều lệ (2.000.000.000 VNĐ)"
    ]
    visitor.post({"txtVonDieuLe": "0"}, button="btnLuu")
    assert summary(visitor)[0] == "Vốn điều lệ phải là số nguyên dương (VNĐ)"
    visitor.post({"txtVonDieuLe": "2000000000", "txtGopVang": "500000000"}, button="btnLuu")
    assert '<span id="C_lblTongGop">2.000.000.000</span>' in visitor.text
    assert "Đã lưu thông tin" in visitor.text


def test_representatives_rows_and_owner_age(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    _to_page(dkkd, visitor, 5)
    visitor.post({**MINIMAL_PAGES[5], "txtChuNgaySinh": "01/01/2020"}, button="btnSave")
    assert summary(visitor) == ["Chủ sở hữu phải từ đủ 18 tuổi trở lên"]
    dkkd.save_and_next(visitor, 5, MINIMAL_PAGES[5])
    assert (
        '<fieldset id="C_rptDaiDien_0" class="representative"><legend>Người đại diện 1</legend>'
        in visitor.text
    )
    assert 'name="ctl00$C$rptDaiDien$ctl00$txtDdHoTen" id="C_rptDaiDien_txtDdHoTen_0"' in visitor.text
    visitor.post(MINIMAL_PAGES[6], button="btnThemDaiDien")
    assert "<legend>Người đại diện 2</legend>" in visitor.text
    assert "C_rptDaiDien_2" not in visitor.text
    visitor.post(button="BtnSave")
    assert "Họ và tên (người đại diện 2) không được để trống" in summary(visitor)
    second = {k.replace("ctl00", "ctl01"): v for k, v in MINIMAL_PAGES[6].items()}
    second |= {
        "rptDaiDien$ctl01$txtDdHoTen": "TRẦN THỊ BÌNH",
        "rptDaiDien$ctl01$txtDdChucDanh": "Tổng giám đốc",
    }
    dkkd.save_and_next(visitor, 6, second)
    assert heading(visitor) == "Bước 7/8: Đăng ký thuế"


def test_challenge_and_commitment_then_receipt(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    dkkd.walk_to_review(visitor)
    assert heading(visitor) == "Bước 8/8: Xem lại và nộp hồ sơ"
    assert '<img id="C_imgXacThuc" alt="Ảnh xác thực"' in visitor.text
    assert "Ngành chính" not in visitor.text and "4620" in visitor.text
    src = re.search(r'<img id="C_imgXacThuc" alt="Ảnh xác thực" src="([^"]+)"', visitor.text)
    assert src and visitor.http.get(src.group(1)).headers["content-type"] == "image/png"
    visitor.post({"chkCamKet": "on"}, button="btnNopHoSo")
    assert summary(visitor) == ["Bạn chưa nhập các ký tự trong ảnh xác thực"]
    visitor.post({"chkCamKet": "on", "txtXacThuc": "?????"}, button="btnNopHoSo")
    assert summary(visitor) == ["Các ký tự xác thực không đúng, vui lòng nhập lại"]
    visitor.post({"txtXacThuc": dkkd.latest_captcha()}, button="btnNopHoSo")  # box unticked
    assert summary(visitor) == [
        "Bạn phải xác nhận cam kết chịu trách nhiệm về tính hợp pháp, chính xác của hồ sơ"
    ]
    assert dkkd.applications() == []
    response = visitor.post(
        {"chkCamKet": "on", "txtXacThuc": dkkd.latest_captcha().lower()}, button="btnNopHoSo"
    )
    assert response.status_code == 302
    location = response.headers["location"]
    assert re.fullmatch(r"/HoSo/BienNhan\.aspx\?so=HS-\d{4}-\d{6}", location)
    visitor.follow()
    (stored,) = dkkd.applications()
    assert f'<span id="C_lblSoHoSo">{stored["receipt"]}</span>' in visitor.text
    assert re.search(r'<span id="C_lblNgayNop">\d{2}/\d{2}/\d{4} \d{2}:\d{2}</span>', visitor.text)
    assert "CÔNG TY TNHH THƯƠNG MẠI HOÀ BÌNH QUẢNG NGÃI" in visitor.text


def test_tampered_unsigned_and_stale_view_state_store_nothing(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    dkkd.knobs(captcha=False)
    visitor.get("/HoSo/DangKy.aspx")
    good = visitor.hidden
    state = json.loads(base64.b64decode(good["__VIEWSTATE"]))
    forged = json.loads(state["d"]) | {"page": 8}
    tampered = base64.b64encode(json.dumps({"d": json.dumps(forged), "mac": state["mac"]}).encode()).decode()
    visitor.post(hidden={**good, "__VIEWSTATE": tampered}, button="btnSave")
    assert state_error(visitor)
    assert "<title>Trạng thái trang không hợp lệ – Lỗi máy chủ trong ứng dụng '/'</title>" in visitor.text
    unsigned = base64.b64encode(json.dumps({"page": 1}).encode()).decode()
    visitor.post(hidden={**good, "__VIEWSTATE": unsigned}, button="btnSave")
    assert state_error(visitor)
    visitor.post(hidden=good, target="grdKetQua$ctl03$lnkChon")  # a postback the page never offered
    assert state_error(visitor)
    visitor.get("/HoSo/DangKy.aspx")
    dkkd.walk_to_review(visitor)
    before = visitor.controls
    visitor.post(button="btnBack")  # a postback: the review page's state is old now
    page7 = visitor.controls
    visitor.post(hidden=before, raw={"ctl00$C$chkCamKet": "on", "ctl00$C$btnNopHoSo": "Nộp hồ sơ"})
    assert state_error(visitor)
    assert dkkd.applications() == []
    visitor.post(hidden=page7, button="btnNext")  # the draft goes on from where it really is
    review = visitor.controls
    assert visitor.post({"chkCamKet": "on"}, button="btnNopHoSo").status_code == 302
    visitor.post(
        hidden=review, raw={"ctl00$C$chkCamKet": "on", "ctl00$C$btnNopHoSo": "Nộp hồ sơ"}
    )  # back, submit
    assert state_error(visitor)
    assert len(dkkd.applications()) == 1


def test_login_and_session_timeout(dkkd: DkkdSandbox) -> None:
    anonymous = dkkd.visitor(login=False)
    response = anonymous.get("/HoSo/DangKy.aspx")
    assert response.status_code == 302
    assert response.headers["location"] == "/DangNhap.aspx?ReturnUrl=%2FHoSo%2FDangKy.aspx"
    anonymous.follow()
    assert 'type="password" name="ctl00$C$txtMatKhau" id="C_txtMatKhau"' in anonymous.text
    anonymous.post({"txtTenDangNhap": "motcua.qngai", "txtMatKhau": "sai"}, button="btnDangNhap")
    assert '<span id="C_lblLoi" role="alert">Tên đăng nhập hoặc mật khẩu không đúng</span>' in anonymous.text
    response = anonymous.post({"txtMatKhau": "DangKy@2025"}, button="btnDangNhap")
    assert (response.status_code, response.headers["location"]) == (302, "/HoSo/DangKy.aspx")
    assert "ASP.NET_SessionId" in anonymous.http.cookies
    anonymous.follow()
    assert heading(anonymous).startswith("Bước 1/8")
    dkkd.knobs(session_idle_s=0.3)
    time.sleep(0.5)
    response = anonymous.post(MINIMAL_PAGES[1], button="btnSave")
    assert response.status_code == 302
    assert response.headers["location"] == "/DangNhap.aspx?ReturnUrl=%2FHoSo%2FDangKy.aspx"
    anonymous.close()
