"""Console pages of a clerk: find a dossier, push it to the ministry and watch it go, and the requests
waiting for a person (a CAPTCHA to read, an application to approve before the final click).

Every page needs the clerk role (or higher), checked on the server; every POST carries the session's
CSRF token. Images are served by the id of a desk request, never by a path from the browser, and only
for ids in the desk's own format. Each view of a dossier's personal data and each decision is written
to the audit log with the person's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from loguru import logger
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rpa.config import Settings
from rpa.console.accounts import SessionInfo
from rpa.console.clerk_runs import RESTARTABLE, ClerkRuns
from rpa.console.evidence_access import opened
from rpa.console.field_names import field_label, maps_of_flow
from rpa.console.web import Clerk, console_state, redirect, render
from rpa.domain import dossier_code_problem
from rpa.errors import RpaError
from rpa.evidence.opening import read_values
from rpa.ledger import STATE_LABELS, Event, Ledger, Transfer, TransferState
from rpa.ledger.audit import record_audit
from rpa.ledger.models import TransferRow
from rpa.ledger.search import identity_digest, searchable_name
from rpa.portal.approval import REQUEST_ID, ApprovalDesk, ApprovalRequest
from rpa.portal.captcha import CaptchaDesk, CaptchaRequest
from rpa.procedures import named
from rpa.sources.provincial import ProvincialClient, ProvincialRefused
from rpa.vault import vault_for

router = APIRouter()

S = TransferState
SEARCH_LIMIT = 100
NOTICES = {
    "da-bat-dau": "Đã bắt đầu chuyển hồ sơ sang Bộ. Các bước hiện ngay bên dưới.",
    "dang-chay": "Hồ sơ này đang được chuyển; chờ lượt này xong rồi hãy bấm lại.",
    "da-nhap-ma": "Đã gửi mã xác nhận; bot tiếp tục nộp hồ sơ.",
    "da-duyet": "Đã duyệt; bot bấm nộp hồ sơ.",
    "tu-choi": "Đã từ chối; hồ sơ không được nộp và chuyển sang lỗi nghiệp vụ với lý do của cán bộ.",
}
"""Messages a redirect may name (by key: a page never shows text taken from its URL)."""


@dataclass(frozen=True)
class Found:
    """One line of the search: a transfer of the ledger, or a dossier only the provincial system has."""

    code: str
    procedure: str
    applicant: str
    transfer: Transfer | None
    updated_at: datetime | None


def _runs(request: Request) -> ClerkRuns:
    state = console_state(request)
    runs = state.extra.get("clerk_runs")
    if runs is None:
        runs = state.extra.setdefault("clerk_runs", ClerkRuns(state.settings))
    assert isinstance(runs, ClerkRuns)
    return runs


def _ledger(request: Request) -> Ledger:
    ledger: Ledger = console_state(request).ledger
    return ledger


def _settings(request: Request) -> Settings:
    settings: Settings = console_state(request).settings
    return settings


def _procedure_title(flow: str | None) -> str:
    procedure = named(flow)
    return procedure.title if procedure is not None else (flow or "")


# -- find a dossier ---------------------------------------------------------------------------------


@router.get("/ho-so")
def search_page(request: Request, q: str = "", me: SessionInfo = Clerk) -> Response:
    query = " ".join(q.split())[:200]
    error = ""
    if query:
        found, error = _search(request, query)
    else:
        found = [_line(t) for t in _ledger(request).list(limit=30)]
    # The list shows names: who looked, and how many lines, is recorded (never the query: it may be
    # an identity number).
    record_audit(
        _ledger(request).engine, me.user.name, "search_dossiers", f"{len(found)} hồ sơ",
        detail={"codes": [line.code for line in found][:SEARCH_LIMIT]},
    )  # fmt: skip
    context = {"nav": "dossiers", "q": query, "found": found, "error": error, "searched": bool(query)}
    return render(request, "clerk_search.html", context)


def _line(transfer: Transfer) -> Found:
    return Found(
        transfer.dossier_code,
        _procedure_title(transfer.flow),
        transfer.applicant_name or "",
        transfer,
        transfer.updated_at,
    )


def _search(request: Request, query: str) -> tuple[list[Found], str]:
    """Transfers whose code is ``query`` or starts with it, whose applicant's identity number is
    ``query``, or whose applicant's name contains it (diacritics and case ignored); a dossier the
    ledger does not know yet, by its exact code, from the provincial system."""
    digits = "".join(query.split())
    folded = searchable_name(query)
    conditions = [
        TransferRow.dossier_code == query,
        TransferRow.dossier_code.like(_like_prefix(query), escape="\\"),
    ]
    if digits.isdigit() and len(digits) in (9, 12):
        conditions.append(TransferRow.identity_digest == identity_digest(_settings(request).work_dir, digits))
    if folded:
        conditions.append(TransferRow.applicant_search.like(f"%{_like_escape(folded)}%", escape="\\"))
    statement = (
        select(TransferRow)
        .where(or_(*conditions))
        .order_by(TransferRow.updated_at.desc(), TransferRow.id.desc())
        .limit(SEARCH_LIMIT)
    )
    with Session(_ledger(request).engine) as session:
        transfers = [Transfer.from_row(row) for row in session.scalars(statement)]
    found = [_line(t) for t in transfers]
    if any(t.dossier_code == query for t in transfers) or dossier_code_problem(query) is not None:
        return found, ""
    provincial, error = _from_provincial(_settings(request), query)
    if provincial is not None:
        found.insert(0, provincial)
    return found, error


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(text: str) -> str:
    return _like_escape(text) + "%"


def _from_provincial(settings: Settings, code: str) -> tuple[Found | None, str]:
    """A dossier the ledger does not know, read by its exact code from the provincial system's API
    (the one the worker asks for a dossier's procedure and status; no attachment is downloaded)."""
    data = _provincial_dossier(settings, code)
    if isinstance(data, str):
        return None, data
    if data is None:
        return None, ""
    return Found(code, str(data.get("procedure_name") or ""), _applicant_name(data), None, None), ""


def _provincial_dossier(settings: Settings, code: str) -> dict[str, Any] | str | None:
    """The provincial system's dossier ``code``; None when it has none; a message when it cannot tell."""
    account = settings.provincial.account
    try:
        with ProvincialClient(
            settings.provincial.base_url, account.username, account.secret, timeout=10
        ) as client:
            return client.get(code)
    except ProvincialRefused as exc:
        return None if exc.status_code == 404 else str(exc)
    except (RpaError, OSError) as exc:
        logger.warning("console: provincial system not reachable for {}: {}", code, exc)
        return "Không đọc được hệ thống một cửa lúc này; thử lại sau ít phút."


# -- one dossier ------------------------------------------------------------------------------------


@router.get("/ho-so/{code}")
def dossier_page(request: Request, code: str, tb: str = "", me: SessionInfo = Clerk) -> Response:
    if dossier_code_problem(code) is not None:
        raise HTTPException(404, "Mã hồ sơ không hợp lệ.")
    ledger = _ledger(request)
    transfer = ledger.find(code)
    provincial: dict[str, Any] | None = None
    error = ""
    if transfer is None:
        data = _provincial_dossier(_settings(request), code)
        if data is None:
            raise HTTPException(404, f"Không tìm thấy hồ sơ {code} trong sổ theo dõi và hệ thống một cửa.")
        if isinstance(data, str):
            error = data
        else:
            provincial = data
    applicant = transfer.applicant_name if transfer else _applicant_name(provincial)
    if transfer is not None and not applicant:  # queued by the scheduler, not read by a worker yet
        data = _provincial_dossier(_settings(request), code)
        applicant = _applicant_name(data) if isinstance(data, dict) else ""
    record_audit(ledger.engine, me.user.name, "view_dossier", code)
    runs = _runs(request)
    run = runs.get(code)
    context = {
        "nav": "dossiers",
        "code": code,
        "transfer": transfer,
        "procedure": _procedure_title(transfer.flow)
        if transfer
        else str((provincial or {}).get("procedure_name") or ""),
        "applicant": applicant or "",
        "events": [_event_view(e) for e in ledger.events(transfer.id)] if transfer else [],
        "running": runs.running(code),
        "can_start": transfer is None or transfer.state in RESTARTABLE,
        "run": run.view() if run is not None else None,
        "notice": NOTICES.get(tb, ""),
        "started": tb == "da-bat-dau",  # that notice is hidden once the run ends
        "error": error,
    }
    return render(request, "clerk_dossier.html", context)


def _applicant_name(data: dict[str, Any] | None) -> str:
    applicant = (data or {}).get("applicant")
    return str(applicant.get("full_name") or "") if isinstance(applicant, dict) else ""


def _event_view(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at,
        "state": event.to_state.value,
        "label": STATE_LABELS[event.to_state],
        "actor": _actor_label(event.actor),
        "reason": _reason_vn(event.reason),
    }


def _reason_vn(reason: str) -> str:
    """The ledger's few English reasons (its own bookkeeping) as a clerk reads them; the worker's
    reasons are Vietnamese already."""
    if reason == "enqueued":
        return "đưa vào hàng chờ chuyển sang Bộ"
    if reason == "claimed":
        return "bot nhận hồ sơ để chuyển"
    if reason.startswith("lease of ") and " expired " in reason:
        after = reason.endswith("resolve by lookup")
        return "bot ngừng giữ hồ sơ giữa chừng" + (
            "; sau bước nộp: sẽ tra cứu trên cổng, không nộp lại" if after else ""
        )
    return reason


def _actor_label(actor: str) -> str:
    kind, _, name = actor.partition(":")
    if kind == "clerk":
        return f"Cán bộ {name}"
    if kind == "worker":
        return "Bot"
    return {"scheduler": "Lịch chạy tự động", "system": "Hệ thống"}.get(actor, actor)


@router.post("/ho-so/{code}/chuyen")
def start_transfer(request: Request, code: str, me: SessionInfo = Clerk) -> Response:
    """ "Chuyển sang Bộ": the transfer starts now, in a thread of its own (:mod:`rpa.console.clerk_runs`)."""
    if dossier_code_problem(code) is not None:
        raise HTTPException(404, "Mã hồ sơ không hợp lệ.")
    transfer = _ledger(request).find(code)
    if transfer is not None and transfer.state not in RESTARTABLE:
        raise HTTPException(
            409, f"Hồ sơ {code} đang ở trạng thái “{STATE_LABELS[transfer.state]}”: không chuyển lại."
        )
    run = _runs(request).start(code, me.user.name)
    if run is None:
        return redirect(f"/ho-so/{code}?tb=dang-chay")
    record_audit(_ledger(request).engine, me.user.name, "start_transfer", code)
    return redirect(f"/ho-so/{code}?tb=da-bat-dau")


@router.get("/api/ho-so/{code}/tien-trinh")
def progress(request: Request, code: str, me: SessionInfo = Clerk) -> JSONResponse:
    """What the dossier page shows live: the ledger's events, the steps of a run started here, and
    where it ended (receipt, reasons, error). No personal data beyond what the page itself shows."""
    if dossier_code_problem(code) is not None:
        raise HTTPException(404, "Mã hồ sơ không hợp lệ.")
    ledger = _ledger(request)
    transfer = ledger.find(code)
    run = _runs(request).get(code)
    body: dict[str, Any] = {
        "code": code,
        "running": run is not None and not run.done,
        "run": run.view() if run is not None else None,
        "transfer": None,
        "events": [],
    }
    if transfer is not None:
        body["transfer"] = {
            "state": transfer.state.value,
            "label": STATE_LABELS[transfer.state],
            "receipt_code": transfer.receipt_code,
            "ministry_status": transfer.ministry_status,
            "business_reasons": list(transfer.business_reasons),
            "last_error": transfer.last_error,
            "agency": (p.agency if (p := named(transfer.flow)) else ""),
            "can_start": transfer.state in RESTARTABLE,
        }
        body["events"] = [
            {**view, "at": _vn(view["at"])} for view in (_event_view(e) for e in ledger.events(transfer.id))
        ]
    return JSONResponse(body)


def _vn(value: datetime) -> str:
    from rpa.console.web import templates

    shown: str = templates.env.filters["vn_time"](value)
    return shown


# -- waiting for a person -----------------------------------------------------------------------------


def _captcha_desk(request: Request) -> CaptchaDesk:
    return CaptchaDesk(_settings(request).work_dir / "captcha")


def _approval_desk(request: Request) -> ApprovalDesk:
    return ApprovalDesk(_settings(request).work_dir / "approval")


@router.get("/cho-xu-ly")
def waiting_page(request: Request, me: SessionInfo = Clerk) -> Response:
    captchas = _captcha_desk(request).list()
    settings = console_state(request).settings
    approvals = [_approval_view(r, settings) for r in _approval_desk(request).list()]
    if approvals:  # the screenshots and values are a dossier's personal data
        codes = ",".join(a["request"].dossier_code for a in approvals)[:256]
        record_audit(_ledger(request).engine, me.user.name, "view_approvals", codes)
    context = {"nav": "waiting", "captchas": captchas, "approvals": approvals}
    return render(request, "clerk_waiting.html", context)


def _approval_view(request: ApprovalRequest, settings: Settings) -> dict[str, Any]:
    """A request with the values typed (the attempt's manifest, written right before it asked)."""
    values: list[tuple[str, str | None, str]] = []  # element name, the portal's label of it, value
    try:
        folder = Path(request.evidence)
        typed = read_values(vault_for(settings), request.dossier_code, folder).get("typed") or {}
        maps = maps_of_flow(request.flow, settings)
        values = [
            (str(name), field_label(str(name), maps), _shown(value))
            for name, value in typed.items()
            if value not in (None, "")
        ]
    except (OSError, ValueError, LookupError) as exc:
        logger.warning("approval {}: values typed not readable: {}", request.id, exc)
    return {"request": request, "values": values, "procedure": _procedure_title(request.flow)}


def _shown(value: Any) -> str:
    if isinstance(value, bool) or value in ("True", "False"):  # the manifest keeps what was set
        return "Có" if value in (True, "True") else "Không"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _known_id(request_id: str) -> str:
    """Only ids in the desks' own format (8 hex digits) name a request: nothing else reaches a file."""
    if not REQUEST_ID.fullmatch(request_id):
        raise HTTPException(404, "Không có yêu cầu này.")
    return request_id


def _captcha(request: Request, request_id: str) -> CaptchaRequest:
    try:
        return _captcha_desk(request).get(_known_id(request_id))
    except KeyError:
        raise HTTPException(404, "Không có yêu cầu này.") from None


def _approval(request: Request, request_id: str) -> ApprovalRequest:
    try:
        return _approval_desk(request).get(_known_id(request_id))
    except KeyError:
        raise HTTPException(404, "Không có yêu cầu này.") from None


def _image(path: str, inside: Path, *, opener: Callable[[Path], bytes] | None = None) -> Response:
    """The PNG at ``path`` (from a desk's own request file) if it lies inside ``inside``; a sealed
    one (``.png.enc``, evidence) opened with ``opener``."""
    image = Path(path).resolve()
    sealed = opener is not None and image.name.endswith(".png.enc")
    if (
        not image.is_relative_to(inside.resolve())
        or not (sealed or image.suffix == ".png")
        or not image.is_file()
    ):
        raise HTTPException(404, "Không có ảnh này.")
    if sealed and opener is not None:
        return Response(opener(image), media_type="image/png", headers={"Cache-Control": "private, no-store"})
    return FileResponse(image, media_type="image/png")


@router.get("/cho-xu-ly/ma-xac-nhan/{request_id}/anh")
def captcha_image(request: Request, request_id: str, me: SessionInfo = Clerk) -> Response:
    found = _captcha(request, request_id)
    return _image(found.image, _captcha_desk(request).folder)


@router.post("/cho-xu-ly/ma-xac-nhan/{request_id}")
def answer_captcha(
    request: Request, request_id: str, answer: str = Form(""), me: SessionInfo = Clerk
) -> Response:
    found = _captcha(request, request_id)
    text = answer.strip()
    if not text or len(text) > 64:
        raise HTTPException(400, "Hãy nhập mã xác nhận đọc được trên ảnh.")
    try:
        _captcha_desk(request).answer(found.id, text)
    except ValueError:
        raise HTTPException(409, "Yêu cầu này đã được trả lời hoặc đã hết hạn.") from None
    record_audit(
        _ledger(request).engine,
        me.user.name,
        "answer_captcha",
        found.dossier_code,
        detail={"request": found.id},
    )
    return redirect(f"/ho-so/{found.dossier_code}?tb=da-nhap-ma")


@router.get("/cho-xu-ly/duyet/{request_id}/anh")
def approval_image(request: Request, request_id: str, me: SessionInfo = Clerk) -> Response:
    found = _approval(request, request_id)
    record_audit(
        _ledger(request).engine,
        me.user.name,
        "view_evidence",
        found.dossier_code,
        detail={"request": found.id},
    )
    vault = vault_for(_settings(request))
    return _image(
        found.image, _settings(request).recordings_dir, opener=lambda p: opened(vault, found.dossier_code, p)
    )


@router.post("/cho-xu-ly/duyet/{request_id}")
def decide_approval(
    request: Request,
    request_id: str,
    decision: str = Form(""),
    reason: str = Form(""),
    me: SessionInfo = Clerk,
) -> Response:
    found = _approval(request, request_id)
    if decision not in ("approve", "reject"):
        raise HTTPException(400, "Hãy chọn Duyệt hoặc Từ chối.")
    approved = decision == "approve"
    reason = " ".join(reason.split())[:500]
    if not approved and not reason:
        raise HTTPException(400, "Từ chối cần ghi lý do: cán bộ sửa hồ sơ sẽ đọc lý do này.")
    try:
        _approval_desk(request).decide(found.id, approved=approved, by=me.user.name, reason=reason)
    except ValueError:
        raise HTTPException(409, "Yêu cầu này đã được xử lý hoặc đã hết hạn.") from None
    record_audit(
        _ledger(request).engine, me.user.name, "approve_submission" if approved else "reject_submission",
        found.dossier_code, reason=reason, detail={"request": found.id},
    )  # fmt: skip
    return redirect(f"/ho-so/{found.dossier_code}?tb={'da-duyet' if approved else 'tu-choi'}")
