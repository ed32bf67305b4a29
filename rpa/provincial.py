"""Client of the provincial one-stop system's JSON API (iGate-style: bearer token, Spring pages).

Errors, by what the caller should do about them::

    PortalError         5xx, timeout, connection refused, malformed JSON, an unexpected shape,
                        a fresh token refused: retry later (English message naming the system)
    ConfigError         the account's credentials are refused when asking for a token
    ProvincialRefused   any other 4xx: the system refused the request and said why, in Vietnamese
    InvalidDossier      a downloaded attachment does not match its size or SHA-256 (see ``download``)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from rpa.domain.labels import label_for
from rpa.errors import BusinessError, ConfigError, InvalidDossier, PortalError, Problem

__all__ = ["DEFAULT_PAGE_SIZE", "ProvincialClient", "ProvincialRefused", "verify_attachment"]

SYSTEM = "provincial one-stop system"
DEFAULT_PAGE_SIZE = 50
"""Dossiers per search page (the API allows 1-100)."""


class ProvincialRefused(BusinessError):
    """The provincial system refused a request (4xx other than a bad login) and said why.

    Attributes:
        status_code: the HTTP status, e.g. 404 or 409.
        detail: the system's own (Vietnamese) reason, e.g. ``Không tìm thấy hồ sơ có mã ...``.
    """

    def __init__(self, status_code: int, detail: str, what: str) -> None:
        self.status_code = status_code
        self.detail = detail
        super().__init__(f"Hệ thống một cửa từ chối {what} (HTTP {status_code}): {detail}")


def verify_attachment(path: Path, index: int, meta: Mapping[str, Any], dossier_code: str | None) -> None:
    """Check a downloaded file against its attachment metadata (``size`` and ``sha256``, when given).

    Raises:
        InvalidDossier: with a Vietnamese problem on ``attachments.{index}`` when they disagree.
    """
    content = path.read_bytes()
    problems: list[Problem] = []
    where = f"attachments.{index}"
    size, digest = meta.get("size"), meta.get("sha256")
    if isinstance(size, int) and not isinstance(size, bool) and size != len(content):
        problems.append(
            Problem(
                where,
                label_for(where),
                f"tệp tải về có {len(content)} byte nhưng hồ sơ ghi {size} byte: tệp bị hỏng hoặc bị thay",
            )
        )
    if isinstance(digest, str) and digest.strip().lower() != hashlib.sha256(content).hexdigest():
        problems.append(
            Problem(where, label_for(where), "mã SHA-256 của tệp tải về không khớp với hồ sơ: tệp bị hỏng")
        )
    if problems:
        raise InvalidDossier(problems, dossier_code)


class ProvincialClient:
    """The provincial system's API, as one account sees it. Use as a context manager, or ``close()``.

    Args:
        base_url: e.g. ``https://motcua.quangngai.gov.vn`` (no ``/api``).
        username, password: a service account allowed to use the API.
        timeout: seconds for each request.
        transport: an ``httpx`` transport (tests pass ``httpx.MockTransport``).
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._username, self._password = username, password
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)
        self._token: str | None = None

    def __enter__(self) -> ProvincialClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- reading -------------------------------------------------------------------------------------

    def search(
        self,
        *,
        procedure: str | None = None,
        statuses: tuple[int, ...] | list[int] = (),
        received_since: str | None = None,
        code: str | None = None,
        identity_number: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Every matching dossier dict, page after page (newest received first)."""
        params = {
            "procedure": procedure,
            "status": ",".join(str(s) for s in statuses) or None,
            "received-since": received_since,
            "code": code,
            "identity-number": identity_number,
            "size": page_size,
        }
        number = 0
        while True:
            page = self._json("GET", "/api/dossiers", params={**params, "page": number})
            where = f"{SYSTEM} at {self.base_url}: search page {number}"
            content = page.get("content") if isinstance(page, dict) else None
            pages = page.get("totalPages") if isinstance(page, dict) else None
            if not isinstance(content, list) or not isinstance(pages, int):
                raise PortalError(f"{where} is not a Spring page (content, totalPages)")
            for item in content:
                if not isinstance(item, dict) or not isinstance(item.get("code"), str):
                    raise PortalError(f"{where} holds something other than a dossier")
                yield item
            number += 1
            if number >= pages or not content:
                return

    def get(self, code: str) -> dict[str, Any]:
        """The dossier dict plus the API's extras: ``download_url``, ``processing_log``, ``receipt_codes``."""
        data = self._json("GET", f"/api/dossiers/{quote(code, safe='')}")
        if not isinstance(data, dict) or data.get("code") != code:
            raise PortalError(f"{SYSTEM} at {self.base_url}: dossier {code} came back in an unexpected shape")
        return data

    def download(self, url: str, dest: Path, *, index: int, meta: Mapping[str, Any], code: str) -> Path:
        """Save an attachment (its ``download_url``) to ``dest`` and check it against ``meta``.

        Raises:
            InvalidDossier: the bytes do not match the metadata's size or SHA-256.
            PortalError: the download failed, or the URL leads away from the provincial system
                (the bearer token is never sent elsewhere).
        """
        if "://" in url and not url.startswith(self.base_url + "/"):
            raise PortalError(f"{SYSTEM} at {self.base_url}: attachment {index} of {code} points elsewhere")
        dest.parent.mkdir(parents=True, exist_ok=True)
        response = self._send("GET", url, what=f"attachment {index} of dossier {code}")
        dest.write_bytes(response.content)
        verify_attachment(dest, index, meta, code)
        return dest

    # -- writing -------------------------------------------------------------------------------------

    def set_status(
        self, code: str, status: int, note: str, receipt_code: str | None, actor: str | None
    ) -> dict[str, Any]:
        """Change the status (idempotent on the server): ``{changed, duplicate, log_entry, sms, ...}``."""
        body = {"status": status, "note": note, "receipt_code": receipt_code, "actor": actor}
        return self._result("PUT", f"/api/dossiers/{quote(code, safe='')}/status", body)

    def append_log(self, code: str, note: str, receipt_code: str | None, actor: str | None) -> dict[str, Any]:
        """Append a processing-log entry without changing the status: ``{duplicate, log_entry, ...}``."""
        body = {"note": note, "receipt_code": receipt_code, "actor": actor}
        return self._result("POST", f"/api/dossiers/{quote(code, safe='')}/log", body)

    # -- plumbing ------------------------------------------------------------------------------------

    def _result(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        result = self._json(method, path, json=body)
        if not isinstance(result, dict) or not isinstance(result.get("duplicate"), bool):
            raise PortalError(f"{SYSTEM} at {self.base_url}: {method} {path} answered in an unexpected shape")
        return result

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise PortalError(
                f"{SYSTEM} at {self.base_url} returned malformed JSON for {method} {path}: {exc}"
            ) from None

    def _send(self, method: str, path: str, *, what: str | None = None, **kwargs: Any) -> httpx.Response:
        what = what or f"{method} {path}"
        response = self._attempt(method, path, what, **kwargs)
        if response.status_code == 401:  # token expired or revoked: one fresh token, one more try
            self._token = None
            response = self._attempt(method, path, what, **kwargs)
            if response.status_code == 401:
                raise PortalError(f"{SYSTEM} at {self.base_url} refused a fresh token for {what}")
        self._raise_for_status(response, what)
        return response

    def _attempt(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        return self._call(method, path, what, headers=headers, **kwargs)

    def _access_token(self) -> str:
        if self._token is None:
            form = {"username": self._username, "password": self._password, "grant_type": "password"}
            response = self._call("POST", "/api/auth/token", "a token", data=form)
            if response.status_code in (400, 401, 403):
                raise ConfigError(
                    f"{SYSTEM} at {self.base_url} refused the credentials of {self._username!r}: "
                    f"{_detail(response)}"
                )
            self._raise_for_status(response, "a token")
            try:
                token = response.json().get("access_token")
            except (ValueError, AttributeError):
                token = None
            if not isinstance(token, str) or not token:
                raise PortalError(f"{SYSTEM} at {self.base_url}: the token answer holds no access_token")
            self._token = token
        return self._token

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise PortalError(f"{SYSTEM} at {self.base_url} timed out on {what}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise PortalError(f"{SYSTEM} at {self.base_url} unreachable for {what}: {exc}") from exc

    def _raise_for_status(self, response: httpx.Response, what: str) -> None:
        code = response.status_code
        if code >= 500 or code in (408, 429):
            detail = _detail(response)
            raise PortalError(f"{SYSTEM} at {self.base_url} failed on {what}: HTTP {code} {detail}")
        if code >= 400:
            raise ProvincialRefused(code, _detail(response), what)


def _detail(response: httpx.Response) -> str:
    """The ``detail`` of a FastAPI/Spring error body, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200]
    if isinstance(body, dict):
        for key in ("detail", "message", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return str(body)[:200]
