"""Statuses moved by the control API and over time, per-vehicle badge numbers, and the fault knobs
(maintenance, gateway errors, CAPTCHA, lost answers) on the API the page calls."""

from __future__ import annotations

import time

import httpx
import pytest

from rpa.sandbox.vantai.testing import VALID_FORM, VALID_VEHICLE, VantaiSandbox


def test_statuses_move_as_allowed_and_issue_one_badge_per_vehicle(vantai: VantaiSandbox) -> None:
    two = {**VALID_FORM, "phuong_tien": [VALID_VEHICLE, {**VALID_VEHICLE, "bien_so": "76B-678.90"}]}
    first, second = vantai.submit(two)["receipt"], vantai.submit()["receipt"]
    assert vantai.advance(first, "processing").status_code == 200
    moved = vantai.advance(first, "issued").json()["advanced"][0]
    assert moved["badges"] == [
        {"bien_so": "76B-123.45", "so_phu_hieu": "76-PH-000001"},
        {"bien_so": "76B-678.90", "so_phu_hieu": "76-PH-000002"},
    ]
    record = vantai.application(first)
    assert record["status_label"] == "Đã cấp phù hiệu"
    assert (
        record["status_history"][-1]["note"]
        == "Số phù hiệu: 76B-123.45: 76-PH-000001; 76B-678.90: 76-PH-000002"
    )
    assert vantai.advance(first, "processing").status_code == 409  # issued is final
    assert (
        vantai.advance(second, "issued").json()["advanced"][0]["badges"][0]["so_phu_hieu"] == "76-PH-000003"
    )


def test_supplement_and_refusal(vantai: VantaiSandbox) -> None:
    receipt = vantai.submit()["receipt"]
    vantai.advance(receipt, "supplement_requested", "Bổ sung hợp đồng thuê xe")
    shown = vantai.api("GET", f"/api/ho-so/{receipt}").json()
    assert (
        shown["status_label"] == "Yêu cầu bổ sung"
        and shown["supplement_reason"] == "Bổ sung hợp đồng thuê xe"
    )
    assert vantai.advance(receipt, "refused").status_code == 409
    vantai.advance(receipt, "processing")
    vantai.advance(receipt, "refused")
    assert vantai.application(receipt)["status_label"] == "Từ chối cấp"
    assert vantai.advance(receipt, "unknown").status_code == 422


def test_auto_advance_reaches_issued(vantai: VantaiSandbox) -> None:
    receipt = vantai.submit()["receipt"]
    vantai.knobs(auto_advance_s=0.5)
    time.sleep(1.2)
    record = vantai.application(receipt)
    assert [h["status"] for h in record["status_history"]] == ["submitted", "processing", "issued"]
    assert record["badges"][0]["so_phu_hieu"].startswith("76-PH-")


def test_maintenance_answers_503_on_pages_and_api_but_not_control(vantai: VantaiSandbox) -> None:
    vantai.knobs(maintenance=True)
    page = vantai.http.get("/ho-so/moi")
    assert page.status_code == 503 and "Hệ thống đang bảo trì" in page.text
    assert vantai.api("GET", "/api/forms/phu-hieu").status_code == 503
    assert vantai.http.get("/static/vantai.js").status_code == 200
    assert vantai.knobs()["maintenance"] is True


def test_error_rate_fails_requests_with_the_gateway_page(vantai: VantaiSandbox) -> None:
    vantai.knobs(error_rate=1.0)
    answer = vantai.api("GET", "/api/doanh-nghiep", params={"so_giay_phep": "76-"})
    assert answer.status_code == 502 and "Bad Gateway" in answer.text
    vantai.knobs(error_rate=0.0)
    assert vantai.api("GET", "/api/auth/me").status_code == 200


def test_captcha_is_asked_once_per_answer_and_can_be_switched_off(vantai: VantaiSandbox) -> None:
    assert vantai.post_application().json()["errors"] == {"captcha": "Vui lòng nhập mã xác thực"}
    challenge = vantai.api("GET", "/api/captcha").json()
    assert challenge["required"] and challenge["image"].startswith("data:image/png;base64,")
    wrong = vantai.post_application(captcha="ZZZZZ").json()
    assert wrong["detail"] == "Mã xác thực không đúng, vui lòng nhập lại"
    answer = vantai.captcha_answer(challenge["id"])
    ok = vantai.api(
        "POST", "/api/ho-so", data={"ho_so": "{}", "captcha_id": challenge["id"], "captcha": answer}
    )
    assert "captcha" not in ok.json()["errors"]  # right answer: on to the form's own checks
    reused = vantai.api(
        "POST", "/api/ho-so", data={"ho_so": "{}", "captcha_id": challenge["id"], "captcha": answer}
    )
    assert reused.json()["errors"] == {"captcha": "Mã xác thực không đúng, vui lòng nhập lại"}
    vantai.knobs(captcha=False)
    assert vantai.api("GET", "/api/captcha").json() == {"required": False}
    assert vantai.post_application().status_code == 201


@pytest.mark.parametrize("mode", ["gateway", "drop"])
def test_a_lost_answer_still_stores_the_application(vantai: VantaiSandbox, mode: str) -> None:
    vantai.knobs(captcha=False, lost_answer_rate=1.0, lost_answer_mode=mode)
    if mode == "drop":
        with pytest.raises(httpx.HTTPError):
            vantai.post_application()
    else:
        assert vantai.post_application().status_code == 502
    assert len(vantai.applications()) == 1


def test_control_api_lists_businesses_accounts_and_resets(vantai: VantaiSandbox) -> None:
    businesses = vantai.businesses()
    assert len(businesses) == 40 and businesses[0]["so_giay_phep"] == "76-002233"
    assert vantai.http.get("/_sandbox/accounts").json()["accounts"][0]["username"] == "sxd.qngai"
    vantai.submit()
    vantai.knobs(latency_ms=5, session_idle_s=60)
    assert vantai.reset()["knobs"]["session_idle_s"] == 900.0
    assert vantai.applications() == []
    assert vantai.http.post("/_sandbox/knobs", json={"no_such_knob": 1}).status_code == 422
