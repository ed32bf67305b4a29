"""``/TraCuu.aspx`` (look-up of applications), ``/HoSo/TrangThai.aspx`` (the status of one) and
``/HoSo/BienNhan.aspx`` (its receipt)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from rpa.sandbox.dkkd.portal import Portal, get_portal
from rpa.sandbox.moj.validation import parse_date

__all__ = ["router"]

router = APIRouter()
PortalDep = Annotated[Portal, Depends(get_portal)]
FIELDS = ("txtSoGiayTo", "txtTenDN", "txtTuNgay", "txtDenNgay")
STATE = {"kind": "TraCuu"}


@router.get("/TraCuu.aspx")
def lookup_form(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    context = {"v": dict.fromkeys(FIELDS, ""), "results": None}
    return portal.render(request, "lookup.html", context, state=STATE, buttons=["btnTraCuu"], session=session)


@router.post("/TraCuu.aspx")
async def lookup(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    pb = await portal.postback(request, "TraCuu")
    v = {name: pb.value(name).strip() for name in FIELDS}
    errors: list[str] = []
    results = None
    start, end = parse_date(v["txtTuNgay"]), parse_date(v["txtDenNgay"])
    if pb.action == "btnTraCuu":
        if v["txtTuNgay"] and start is None:
            errors.append("Từ ngày không đúng định dạng ngày/tháng/năm (dd/MM/yyyy)")
        if v["txtDenNgay"] and end is None:
            errors.append("Đến ngày không đúng định dạng ngày/tháng/năm (dd/MM/yyyy)")
        if start and end and start > end:
            errors.append("Đến ngày phải sau hoặc bằng Từ ngày")
        if not any(v.values()):
            errors.append("Vui lòng nhập ít nhất một điều kiện tra cứu")
        if not errors:
            results = portal.store.search(
                v["txtSoGiayTo"], v["txtTenDN"], start, end, portal.k.auto_advance_s
            )
    context = {"v": v, "results": results, "errors": errors}
    return portal.render(request, "lookup.html", context, state=STATE, buttons=["btnTraCuu"], session=session)


def _record_page(request: Request, portal: Portal, template: str, kind: str) -> Response:
    """A page about the application ``?so=<receipt>`` (404 with ``C_lblLoi`` when there is none)."""
    session = portal.session(request)
    receipt = request.query_params.get("so", "").strip()
    record = portal.store.get(receipt, portal.k.auto_advance_s) if receipt else None
    return portal.render(
        request,
        template,
        {"receipt": receipt, "record": record},
        state={"kind": kind},
        session=session,
        status_code=200 if record else 404,
    )


@router.get("/HoSo/TrangThai.aspx")
def status_page(request: Request, portal: PortalDep) -> Response:
    return _record_page(request, portal, "status.html", "TrangThai")


@router.get("/HoSo/BienNhan.aspx")
def receipt_page(request: Request, portal: PortalDep) -> Response:
    return _record_page(request, portal, "receipt.html", "BienNhan")
