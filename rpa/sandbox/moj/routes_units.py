"""Administrative-unit lists for the cascading selects (XHR, JSON).

``GET /api/dm/tinh?cu=1`` provinces (``cu=1``: the 63 pre-2025 provinces), ``GET /api/dm/huyen?tinh=51``
legacy districts, ``GET /api/dm/xa?tinh=51`` post-2025 communes, ``GET /api/dm/xa?tinh=51&huyen=522``
legacy communes of a district.

Like every page of the portal they need a signed-in session: the wizard's own pages call them with
their cookie; without one the answer is 401 ``{"detail": ...}`` (JSON, not the login redirect a page
gets, since only scripts call them).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from rpa.domain import adminunits
from rpa.sandbox.moj.portal import Portal, get_portal

__all__ = ["NOT_SIGNED_IN", "router"]

NOT_SIGNED_IN = "Phiên làm việc đã hết hạn hoặc chưa đăng nhập, vui lòng đăng nhập lại."


def _signed_in(request: Request, portal: Annotated[Portal, Depends(get_portal)]) -> None:
    if portal.optional_session(request) is None:
        raise HTTPException(401, NOT_SIGNED_IN)


router = APIRouter(prefix="/api/dm", dependencies=[Depends(_signed_in)])


def _units(units: tuple[adminunits.Unit, ...]) -> JSONResponse:
    return JSONResponse([{"ma": u.code, "ten": u.name} for u in units])


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"loi": message}, status_code=400)


@router.get("/tinh")
def provinces(cu: int = 0) -> JSONResponse:
    return _units(adminunits.provinces(bool(cu)))


@router.get("/huyen")
def districts(tinh: str = "") -> JSONResponse:
    if not tinh.isdigit():
        return _bad("Mã tỉnh không hợp lệ.")
    return _units(adminunits.districts(tinh))


@router.get("/xa")
def communes(tinh: str = "", huyen: str = "") -> JSONResponse:
    if not tinh.isdigit() or (huyen and not huyen.isdigit()):
        return _bad("Mã đơn vị hành chính không hợp lệ.")
    return _units(adminunits.communes(tinh, huyen or None))
