"""The sandbox national business-registration portal ("dkkd") as a FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.control import control_router
from rpa.sandbox.dkkd import routes_auth, routes_lookup, routes_wizard
from rpa.sandbox.dkkd.knobs import Knobs
from rpa.sandbox.dkkd.portal import COOKIE, TEMPLATES_DIR, Portal, get_portal, login_url
from rpa.sandbox.dkkd.store import Store
from rpa.sandbox.dkkd.viewstate import InvalidViewState, StateSigner
from rpa.sandbox.dkkd.wizard import LABELS
from rpa.sandbox.knobs import KnobsState
from rpa.sandbox.portal_app import portal_app, portal_templates
from rpa.sandbox.sessions import SessionStore

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def create_app(data_dir: Path) -> FastAPI:
    """Build the portal; its SQLite store is ``data_dir/dkkd.sqlite`` (created if missing)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    templates = portal_templates(TEMPLATES_DIR)
    templates.env.globals.update(LABELS=LABELS)
    knobs = KnobsState(Knobs)
    store = Store(data_dir / "dkkd.sqlite", now=knobs.now)
    portal = Portal(
        data_dir, store, knobs, SessionStore(COOKIE, login_url), CaptchaStore(), templates, StateSigner()
    )
    app, page = portal_app(
        "Sandbox: Cổng thông tin quốc gia về đăng ký doanh nghiệp",
        knobs=knobs,
        templates=templates,
        static_dir=STATIC_DIR,
        login_redirect_status=302,
    )
    app.state.portal = portal
    state_error = page("state_error.html", 500)

    @app.exception_handler(InvalidViewState)
    async def _invalid_state(request: Request, _exc: InvalidViewState) -> Response:
        return state_error(request)

    for module in (routes_auth, routes_wizard, routes_lookup):
        app.include_router(module.router)
    control = control_router(get_portal)

    @control.get("/registered_names")
    def registered_names() -> list[str]:
        return portal.store.registered_names()

    app.include_router(control)
    return app
