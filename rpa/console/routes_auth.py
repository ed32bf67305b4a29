"""Signing in and out, the home page each role lands on, and ``/healthz``."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from rpa.console.accounts import LoginRefused, Role, SessionInfo
from rpa.console.web import (
    COOKIE,
    LOGIN_COOKIE,
    Clerk,
    NotSignedIn,
    console_state,
    redirect,
    render,
    signed_in,
)

router = APIRouter()


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    state = console_state(request)
    try:
        state.ledger.list(limit=1)
        ledger_ok = True
    except Exception:  # the health check says so instead of failing
        ledger_ok = False
    body = {"ok": ledger_ok, "ledger": ledger_ok, "time": datetime.now(UTC).isoformat()}
    return JSONResponse(body, status_code=200 if ledger_ok else 503)


@router.get("/")
def home(request: Request, me: SessionInfo = Clerk) -> Response:
    return redirect("/tong-quan" if me.user.can(Role.SUPERVISOR) else "/ho-so")


def _safe_next(target: str | None) -> str:
    """Only a path of this console: ``//evil.example`` or ``https://…`` would send the person away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/dang-nhap")
def login_page(request: Request, next: str = "/") -> Response:
    try:
        signed_in(request)
        return redirect(_safe_next(next))
    except NotSignedIn:
        pass
    return _login_form(request, next, "")


def _login_form(
    request: Request, next: str, error: str, *, name: str = "", status_code: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {"next": _safe_next(next), "error": error, "name": name, "login_csrf": token},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/dang-nhap"
    )
    return response


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.post("/dang-nhap")
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    login_csrf: str = Form(""),
    next: str = Form("/"),
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, login_csrf):
        return _login_form(
            request, next, "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.", name=name, status_code=403
        )
    accounts = console_state(request).accounts
    client = request.client.host if request.client else ""
    try:
        info = accounts.login(name.strip(), password, client=client)
    except LoginRefused as exc:
        return _login_form(request, next, str(exc), name=name, status_code=429 if exc.wait_s else 401)
    response = redirect(_safe_next(next))
    response.set_cookie(
        COOKIE, info.token, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )
    response.delete_cookie(LOGIN_COOKIE, path="/dang-nhap")
    return response


@router.post("/dang-xuat")
def logout(request: Request, me: SessionInfo = Clerk) -> Response:
    console_state(request).accounts.logout(me.token)
    response = redirect("/dang-nhap")
    response.delete_cookie(COOKIE, path="/")
    return response
