"""Statuses, look-up, duplicates, fault knobs and the control API."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from rpa.clock import vn_now
from rpa.sandbox.moj.testing import MojSandbox


@pytest.mark.browser
def test_status_advances_and_status_page(
    page: Page, moj: MojSandbox, login: Callable[..., None], shot: Callable[[str], None]
) -> None:
    [receipt] = moj.submit_minimal()
    moj.knobs(captcha=False)
    login(f"/trang-thai?maHoSo={receipt}")
    expect(page.locator("#status-label")).to_have_text("Đã tiếp nhận")
    assert moj.advance(receipt, "finished").status_code == 409  # received -> finished is not allowed
    assert moj.advance(receipt, "processing").status_code == 200
    reply = moj.advance(receipt, "supplement_requested", "Bổ sung bản chụp hộ khẩu")
    assert reply.json()["advanced"][0]["from"] == "processing"
    page.reload()
    expect(page.locator("#status-label")).to_have_text("Yêu cầu bổ sung")
    expect(page.locator("main")).to_contain_text("Bổ sung bản chụp hộ khẩu")
    for status in ("processing", "finished"):
        assert moj.advance(receipt, status).status_code == 200
    page.reload()
    expect(page.locator("#status-label")).to_have_text("Đã có kết quả")
    returned = moj.advance(receipt, "result_returned").json()["advanced"][0]
    assert re.fullmatch(r"LLTP-\d{4}-\d{6}", returned["certificateNumber"])
    page.reload()
    expect(page.locator("#status-label")).to_have_text("Đã trả kết quả")
    expect(page.get_by_role("row", name=re.compile("^Số phiếu"))).to_contain_text(
        returned["certificateNumber"]
    )
    shot("status-result-returned")
    history = [h["status"] for h in moj.applications()[0]["statusHistory"]]
    assert history == [
        "received",
        "processing",
        "supplement_requested",
        "processing",
        "finished",
        "result_returned",
    ]
    assert moj.advance("51-LLTP-0000-999999", "processing").status_code == 404


def test_advance_all_and_over_time(moj: MojSandbox) -> None:
    first, second = moj.submit_minimal(times=2)
    moj.advance(first, "processing")
    moved = moj.advance(None, "processing").json()["advanced"]
    assert [m["receipt"] for m in moved] == [second]  # only the eligible one
    moj.knobs(auto_advance_s=0.5)
    time.sleep(1.1)
    assert {a["status"] for a in moj.applications()} == {"result_returned"}


def test_duplicates_are_accepted_and_lookup_lists_them(moj: MojSandbox) -> None:
    receipts = moj.submit_minimal(times=2)
    assert len(set(receipts)) == 2
    stored = moj.applications()
    assert [a["receipt"] for a in stored] == receipts
    assert stored[0]["form"] == stored[1]["form"]
    today = vn_now()
    with httpx.Client(base_url=moj.url) as client:
        moj.login(client)
        hit = client.get(
            "/tra-cuu",
            params={
                "soGiayTo": "051090001234",
                "tuNgay": today.strftime("%d/%m/%Y"),
                "denNgay": today.strftime("%d/%m/%Y"),
            },
        ).text
        assert all(r in hit for r in receipts) and "Kết quả tra cứu (2 hồ sơ)" in hit
        later = (today + timedelta(days=1)).strftime("%d/%m/%Y")
        miss = client.get(
            "/tra-cuu", params={"soGiayTo": "051090001234", "tuNgay": later, "denNgay": later}
        ).text
        assert "Không tìm thấy hồ sơ nào phù hợp." in miss


@pytest.mark.browser
def test_maintenance_and_gateway_errors(page: Page, moj: MojSandbox, shot: Callable[[str], None]) -> None:
    moj.knobs(maintenance=True)
    response = page.goto(f"{moj.url}/dang-nhap")
    assert response is not None and response.status == 503
    expect(page.get_by_role("heading")).to_have_text("Hệ thống đang bảo trì")
    shot("maintenance")
    assert moj.knobs()["maintenance"] is True  # the control API is exempt
    moj.knobs(maintenance=False, error_rate=1.0)
    response = page.goto(f"{moj.url}/dang-nhap")
    assert response is not None and response.status == 502
    expect(page.locator("body")).to_contain_text("Lỗi kết nối tới máy chủ ứng dụng")
    moj.knobs(error_rate=0.0, latency_ms=300, jitter_ms=50)
    started = time.monotonic()
    response = page.goto(f"{moj.url}/dang-nhap")
    assert response is not None and response.status == 200 and time.monotonic() - started >= 0.3


def test_control_api(moj: MojSandbox) -> None:
    knobs = moj.knobs(latency_ms=5)
    assert knobs == {
        "latency_ms": 5,
        "jitter_ms": 0,
        "error_rate": 0.0,
        "maintenance": False,
        "captcha": True,
        "session_idle_s": 900.0,
        "ui_version": 1,
        "auto_advance_s": 0.0,
        "legacy_units": False,
        "lost_answer_rate": 0.0,
        "lost_answer_mode": "gateway",
        "clock_offset_s": 0.0,
        "receipt_layout": 1,
        "status_labels": {},
    }
    assert moj.http.post("/_sandbox/knobs", json={"latencyMs": 5}).status_code == 422
    assert moj.http.post("/_sandbox/knobs", json={"ui_version": 3}).status_code == 422
    accounts = moj.http.post(
        "/_sandbox/accounts", json={"username": "canbo.kontum", "password": "Kt@2025", "province_code": "51"}
    ).json()["accounts"]
    assert {a["username"] for a in accounts} == {"canbo.qngai", "canbo.kontum"}
    assert moj.reset()["knobs"]["latency_ms"] == 0
    assert [a["username"] for a in moj.http.get("/_sandbox/accounts").json()["accounts"]] == ["canbo.qngai"]


def test_unit_lists_for_the_selects(moj: MojSandbox) -> None:
    for path in ("/api/dm/tinh", "/api/dm/huyen?tinh=62", "/api/dm/xa?tinh=51"):  # like every page
        refused = moj.http.get(path)
        assert refused.status_code == 401 and "đăng nhập" in refused.json()["detail"], path
    with httpx.Client(base_url=moj.http.base_url, timeout=10) as http:
        moj.login(http)
        assert len(http.get("/api/dm/tinh").json()) == 34
        assert len(http.get("/api/dm/tinh", params={"cu": 1}).json()) == 63
        districts = http.get("/api/dm/huyen", params={"tinh": "62"}).json()
        assert {"ma": "608", "ten": "Thành phố Kon Tum"} in districts
        legacy = http.get("/api/dm/xa", params={"tinh": "62", "huyen": "608"}).json()
        assert {"ma": "23284", "ten": "Phường Duy Tân"} in legacy
        assert http.get("/api/dm/xa", params={"tinh": "5x"}).status_code == 400
