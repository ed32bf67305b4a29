"""Look-up, the status page after the control API moves an application, knobs and faults."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import httpx
import pytest

from rpa import clock
from rpa.sandbox.dkkd.testing import MINIMAL_PAGES, DkkdSandbox, WebForm
from rpa.sandbox.registered_names import REGISTERED_NAMES

FORM_KEYS = {
    *MINIMAL_PAGES[1], *MINIMAL_PAGES[2], "nganhNghe", *MINIMAL_PAGES[4], *MINIMAL_PAGES[5],
    "nguoiDaiDien", *MINIMAL_PAGES[7],
}  # fmt: skip


def _second(owner: str = "051090009999", name: str = "Công ty TNHH Gỗ Đăk Tô") -> dict[int, dict[str, str]]:
    return {
        1: {**MINIMAL_PAGES[1], "txtTenDoanhNghiep": name},
        5: {**MINIMAL_PAGES[5], "txtChuSoGiayTo": owner},
    }


def _rows(page: str) -> list[list[str]]:
    table = re.search(r'<table id="C_grdTraCuu".*?</table>', page, re.S)
    assert table, page[-800:]
    rows = re.findall(r"<tr><td>(.*?)</tr>", table.group(0), re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.split(r"</td><td>", row.removesuffix("</td>"))]
        for row in rows
    ]


def test_lookup_by_identity_name_and_dates(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    dkkd.knobs(captcha=False)
    first = dkkd.submit_minimal()
    second = dkkd.submit_minimal(_second())
    visitor.get("/TraCuu.aspx")
    for label in ("Số giấy tờ pháp lý của chủ sở hữu", "Tên doanh nghiệp", "Từ ngày", "Đến ngày"):
        assert f">{label}</label>" in visitor.text
    visitor.post({"txtSoGiayTo": "051085001234"}, button="btnTraCuu")
    ((receipt, name, filed, status),) = _rows(visitor.text)
    assert (receipt, name, status) == (first, "CÔNG TY TNHH THƯƠNG MẠI HOÀ BÌNH QUẢNG NGÃI", "Đã nộp")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", filed)
    visitor.post({"txtSoGiayTo": "", "txtTenDN": "go dak to"}, button="btnTraCuu")
    assert [r[0] for r in _rows(visitor.text)] == [second]
    today = clock.vn_today().strftime("%d/%m/%Y")
    visitor.post({"txtTenDN": "", "txtTuNgay": today, "txtDenNgay": today}, button="btnTraCuu")
    assert [r[0] for r in _rows(visitor.text)] == [first, second]
    tomorrow = (clock.vn_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    visitor.post({"txtTuNgay": tomorrow, "txtDenNgay": ""}, button="btnTraCuu")
    assert '<p id="C_lblKhongCo">Không tìm thấy hồ sơ phù hợp</p>' in visitor.text
    visitor.post({"txtTuNgay": "", "txtSoGiayTo": "000000000000"}, button="btnTraCuu")
    assert "C_lblKhongCo" in visitor.text and "C_grdTraCuu" not in visitor.text


def test_status_page_follows_the_control_api(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    dkkd.knobs(captcha=False)
    receipt = dkkd.submit_minimal()
    second = dkkd.submit_minimal(_second())

    def status() -> str:
        visitor.get(f"/HoSo/TrangThai.aspx?so={receipt}")
        found = re.search(r'<span id="C_lblTrangThai">(.*?)</span>', visitor.text)
        assert found
        return found.group(1)

    assert status() == "Đã nộp"
    assert '<span id="C_lblTenDN">CÔNG TY TNHH THƯƠNG MẠI HOÀ BÌNH QUẢNG NGÃI</span>' in visitor.text
    assert '<span id="C_lblSoGiayTo">051085001234</span>' in visitor.text
    assert "C_lblMaSoDN" not in visitor.text and "C_lblNoiDungBoSung" not in visitor.text
    assert dkkd.advance(receipt, "processing").status_code == 200
    assert status() == "Đang xử lý"
    reason = "Tên doanh nghiệp dễ gây nhầm lẫn, đề nghị sửa đổi."
    dkkd.advance(receipt, "supplement_requested", reason).raise_for_status()
    assert status() == "Yêu cầu sửa đổi bổ sung"
    assert f'<span id="C_lblNoiDungBoSung">{reason}</span>' in visitor.text
    assert dkkd.advance(receipt, "granted").status_code == 409  # not from a supplement request
    dkkd.advance(receipt, "processing").raise_for_status()
    moved = dkkd.advance(receipt, "granted").raise_for_status().json()["advanced"][0]
    assert status() == "Đã cấp Giấy chứng nhận"
    code = re.search(r'<span id="C_lblMaSoDN">(\d+)</span>', visitor.text)
    assert code and len(code.group(1)) == 10 and code.group(1).startswith("43")
    assert moved["enterprise_code"] == code.group(1)
    record = dkkd.application(receipt)
    assert (record["status"], record["enterprise_code"]) == ("granted", code.group(1))
    assert dkkd.application(second)["status"] == "submitted"
    visitor.get("/HoSo/TrangThai.aspx?so=HS-0000-000000")
    assert '<span id="C_lblLoi" role="alert">Không tìm thấy hồ sơ</span>' in visitor.text


def test_auto_advance(dkkd: DkkdSandbox) -> None:
    dkkd.knobs(captcha=False)
    receipt = dkkd.submit_minimal()
    dkkd.knobs(auto_advance_s=0.2)
    # the portal's clock counts whole seconds: two steps of 0.2 s show within about a second
    deadline = time.monotonic() + 5
    while (record := dkkd.application(receipt))["status"] != "granted" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert record["status"] == "granted" and record["enterprise_code"].startswith("43")


def test_control_api(dkkd: DkkdSandbox) -> None:
    knobs = dkkd.knobs()
    assert {
        "captcha", "error_rate", "latency_ms", "jitter_ms", "maintenance", "session_idle_s", "auto_advance_s",
        "lost_answer_rate", "lost_answer_mode", "clock_offset_s", "ui_version",
    } <= set(knobs)  # fmt: skip
    assert knobs["ui_version"] == 1 and knobs["captcha"] is True
    assert dkkd.http.post("/_sandbox/knobs", json={"ui_version": 2}).status_code == 422
    assert dkkd.http.post("/_sandbox/knobs", json={"no_such_knob": 1}).status_code == 422
    dkkd.knobs(captcha=False)
    receipt = dkkd.submit_minimal()
    (record,) = dkkd.applications()
    assert {"receipt", "submitted_at", "status", "form", "enterprise_code", "supplement_reason"} <= set(
        record
    )
    assert record["receipt"] == receipt and record["status"] == "submitted"
    assert set(record["form"]) == FORM_KEYS
    assert record["form"]["nganhNghe"] == [
        {"maNganh": "4620", "laNganhChinh": True},
        {"maNganh": "4632", "laNganhChinh": False},
    ]
    assert record["form"]["nguoiDaiDien"][0]["txtDdChucDanh"] == "Giám đốc"
    assert all(
        isinstance(v, str) for k, v in record["form"].items() if k not in {"nganhNghe", "nguoiDaiDien"}
    )
    assert dkkd.http.get("/_sandbox/applications/HS-0000-000000").status_code == 404
    filed = record["form"]["txtTenDoanhNghiep"]  # a name filed is a name taken
    assert dkkd.http.get("/_sandbox/registered_names").json() == [*REGISTERED_NAMES, filed]
    accounts = dkkd.http.get("/_sandbox/accounts").json()["accounts"]
    assert accounts[0]["username"] == "motcua.qngai"
    added = {"username": "canbo2", "password": "MatKhau@1", "display_name": "Cán bộ 2", "province_code": "51"}
    assert dkkd.http.post("/_sandbox/accounts", json=added).status_code == 200
    other = WebForm(dkkd.url)
    other.login("canbo2", "MatKhau@1")
    assert "Đăng ký doanh nghiệp qua mạng" in other.text
    other.close()
    refused = dkkd.http.post("/_sandbox/reset", headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403
    assert dkkd.reset()["ok"] and dkkd.applications() == []
    assert [a["username"] for a in dkkd.http.get("/_sandbox/accounts").json()["accounts"]] == ["motcua.qngai"]


def test_maintenance_and_gateway_errors(dkkd: DkkdSandbox) -> None:
    dkkd.knobs(maintenance=True)
    page = httpx.get(f"{dkkd.url}/DangNhap.aspx")
    assert page.status_code == 503 and "<h1>Hệ thống đang bảo trì</h1>" in page.text
    assert dkkd.knobs()["maintenance"] is True  # the control API is exempt
    dkkd.knobs(maintenance=False, error_rate=1.0)
    assert httpx.get(f"{dkkd.url}/DangNhap.aspx").status_code == 502


@pytest.mark.parametrize("mode", ["gateway", "drop"])
def test_a_lost_answer_still_stores_the_application(dkkd: DkkdSandbox, mode: str) -> None:
    dkkd.knobs(captcha=False, lost_answer_rate=1.0, lost_answer_mode=mode)
    form = dkkd.visitor()
    dkkd.walk_to_review(form)
    if mode == "gateway":
        assert form.post({"chkCamKet": "on"}, button="btnNopHoSo").status_code == 502
    else:
        with pytest.raises(httpx.HTTPError):
            form.post({"chkCamKet": "on"}, button="btnNopHoSo")
    form.close()
    assert len(dkkd.applications()) == 1


def test_clock_offset_moves_the_receipt_time(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    dkkd.knobs(captcha=False, clock_offset_s=-3 * 3600)
    receipt = dkkd.submit_minimal()
    submitted = datetime.fromisoformat(dkkd.application(receipt)["submitted_at"])
    expected = clock.vn_now().replace(tzinfo=None) - timedelta(hours=3)
    assert abs((submitted - expected).total_seconds()) < 60
    visitor.get(f"/HoSo/BienNhan.aspx?so={receipt}")
    assert f'<span id="C_lblNgayNop">{submitted:%d/%m/%Y %H:%M}</span>' in visitor.text
    assert f'<span id="C_lblSoHoSo">{receipt}</span>' in visitor.text
    assert receipt.startswith(f"HS-{submitted:%y%m}-")
