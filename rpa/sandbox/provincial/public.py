"""The citizen side: public look-up by dossier code (what Zalo/SMS look-up answers) and ratings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rpa.domain import DossierStatus
from rpa.sandbox.provincial.labels import receipt_label
from rpa.sandbox.provincial.store import FINISHED_STATUSES, ProvincialStore
from rpa.sandbox.provincial.views import DossierView, NotFound, StoreError, to_local

__all__ = ["mask_name", "public_summary", "router"]

router = APIRouter(include_in_schema=False)


def _store(request: Request) -> ProvincialStore:
    store: ProvincialStore = request.app.state.store
    return store


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def mask_name(name: Any) -> str:
    """``"NGUYỄN VĂN ÁNH"`` → ``"NGUYỄN V*** Á***"``: enough to recognise, not to identify."""
    words = str(name or "").split()
    return " ".join([words[0], *(w[0] + "***" for w in words[1:])]) if words else ""


def _status_label(value: Any) -> str:
    try:
        return DossierStatus(value).label
    except ValueError:
        return str(value)


def public_summary(view: DossierView) -> dict[str, Any]:
    """What the public look-up shows: no identity number, no clerk names, no internal notes."""
    data = view.data
    applicant = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
    assert isinstance(applicant, dict)
    return {
        "code": view.code,
        "procedure_name": data.get("procedure_name"),
        "applicant": mask_name(applicant.get("full_name")),
        "status": view.status,
        "status_label": _status_label(view.status),
        "received_at": to_local(data.get("received_at")),
        "due_at": to_local(data.get("due_at")),
        "receipt_codes": view.receipt_codes,
        "receipt_label": receipt_label(data),
        "log": [
            {
                "time": to_local(entry["time"]),
                "status_label": _status_label(entry["status_to"]),
                "changed": entry["status_from"] != entry["status_to"],
                "receipt_code": entry["receipt_code"],
            }
            for entry in view.log
        ],
        "finished": view.status in FINISHED_STATUSES,
    }


def _identity_ends_with(view: DossierView, last4: str) -> bool:
    applicant = view.data.get("applicant")
    identity = applicant.get("identity") if isinstance(applicant, dict) else None
    number = str(identity.get("number") or "") if isinstance(identity, dict) else ""
    return number.endswith(last4)


@router.get("/tra-cuu")
def lookup(request: Request, ma: str = "", cccd: str = "") -> Response:
    """Look a dossier up by its code, optionally checked against the last 4 digits of the ID number."""
    code, last4 = ma.strip(), cccd.strip()
    context: dict[str, Any] = {"ma": code, "cccd": last4, "result": None, "error": None}
    if not code:
        return _render(request, "lookup.html", context)
    if last4 and (len(last4) != 4 or not last4.isdigit()):
        context["error"] = "Vui lòng nhập đúng 4 số cuối của số giấy tờ tùy thân"
        return _render(request, "lookup.html", context, status_code=400)
    try:
        view = _store(request).get(code)
    except NotFound:
        view = None
    if view is None or (last4 and not _identity_ends_with(view, last4)):
        context["error"] = f"Không tìm thấy hồ sơ có mã “{code}”. Vui lòng kiểm tra lại mã hồ sơ."
        return _render(request, "lookup.html", context, status_code=404)
    context["result"] = public_summary(view)
    return _render(request, "lookup.html", context)


def _rating_context(request: Request, code: str) -> tuple[dict[str, Any], int]:
    context: dict[str, Any] = {"code": code, "summary": None, "rating": None, "error": None, "saved": False}
    try:
        view = _store(request).get(code, with_extras=True)
    except NotFound as error:
        context["error"] = error.message
        return context, 404
    context["summary"] = public_summary(view)
    context["rating"] = view.rating
    if view.status not in FINISHED_STATUSES:
        context["error"] = (
            f"Hồ sơ đang ở trạng thái “{_status_label(view.status)}”: chỉ đánh giá được "
            "hồ sơ đã xử lý xong hoặc đã trả kết quả."
        )
        return context, 409
    return context, 200


@router.get("/danh-gia/{code}")
def rating_page(code: str, request: Request) -> Response:
    context, status_code = _rating_context(request, code)
    return _render(request, "rating.html", context, status_code=status_code)


@router.post("/danh-gia/{code}")
def rate(
    code: str,
    request: Request,
    stars: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Record the rating; a dossier is rated once, a second rating is refused."""
    context, status_code = _rating_context(request, code)
    if status_code != 200:
        return _render(request, "rating.html", context, status_code=status_code)
    try:
        if not stars.isdigit():
            raise StoreError("Vui lòng chọn mức đánh giá từ 1 đến 5 sao")
        context["rating"] = _store(request).add_rating(code, int(stars), comment)
        context["saved"] = True
    except StoreError as error:
        context["error"] = error.message
        return _render(request, "rating.html", context, status_code=error.status_code)
    return _render(request, "rating.html", context)
