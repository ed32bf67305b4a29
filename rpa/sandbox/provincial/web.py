"""The clerk's web UI: dossier list with filters and pages, detail page, status change, Excel export."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from rpa.clock import vn_now
from rpa.domain import Channel, DossierStatus
from rpa.sandbox.provincial.auth import Account, web_user
from rpa.sandbox.provincial.excel import export_dossiers
from rpa.sandbox.provincial.excel_dossiers import export_bundle
from rpa.sandbox.provincial.fields import detail_page
from rpa.sandbox.provincial.labels import receipt_label
from rpa.sandbox.provincial.query import web_filters
from rpa.sandbox.provincial.store import FINISHED_STATUSES, ProvincialStore
from rpa.sandbox.provincial.views import DossierView, NotFound, StoreError, to_local

__all__ = ["PAGE_SIZE", "router"]

PAGE_SIZE = 20

router = APIRouter(include_in_schema=False)
WebUser = Annotated[Account, Depends(web_user)]


def _store(request: Request) -> ProvincialStore:
    store: ProvincialStore = request.app.state.store
    return store


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def _row(view: DossierView) -> dict[str, Any]:
    """What one list row shows; raw values, with labels for codes."""
    data, now = view.data, vn_now().replace(tzinfo=None)
    applicant = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
    identity = applicant.get("identity") if isinstance(applicant, dict) else None
    due = to_local(data.get("due_at"))
    try:
        channel = Channel(str(data.get("channel"))).label
    except ValueError:
        channel = str(data.get("channel"))
    return {
        "code": view.code,
        "procedure_name": data.get("procedure_name"),
        "applicant_name": applicant.get("full_name") if isinstance(applicant, dict) else None,
        "identity_number": identity.get("number") if isinstance(identity, dict) else None,
        "received_at": to_local(data.get("received_at")),
        "due_at": due,
        "overdue": due is not None and due < now and view.status not in FINISHED_STATUSES,
        "channel": channel,
        "status": view.status,
        "status_label": DossierStatus(view.status).label,
        "receipt_codes": view.receipt_codes,
    }


def _page_numbers(current: int, total_pages: int) -> list[int | None]:
    """Page links around the current one; None is an ellipsis."""
    wanted = {1, total_pages, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= total_pages):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@router.get("/")
def home() -> Response:
    return RedirectResponse("/ho-so", status_code=303)


@router.get("/ho-so")
def dossier_list(
    request: Request,
    user: WebUser,
    procedure: str = "",
    status: str = "",
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    page: str = "1",
) -> Response:
    store = _store(request)
    params = {"procedure": procedure, "status": status, "from": date_from, "to": date_to}
    context: dict[str, Any] = {
        "params": params,
        "procedures": store.procedures(),
        "error": None,
        "statuses": list(DossierStatus),
        "rows": [],
        "total": 0,
        "pages": [],
        "page": 1,
        "total_pages": 0,
        "page_size": PAGE_SIZE,
    }
    try:
        filters = web_filters(procedure, status, date_from, date_to)
    except StoreError as error:
        context["error"] = error.message
        return _render(request, "list.html", context, status_code=400)
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    views, total = store.search(filters, number - 1, PAGE_SIZE)
    total_pages = math.ceil(total / PAGE_SIZE)
    query = {k: v for k, v in params.items() if v}
    context.update(
        rows=[_row(view) for view in views],
        total=total,
        page=number,
        total_pages=total_pages,
        pages=_page_numbers(number, total_pages),
        query=urlencode(query),
        export_url="/ho-so/xuat-excel" + (f"?{urlencode(query)}" if query else ""),
    )
    return _render(request, "list.html", context)


@router.get("/ho-so/xuat-excel")
def export(
    request: Request,
    user: WebUser,
    procedure: str = "",
    status: str = "",
    date_from: Annotated[str, Query(alias="from")] = "",
    date_to: Annotated[str, Query(alias="to")] = "",
    with_files: Annotated[str, Query(alias="kem-tep")] = "",
) -> Response:
    """Every dossier matching the list's filters, as .xlsx (no paging); with ``kem-tep=1`` a zip of
    the workbook and the attachments its dossier sheets list by relative path."""
    try:
        filters = web_filters(procedure, status, date_from, date_to)
    except StoreError as error:
        return Response(error.message, status_code=400, media_type="text/plain; charset=utf-8")
    views, _ = _store(request).search(filters, size=None)
    stamp = vn_now().strftime("%Y%m%d-%H%M%S")
    filename = f"danh-sach-ho-so-{stamp}.xlsx"
    body = export_dossiers(
        views,
        subtitle=urlencode(
            {
                k: v
                for k, v in {
                    "procedure": procedure,
                    "status": status,
                    "from": date_from,
                    "to": date_to,
                }.items()
                if v
            }
        ),
    )
    if with_files:
        store = _store(request)
        body = export_bundle(body, views, lambda code, index: store.attachment_file(code, index)[1])
        return Response(
            body,
            media_type="application/zip",
            headers={"Content-Disposition": f"attachment; filename={filename[:-5]}.zip"},
        )
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@router.get("/ho-so/{code}")
def dossier_detail(code: str, request: Request, user: WebUser) -> Response:
    try:
        view = _store(request).get(code, with_extras=True)
    except NotFound as error:
        return _render(request, "error.html", {"message": error.message}, status_code=404)
    context = {
        "view": view,
        "detail": detail_page(view.as_api()),
        "status_label": DossierStatus(view.status).label,
        "receipt_label": receipt_label(view.data),
        "statuses": list(DossierStatus),
        "flash": request.session.pop("flash", None),
    }
    return _render(request, "detail.html", context)


@router.post("/ho-so/{code}/trang-thai")
def change_status(
    code: str,
    request: Request,
    user: WebUser,
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    receipt_code: Annotated[str, Form()] = "",
) -> Response:
    """The detail page's "Chuyển trạng thái" form."""
    try:
        if not status.isdigit():
            raise StoreError("Vui lòng chọn trạng thái mới")
        result = _store(request).change_status(
            code, int(status), note.strip(), receipt_code, user.display_name, str(request.base_url)
        )
        if result.duplicate:
            flash = {"kind": "info", "text": "Yêu cầu này đã được ghi nhận trước đó, không ghi thêm."}
        elif result.changed:
            label = DossierStatus(result.status).label
            flash = {"kind": "ok", "text": f"Đã chuyển trạng thái hồ sơ sang “{label}” và gửi tin nhắn SMS."}
        else:
            flash = {"kind": "ok", "text": "Đã ghi nhận vào quá trình xử lý (trạng thái không đổi)."}
    except NotFound as error:
        return _render(request, "error.html", {"message": error.message}, status_code=404)
    except StoreError as error:
        flash = {"kind": "error", "text": error.message}
    request.session["flash"] = flash
    return RedirectResponse(f"/ho-so/{quote(code)}#chuyen-trang-thai", status_code=303)
