"""The JSON API as the bots' API source uses it: token, search, read, write back."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rpa.procedures import dossier_model
from rpa.sandbox.records import SeededDossier

if TYPE_CHECKING:
    from conftest import Provincial

MakeSeeded = Callable[..., SeededDossier]


def test_token_by_form_or_json_and_401_without(provincial: Provincial, api: httpx.Client) -> None:
    url = provincial.url
    assert httpx.get(f"{url}/api/dossiers").status_code == 401
    missing = httpx.get(f"{url}/api/dossiers")
    assert (
        missing.json()["detail"].startswith("Chưa xác thực")
        and missing.headers["www-authenticate"] == "Bearer"
    )
    bad = httpx.get(f"{url}/api/dossiers", headers={"Authorization": "Bearer abc.def"})
    assert bad.status_code == 401 and bad.json()["detail"] == "Mã truy cập không hợp lệ"
    wrong = httpx.post(f"{url}/api/auth/token", data={"username": "motcua.qngai", "password": "sai"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Sai tên đăng nhập hoặc mật khẩu"
    by_json = httpx.post(f"{url}/api/auth/token", json={"username": "rpa.bot", "password": "RpaBot@2025"})
    assert by_json.status_code == 200 and by_json.json()["token_type"] == "bearer"
    token = by_json.json()["access_token"]
    assert httpx.get(f"{url}/api/dossiers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert api.get("/api/dossiers").status_code == 200


def test_search_by_each_filter(provincial: Provincial, api: httpx.Client, make_seeded: MakeSeeded) -> None:
    tz = timezone(timedelta(hours=7))
    early, late = datetime(2025, 10, 1, 9, tzinfo=tz), datetime(2025, 11, 5, 14, tzinfo=tz)
    codes = provincial.add(
        make_seeded(0, received=early, status=2),
        make_seeded(1, received=late, status=4),
        make_seeded(
            2, received=late + timedelta(hours=1), status=2, procedure=("2.000488", "Đăng ký khai sinh")
        ),
    )

    def found(**params: str) -> list[str]:
        response = api.get("/api/dossiers", params=params)
        assert response.status_code == 200, response.text
        return [item["code"] for item in response.json()["content"]]

    assert found() == [codes[2], codes[1], codes[0]]
    assert found(procedure="1.001234") == [codes[1], codes[0]]
    assert found(status="2") == [codes[2], codes[0]]
    assert found(status="2,4", procedure="2.000488") == [codes[2]]
    assert found(**{"received-since": "2025-11-05"}) == [codes[2], codes[1]]
    assert found(**{"received-since": "05/11/2025"}) == [codes[2], codes[1]]
    assert found(**{"received-since": "2025-11-05T14:30:00+07:00"}) == [codes[2]]
    assert found(code=codes[1]) == [codes[1]]
    assert found(code="-251001-") == [codes[0]]
    identity = api.get(f"/api/dossiers/{codes[0]}").json()["applicant"]["identity"]["number"]
    assert found(**{"identity-number": identity}) == [codes[0]]
    assert found(**{"identity-number": "000000000000"}) == []


def test_pages_are_spring_style(provincial: Provincial, api: httpx.Client, make_seeded: MakeSeeded) -> None:
    codes = provincial.add(*(make_seeded(i, files=0) for i in range(5)))
    first = api.get("/api/dossiers", params={"size": 2}).json()
    assert (first["totalElements"], first["totalPages"], first["number"], first["size"]) == (5, 3, 0, 2)
    last = api.get("/api/dossiers", params={"size": 2, "page": 2}).json()
    assert last["numberOfElements"] == 1 and last["last"] and not last["first"]
    seen = [
        d["code"]
        for p in range(3)
        for d in api.get("/api/dossiers", params={"size": 2, "page": p}).json()["content"]
    ]
    assert sorted(seen) == sorted(codes)


def test_one_dossier_with_attachments_and_download(
    provincial: Provincial, api: httpx.Client, make_seeded: MakeSeeded
) -> None:
    seeded = make_seeded(3)
    (code,) = provincial.add(seeded)
    body = api.get(f"/api/dossiers/{code}").json()
    assert body["code"] == code and body["receipt_codes"] == []
    assert body["processing_log"][0]["note"] == "Tiếp nhận hồ sơ"
    attachment = body["attachments"][1]
    assert attachment["download_url"] == f"/api/dossiers/{code}/attachments/1"
    download = api.get(attachment["download_url"])
    assert download.status_code == 200 and download.content == seeded.files[1].content
    assert hashlib.sha256(download.content).hexdigest() == attachment["sha256"]
    assert download.headers["content-type"].startswith("application/pdf")
    # Without the API extras the dict is exactly a valid Dossier as the bots read it.
    plain = {k: v for k, v in body.items() if k not in ("processing_log", "receipt_codes")}
    plain["attachments"] = [{k: v for k, v in a.items() if k != "download_url"} for a in plain["attachments"]]
    assert dossier_model().model_validate(plain).model_dump(mode="json") == plain
    assert api.get(f"/api/dossiers/{code}/attachments/7").status_code == 404
    assert httpx.get(provincial.url + attachment["download_url"]).status_code == 401


def test_status_update_texts_once_and_a_retry_is_harmless(
    provincial: Provincial, api: httpx.Client, make_seeded: MakeSeeded
) -> None:
    (code,) = provincial.add(make_seeded(0, status=2))
    request = {
        "status": 4,
        "note": "Đã nộp lên cổng LLTP",
        "receipt_code": "51-LLTP-2511-000123",
        "actor": "rpa-bot",
    }
    first = api.put(f"/api/dossiers/{code}/status", json=request)
    assert first.status_code == 200, first.text
    assert first.json()["changed"] is True and first.json()["sms"]["phone"] == "0912345678"
    retry = api.put(f"/api/dossiers/{code}/status", json=request)
    assert retry.status_code == 200 and retry.json()["duplicate"] is True and retry.json()["sms"] is None
    sms = httpx.get(f"{provincial.url}/_sandbox/sms", params={"code": code}).json()
    assert len(sms) == 1 and "51-LLTP-2511-000123" in sms[0]["text"] and sms[0]["status"] == 4
    body = api.get(f"/api/dossiers/{code}").json()
    assert body["status"] == 4 and body["receipt_codes"] == ["51-LLTP-2511-000123"]
    assert [e["actor"] for e in body["processing_log"]] == ["Bộ phận Một cửa", "rpa-bot"]
    same = api.put(f"/api/dossiers/{code}/status", json={"status": 4, "note": "Nhắc lại"}).json()
    assert (
        same["changed"] is False
        and same["duplicate"] is False
        and same["log_entry"]["actor"] == "motcua.qngai"
    )
    assert len(httpx.get(f"{provincial.url}/_sandbox/sms").json()) == 1


def test_log_entry_with_receipt_code_keeps_status(
    provincial: Provincial, api: httpx.Client, make_seeded: MakeSeeded
) -> None:
    (code,) = provincial.add(make_seeded(0, status=4))
    entry = {"note": "Bộ Tư pháp đã tiếp nhận", "receipt_code": "51-LLTP-7"}
    assert api.post(f"/api/dossiers/{code}/log", json=entry).json()["duplicate"] is False
    assert api.post(f"/api/dossiers/{code}/log", json=entry).json()["duplicate"] is True
    body = api.get(f"/api/dossiers/{code}").json()
    assert body["status"] == 4 and body["receipt_codes"] == ["51-LLTP-7"] and len(body["processing_log"]) == 2


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "message"),
    [
        ("PUT", "/status", {"status": 11}, 400, "Mã trạng thái 11 không hợp lệ"),
        ("PUT", "/status", {"status": "4"}, 422, "status phải là số nguyên"),
        ("PUT", "/status", {"note": "x"}, 422, "status thiếu trường bắt buộc"),
        ("PUT", "/status", {"status": 4, "extra": 1}, 422, "extra là trường không được hỗ trợ"),
        ("POST", "/log", {"note": ""}, 400, "Cần có ghi chú hoặc mã hồ sơ Bộ Tư pháp"),
        ("GET", "?status=12", None, 400, "Tham số status không hợp lệ"),
        ("GET", "?received-since=hôm-qua", None, 400, "Tham số received-since không hợp lệ"),
        ("GET", "?size=0", None, 400, "Tham số size phải từ 1 đến 100"),
        ("GET", "?page=abc", None, 422, "page phải là số nguyên"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(
    provincial: Provincial,
    api: httpx.Client,
    make_seeded: MakeSeeded,
    method: str,
    path: str,
    payload: Any,
    status: int,
    message: str,
) -> None:
    (code,) = provincial.add(make_seeded(0, files=0))
    url = f"/api/dossiers{path}" if method == "GET" else f"/api/dossiers/{code}{path}"
    response = api.request(method, url, json=payload)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_unknown_dossier_and_broken_json(provincial: Provincial, api: httpx.Client) -> None:
    missing = api.get("/api/dossiers/000.00.01.H55-990101-0001")
    assert (
        missing.status_code == 404
        and missing.json()["detail"] == "Không tìm thấy hồ sơ có mã 000.00.01.H55-990101-0001"
    )
    assert api.put("/api/dossiers/x/status", json={"status": 4}).status_code == 404
    broken = api.put(
        "/api/dossiers/x/status", content=b"{status", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422 and "JSON không hợp lệ" in broken.json()["detail"]
    assert api.get("/api/khong-co").json()["detail"] == "Không tìm thấy địa chỉ yêu cầu"
