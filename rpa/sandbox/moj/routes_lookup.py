"""Look-up of applications by identity number and date range, and the status page of one receipt."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from rpa.sandbox.moj.portal import Portal, get_portal
from rpa.sandbox.moj.validation import parse_date

__all__ = ["LOOKUP_FIELDS", "STATUS_FIELD", "router"]

router = APIRouter()
PortalDep = Annotated[Portal, Depends(get_portal)]
LOOKUP_FIELDS = {1: ("soGiayTo", "tuNgay", "denNgay"), 2: ("so_dinh_danh", "tu_ngay_nop", "den_ngay_nop")}
STATUS_FIELD = {1: "maHoSo", 2: "ma_ho_so"}


@router.get("/tra-cuu")
def lookup(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    names = LOOKUP_FIELDS[portal.k.ui_version]
    number, start_text, end_text = (request.query_params.get(n, "").strip() for n in names)
    errors: dict[str, str] = {}
    results = None
    if request.query_params:
        if not number:
            errors["number"] = "Vui lòng nhập số giấy tờ tùy thân."
        start, end = parse_date(start_text), parse_date(end_text)
        if start_text and start is None:
            errors["start"] = "Từ ngày không hợp lệ (dd/mm/yyyy)."
        if end_text and end is None:
            errors["end"] = "Đến ngày không hợp lệ (dd/mm/yyyy)."
        if start and end and start > end:
            errors["end"] = "Đến ngày phải sau hoặc bằng Từ ngày."
        if not errors:
            results = portal.store.search(number, start, end, portal.k.auto_advance_s)
    return portal.render(
        request,
        "lookup.html",
        {
            "names": names,
            "number": number,
            "start": start_text,
            "end": end_text,
            "errors": errors,
            "results": results,
        },
        session=session,
    )


@router.get("/trang-thai")
def status_page(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    name = STATUS_FIELD[portal.k.ui_version]
    receipt = request.query_params.get(name, "").strip()
    record = portal.store.get(receipt, portal.k.auto_advance_s) if receipt else None
    error = "Không tìm thấy hồ sơ có mã này." if receipt and record is None else None
    if record is not None:  # knob status_labels: the page shows a renamed status, the store keeps its key
        record["statusLabel"] = portal.k.status_labels.get(record["status"], record["statusLabel"])
    return portal.render(
        request,
        "status.html",
        {"name": name, "receipt": receipt, "record": record, "error": error},
        status_code=404 if error else 200,
        session=session,
    )
