"""The tiny pet-licence portal ("tiny-portal") the plug-in test serves: a login page, a one-page form,
a receipt page, a look-up by CCCD and a status page, all server-rendered and in memory.

``/_sandbox/applications`` (GET) lists what was filed; ``/_sandbox/advance`` (POST ``{"code",
"status", "reason"}``) moves an application on, as the agency would.
"""

from __future__ import annotations

import re
import secrets
import threading
from datetime import datetime, timedelta, timezone
from html import escape
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

__all__ = ["ACCOUNT", "STATUS_LABELS", "create_portal"]

ACCOUNT = ("tiny.bot", "Tiny@2025")
SPECIES = {"01": "Chó", "02": "Mèo", "03": "Chim cảnh"}
STATUS_LABELS = {"received": "Đã nhận đơn", "supplement": "Cần bổ sung", "issued": "Đã cấp giấy phép"}
VN = timezone(timedelta(hours=7))
COOKIE = "tiny_sid"


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta name="portal-version" content="1"><title>{escape(title)}</title></head>'
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def _field(name: str, label: str, value: str = "", kind: str = "text") -> str:
    field = f'<input id="{name}" name="{name}" type="{kind}" value="{escape(value)}">'
    return f'<p><label for="{name}">{label}</label> {field}</p>'


class Advance(BaseModel):
    code: str
    status: str
    reason: str | None = None


