"""The provincial one-stop sandbox as a FastAPI app: ``create_app(data_dir)``.

Routes (see each router): ``/dang-nhap`` and ``/ho-so...`` (clerk web UI, :mod:`.web`), ``/api/...``
(bearer-token JSON API, :mod:`.api`), ``/tra-cuu`` and ``/danh-gia/{code}`` (citizen pages,
:mod:`.public`), ``/_sandbox/...`` (control and inspection, :mod:`.control`).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from rpa.sandbox.provincial import api, auth, control, public, web
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.provincial.views import StoreError
from rpa.sandbox.same_origin import SameOriginControl

__all__ = ["create_app"]

HERE = Path(__file__).parent
SESSION_MAX_AGE_S = 8 * 3600

_ERROR_TYPES = {
    "missing": "thiếu trường bắt buộc",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "string_type": "phải là chuỗi ký tự",
    "string_too_long": "quá dài",
    "extra_forbidden": "là trường không được hỗ trợ",
    "json_invalid": "nội dung JSON không hợp lệ",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "list_type": "phải là một danh sách",
    "bool_parsing": "phải là true hoặc false",
    "greater_than_equal": "quá nhỏ",
    "less_than_equal": "quá lớn",
    "date_from_datetime_parsing": "phải là ngày dạng yyyy-MM-dd",
}
_HTTP_MESSAGES = {
    404: "Không tìm thấy địa chỉ yêu cầu",
    405: "Phương thức không được hỗ trợ cho địa chỉ này",
}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header"))
        reason = _ERROR_TYPES.get(str(error.get("type")), "có giá trị không hợp lệ")
        parts.append(f"{where or 'nội dung'} {reason}")
    return "Dữ liệu không hợp lệ: " + "; ".join(parts)


def _vn_date(value: Any, with_time: bool = False) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
    return "" if value is None else str(value)


def _templates() -> Jinja2Templates:
    def current_user(request: Request) -> dict[str, Any]:
        user = request.session.get("user") if "session" in request.scope else None
        return {"user": next((a for a in auth.ACCOUNTS if a.username == user), None)}

    templates = Jinja2Templates(directory=HERE / "templates", context_processors=[current_user])
    templates.env.filters["vndate"] = _vn_date
    templates.env.filters["vndatetime"] = lambda value: _vn_date(value, with_time=True)
    return templates


def create_app(data_dir: Path) -> FastAPI:
    """The provincial system keeping its SQLite file and attachments in ``data_dir``."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(
        title="Hệ thống một cửa điện tử tỉnh Quảng Ngãi (sandbox)",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.store = ProvincialStore(data_dir)
    app.state.secret = secrets.token_urlsafe(32)
    app.state.templates = _templates()
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret,
        session_cookie="motcua_session",
        max_age=SESSION_MAX_AGE_S,
        same_site="lax",
    )
    app.add_middleware(SameOriginControl)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (auth, web, api, public, control):
        app.include_router(module.router)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)

    @app.exception_handler(auth.NotLoggedIn)
    async def not_logged_in(request: Request, exc: auth.NotLoggedIn) -> Response:
        return auth.login_redirect(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail
        if detail in ("Not Found", "Method Not Allowed") or not detail:
            detail = _HTTP_MESSAGES.get(exc.status_code, "Yêu cầu không hợp lệ")
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    return app
