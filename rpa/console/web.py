"""What every console page shares: templates, the signed-in person, role checks, CSRF, safe headers.

Every page and action asks for its role here, on the server: a clerk who types a supervisor's URL gets
"Không có quyền", never the page. Every form carries the session's CSRF token (``csrf_token``; scripts
send it as ``X-CSRF-Token``) and a POST without the right one is refused before its handler runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from rpa.clock import VN
from rpa.console.accounts import Accounts, Role, SessionInfo, same_token
from rpa.ledger import STATE_LABELS, TransferState

__all__ = [
    "COOKIE",
    "NotSignedIn",
    "console_state",
    "need",
    "render",
    "signed_in",
    "templates",
]

HERE = Path(__file__).parent
COOKIE = "rpa_console"
LOGIN_COOKIE = "rpa_login_csrf"


class NotSignedIn(Exception):
    """Raised by :func:`signed_in` on a request without a live session (the app redirects to login)."""


def _vn_time(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VN).strftime(pattern)


def _vn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _vn_time(value, "%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def _state_label(state: Any) -> str:
    try:
        return STATE_LABELS[TransferState(getattr(state, "value", state))]
    except ValueError:
        return str(state)


templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["vn_time"] = _vn_time
templates.env.filters["vn_date"] = _vn_date
templates.env.filters["state_label"] = _state_label
templates.env.filters["urlquote"] = lambda value: quote(str(value), safe="")
templates.env.globals["Role"] = Role


def console_state(request: Request) -> Any:
    return request.app.state.console


def signed_in(request: Request) -> SessionInfo:
    """The live session of this request; raises :class:`NotSignedIn` without one."""
    cached: SessionInfo | None = getattr(request.state, "session_info", None)
    if cached is not None:
        return cached
    accounts: Accounts = console_state(request).accounts
    info = accounts.session(request.cookies.get(COOKIE, ""))
    if info is None:
        raise NotSignedIn()
    request.state.session_info = info
    return info


def need(role: Role) -> Callable[[Request], Coroutine[Any, Any, SessionInfo]]:
    """A dependency: the signed-in person, who must hold ``role`` (or a higher one); on a POST, the
    request must also carry the session's CSRF token."""

    async def dependency(request: Request) -> SessionInfo:
        info = signed_in(request)
        if not info.user.can(role):
            raise HTTPException(403, "Không có quyền: trang này dành cho " + role.label.lower() + ".")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            given = request.headers.get("x-csrf-token")
            if given is None and "form" in request.headers.get("content-type", ""):
                form = await request.form()
                field = form.get("csrf_token")
                given = field if isinstance(field, str) else None
            if not same_token(given, info.csrf_token):
                raise HTTPException(403, "Phiên làm việc không hợp lệ (thiếu mã CSRF). Hãy tải lại trang.")
        return info

    return dependency


Clerk = Depends(need(Role.CLERK))
Supervisor = Depends(need(Role.SUPERVISOR))
Admin = Depends(need(Role.ADMIN))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    info: SessionInfo | None = getattr(request.state, "session_info", None)
    waiting = 0
    if info is not None and info.user.can(Role.SUPERVISOR):
        from rpa.console.routes_alerts import unacknowledged_count  # the alerts pages import this module

        waiting = unacknowledged_count(console_state(request))
    values = {
        "me": info.user if info else None,
        "csrf_token": info.csrf_token if info else "",
        "alerts_waiting": waiting,
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, values, status_code=status_code)


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)
