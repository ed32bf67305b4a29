"""The web console's FastAPI application (``rpa console``): pages rendered on the server, in Vietnamese.

It works on the same ledger, configuration and evidence as every other command. Nothing is fetched from
elsewhere: the style sheet and the few scripts are files of this package.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rpa.config import Settings
from rpa.console.accounts import Accounts
from rpa.console.web import HERE, NotSignedIn, redirect, render, signed_in
from rpa.ledger import Ledger

__all__ = ["ConsoleState", "create_app"]

# The console shows citizens' data: no page may be framed, cached or fed a script from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class ConsoleState:
    settings: Settings
    ledger: Ledger
    accounts: Accounts
    extra: dict[str, Any] = field(default_factory=dict)  # what a page family keeps between requests

    @property
    def work_dir(self) -> Path:
        return self.settings.work_dir


def create_app(settings: Settings, *, ledger: Ledger | None = None) -> FastAPI:
    from rpa.console import routes_alerts, routes_auth, routes_clerk, routes_supervisor

    ledger = ledger or Ledger(settings.ledger_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        for kept in _app.state.console.extra.values():  # a page family's background work ends first
            if callable(close := getattr(kept, "close", None)):
                close()
        ledger.close()

    app = FastAPI(
        title="motcua-rpa console", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.console = ConsoleState(settings, ledger, Accounts(ledger.engine))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (routes_auth, routes_clerk, routes_supervisor, routes_alerts):
        app.include_router(module.router)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return redirect(f"/dang-nhap?next={_quote(target)}")
        return JSONResponse({"error": "Chưa đăng nhập."}, status_code=401)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Lỗi"
        if exc.status_code == 404 and message == "Not Found":
            message = "Không tìm thấy trang này."
        if exc.status_code == 405:
            message = "Thao tác không được phép trên trang này."
        if not _wants_html(request):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        with suppress(NotSignedIn):  # the page keeps its menu for a signed-in person
            signed_in(request)
        return render(
            request,
            "error.html",
            {"message": message, "status": exc.status_code},
            status_code=exc.status_code,
        )

    return app


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return (
        request.method in ("GET", "HEAD", "POST")
        and ("text/html" in accept or not accept or accept == "*/*")
        and not request.url.path.startswith("/api/")
    )


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="/")
