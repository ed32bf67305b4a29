"""Refuse cross-site calls to a sandbox's ``/_sandbox/`` control API (both systems use this one middleware).

The control API has no login, so any page open in a trainee's browser could otherwise post a form (or a
``no-cors`` fetch) to ``http://127.0.0.1:PORT/_sandbox/reset``. Browsers label such requests with
``Origin`` and ``Sec-Fetch-Site``; plain HTTP clients (httpx, curl) send neither and pass unchanged. The
API is JSON-only, so the three content types an HTML form can send without a CORS preflight are refused
too, which also covers old browsers that send no ``Origin`` on a form post.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import URL, Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["CONTROL_PREFIX", "SameOriginControl", "refusal"]

CONTROL_PREFIX: Final = "/_sandbox/"
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALLOWED_FETCH_SITES: Final = frozenset({"same-origin", "none"})  # "none": typed in the address bar
FORM_CONTENT_TYPES: Final = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)


def refusal(own_origin: str, headers: Headers) -> str | None:
    """Why a state-changing control call must be refused, or None when it may go through."""
    origin = headers.get("origin")
    if origin is not None and origin.strip().lower() != own_origin.lower():
        return f"cross-origin control call refused (Origin {origin!r} is not {own_origin!r})"
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.strip().lower() not in ALLOWED_FETCH_SITES:
        return f"cross-site control call refused (Sec-Fetch-Site: {fetch_site})"
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type in FORM_CONTENT_TYPES:
        return f"the control API takes JSON only, not {media_type}"
    return None


class SameOriginControl:
    """ASGI middleware answering 403 ``{"detail": ...}`` to a refused call under ``/_sandbox/``."""

    def __init__(self, app: ASGIApp, prefix: str = CONTROL_PREFIX) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in UNSAFE_METHODS
            and str(scope["path"]).startswith(self.prefix)
        ):
            # the origin as this request reached the server (its Host header), so any port or host works
            url = URL(scope=scope)
            reason = refusal(f"{url.scheme}://{url.netloc}", Headers(scope=scope))
            if reason is not None:
                await JSONResponse({"detail": reason}, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)
