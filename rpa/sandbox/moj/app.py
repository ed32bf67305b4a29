"""The sandbox Ministry of Justice judicial-record portal ("moj-lltp") as a FastAPI app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from rpa import adminunits
from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.control import control_router
from rpa.sandbox.dropping import DroppingFastAPI
from rpa.sandbox.knobs import KnobsState, apply_knobs
from rpa.sandbox.moj import routes_auth, routes_lookup, routes_units, routes_wizard
from rpa.sandbox.moj.forms import ADDRESS_PARTS, RESIDENCE_PARTS, address_name, element_id, residence_name
from rpa.sandbox.moj.knobs import Knobs
from rpa.sandbox.moj.portal import COOKIE, TEMPLATES_DIR, Portal, get_portal, login_url
from rpa.sandbox.moj.store import Store
from rpa.sandbox.same_origin import SameOriginControl
from rpa.sandbox.sessions import LoginRequired, SessionStore

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def _vn_datetime(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")


def create_app(data_dir: Path) -> FastAPI:
    """Build the portal; its SQLite store is ``data_dir/moj-lltp.sqlite`` (created if missing)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals.update(
        element_id=element_id,
        address_name=address_name,
        residence_name=residence_name,
        ADDRESS_PARTS=ADDRESS_PARTS,
        RESIDENCE_PARTS=RESIDENCE_PARTS,
        adminunits=adminunits,
    )
    templates.env.filters["vn_datetime"] = _vn_datetime
    knobs = KnobsState(Knobs)
    store = Store(data_dir / "moj-lltp.sqlite", now=knobs.now)
    portal = Portal(data_dir, store, knobs, SessionStore(COOKIE, login_url), CaptchaStore(), templates)
    app = DroppingFastAPI(
        title="Sandbox: Cổng cấp Phiếu lý lịch tư pháp trực tuyến",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.portal = portal

    def page(name: str, status_code: int, **headers: str) -> Callable[[Request], Response]:
        def render(request: Request) -> Response:
            context = {"version": knobs.current.ui_version}
            return templates.TemplateResponse(
                request, name, context, status_code=status_code, headers=headers
            )

        return render

    maintenance = page("maintenance.html", 503, **{"Retry-After": "120"})
    app.middleware("http")(
        apply_knobs(knobs, maintenance=maintenance, gateway_error=page("gateway_error.html", 502))
    )
    app.add_middleware(SameOriginControl)

    @app.exception_handler(LoginRequired)
    async def _login_required(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (routes_auth, routes_wizard, routes_lookup, routes_units):
        app.include_router(module.router)
    app.include_router(control_router(get_portal))
    return app
