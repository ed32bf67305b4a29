"""Console pages: the supervisor's (role ``supervisor`` or ``admin``, checked on the server for every URL).

- ``GET /tong-quan``: today's dashboard with 30-day charts; ``POST /tong-quan/cau-dao/{portal}/dat-lai``.
- ``GET /chuyen``: the filtered, paginated list; ``GET /chuyen/xuat-excel``: the same list as .xlsx;
  ``GET /chuyen/bao-cao``: the daily Excel report of today or a chosen day.
- ``GET /chuyen/{id}``: one transfer: timeline, evidence of every attempt, values typed, the portal's
  answer; its screenshots and trace through ``/chuyen/{id}/bang-chung/{attempt}/{n}`` and
  ``/chuyen/{id}/trace/{attempt}``, found by the server from the ledger's dossier code, never from a path
  the browser sends. Every view and download is written to the audit log.
- ``POST /chuyen/{id}/thu-lai`` | ``/huy`` | ``/da-xu-ly``: the actions, each with a reason.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from rpa.clock import VN
from rpa.console import supervisor_actions as actions
from rpa.console.accounts import SessionInfo
from rpa.console.dashboard import build_dashboard, open_breakers
from rpa.console.evidence_access import attempts_of, find_attempt, opened
from rpa.console.exports import transfers_workbook
from rpa.console.field_names import field_label, maps_of
from rpa.console.transfer_list import (
    PAGE_SIZE,
    count_transfers,
    find_transfers,
    parse_day,
    parse_filter,
)
from rpa.console.web import Supervisor, console_state, redirect, render, templates
from rpa.ledger import STATE_LABELS, Transfer, TransferState
from rpa.ledger.audit import read_audit, record_audit
from rpa.ledger.data_keys import ErasedKey
from rpa.ledger.errors import UnknownTransfer
from rpa.procedures import all_procedures, get_procedure
from rpa.report.data import build_report, day_bounds, procedure_names, vn_number
from rpa.report.workbook import report_bytes, report_name, report_scope, seal_report
from rpa.vault import SealedDataError, Vault, dossier_scope, submission_aad, vault_for

router = APIRouter()


def _moment(text: str) -> str:
    """An ISO time stored in a work-folder file (breaker, CAPTCHA request), in Vietnam time."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    return moment.astimezone(VN).strftime("%d/%m/%Y %H:%M") if moment.tzinfo else str(text)


