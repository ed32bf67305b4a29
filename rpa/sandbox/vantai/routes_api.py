"""The portal's JSON API under ``/api/``: what its page calls (the bot never does; it drives the page).

Errors are ``{"detail": "<Vietnamese>"}`` with a 4xx status; a refused application adds ``errors``
(field name → message). Every call but the login needs a bearer token.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from rpa.sandbox.captcha import render_png
from rpa.sandbox.dropping import drop_answer
from rpa.sandbox.transport_businesses import TransportBusiness, search
from rpa.sandbox.vantai.portal import CurrentAccount, Portal, PortalDep
from rpa.sandbox.vantai.schema import form_schema
from rpa.sandbox.vantai.validation import Refused, Upload, check_application, normalise_plate, parse_vn_date

__all__ = ["router"]

router = APIRouter(prefix="/api")
NOT_FOUND = "Không tìm thấy hồ sơ"


class Login(BaseModel):
    username: str = ""
    password: str = ""


def _error(status: int, detail: str, errors: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors or {}}, status_code=status)


@router.post("/auth/login")
def login(body: Login, portal: PortalDep) -> Response:
    account = portal.store.check_login(body.username.strip(), body.password)
    if account is None:
        return _error(400, "Tên đăng nhập hoặc mật khẩu không đúng")
    token = portal.tokens.issue(account.username, portal.k.session_idle_s)
    return JSONResponse({"token": token, "display_name": account.display_name, "username": account.username})


@router.get("/auth/me")
def me(account: CurrentAccount) -> dict[str, str]:
    return {"username": account.username, "display_name": account.display_name}


@router.get("/forms/phu-hieu")
def form(_account: CurrentAccount) -> dict[str, Any]:
    return form_schema()


def business_json(business: TransportBusiness) -> dict[str, Any]:
    return {
        "so_giay_phep": business.so_giay_phep,
        "ten": business.ten,
        "ma_so_thue": business.ma_so_thue,
        "dia_chi": business.dia_chi,
        "het_han": business.het_han.isoformat(),
        "loai_hinh": list(business.loai_hinh),
    }


@router.get("/doanh-nghiep")
def businesses(_account: CurrentAccount, so_giay_phep: str = "") -> list[dict[str, Any]]:
    """Autocomplete: at most 10 businesses whose licence starts with the text (3 characters or more)."""
    typed = so_giay_phep.strip()
    return [business_json(b) for b in search(typed)] if len(typed) >= 3 else []


@router.get("/captcha")
def new_captcha(_account: CurrentAccount, portal: PortalDep) -> dict[str, Any]:
    """A new challenge for the confirmation dialog, or ``required: false`` when knob ``captcha`` is off."""
    if not portal.k.captcha:
        return {"required": False}
    item = portal.captchas.new()
    # inline as a data: URL, as many SPA portals send it: no second request, no image route to guess
    image = base64.b64encode(render_png(item.answer, item.id)).decode("ascii")
    return {"required": True, "id": item.id, "image": f"data:image/png;base64,{image}"}


def _captcha_error(portal: Portal, captcha_id: str, answer: str) -> str | None:
    if not portal.k.captcha:
        return None
    if not answer.strip():
        return "Vui lòng nhập mã xác thực"
    if not portal.captchas.check(captcha_id, answer):
        return "Mã xác thực không đúng, vui lòng nhập lại"
    return None


@router.post("/ho-so")
async def submit(request: Request, account: CurrentAccount, portal: PortalDep) -> Response:
    """File an application: multipart with ``ho_so`` (the form as JSON), ``captcha_id`` and ``captcha``,
    and the files ``phuong_tien.{i}.anh_dang_ky`` / ``phuong_tien.{i}.hop_dong_thue``.

    With knob ``lost_answer_rate`` the answer is lost after the application is stored: the gateway's
    502 page, or (``lost_answer_mode`` "drop") a connection closed without any answer.
    """
    data = await request.form()
    if problem := _captcha_error(portal, str(data.get("captcha_id") or ""), str(data.get("captcha") or "")):
        return _error(422, problem, {"captcha": problem})
    try:
        raw = json.loads(str(data.get("ho_so") or "{}"))
    except json.JSONDecodeError:
        return _error(400, "Dữ liệu hồ sơ không đọc được")
    uploads = {
        key: Upload(value.filename or "", await value.read())
        for key, value in data.multi_items()
        if isinstance(value, UploadFile)
    }
    try:
        form_data = check_application(
            raw if isinstance(raw, dict) else {}, uploads, portal.knobs.now().date()
        )
    except Refused as refused:
        return _error(422, refused.detail, refused.errors)
    for upload in uploads.values():
        portal.keep(upload.data, upload.stored()["sha256"])
    record = portal.store.submit(account, form_data)
    if portal.knobs.answer_lost():
        if portal.k.lost_answer_mode == "drop":
            drop_answer(request)
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "gateway_error.html", {}, status_code=502)
    return JSONResponse(_own_view(record), status_code=201)


def _own_view(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: record[key] for key in ("receipt", "submitted_at", "status", "status_label", "form", "badges")
    } | {
        "status_history": record["status_history"],
        "supplement_reason": record["supplement_reason"],
    }


@router.get("/ho-so")
def my_applications(account: CurrentAccount, portal: PortalDep, page: int = 1) -> dict[str, Any]:
    """The account's applications, 20 a page (from 1), newest first."""
    number = max(page, 1)
    items, total = portal.store.page(account.username, number, portal.k.auto_advance_s)
    return {"items": items, "page": number, "total": total, "has_more": number * 20 < total}


@router.get("/ho-so/{receipt}")
def application(receipt: str, account: CurrentAccount, portal: PortalDep) -> Response:
    record = portal.store.own(receipt.strip().upper(), account.username, portal.k.auto_advance_s)
    if record is None:
        return _error(404, NOT_FOUND)
    return JSONResponse(_own_view(record))


def _day(text: str, label: str) -> date | None:
    if not text.strip():
        return None
    found = parse_vn_date(text)
    if found is None:
        raise HTTPException(422, f"{label} không đúng định dạng dd/mm/yyyy")
    return found


@router.get("/tra-cuu")
def lookup(
    _account: CurrentAccount,
    portal: PortalDep,
    so_giay_phep: str = "",
    ma_so_thue: str = "",
    bien_so: str = "",
    tu_ngay: str = "",
    den_ngay: str = "",
) -> dict[str, Any]:
    """Every account's applications matching all the criteria given (at least one)."""
    if not any(v.strip() for v in (so_giay_phep, ma_so_thue, bien_so, tu_ngay, den_ngay)):
        raise HTTPException(422, "Vui lòng nhập ít nhất một tiêu chí tra cứu")
    start, end = _day(tu_ngay, "Từ ngày"), _day(den_ngay, "Đến ngày")
    items = portal.store.search(
        so_giay_phep.strip(),
        ma_so_thue.strip(),
        normalise_plate(bien_so),
        start,
        end,
        portal.k.auto_advance_s,
    )
    return {"items": items, "total": len(items)}