def create_portal() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    sessions: set[str] = set()
    applications: list[dict[str, Any]] = []
    lock = threading.Lock()

    def signed_in(request: Request) -> bool:
        return request.cookies.get(COOKIE) in sessions

    def to_login() -> Response:
        return RedirectResponse("/dang-nhap", status_code=303)

    def find(code: str) -> dict[str, Any] | None:
        return next((a for a in applications if a["code"] == code), None)

    @app.get("/dang-nhap")
    def login_page(error: str = "") -> Response:
        alert = f'<p role="alert">{escape(error)}</p>' if error else ""
        return _page(
            "Đăng nhập",
            f'{alert}<form method="post" action="/dang-nhap">{_field("username", "Tên đăng nhập")}'
            f"{_field('password', 'Mật khẩu', kind='password')}"
            '<button type="submit">Đăng nhập</button></form>',
        )

    @app.post("/dang-nhap")
    def login(username: str = Form(""), password: str = Form("")) -> Response:
        if (username, password) != ACCOUNT:
            return login_page("Sai tên đăng nhập hoặc mật khẩu")
        token = secrets.token_urlsafe(16)
        sessions.add(token)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True)
        return response

    @app.get("/")
    def home(request: Request) -> Response:
        if not signed_in(request):
            return to_login()
        return _page(
            "Cấp giấy phép nhỏ", '<a href="/don/moi">Nộp đơn mới</a> · <a href="/tra-cuu">Tra cứu</a>'
        )

    def form_page(values: dict[str, str], errors: list[str]) -> Response:
        alert = f'<ul role="alert">{"".join(f"<li>{escape(e)}</li>" for e in errors)}</ul>' if errors else ""
        chosen = values.get("speciesCode")
        options = "".join(
            f'<option value="{code}"{" selected" if chosen == code else ""}>{label}</option>'
            for code, label in SPECIES.items()
        )
        return _page(
            "Đơn cấp giấy phép nuôi vật nuôi",
            f'{alert}<form method="post" action="/don/moi">'
            + _field("ownerIdNumber", "Số CCCD của chủ nuôi", values.get("ownerIdNumber", ""))
            + _field("petName", "Tên vật nuôi", values.get("petName", ""))
            + f'<p><label for="speciesCode">Loài</label> <select id="speciesCode" name="speciesCode">'
            f'<option value="">-- chọn --</option>{options}</select></p>'
            + _field("ownerPhone", "Điện thoại", values.get("ownerPhone", ""))
            + '<button type="submit">Nộp đơn</button></form>',
        )

    @app.get("/don/moi")
    def new_application(request: Request) -> Response:
        return form_page({}, []) if signed_in(request) else to_login()

    @app.post("/don/moi")
    async def file_application(request: Request) -> Response:
        if not signed_in(request):
            return to_login()
        values = {k: str(v).strip() for k, v in (await request.form()).items()}
        errors = [
            message
            for key, pattern, message in (
                ("ownerIdNumber", r"\d{12}", "Số CCCD phải gồm 12 chữ số"),
                ("petName", r".+", "Chưa nhập tên vật nuôi"),
                ("speciesCode", "|".join(SPECIES), "Chưa chọn loài"),
                ("ownerPhone", r"0\d{9}", "Số điện thoại không hợp lệ"),
            )
            if not re.fullmatch(pattern, values.get(key, ""))
        ]
        if errors:
            return form_page(values, errors)
        with lock:
            now = datetime.now(VN)
            code = f"GPN{now:%y}-{len(applications) + 1:05d}"
            applications.append(
                {
                    "code": code,
                    "submitted_at": now.strftime("%Y-%m-%d %H:%M"),
                    "status": "received",
                    "licence_number": None,
                    "reason": None,
                    "form": {k: values[k] for k in ("ownerIdNumber", "petName", "speciesCode", "ownerPhone")},
                }
            )
        return RedirectResponse(f"/bien-nhan/{code}", status_code=303)

    @app.get("/bien-nhan/{code}")
    def receipt(code: str, request: Request) -> Response:
        if not signed_in(request):
            return to_login()
        found = find(code)
        if found is None:
            raise HTTPException(404)
        return _page(
            "Biên nhận đơn",
            f'<p>Mã biên nhận: <b data-testid="receipt-code">{found["code"]}</b></p>'
            f'<p>Thời điểm nộp: <span data-testid="receipt-date">{found["submitted_at"]}</span></p>',
        )

    @app.get("/tra-cuu")
    def lookup(request: Request, so: str = "") -> Response:
        if not signed_in(request):
            return to_login()
        result = ""
        if so:
            rows = [a for a in applications if a["form"]["ownerIdNumber"] == so.strip()]
            result = (
                '<table id="results"><tbody>'
                + "".join(f"<tr><td>{a['code']}</td><td>{a['submitted_at']}</td></tr>" for a in rows)
                + "</tbody></table>"
                if rows
                else "<p>Không có đơn nào</p>"
            )
        return _page(
            "Tra cứu đơn",
            f'<form method="get" action="/tra-cuu">{_field("so", "Số CCCD", so)}'
            f"<button>Tra cứu</button></form>{result}",
        )

    @app.get("/don/{code}")
    def status(code: str, request: Request) -> Response:
        if not signed_in(request):
            return to_login()
        found = find(code)
        if found is None:
            return _page("Trạng thái đơn", f'<p role="alert">Không tìm thấy đơn {escape(code)}</p>')
        extra = ""
        if found["licence_number"]:
            extra += (
                f'<p>Số giấy phép: <span data-testid="licence-number">{found["licence_number"]}</span></p>'
            )
        if found["reason"]:
            extra += (
                f'<p>Nội dung cần bổ sung: <span data-testid="reason">{escape(found["reason"])}</span></p>'
            )
        return _page(
            f"Đơn {code}",
            f'<p>Trạng thái: <b data-testid="status">{STATUS_LABELS[found["status"]]}</b></p>'
            f'<p>Tên vật nuôi: <span data-testid="pet-name">{escape(found["form"]["petName"])}</span></p>'
            + extra,
        )

    @app.get("/_sandbox/applications")
    def all_applications() -> list[dict[str, Any]]:
        return applications

    @app.post("/_sandbox/advance")
    def advance(body: Advance) -> dict[str, Any]:
        found = find(body.code)
        if found is None or body.status not in STATUS_LABELS:
            raise HTTPException(400, f"no application {body.code} or no status {body.status}")
        found["status"] = body.status
        found["reason"] = body.reason if body.status == "supplement" else None
        if body.status == "issued":
            found["licence_number"] = f"GP-{body.code[-5:]}"
        return found

    return app
