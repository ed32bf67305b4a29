"""The running portal's shared state, WebForms postbacks (view state, event validation) and page
rendering, used by every router."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.dkkd.knobs import Knobs
from rpa.sandbox.dkkd.store import Store
from rpa.sandbox.dkkd.viewstate import InvalidViewState, StateSigner
from rpa.sandbox.dkkd.wizard import PREFIX
from rpa.sandbox.knobs import KnobsState
from rpa.sandbox.sessions import PortalSession, SessionStore

__all__ = ["COOKIE", "TEMPLATES_DIR", "Portal", "Postback", "get_portal", "login_url"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
COOKIE = "ASP.NET_SessionId"


def login_url(target: str, expired: bool) -> str:
    """The login page, back to ``target`` afterwards (an expired session looks the same as none)."""
    del expired
    return f"/DangNhap.aspx?ReturnUrl={quote(target, safe='')}"


@dataclass(frozen=True)
class Postback:
    """A checked postback: the form, the page's view state, and what raised it."""

    form: FormData
    state: dict[str, Any]
    action: str | None  # a control id without the prefix: the button pressed or __EVENTTARGET
    argument: str

    def value(self, name: str) -> str:
        return str(self.form.get(PREFIX + name) or "")


@dataclass
class Portal:
    data_dir: Path
    store: Store
    knobs: KnobsState[Knobs]
    sessions: SessionStore
    captchas: CaptchaStore
    templates: Jinja2Templates
    signer: StateSigner

    @property
    def k(self) -> Knobs:
        return self.knobs.current

    def session(self, request: Request) -> PortalSession:
        """The logged-in session, or :class:`LoginRequired` (302 to the login page)."""
        return self.sessions.require(request, self.k.session_idle_s)

    async def postback(self, request: Request, kind: str) -> Postback:
        """Read a postback of page ``kind``; :class:`InvalidViewState` when its hidden state does not
        verify, was made for another page, or names a control the page did not render."""
        form = await request.form()
        state = self.signer.load("vs", str(form.get("__VIEWSTATE") or ""))
        allowed = self.signer.load("ev", str(form.get("__EVENTVALIDATION") or ""))
        if not isinstance(state, dict) or state.get("kind") != kind or not isinstance(allowed, dict):
            raise InvalidViewState("view state of another page")
        target = str(form.get("__EVENTTARGET") or "")
        argument = str(form.get("__EVENTARGUMENT") or "")
        if target:
            if target not in allowed.get("targets", []):
                raise InvalidViewState(f"event target {target!r} not allowed")
            action: str | None = target
        else:
            action = next((b for b in allowed.get("buttons", []) if b in form), None)
        return Postback(form, state, action.removeprefix(PREFIX) if action else None, argument)

    def render(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any],
        *,
        state: Mapping[str, Any] | None = None,
        buttons: Iterable[str] = (),
        targets: Iterable[str] = (),
        session: PortalSession | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        """A page with its signed ``__VIEWSTATE`` and ``__EVENTVALIDATION`` (control ids without the
        ``ctl00$C$`` prefix)."""
        full = {
            "version": self.k.ui_version,
            "session": session,
            "errors": [],
            "viewstate": self.signer.dump("vs", dict(state or {"kind": name})),
            "eventvalidation": self.signer.dump(
                "ev",
                {"buttons": [PREFIX + b for b in buttons], "targets": [PREFIX + t for t in targets]},
            ),
            **context,
        }
        return self.templates.TemplateResponse(request, name, full, status_code=status_code)

    def reset(self) -> None:
        self.store.delete_all()
        self.store.reset_accounts()
        self.knobs.reset()
        self.sessions.clear()
        self.captchas.clear()


def get_portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal
