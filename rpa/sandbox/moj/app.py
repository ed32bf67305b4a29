"""The sandbox Ministry of Justice judicial-record portal ("moj-lltp") as a FastAPI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from rpa.domain import adminunits
from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.control import control_router
from rpa.sandbox.knobs import KnobsState
from rpa.sandbox.moj import routes_auth, routes_lookup, routes_units, routes_wizard
from rpa.sandbox.moj.forms import ADDRESS_PARTS, RESIDENCE_PARTS, address_name, element_id, residence_name
from rpa.sandbox.moj.knobs import Knobs
from rpa.sandbox.moj.portal import COOKIE, TEMPLATES_DIR, Portal, get_portal, login_url
from rpa.sandbox.moj.store import Store
from rpa.sandbox.portal_app import portal_app, portal_templates
from rpa.sandbox.sessions import SessionStore

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def create_app(data_dir: Path) -> FastAPI:
    """Build the portal; its SQLite store is ``data_dir/moj-lltp.sqlite`` (created if missing)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    templates = portal_templates(TEMPLATES_DIR)
    templates.env.globals.update(
        element_id=element_id,
        address_name=address_name,
        residence_name=residence_name,
        ADDRESS_PARTS=ADDRESS_PARTS,
        RESIDENCE_PARTS=RESIDENCE_PARTS,
        adminunits=adminunits,
    )
    knobs = KnobsState(Knobs)
    store = Store(data_dir / "moj-lltp.sqlite", now=knobs.now)
    portal = Portal(data_dir, store, knobs, SessionStore(COOKIE, login_url), CaptchaStore(), templates)
    app, _page = portal_app(
        "Sandbox: Cổng cấp Phiếu lý lịch tư pháp trực tuyến",
        knobs=knobs,
        templates=templates,
        static_dir=STATIC_DIR,
    )
    app.state.portal = portal
    for module in (routes_auth, routes_wizard, routes_lookup, routes_units):
        app.include_router(module.router)
    app.include_router(control_router(get_portal))
    return app
