"""Clerk accounts, the web login (session cookie) and the API's bearer tokens (iGate-style OIDC)."""

from __future__ import annotations

import hmac
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

__all__ = [
    "ACCOUNTS",
    "TOKEN_TTL_S",
    "Account",
    "NotLoggedIn",
    "api_or_web_user",
    "api_user",
    "find_account",
    "router",
    "web_user",
]

TOKEN_TTL_S = 3600


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    display_name: str
    role: str


ACCOUNTS: tuple[Account, ...] = (
    Account("motcua.qngai", "MotCua@2025", "Nguyễn Thị Thu Hà", "Cán bộ tiếp nhận Bộ phận Một cửa"),
    Account("motcua.kontum", "MotCua@2025", "Trần Văn Đức", "Cán bộ tiếp nhận (cơ sở Kon Tum)"),
    Account("rpa.bot", "RpaBot@2025", "Tài khoản tích hợp RPA", "Tài khoản dịch vụ"),
)


def find_account(username: str, password: str) -> Account | None:
    for account in ACCOUNTS:
        same_user = hmac.compare_digest(account.username.encode(), username.strip().encode())
        if same_user and hmac.compare_digest(account.password.encode(), password.encode()):
            return account
    return None


def _account(username: Any) -> Account | None:
    return next((a for a in ACCOUNTS if a.username == username), None)


class NotLoggedIn(Exception):
    """Raised by :func:`web_user`; the app turns it into a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def web_user(request: Request) -> Account:
    """The clerk logged in on this browser session."""
    account = _account(request.session.get("user"))
    if account is None:
        raise NotLoggedIn(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return account


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret, salt="provincial-api-token")


def api_or_web_user(request: Request) -> Account:
    """The bearer token's account, or else the clerk logged in on the web (attachment downloads)."""
    account = None if request.headers.get("authorization") else _account(request.session.get("user"))
    return account if account is not None else api_user(request)


def api_user(request: Request) -> Account:
    """The account of the bearer token (``Authorization: Bearer ...``)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise HTTPException(
            401,
            "Chưa xác thực: thiếu mã truy cập (Authorization: Bearer ...)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        if scheme.lower() != "bearer":
            raise BadSignature("not a bearer token")
        username = _serializer(request).loads(token.strip(), max_age=TOKEN_TTL_S)
    except SignatureExpired:
        raise HTTPException(
            401,
            "Mã truy cập đã hết hạn, vui lòng lấy mã mới",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    except BadSignature:
        raise HTTPException(
            401, "Mã truy cập không hợp lệ", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        ) from None
    account = _account(username)
    if account is None:
        raise HTTPException(401, "Tài khoản của mã truy cập không còn tồn tại")
    return account


router = APIRouter()


@router.post("/api/auth/token", tags=["api"])
async def issue_token(request: Request) -> JSONResponse:
    """OAuth2 password grant: form ``username``/``password`` (``grant_type=password``), or JSON."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body: Any = await request.json()
        except ValueError:
            raise HTTPException(400, "Nội dung JSON không hợp lệ") from None
    else:
        body = dict(await request.form())
    if not isinstance(body, dict) or not body.get("username") or not body.get("password"):
        raise HTTPException(400, "Thiếu tên đăng nhập (username) hoặc mật khẩu (password)")
    grant = body.get("grant_type", "password")
    if grant != "password":
        raise HTTPException(400, f"Kiểu cấp quyền {grant} không được hỗ trợ, chỉ hỗ trợ 'password'")
    account = find_account(str(body["username"]), str(body["password"]))
    if account is None:
        raise HTTPException(401, "Sai tên đăng nhập hoặc mật khẩu")
    token = _serializer(request).dumps(account.username)
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": TOKEN_TTL_S,
            "username": account.username,
            "name": account.display_name,
        }
    )


@router.get("/dang-nhap", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/ho-so") -> Response:
    return request.app.state.templates.TemplateResponse(request, "login.html", {"next": next, "error": None})


@router.post("/dang-nhap", include_in_schema=False)
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_url = str(form.get("next") or "/ho-so")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/ho-so"
    account = find_account(username, password)
    if account is None:
        context = {"next": next_url, "error": "Tên đăng nhập hoặc mật khẩu không đúng", "username": username}
        return request.app.state.templates.TemplateResponse(request, "login.html", context, status_code=401)
    request.session["user"] = account.username
    return RedirectResponse(next_url, status_code=303)


@router.post("/dang-xuat", include_in_schema=False)
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/dang-nhap", status_code=303)


def login_redirect(exc: NotLoggedIn) -> RedirectResponse:
    return RedirectResponse(f"/dang-nhap?next={quote(exc.next_url, safe='')}", status_code=303)


def accounts_json() -> list[dict[str, str]]:
    return [asdict(account) for account in ACCOUNTS]
