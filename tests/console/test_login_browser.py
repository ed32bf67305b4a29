"""Signing in and out in a real Chromium, as a clerk does at the desk; and what the HTTP layer refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from console.conftest import PASSWORD, Console
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_clerk_signs_in_lands_on_the_dossiers_and_signs_out(
    console: Console, page: Page, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{console.url}/")
    expect(page).to_have_url(f"{console.url}/dang-nhap?next=/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau-roi")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{console.url}/ho-so")
    expect(page.locator("header")).to_contain_text("lan · Cán bộ một cửa")
    cookie = next(c for c in page.context.cookies() if c["name"] == "rpa_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.screenshot(path=tmp_path / "signed-in.png")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{console.url}/dang-nhap")
    page.goto(f"{console.url}/ho-so")  # the old cookie opens nothing
    expect(page).to_have_url(f"{console.url}/dang-nhap?next=/ho-so")


def test_the_login_form_needs_its_own_token_and_never_redirects_elsewhere(console: Console) -> None:
    with console.client() as client:
        refused = client.post("/dang-nhap", data={"name": "lan", "password": PASSWORD, "login_csrf": "x"})
        assert refused.status_code == 403 and "rpa_console" not in refused.cookies
        form = client.get("/dang-nhap", params={"next": "//evil.example/"})
        token = client.cookies.get("rpa_login_csrf")
        assert token and f'value="{token}"' in form.text
        signed = client.post(
            "/dang-nhap",
            data={"name": "lan", "password": PASSWORD, "login_csrf": token, "next": "//evil.example/"},
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        header = signed.headers["set-cookie"].lower()
        assert "httponly" in header and "samesite=strict" in header


def test_every_answer_carries_the_safety_headers(console: Console) -> None:
    with console.client() as client:
        for path in ("/dang-nhap", "/healthz"):
            headers = client.get(path).headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert "script-src 'self'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["ok"] is True


def test_a_post_without_the_session_token_is_refused(console: Console) -> None:
    with console.client("lan") as client:
        assert client.post("/dang-xuat").status_code == 403
        assert client.post("/dang-xuat", data={"csrf_token": "doan"}).status_code == 403
        assert client.get("/", headers={"accept": "text/html"}).status_code == 303  # still signed in
        assert client.post("/dang-xuat", data={"csrf_token": client.csrf}).status_code == 303
        assert client.get("/", headers={"accept": "text/html"}).headers["location"].startswith("/dang-nhap")
    with console.client() as anonymous:
        answer = anonymous.get("/", headers={"accept": "application/json"})
        assert answer.status_code == 401 and answer.json() == {"error": "Chưa đăng nhập."}
