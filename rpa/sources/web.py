"""Reading the provincial system through its clerk web UI with Playwright (provinces without an API).

How it reads: log in on the login page (once; the login state is saved and reused), filter the
dossier list by procedure, status and received date and walk its pages; open each dossier's detail
page in a fresh browser context, rebuild the dossier dict from the ``data-field`` elements (see
:mod:`rpa.sources.fields`: the page shows labels, not codes, and they are mapped back) and download
each attachment by clicking its link. A label that maps to no code parks the dossier for a clerk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from loguru import logger
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from rpa.domain.labels import label_for
from rpa.errors import ConfigError, InvalidDossier, PortalError, Problem
from rpa.sources.base import Source, SourceRecord, assemble
from rpa.sources.fields import FieldError, PageFields, read_fields
from rpa.sources.provincial import (
    DEFAULT_MAX_ATTACHMENT_MB,
    AttachmentTooLarge,
    ProvincialRefused,
    attachment_name,
    max_bytes,
    refuse_listed_oversize,
    verify_bytes,
)
from rpa.sources.sealed import sealer
from rpa.vault import Vault

__all__ = ["WebSource"]

SYSTEM = "provincial one-stop web UI"
LOGIN_PATH = "/dang-nhap"
LIST_PATH = "/ho-so"
_READ_FIELDS = (
    "els => els.map(e => [e.getAttribute('data-field'), e.textContent, e.getAttribute('data-type')])"
)
_ROW_CODES = "rows => rows.map(r => r.getAttribute('data-code'))"
_OPTION_VALUES = "options => options.map(o => o.value)"


class WebSource(Source):
    """A :class:`Source` driving the provincial clerk UI in ``browser`` (which the caller owns).

    Args:
        browser: a launched Playwright browser; each dossier gets a fresh context in it.
        base_url: the provincial system, e.g. ``https://motcua.quangngai.gov.vn``.
        username, password: a clerk account of the web UI.
        timeout_ms: the longest wait for any one page action.
        max_attachment_mb: an attachment bigger than this is refused (:class:`AttachmentTooLarge`).
        vault: seals each downloaded attachment under its dossier's key (:mod:`rpa.sources.sealed`);
            without it the source lists dossiers but downloads no file.
    """

    def __init__(
        self,
        browser: Browser,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout_ms: float = 15_000,
        max_attachment_mb: float = DEFAULT_MAX_ATTACHMENT_MB,
        vault: Vault | None = None,
    ) -> None:
        self.browser = browser
        self.vault = vault
        self.max_attachment_mb = max_attachment_mb
        self.base_url = base_url.rstrip("/")
        self._username, self._password = username, password
        self.timeout_ms = timeout_ms
        self._state: Any = None  # the saved login state (cookies), shared by every new context

    # -- listing -------------------------------------------------------------------------------------

    def list_codes(
        self, procedure_code: str, statuses: Sequence[int] = (), since: date | None = None
    ) -> list[str]:
        found: set[str] = set()
        with self._page() as page:
            self._open(page, LIST_PATH)
            offered = page.locator("#procedure option").evaluate_all(_OPTION_VALUES)
            if procedure_code not in offered:  # the list offers only procedures it holds
                return []
            wanted: list[int | None] = [*statuses] or [None]
            for status in wanted:
                self._search(page, procedure_code, status, since)
                while True:
                    found.update(page.locator("#danh-sach tr[data-code]").evaluate_all(_ROW_CODES))
                    following = page.locator('.pager a[rel="next"]')
                    if following.count() == 0:
                        break
                    with page.expect_navigation():
                        following.click()
                    self._ensure_logged_in(page)
        return sorted(found)

    def _search(self, page: Page, procedure: str, status: int | None, since: date | None) -> None:
        page.get_by_label("Thủ tục", exact=True).select_option(procedure)
        page.get_by_label("Trạng thái", exact=True).select_option("" if status is None else str(status))
        page.get_by_label("Tiếp nhận từ ngày", exact=True).fill(since.strftime("%d/%m/%Y") if since else "")
        page.get_by_label("Đến ngày", exact=True).fill("")
        with page.expect_navigation():
            page.get_by_role("button", name="Tìm kiếm").click()
        self._ensure_logged_in(page)
        alert = page.locator("main [role=alert]")
        if alert.count():
            reason = alert.first.inner_text()
            raise PortalError(f"{SYSTEM} at {self.base_url} refused the list filters: {reason}")

    # -- reading -------------------------------------------------------------------------------------

    def read(self, code: str, attachments_dir: Path, *, today: date | None = None) -> SourceRecord:
        with self._page() as page:
            status = self._open(page, f"{LIST_PATH}/{quote(code, safe='')}")
            if status >= 400:
                alert = page.locator("main [role=alert]")
                detail = alert.first.inner_text() if alert.count() else f"HTTP {status}"
                if status >= 500:
                    raise PortalError(f"{SYSTEM} at {self.base_url} failed on dossier {code}: {detail}")
                raise ProvincialRefused(status, detail, f"hồ sơ {code}")
            elements = page.locator("[data-field]").evaluate_all(_READ_FIELDS)
            try:
                shown = read_fields((str(p), str(t or ""), k) for p, t, k in elements)
            except FieldError as exc:
                where = f"{SYSTEM} at {self.base_url}: detail page of {code}"
                raise PortalError(f"{where} is unreadable: {exc}") from exc
            api_dict = shown.data
            if api_dict.get("code") != code:
                raise PortalError(f"{SYSTEM} at {self.base_url}: detail page of {code} shows no such code")
            listed = api_dict.get("attachments")
            metas: list[Any] = listed if isinstance(listed, list) else []

            def download(index: int, url: str, dest: Path) -> Path:
                return self._download(page, code, index, url, metas[index], dest)

            return assemble(code, api_dict, download, attachments_dir, today, self._unknown(code, shown))

    def _unknown(self, code: str, shown: PageFields) -> list[Problem]:
        """A clerk's problem for each label the page shows that maps to no code (logged in English):
        the dossier is parked with it rather than typed with a guess."""
        problems = []
        for label in shown.unknown:
            logger.warning(
                "{} at {}: dossier {} shows {!r} in {}, which is no label the bot knows (known: {})",
                SYSTEM,
                self.base_url,
                code,
                label.text,
                label.path,
                ", ".join(label.known),
            )
            known = "; ".join(f"“{k}”" for k in label.known)
            message = (
                f"hệ thống một cửa hiển thị “{label.text}”, không phải giá trị nào bot nhận ra "
                f"(bot biết: {known}); cần cán bộ kiểm tra và báo quản trị viên bổ sung"
            )
            problems.append(Problem(label.path, label_for(label.path), message))
        return problems

    def _download(self, page: Page, code: str, index: int, url: str, meta: Any, dest: Path) -> Path:
        listed = meta if isinstance(meta, dict) else {}
        refuse_listed_oversize(listed, index, dest, self.max_attachment_mb, code)
        link = page.locator(f'a[data-field="attachments.{index}.download_url"]')
        with page.expect_download() as info:
            link.click()
        download = info.value
        failure = download.failure()
        if failure:
            self._check_link(page, code, index, url)
            raise PortalError(f"{SYSTEM} at {self.base_url}: attachment {index} of {code} failed: {failure}")
        # Chromium streams the file into its own download folder, never into this process's memory;
        # it is sized there and read only under the cap, then sealed and removed: the plain copy
        # lives no longer than this (in the browser's private downloads folder).
        try:
            if Path(download.path()).stat().st_size > max_bytes(self.max_attachment_mb):
                raise AttachmentTooLarge(index, attachment_name(listed, dest), self.max_attachment_mb, code)
            data = Path(download.path()).read_bytes()
        finally:
            download.delete()
        try:
            verify_bytes(data, index, listed, code)
        except InvalidDossier:
            self._check_link(page, code, index, url)  # a browser may save an error page like any file
            raise
        return sealer(self.vault).keep(code, dest, data)

    def _check_link(self, page: Page, code: str, index: int, url: str) -> None:
        """Raise as the API client would when the attachment's link answers an HTTP error."""
        answer = page.context.request.get(self.base_url + url if url.startswith("/") else url)
        if answer.ok:
            return
        what = f"attachment {index} of {code}"
        if answer.status >= 500:
            raise PortalError(f"{SYSTEM} at {self.base_url} failed on {what}: HTTP {answer.status}")
        try:
            body = answer.json()
        except ValueError:
            body = None
        detail = body.get("detail") if isinstance(body, dict) else None
        raise ProvincialRefused(answer.status, str(detail or answer.text()[:200]), what)

    # -- browser plumbing ----------------------------------------------------------------------------

    @contextmanager
    def _page(self) -> Iterator[Page]:
        """A page in a fresh context carrying the saved login state; Playwright errors → PortalError."""
        context = self.browser.new_context(storage_state=self._state, accept_downloads=True)
        context.set_default_timeout(self.timeout_ms)
        try:
            yield context.new_page()
        except PlaywrightError as exc:
            raise PortalError(f"{SYSTEM} at {self.base_url}: {exc.message.splitlines()[0]}") from exc
        finally:
            context.close()

    def _open(self, page: Page, path: str) -> int:
        """Go to ``path``, logging in first if the system asks; returns the final HTTP status."""
        response = page.goto(self.base_url + path)
        if self._ensure_logged_in(page):
            response = page.goto(self.base_url + path)
        return 200 if response is None else response.status

    def _ensure_logged_in(self, page: Page) -> bool:
        """Log in when ``page`` shows the login page; True if it did. The state is saved for reuse.

        Raises:
            ConfigError: the credentials are refused.
        """
        if urlsplit(page.url).path != LOGIN_PATH:
            return False
        page.get_by_label("Tên đăng nhập", exact=True).fill(self._username)
        page.get_by_label("Mật khẩu", exact=True).fill(self._password)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        if urlsplit(page.url).path == LOGIN_PATH:
            alert = page.locator("[role=alert]")
            reason = alert.first.inner_text() if alert.count() else "login page shown again"
            raise ConfigError(f"{SYSTEM} at {self.base_url} refused the account {self._username!r}: {reason}")
        self._state = page.context.storage_state()
        return True

    def close(self) -> None:
        """Forget the saved login state; the browser belongs to the caller."""
        self._state = None
