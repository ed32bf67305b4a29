"""Client of the provincial one-stop system's JSON API (iGate-style: bearer token, Spring pages).

Errors, by what the caller should do about them::

    PortalError         5xx, timeout, connection refused, malformed JSON, an unexpected shape,
                        a fresh token refused: retry later (English message naming the system)
    ConfigError         the account's credentials are refused when asking for a token
    ProvincialRefused   any other 4xx: the system refused the request and said why, in Vietnamese
    InvalidDossier      a downloaded attachment does not match its size or SHA-256 (see ``download``)
    AttachmentTooLarge  an attachment is bigger than the cap (an InvalidDossier: the clerk is told)
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

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_MB",
    "DEFAULT_PAGE_SIZE",
    "AttachmentTooLarge",
    "ProvincialClient",
    "ProvincialRefused",
    "attachment_name",
    "max_bytes",
    "refuse_listed_oversize",
    "verify_attachment",
    "verify_bytes",
]

SYSTEM = "provincial one-stop system"
DEFAULT_PAGE_SIZE = 50
"""Dossiers per search page (the API allows 1-100)."""
DEFAULT_MAX_ATTACHMENT_MB = 20.0
"""The default of ``Settings.max_attachment_mb``: bigger files are refused, not downloaded."""
CHUNK_BYTES = 64 * 1024
"""An attachment is streamed this much at a time, and stops as soon as it passes the cap."""
_MB = 1024 * 1024


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


class AttachmentTooLarge(InvalidDossier):
    """An attachment is bigger than the cap (``Settings.max_attachment_mb``); the clerk must act.

    Attributes:
        index: the attachment's index in the dossier.
        name: its file name, as the dossier lists it.
        limit_mb: the cap it passed.
    """

    def __init__(self, index: int, name: str, limit_mb: float, dossier_code: str | None) -> None:
        self.index, self.name, self.limit_mb = index, name, limit_mb
        where = f"attachments.{index}"
        shown = f"{limit_mb:g}".replace(".", ",")  # Vietnamese decimal comma: 0,5 MB
        message = f"tệp “{name}” lớn hơn {shown} MB, vượt giới hạn cổng Bộ cho phép"
        super().__init__([Problem(where, label_for(where), message)], dossier_code)


def attachment_name(meta: Mapping[str, Any], dest: Path) -> str:
    """The attachment's name for a clerk: the one the dossier lists, else the saved file's."""
    name = meta.get("name")
    return name if isinstance(name, str) and name.strip() else dest.name


def max_bytes(limit_mb: float) -> int:
    """``limit_mb`` megabytes (MiB, as file managers count them) in bytes."""
    return int(limit_mb * _MB)


def refuse_listed_oversize(
    meta: Mapping[str, Any], index: int, dest: Path, limit_mb: float, code: str | None
) -> None:
    """Refuse before downloading an attachment whose metadata already lists it above the cap.

    Raises:
        AttachmentTooLarge: ``meta["size"]`` is bigger than ``limit_mb``.
    """
    size = meta.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size > max_bytes(limit_mb):
        raise AttachmentTooLarge(index, attachment_name(meta, dest), limit_mb, code)


def verify_attachment(path: Path, index: int, meta: Mapping[str, Any], dossier_code: str | None) -> None:
    """Check a file on disk against its attachment metadata (``size`` and ``sha256``, when given).

    Raises:
        InvalidDossier: with a Vietnamese problem on ``attachments.{index}`` when they disagree.
    """
    digest_of_file = hashlib.sha256()
    with path.open("rb") as stream:  # in chunks: a file up to the cap need not fit in memory
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            digest_of_file.update(chunk)
    _check(path.stat().st_size, digest_of_file.hexdigest(), index, meta, dossier_code)


def verify_bytes(data: bytes, index: int, meta: Mapping[str, Any], dossier_code: str | None) -> None:
    """:func:`verify_attachment` for a file held in memory (about to be sealed)."""
    _check(len(data), hashlib.sha256(data).hexdigest(), index, meta, dossier_code)


def _check(
    length: int, hexdigest: str, index: int, meta: Mapping[str, Any], dossier_code: str | None
) -> None:
    problems: list[Problem] = []
    where = f"attachments.{index}"
    size, digest = meta.get("size"), meta.get("sha256")
    if isinstance(size, int) and not isinstance(size, bool) and size != length:
        problems.append(
            Problem(
                where,
                label_for(where),
                f"tệp tải về có {length} byte nhưng hồ sơ ghi {size} byte: tệp bị hỏng hoặc bị thay",
            )
        )
    if isinstance(digest, str) and digest.strip().lower() != hexdigest:
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
        max_attachment_mb: an attachment bigger than this is refused (:class:`AttachmentTooLarge`).
        transport: an ``httpx`` transport (tests pass ``httpx.MockTransport``).
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = 20.0,
        max_attachment_mb: float = DEFAULT_MAX_ATTACHMENT_MB,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_attachment_mb = max_attachment_mb
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

    def fetch(self, url: str, name: str, *, index: int, meta: Mapping[str, Any], code: str) -> bytes:
        """The bytes of an attachment (its ``download_url``), checked against ``meta``; ``name`` is
        the file's name for a clerk when ``meta`` lists none.

        An attachment listed bigger than ``max_attachment_mb`` is not downloaded at all; any other is
        streamed in chunks, and the download stops as soon as it passes the cap, whatever its
        metadata claimed: memory never holds more than the cap. Nothing is written to disk: the
        caller seals the bytes (:mod:`rpa.sources.sealed`).

        Raises:
            AttachmentTooLarge: the file is bigger than the cap.
            InvalidDossier: the bytes do not match the metadata's size or SHA-256.
            PortalError: the download failed, or the URL leads away from the provincial system (the
                bearer token is never sent elsewhere).
        """
        if "://" in url and not url.startswith(self.base_url + "/"):
            raise PortalError(f"{SYSTEM} at {self.base_url}: attachment {index} of {code} points elsewhere")
        shown = Path(name)
        refuse_listed_oversize(meta, index, shown, self.max_attachment_mb, code)
        what = f"attachment {index} of dossier {code}"
        limit = max_bytes(self.max_attachment_mb)
        response = self._send("GET", url, what=what, stream=True)
        chunks: list[bytes] = []
        try:
            received = 0
            for chunk in response.iter_bytes(CHUNK_BYTES):
                received += len(chunk)
                if received > limit:
                    raise AttachmentTooLarge(
                        index, attachment_name(meta, shown), self.max_attachment_mb, code
                    )
                chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise PortalError(f"{SYSTEM} at {self.base_url} broke off {what}: {exc}") from exc
        finally:
            response.close()
        data = b"".join(chunks)
        del chunks  # a file near the cap is held once, not twice, while it is checked and sealed
        verify_bytes(data, index, meta, code)
        return data

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

    def _send(
        self, method: str, path: str, *, what: str | None = None, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """The answer of a successful request; with ``stream`` its body is still to be read (and the
        response closed) by the caller."""
        what = what or f"{method} {path}"
        response = self._attempt(method, path, what, stream, **kwargs)
        if response.status_code == 401:  # token expired or revoked: one fresh token, one more try
            response.close()
            self._token = None
            response = self._attempt(method, path, what, stream, **kwargs)
            if response.status_code == 401:
                response.close()
                raise PortalError(f"{SYSTEM} at {self.base_url} refused a fresh token for {what}")
        if response.status_code >= 400:
            try:
                response.read()  # an error's body is small and says why
            except httpx.HTTPError as exc:
                code = response.status_code
                raise PortalError(
                    f"{SYSTEM} at {self.base_url} failed on {what}: HTTP {code} ({exc})"
                ) from exc
            finally:
                response.close()
        self._raise_for_status(response, what)
        return response

    def _attempt(self, method: str, path: str, what: str, stream: bool, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        return self._call(method, path, what, headers=headers, stream=stream, **kwargs)

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

    def _call(
        self, method: str, path: str, what: str, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        try:
            return self._http.send(self._http.build_request(method, path, **kwargs), stream=stream)
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
