"""The FastAPI app every sandbox ministry portal starts from: no API docs, the fault knobs' middleware
with the portal's maintenance page and the gateway's error page, the same-origin guard of the control
API, the login redirect, and the portal's static files.

Templates shared by the portals (the gateway's 502 page) are in :data:`SHARED_TEMPLATES`; a portal
lists that folder after its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from rpa.sandbox.dropping import DroppingFastAPI
from rpa.sandbox.knobs import KnobsState, apply_knobs
from rpa.sandbox.same_origin import SameOriginControl
from rpa.sandbox.sessions import LoginRequired

__all__ = ["SHARED_TEMPLATES", "PageFactory", "portal_app", "portal_templates", "vn_datetime"]

SHARED_TEMPLATES = Path(__file__).parent / "templates"
PageFactory = Callable[..., Callable[[Request], Response]]
"""``page(name, status_code, **headers)``: a handler rendering one template with no data."""


def vn_datetime(value: str) -> str:
    """An ISO date-time as the portals show it: ``dd/MM/yyyy HH:mm``."""
    return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")


def portal_templates(own: Path) -> Jinja2Templates:
    """The portal's templates, then the shared ones; with the filter ``vn_datetime``."""
    templates = Jinja2Templates(directory=[str(own), str(SHARED_TEMPLATES)])
    templates.env.filters["vn_datetime"] = vn_datetime
    return templates


def portal_app(
    title: str,
    *,
    knobs: KnobsState[Any],
    templates: Jinja2Templates,
    static_dir: Path,
    login_redirect_status: int = 303,
) -> tuple[DroppingFastAPI, PageFactory]:
    """The portal's app, and the factory of its fixed pages (each gets ``version``: the UI version).

    The portal's templates must have ``maintenance.html`` (503); ``gateway_error.html`` (502) is shared.
    """
    app = DroppingFastAPI(title=title, docs_url=None, redoc_url=None, openapi_url=None)

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
        return RedirectResponse(exc.location, status_code=login_redirect_status)

    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")
    return app, page