def _value(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


# page filters of this family (the shared environment gets new names only)
templates.env.filters["sv_number"] = vn_number
templates.env.filters["sv_moment"] = _moment
templates.env.filters["sv_value"] = _value

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE = {  # the message after an action, chosen by a fixed key (never text from the query string)
    "retry": "Đã xếp lượt chuyển vào hàng chờ để bot thử lại.",
    "cancel": "Đã huỷ lượt chuyển; bot sẽ không tự chuyển lại.",
    "resolve": "Đã ghi mã hồ sơ Bộ; lần chạy tới sẽ cập nhật về một cửa.",
    "breaker": "Đã đặt lại cầu dao: bot dùng lại cổng này ngay.",
}
ANSWER_LABELS = {"receipt": "Mã hồ sơ Bộ", "found": "Tra cứu thấy", "absent": "Tra cứu không thấy"}
ACTION_LABELS = {
    "retry_transfer": "Thử lại",
    "cancel_transfer": "Huỷ",
    "resolve_transfer": "Đánh dấu đã xử lý",
    "reset_breaker": "Đặt lại cầu dao",
}


def _transfer(request: Request, transfer_id: int) -> Transfer:
    try:
        transfer: Transfer = console_state(request).ledger.get(transfer_id)
    except UnknownTransfer:
        raise HTTPException(404, "Không có lượt chuyển này.") from None
    return transfer


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


# -- dashboard -------------------------------------------------------------------------------------------


@router.get("/tong-quan", response_class=HTMLResponse)
def dashboard(request: Request, info: SessionInfo = Supervisor, xong: str = "") -> Response:
    return _dashboard(request, notice=DONE.get(xong, ""))


def _dashboard(request: Request, *, notice: str = "", error: str = "", status: int = 200) -> Response:
    state = console_state(request)
    board = build_dashboard(state.settings, state.ledger)
    return render(
        request,
        "supervisor_dashboard.html",
        {"nav": "dashboard", "board": board, "labels": STATE_LABELS, "notice": notice, "error": error},
        status_code=status,
    )


@router.post("/tong-quan/cau-dao/{portal}/dat-lai")
async def reset_breaker(request: Request, portal: str, info: SessionInfo = Supervisor) -> Response:
    form = await _form(request)
    state = console_state(request)
    back = form.get("chuyen", "")
    try:
        actions.reset_breaker(
            state.settings, state.ledger.engine, portal, info.user.name, form.get("ly_do", "")
        )
    except actions.ActionRefused as refused:
        if back.isdigit():
            return _transfer_page(
                request, _transfer(request, int(back)), info, error=str(refused), status=refused.status
            )
        return _dashboard(request, error=str(refused), status=refused.status)
    if back.isdigit():  # a transfer id, never a URL: the page goes back to that transfer only
        return redirect(f"/chuyen/{int(back)}?xong=breaker")
    return redirect("/tong-quan?xong=breaker")


# -- the list, its export, the daily report --------------------------------------------------------------


@router.get("/chuyen", response_class=HTMLResponse)
def transfer_list(request: Request, info: SessionInfo = Supervisor) -> Response:
    chosen, errors = parse_filter(request.query_params)
    engine = console_state(request).ledger.engine
    total = 0 if errors else count_transfers(engine, chosen)
    rows = [] if errors else find_transfers(engine, chosen)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    return render(
        request,
        "supervisor_transfers.html",
        {
            "nav": "transfers",
            "chosen": chosen,
            "params": request.query_params,
            "errors": errors,
            "rows": rows,
            "total": total,
            "pages": pages,
            "first": (chosen.page - 1) * PAGE_SIZE + 1,
            "names": procedure_names(),
            "procedures": all_procedures(),
            "states": list(TransferState),
            "labels": STATE_LABELS,
            "today": datetime.now(VN).date(),
        },
        status_code=400 if errors else 200,
    )


@router.get("/chuyen/xuat-excel")
def export_list(request: Request, info: SessionInfo = Supervisor) -> Response:
    chosen, errors = parse_filter(request.query_params)
    if errors:
        raise HTTPException(400, " ".join(errors))
    engine = console_state(request).ledger.engine
    rows = find_transfers(engine, chosen, everything=True)
    now = datetime.now(VN)
    title = f"Danh sách lượt chuyển, xuất lúc {now:%d/%m/%Y %H:%M} bởi {info.user.name}"
    content = transfers_workbook(rows, procedure_names(), title)
    record_audit(
        engine, info.user.name, "export_transfers", "transfers",
        detail={"filter": chosen.query_string(), "rows": len(rows)},
    )  # fmt: skip
    name = f"luot-chuyen-{now:%Y%m%d-%H%M}.xlsx"
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/chuyen/bao-cao")
def daily_report(request: Request, info: SessionInfo = Supervisor, ngay: str = "") -> Response:
    today = datetime.now(VN).date()
    day, problem = parse_day(ngay, "Ngày báo cáo")
    if problem:
        raise HTTPException(400, problem)
    day = day or today
    if day > today:
        raise HTTPException(400, "Chưa có báo cáo của một ngày chưa tới.")
    state = console_state(request)
    transfers, events = state.ledger.history(day_bounds(day)[1])
    data = build_report(
        day,
        transfers,
        events,
        minutes_per_dossier=state.settings.manual_minutes_per_dossier,
        now=datetime.now(UTC),
    )
    # Kept sealed in reports_dir like the scheduler's, and handed to the supervisor from memory:
    # failure reasons quote citizens, so no clear copy is left on the server.
    content = report_bytes(data)
    seal_report(state.settings, day, content, vault_for(state.settings))
    record_audit(state.ledger.engine, info.user.name, "report.open", report_scope(day))
    disposition = f'attachment; filename="{report_name(day)}"'
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


# -- one transfer ----------------------------------------------------------------------------------------


@router.get("/chuyen/{transfer_id:int}", response_class=HTMLResponse)
def transfer_page(
    request: Request, transfer_id: int, info: SessionInfo = Supervisor, xong: str = ""
) -> Response:
    return _transfer_page(request, _transfer(request, transfer_id), info, notice=DONE.get(xong, ""))


def _transfer_page(
    request: Request,
    transfer: Transfer,
    info: SessionInfo,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    state = console_state(request)
    engine = state.ledger.engine
    record_audit(
        engine,
        info.user.name,
        "view_transfer",
        f"transfer:{transfer.id}",
        detail={"dossier": transfer.dossier_code},
    )
    try:
        procedure = get_procedure(transfer.flow)
    except KeyError:
        procedure = None
    portal = procedure.portal if procedure else None
    breaker = next((b for b in open_breakers(state.settings) if b.portal == portal), None)
    audit = [
        e
        for e in read_audit(engine, target=f"transfer:{transfer.id}", limit=500)
        if e.action in ACTION_LABELS
    ]
    maps = maps_of(procedure, state.settings) if procedure else []
    vault = vault_for(state.settings)
    attempts = attempts_of(state.settings.recordings_dir, transfer.dossier_code, vault)
    submission = _submission(vault, transfer)
    fields = {key: field_label(key, maps) for a in attempts for key in [*a.typed, *(submission or {})]}
    context: dict[str, Any] = {
        "nav": "transfers",
        "t": transfer,
        "submission": submission,
        "field_labels": fields,
        "procedure": procedure,
        "events": state.ledger.events(transfer.id),
        "attempts": attempts,
        "breaker": breaker,
        "audit": audit,
        "action_labels": ACTION_LABELS,
        "answer_labels": ANSWER_LABELS,
        "labels": STATE_LABELS,
        "can_retry": transfer.state in actions.RETRYABLE,
        "can_cancel": transfer.state in actions.CANCELLABLE,
        "can_resolve": transfer.state in actions.RESOLVABLE,
        "notice": notice,
        "error": error,
    }
    return render(request, "supervisor_transfer.html", context, status_code=status)


def _submission(vault: Vault, transfer: Transfer) -> dict[str, Any] | None:
    """What was typed before the final click (sealed in the ledger), opened for this page."""
    if not transfer.submission:
        return None
    try:
        value = vault.open_json(
            dossier_scope(transfer.dossier_code), transfer.submission, submission_aad(transfer.dossier_code)
        )
    except (ErasedKey, SealedDataError, KeyError):
        return None
    return value if isinstance(value, dict) else None


@router.get("/chuyen/{transfer_id:int}/bang-chung/{attempt:int}/{n:int}")
def screenshot(
    request: Request, transfer_id: int, attempt: int, n: int, info: SessionInfo = Supervisor
) -> Response:
    transfer = _transfer(request, transfer_id)
    state = console_state(request)
    found = find_attempt(state.settings.recordings_dir, transfer.dossier_code, attempt)
    path = found.screenshot(n) if found else None
    if path is None:
        raise HTTPException(404, "Không có ảnh chụp này.")
    record_audit(
        state.ledger.engine, info.user.name, "view_evidence", f"transfer:{transfer.id}",
        detail={"dossier": transfer.dossier_code, "attempt": attempt, "file": path.name},
    )  # fmt: skip
    picture = opened(vault_for(state.settings), transfer.dossier_code, path)
    return Response(picture, media_type="image/png", headers={"Cache-Control": "private, no-store"})


@router.get("/chuyen/{transfer_id:int}/trace/{attempt:int}")
def trace(request: Request, transfer_id: int, attempt: int, info: SessionInfo = Supervisor) -> Response:
    transfer = _transfer(request, transfer_id)
    state = console_state(request)
    found = find_attempt(state.settings.recordings_dir, transfer.dossier_code, attempt)
    if found is None or found.trace is None:
        raise HTTPException(404, "Lần thử này không lưu bản ghi trace.")
    record_audit(
        state.ledger.engine, info.user.name, "download_trace", f"transfer:{transfer.id}",
        detail={"dossier": transfer.dossier_code, "attempt": attempt},
    )  # fmt: skip
    name = f"trace-{quote(transfer.dossier_code, safe='')}-{attempt}.zip"
    data = opened(vault_for(state.settings), transfer.dossier_code, found.trace)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    return Response(data, media_type="application/zip", headers=headers)


@router.post("/chuyen/{transfer_id:int}/{action}")
async def act(request: Request, transfer_id: int, action: str, info: SessionInfo = Supervisor) -> Response:
    form = await _form(request)
    transfer = _transfer(request, transfer_id)
    ledger = console_state(request).ledger
    reason = form.get("ly_do", "")
    try:
        if action == "thu-lai":
            actions.retry(ledger, transfer.id, info.user.name, reason)
            key = "retry"
        elif action == "huy":
            actions.cancel(ledger, transfer.id, info.user.name, reason)
            key = "cancel"
        elif action == "da-xu-ly":
            actions.resolve(ledger, transfer.id, info.user.name, reason, form.get("ma_ho_so_bo", ""))
            key = "resolve"
        else:
            raise HTTPException(404, "Không có thao tác này.")
    except actions.ActionRefused as refused:
        fresh = _transfer(request, transfer_id)
        return _transfer_page(request, fresh, info, error=str(refused), status=refused.status)
    return redirect(f"/chuyen/{transfer.id}?xong={key}")
