"""Login, logout, the home page and the challenge image."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rpa.sandbox.captcha import render_png
from rpa.sandbox.dkkd.portal import COOKIE, Portal, get_portal

__all__ = ["router"]

router = APIRouter()
PortalDep = Annotated[Portal, Depends(get_portal)]
LOGIN_STATE = {"kind": "DangNhap"}
LOGIN_BUTTONS = ("btnDangNhap",)


def _safe_return(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/Default.aspx"


def _login_page(portal: Portal, request: Request, error: str | None = None, username: str = "") -> Response:
    context = {"error": error, "username": username}
    return portal.render(request, "login.html", context, state=LOGIN_STATE, buttons=LOGIN_BUTTONS)


@router.get("/DangNhap.aspx")
def login_form(request: Request, portal: PortalDep) -> Response:
    return _login_page(portal, request)


@router.post("/DangNhap.aspx")
async def login(request: Request, portal: PortalDep) -> Response:
    postback = await portal.postback(request, "DangNhap")
    username = postback.value("txtTenDangNhap").strip()
    if postback.action != "btnDangNhap":
        return _login_page(portal, request, username=username)
    account = portal.store.check_login(username, postback.value("txtMatKhau"))
    if account is None:
        return _login_page(portal, request, "Tên đăng nhập hoặc mật khẩu không đúng", username)
    portal.sessions.drop(request.cookies.get(COOKIE))
    session = portal.sessions.create(account)
    response = RedirectResponse(_safe_return(request.query_params.get("ReturnUrl")), status_code=302)
    response.set_cookie(COOKIE, session.id, httponly=True, samesite="lax", path="/")
    return response


@router.get("/DangXuat.aspx")
def logout(request: Request, portal: PortalDep) -> Response:
    portal.sessions.drop(request.cookies.get(COOKIE))
    response = RedirectResponse("/DangNhap.aspx", status_code=302)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/")
def root() -> Response:
    return RedirectResponse("/Default.aspx", status_code=302)


@router.get("/Default.aspx")
def home(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    return portal.render(request, "home.html", {}, state={"kind": "Default"}, session=session)


@router.get("/XacThuc.ashx")
def challenge_image(request: Request, portal: PortalDep) -> Response:
    item = portal.captchas.get(request.query_params.get("id", ""))
    if item is None:
        return Response(status_code=404)
    return Response(
        render_png(item.answer, item.id), media_type="image/png", headers={"Cache-Control": "no-store"}
    )
