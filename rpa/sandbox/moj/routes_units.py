"""Administrative-unit lists for the cascading selects (XHR, JSON).

``GET /api/dm/tinh?cu=1`` provinces (``cu=1``: the 63 pre-2025 provinces), ``GET /api/dm/huyen?tinh=51``
legacy districts, ``GET /api/dm/xa?tinh=51`` post-2025 communes, ``GET /api/dm/xa?tinh=51&huyen=522``
legacy communes of a district.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from rpa.domain import adminunits

__all__ = ["router"]

router = APIRouter(prefix="/api/dm")


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
