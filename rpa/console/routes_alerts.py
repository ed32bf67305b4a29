"""Console pages: the alerts the engine raised (role ``supervisor`` or ``admin``, checked on the server).

- ``GET /canh-bao``: newest first, unacknowledged only (``?xem=chua-xem``, the default) or all
  (``?xem=tat-ca``), by kind (``?loai=<kind>``), 50 a page (``?trang=N``); who acknowledged each, when,
  and their note.
- ``POST /canh-bao/{alert_id}/da-xem``: "Đã xem", with an optional note, written to ``alert_acks`` and
  to the audit log in one transaction. The first acknowledgement stays; a second one is told who was
  first.

:func:`unacknowledged_count` gives the menu its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from rpa.console.accounts import SessionInfo
from rpa.console.web import Supervisor, console_state, redirect, render
from rpa.operations.alert_acks import NOTE_MAX, AlertAck, AlreadyAcknowledged, acknowledge, acknowledgements
from rpa.operations.alerts import FILE_NAME, alert_time, kind_label, read_alerts

if TYPE_CHECKING:
    from rpa.console.app import ConsoleState

__all__ = ["router", "unacknowledged_count"]

router = APIRouter()

PAGE_SIZE = 50
VIEWS = {"chua-xem": "Chưa xem", "tat-ca": "Tất cả"}
ALERT_ID = re.compile(r"[0-9a-f]{32}")
TONES = {  # the badge's colour, by what the supervisor has to do about it
    "portal_up": "ok",
    "job_recovered": "ok",
    "captcha": "wait",
    "needs_review": "wait",
    "overdue": "warn",
    "unknown_status": "warn",
}
NOTICES = {  # the message after an acknowledgement, chosen by a fixed key (never text from the URL)
    "ok": "Đã ghi nhận: bạn đã xem cảnh báo.",
    "trung": "Cảnh báo này đã có người xác nhận đã xem trước bạn.",
    "ca-trang": "Đã ghi nhận: bạn đã xem các cảnh báo của trang.",
}


@dataclass(frozen=True)
class AlertView:
    """One alert as the page shows it."""

    id: str
    kind: str
    label: str
    tone: str
    at: datetime | None
    message: str
    portal: str
    dossier: str
    job: str
    action: tuple[str, str] | None  # where to act on it: (URL, link text)
    ack: AlertAck | None


@dataclass(frozen=True)
class Filter:
    view: str = "chua-xem"
    kind: str = ""
    page: int = 1

    def query(self, page: int | None = None, **extra: str) -> str:
        values = {"xem": self.view, "loai": self.kind, "trang": str(page or self.page), **extra}
        return urlencode({k: v for k, v in values.items() if v and not (k == "trang" and v == "1")})


def unacknowledged_count(state: ConsoleState) -> int:
    """How many alerts nobody acknowledged yet, for the menu's "Cảnh báo (N)"."""
    seen = acknowledgements(state.ledger.engine)
    return sum(1 for alert in _read(state.work_dir) if alert["id"] not in seen)


