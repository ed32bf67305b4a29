"""Login (with the image CAPTCHA), logout and the home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rpa.sandbox.captcha import render_png
from rpa.sandbox.moj.portal import COOKIE, Portal, get_portal

__all__ = ["LOGIN_FIELDS", "router"]

router = APIRouter()
PortalDep = Annotated[Portal, Depends(get_portal)]
EXPIRED = "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."
LOGIN_FIELDS = {1: ("username", "password", "captcha"), 2: ("tenDangNhap", "matKhau", "maBaoMat")}


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _login_page(
    portal: Portal,
    request: Request,
    next_url: str,
    error: str | None = None,
    notice: str | None = None,
    username: str = "",
    status_code: int = 200,
) -> Response:
    captcha = portal.captchas.new() if portal.k.captcha else None
    names = LOGIN_FIELDS[portal.k.ui_version]
    return portal.render(
        request,
        "login.html",
        {
            "captcha_id": captcha.id if captcha else None,
            "next_url": next_url,
            "error": error,
            "notice": notice,
            "username": username,
            "names": names,
        },
        status_code=status_code,
    )


@router.get("/dang-nhap")
def login_form(request: Request, portal: PortalDep, next: str = "/", het_han: int = 0) -> Response:
    return _login_page(portal, request, _safe_next(next), notice=EXPIRED if het_han else None)


@router.post("/dang-nhap")
async def login(request: Request, portal: PortalDep) -> Response:
    form = await request.form()
    user_name, pass_name, captcha_name = LOGIN_FIELDS[portal.k.ui_version]
    username, password = str(form.get(user_name) or "").strip(), str(form.get(pass_name) or "")
    next_url = _safe_next(str(form.get("next") or "/"))
    if portal.k.captcha:
        answer = str(form.get(captcha_name) or "")
        if not answer.strip():
            return _login_page(portal, request, next_url, "Vui lòng nhập mã xác nhận.", username=username)
        if not portal.captchas.check(str(form.get("captchaId") or ""), answer):
            return _login_page(
                portal, request, next_url, "Mã xác nhận không đúng, vui lòng nhập lại.", username=username
            )
    account = portal.store.check_login(username, password)
    if account is None:
        return _login_page(
            portal, request, next_url, "Tên đăng nhập hoặc mật khẩu không đúng.", username=username
        )
    portal.sessions.drop(request.cookies.get(COOKIE))
    session = portal.sessions.create(account)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(COOKIE, session.id, httponly=True, samesite="lax", path="/")
    return response


@router.post("/dang-xuat")
def logout(request: Request, portal: PortalDep) -> Response:
    portal.sessions.drop(request.cookies.get(COOKIE))
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/captcha/{captcha_id}.png")
def captcha_image(captcha_id: str, portal: PortalDep) -> Response:
    item = portal.captchas.get(captcha_id)
    if item is None:
        return Response(status_code=404)
    return Response(
        render_png(item.answer, item.id), media_type="image/png", headers={"Cache-Control": "no-store"}
    )


@router.get("/")
def home(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    return portal.render(request, "home.html", {}, session=session)
