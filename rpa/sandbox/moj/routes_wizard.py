"""The application wizard: steps A-D, review, confirmation, receipt.

The draft lives in the server-side session; each step's values are kept even when they fail
validation, and a step can be left backwards ("Quay lại") without validating it.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from rpa.domain import adminunits
from rpa.sandbox.dropping import drop_answer
from rpa.sandbox.moj.forms import STEP_ORDER, STEPS, read_step
from rpa.sandbox.moj.normalise import describe, normalise
from rpa.sandbox.moj.portal import Portal, get_portal
from rpa.sandbox.moj.validation import validate_step
from rpa.sandbox.sessions import PortalSession

__all__ = ["router"]

router = APIRouter(prefix="/ho-so")
PortalDep = Annotated[Portal, Depends(get_portal)]
MAX_UPLOAD = 5 * 1024 * 1024
MAGIC = {
    b"\xff\xd8\xff": (".jpg", "image/jpeg"),
    b"\x89PNG": (".png", "image/png"),
    b"%PDF": (".pdf", "application/pdf"),
}
EXTENSIONS = {".jpg", ".jpeg", ".png", ".pdf"}


def _first_missing(session: PortalSession, upto: str | None = None) -> str | None:
    for code in STEP_ORDER:
        if code == upto:
            return None
        if code not in session.done:
            return code
    return None


def _goto(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def _step_page(
    portal: Portal, request: Request, session: PortalSession, step: str, errors: dict[str, str] | None = None
) -> Response:
    k = portal.k
    return portal.render(
        request,
        "step_c.html" if step == "c" else "step.html",
        {
            "step": STEPS[step],
            "steps": STEPS,
            "vals": session.draft,
            "errors": errors or {},
            "provinces": {False: adminunits.provinces(False), True: adminunits.provinces(True)},
            "legacy_default": k.legacy_units,
        },
        session=session,
    )


async def _store_upload(portal: Portal, upload: UploadFile) -> dict[str, Any] | str:
    """Save an identity-card scan; the file's metadata, or a Vietnamese error."""
    name = upload.filename or ""
    data = await upload.read(MAX_UPLOAD + 1)
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    kind = next((v for magic, v in MAGIC.items() if data.startswith(magic)), None)
    if suffix not in EXTENSIONS or kind is None:
        return "Chỉ chấp nhận tệp định dạng jpg, png hoặc pdf."
    if len(data) > MAX_UPLOAD:
        return "Tệp vượt quá dung lượng cho phép (5 MB)."
    if not data:
        return "Tệp tải lên bị rỗng."
    digest = hashlib.sha256(data).hexdigest()
    path = portal.uploads / f"{digest}{kind[0]}"
    path.write_bytes(data)
    return {"name": name, "size": len(data), "sha256": digest, "contentType": kind[1], "path": str(path)}


@router.get("/moi")
def new_application(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    session.draft, session.done = {}, set()
    return _goto("/ho-so/buoc/a")


@router.get("/buoc/{step}")
def show_step(step: str, request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    if step not in STEPS:
        return _goto("/ho-so/buoc/a")
    if (missing := _first_missing(session, step)) is not None:
        return _goto(f"/ho-so/buoc/{missing}")
    return _step_page(portal, request, session, step)


@router.post("/buoc/{step}")
async def save_step(step: str, request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    if step not in STEPS:
        return _goto("/ho-so/buoc/a")
    version = portal.k.ui_version
    form = await request.form()
    values = read_step(step, form, version)
    upload_error = None
    if step == "d":
        upload = form.get(STEPS["d"].fields[-1].name(version))
        if isinstance(upload, UploadFile) and upload.filename:
            stored = await _store_upload(portal, upload)
            if isinstance(stored, str):
                upload_error = stored
            else:
                values["idCardFile"] = stored
    session.draft.update(values)
    index = STEP_ORDER.index(step)
    if form.get("_action") == "back":
        session.done.discard(step)
        return _goto(f"/ho-so/buoc/{STEP_ORDER[max(index - 1, 0)]}")
    errors = validate_step(step, session.draft)
    if upload_error:
        errors["idCardFile"] = upload_error
    if errors:
        session.done.discard(step)
        return _step_page(portal, request, session, step, errors)
    session.done.add(step)
    return _goto(f"/ho-so/buoc/{STEP_ORDER[index + 1]}" if index + 1 < len(STEP_ORDER) else "/ho-so/xem-lai")


@router.get("/xem-lai")
def review(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    if (missing := _first_missing(session)) is not None:
        return _goto(f"/ho-so/buoc/{missing}")
    sections = describe(normalise(session.draft), portal.k.ui_version)
    return portal.render(request, "review.html", {"sections": sections, "steps": STEPS}, session=session)


@router.post("/nop")
def submit(request: Request, portal: PortalDep) -> Response:
    """Store the application.

    The draft is kept, so a second POST creates a duplicate (as on the real site). With knob
    ``lost_answer_rate`` the answer is lost after the application is stored: a gateway error page, or
    (``lost_answer_mode`` "drop") a connection closed without any answer.
    """
    session = portal.session(request)
    if (missing := _first_missing(session)) is not None:
        return _goto(f"/ho-so/buoc/{missing}")
    record = portal.store.submit(session.account, normalise(session.draft), portal.k.ui_version)
    if portal.knobs.answer_lost():
        if portal.k.lost_answer_mode == "drop":
            drop_answer(request)
        return portal.render(request, "gateway_error.html", {}, status_code=502)
    return _goto(f"/ho-so/bien-nhan/{record['receipt']}")


@router.get("/bien-nhan/{receipt}")
def receipt_page(receipt: str, request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    record = portal.store.get(receipt, portal.k.auto_advance_s)
    if record is None:
        return portal.render(request, "not_found.html", {"receipt": receipt}, 404, session=session)
    context = {"record": record, "layout": portal.k.receipt_layout}
    return portal.render(request, "receipt.html", context, session=session)
