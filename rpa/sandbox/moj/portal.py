"""The running portal's shared state and the page renderer every router uses."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.knobs import KnobsState
from rpa.sandbox.moj.forms import ui
from rpa.sandbox.moj.knobs import Knobs
from rpa.sandbox.moj.store import Store
from rpa.sandbox.sessions import PortalSession, SessionStore

__all__ = ["COOKIE", "TEMPLATES_DIR", "Portal", "get_portal", "login_url"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
COOKIE = "MOJSESSID"


def login_url(target: str, expired: bool) -> str:
    """The login page, back to ``target`` after logging in (``het_han=1``: the session had expired)."""
    return f"/dang-nhap?next={quote(target, safe='')}" + ("&het_han=1" if expired else "")


@dataclass
class Portal:
    data_dir: Path
    store: Store
    knobs: KnobsState[Knobs]
    sessions: SessionStore
    captchas: CaptchaStore
    templates: Jinja2Templates

    @property
    def uploads(self) -> Path:
        path = self.data_dir / "moj-uploads"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def k(self) -> Knobs:
        return self.knobs.current

    def session(self, request: Request) -> PortalSession:
        """The logged-in session, or :class:`LoginRequired` (redirect to the login page)."""
        return self.sessions.require(request, self.k.session_idle_s)

    def optional_session(self, request: Request) -> PortalSession | None:
        return self.sessions.touch(request.cookies.get(self.sessions.cookie), self.k.session_idle_s)[0]

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        status_code: int = 200,
        session: PortalSession | None = None,
    ) -> HTMLResponse:
        version = self.k.ui_version
        full = {
            "version": version,
            "t": ui(version),
            "session": session,
            "errors": {},
            "pick": lambda v1, v2: v1 if version == 1 else v2,
            "status_field": "maHoSo" if version == 1 else "ma_ho_so",
            **context,
        }
        return self.templates.TemplateResponse(request, name, full, status_code=status_code)

    def reset(self) -> None:
        self.store.delete_all()
        self.store.reset_accounts()
        self.knobs.reset()
        self.sessions.clear()
        self.captchas.clear()
        shutil.rmtree(self.uploads, ignore_errors=True)


def get_portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal
