"""The sandbox national business-registration portal ("dkkd") as a FastAPI app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.control import control_router
from rpa.sandbox.dkkd import routes_auth, routes_lookup, routes_wizard
from rpa.sandbox.dkkd.knobs import Knobs
from rpa.sandbox.dkkd.portal import COOKIE, TEMPLATES_DIR, Portal, get_portal, login_url
from rpa.sandbox.dkkd.store import Store
from rpa.sandbox.dkkd.viewstate import InvalidViewState, StateSigner
from rpa.sandbox.dkkd.wizard import LABELS
from rpa.sandbox.dropping import DroppingFastAPI
from rpa.sandbox.knobs import KnobsState, apply_knobs
from rpa.sandbox.registered_names import REGISTERED_NAMES
from rpa.sandbox.same_origin import SameOriginControl
from rpa.sandbox.sessions import LoginRequired, SessionStore

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def _vn_datetime(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")


def create_app(data_dir: Path) -> FastAPI:
    """Build the portal; its SQLite store is ``data_dir/dkkd.sqlite`` (created if missing)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals.update(LABELS=LABELS)
    templates.env.filters["vn_datetime"] = _vn_datetime
    knobs = KnobsState(Knobs)
    store = Store(data_dir / "dkkd.sqlite", now=knobs.now)
    portal = Portal(
        data_dir, store, knobs, SessionStore(COOKIE, login_url), CaptchaStore(), templates, StateSigner()
    )
    app = DroppingFastAPI(
        title="Sandbox: Cổng thông tin quốc gia về đăng ký doanh nghiệp",
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
    state_error = page("state_error.html", 500)

    @app.exception_handler(LoginRequired)
    async def _login_required(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.location, status_code=302)

    @app.exception_handler(InvalidViewState)
    async def _invalid_state(request: Request, _exc: InvalidViewState) -> Response:
        return state_error(request)

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (routes_auth, routes_wizard, routes_lookup):
        app.include_router(module.router)
    control = control_router(get_portal)

    @control.get("/registered_names")
    def registered_names() -> list[str]:
        return list(REGISTERED_NAMES)

    app.include_router(control)
    return app