@router.get("/canh-bao", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    info: SessionInfo = Supervisor,
    xem: str = "chua-xem",
    loai: str = "",
    trang: str = "1",
    thong_bao: str = "",
) -> Response:
    state = console_state(request)
    alerts = _read(state.work_dir)
    acks = acknowledgements(state.ledger.engine)
    kinds = sorted({str(a.get("kind", "")) for a in alerts}, key=kind_label)
    chosen = _filter(xem, loai if loai in kinds else "", trang)
    shown = [
        a
        for a in reversed(alerts)  # newest first
        if (chosen.view == "tat-ca" or a["id"] not in acks)
        and (not chosen.kind or a.get("kind") == chosen.kind)
    ]
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(chosen.page, pages)
    rows = [_view(a, acks.get(a["id"])) for a in shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    context = {
        "nav": "alerts",
        "rows": rows,
        "chosen": Filter(chosen.view, chosen.kind, page),
        "views": VIEWS,
        "kinds": [(kind, kind_label(kind)) for kind in kinds],
        "total": len(shown),
        "first": (page - 1) * PAGE_SIZE + 1,
        "pages": pages,
        "waiting": sum(1 for a in alerts if a["id"] not in acks),
        "all": len(alerts),
        "notice": NOTICES.get(thong_bao, ""),
        "note_max": NOTE_MAX,
    }
    return render(request, "alerts_list.html", context)


@router.post("/canh-bao/{alert_id}/da-xem")
async def acknowledge_alert(request: Request, alert_id: str, info: SessionInfo = Supervisor) -> Response:
    state = console_state(request)
    if not ALERT_ID.fullmatch(alert_id) or alert_id not in await run_in_threadpool(_ids, state.work_dir):
        raise HTTPException(404, "Không có cảnh báo này.")
    fields = await _form(request)
    note = _note(fields)
    try:
        await run_in_threadpool(acknowledge, state.ledger.engine, alert_id, info.user.name, note)
        outcome = "ok"
    except AlreadyAcknowledged:
        outcome = "trung"
    return redirect(f"/canh-bao?{_back(fields).query(thong_bao=outcome)}#canh-bao-{alert_id}")


@router.post("/canh-bao/da-xem-ca-trang")
async def acknowledge_page(request: Request, info: SessionInfo = Supervisor) -> Response:
    """Acknowledge the alerts the page showed, named one by one: one raised since is not swept along."""
    state = console_state(request)
    form = await request.form()
    ids = list(dict.fromkeys(v for v in form.getlist("ma") if isinstance(v, str)))
    if not ids or len(ids) > PAGE_SIZE or not all(ALERT_ID.fullmatch(i) for i in ids):
        raise HTTPException(400, "Không rõ những cảnh báo nào đã xem. Hãy tải lại trang.")
    if not set(ids) <= await run_in_threadpool(_ids, state.work_dir):
        raise HTTPException(404, "Không có cảnh báo này.")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    note = _note(fields)
    for alert_id in ids:
        try:
            await run_in_threadpool(acknowledge, state.ledger.engine, alert_id, info.user.name, note)
        except AlreadyAcknowledged:
            continue  # someone else was first: theirs stays
    return redirect(f"/canh-bao?{_back(fields).query(thong_bao='ca-trang')}")


# -- helpers ---------------------------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple[tuple[int, int], ...], list[dict[str, Any]]]] = {}


def _read(work_dir: Path) -> list[dict[str, Any]]:
    """The alerts (the last rotation's too), parsed again only when a file changed: the menu counts
    them on every page."""
    key = tuple(_stamp(work_dir / name) for name in (f"{FILE_NAME}.1", FILE_NAME))
    cached = _cache.get(work_dir)
    if cached is not None and cached[0] == key:
        return cached[1]
    alerts = read_alerts(work_dir, with_rotated=True)
    _cache[work_dir] = (key, alerts)
    return alerts


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, -1)
    return (stat.st_mtime_ns, stat.st_size)


def _ids(work_dir: Path) -> set[str]:
    return {alert["id"] for alert in _read(work_dir)}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _note(fields: dict[str, str]) -> str:
    note = fields.get("ghi_chu", "").strip()
    if len(note) > NOTE_MAX:
        raise HTTPException(400, f"Ghi chú dài quá {NOTE_MAX} ký tự.")
    return note


def _filter(view: str, kind: str, page: str) -> Filter:
    return Filter(
        view if view in VIEWS else "chua-xem",
        re.sub(r"[^a-z_]", "", kind)[:40],
        int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
    )


def _back(fields: dict[str, str]) -> Filter:
    """The list the supervisor came from, rebuilt from known values only (no URL from the client)."""
    return _filter(fields.get("xem", ""), fields.get("loai", ""), fields.get("trang", ""))


def _view(alert: dict[str, Any], ack: AlertAck | None) -> AlertView:
    kind = str(alert.get("kind", ""))
    dossier = str(alert.get("dossier") or "")
    return AlertView(
        id=alert["id"],
        kind=kind,
        label=kind_label(kind),
        tone=TONES.get(kind, "bad"),
        at=alert_time(alert),
        message=str(alert.get("message", "")),
        portal=str(alert.get("portal") or ""),
        dossier=dossier,
        job=_job_label(str(alert.get("job") or "")),
        action=_action(kind, alert),
        ack=ack,
    )


def _job_label(job: str) -> str:
    from rpa.operations.jobs import JOB_LABELS

    return JOB_LABELS.get(job, job)


def _action(kind: str, alert: dict[str, Any]) -> tuple[str, str] | None:
    if kind == "captcha":
        return "/cho-xu-ly", "Đọc mã ở trang Chờ cán bộ"
    if kind == "selector_drift":
        return "/tong-quan", "Xem cầu dao ở trang Tổng quan"
    transfer_id = alert.get("transfer_id")
    if isinstance(transfer_id, int):
        return f"/chuyen/{transfer_id}", "Xem lượt chuyển"
    return None
