"""The sandbox road-transport portal ("vantai") as a FastAPI app: one HTML shell for every page route
(the page renders itself in the browser), the JSON API, and the shared ``/_sandbox/`` control API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.control import control_router
from rpa.sandbox.knobs import KnobsState
from rpa.sandbox.portal_app import portal_app, portal_templates
from rpa.sandbox.transport_businesses import BUSINESSES
from rpa.sandbox.vantai import routes_api
from rpa.sandbox.vantai.knobs import Knobs
from rpa.sandbox.vantai.portal import Portal, get_portal
from rpa.sandbox.vantai.routes_api import business_json
from rpa.sandbox.vantai.store import Store
from rpa.sandbox.vantai.tokens import TokenIssuer

__all__ = ["PAGE_ROUTES", "TITLE", "create_app"]

TITLE = "Cổng dịch vụ công – Sở Xây dựng tỉnh Quảng Ngãi"
STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"
# Every address the page itself navigates to answers the same shell (a reload or a bookmark works).
PAGE_ROUTES = ("/", "/dang-nhap", "/ho-so", "/ho-so/moi", "/ho-so/{receipt}", "/tra-cuu")


def create_app(data_dir: Path) -> FastAPI:
    """Build the portal; its SQLite store is ``data_dir/vantai.sqlite`` (created if missing), uploads
    go to ``data_dir/vantai-uploads/``."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    templates = portal_templates(TEMPLATES_DIR)
    knobs = KnobsState(Knobs)
    store = Store(data_dir / "vantai.sqlite", now=knobs.now)
    portal = Portal(store, knobs, CaptchaStore(), TokenIssuer(), data_dir / "vantai-uploads")
    app, page = portal_app(f"Sandbox: {TITLE}", knobs=knobs, templates=templates, static_dir=STATIC_DIR)
    app.state.portal = portal
    app.state.templates = templates
    app.include_router(routes_api.router)
    shell = page("shell.html", 200, **{"Cache-Control": "no-store"})

    def page_route(request: Request) -> Response:
        return shell(request)

    for path in PAGE_ROUTES:
        app.add_api_route(path, page_route, methods=["GET"], include_in_schema=False)

    control = control_router(get_portal)

    @control.get("/businesses")
    def businesses() -> list[dict[str, Any]]:
        return [business_json(b) for b in BUSINESSES]

    app.include_router(control)
    return app
