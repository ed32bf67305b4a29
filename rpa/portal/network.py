"""Retry a portal's idempotent requests that its gateway failed, before the page sees the failure.

Ministry portals sit behind gateways that answer 502/503/504 now and then. Left alone, one such answer
to a page load or to a script's data request (the communes of a province) ends the whole attempt,
and a dossier needs dozens of requests. A GET may be sent again safely (RFC 9110, idempotent
methods), so the browser context's GETs go through :func:`retry_gateway_errors`, which asks again
with exponential back-off. So do the form posts a selector map declares safe to re-send
(``resend_posts``: saving one wizard step of a draft, signing in). Any other post, above all the final
submit, is sent exactly once from here, never by the browser (Chromium repeats a post whose kept-alive
connection closed without an answer): its failure ends the attempt, and exactly-once is then the
ledger's and the look-up's business.

Interception is not handed the bytes of a file a page posts (a single-page portal's ``fetch`` of a
``FormData`` holding the chosen scans), so such a post could be neither re-sent nor sent once from
here. The context's pages therefore encode such a body themselves before sending it
(:data:`WHOLE_UPLOADS`): the same multipart bytes, which interception then sees whole.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from contextlib import suppress
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from loguru import logger
from playwright.sync_api import APIResponse, BrowserContext, Request, Route
from playwright.sync_api import Error as PlaywrightError
from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_attempt, wait_exponential

__all__ = ["GATEWAY_ERRORS", "WHOLE_UPLOADS", "retry_gateway_errors"]

GATEWAY_ERRORS = frozenset({502, 503, 504})
SEND_ONCE_TIMEOUT_MS = 120_000
"""How long a post sent once (the final submit) may wait for its answer: a slow portal is not a lost one."""
# Static files are served past the gateway's application check (and cached): leaving them to the
# browser keeps every style sheet and script off the Python side.
_ROUTED = re.compile(r"^(?!.*/static/).*$")


_HELD_BACK_FILE = re.compile(rb'filename="[^"]+"\r\n(?:[^\r\n]+\r\n)*\r\n\r\n--')
"""A file part with a name and no bytes: what interception hands over for a file the browser kept back."""

WHOLE_UPLOADS = """(() => {
  const holdsFile = (body) => body instanceof FormData && [...body.values()].some((v) => v instanceof Blob);
  const encode = (body) => {
    const encoded = new Response(body);
    return encoded.arrayBuffer().then((bytes) => [bytes, encoded.headers.get("Content-Type")]);
  };
  const fetchOnce = window.fetch;
  window.fetch = function (input, init) {
    if (!init || !holdsFile(init.body)) return fetchOnce.apply(this, arguments);
    return encode(init.body).then(([bytes, type]) => {
      const headers = new Headers(init.headers);
      headers.set("Content-Type", type);
      return fetchOnce.call(this, input, { ...init, headers, body: bytes });
    });
  };
  const sendOnce = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    if (!holdsFile(body)) return sendOnce.call(this, body);
    encode(body).then(([bytes, type]) => {
      this.setRequestHeader("Content-Type", type);
      sendOnce.call(this, bytes);
    });
  };
})();"""
"""Script run in every page before the portal's own: a ``fetch`` or ``XMLHttpRequest`` whose body is a
``FormData`` holding a file sends the same multipart as bytes, which interception is handed whole."""


def _whole_body(request: Request) -> bool:
    """Whether interception hands us the post's body whole, so sending it again sends the same post.

    The browser does not give interception the bytes of a file it sends itself (a native form's file
    input): such a part arrives empty, and the portal would reject the "file". A url-encoded or JSON
    post (a single-page portal's sign-in), or a multipart one whose every named file part has its
    bytes (:data:`WHOLE_UPLOADS`), is whole.
    """
    kind = request.headers.get("content-type") or ""
    if kind.startswith(("application/x-www-form-urlencoded", "application/json")):
        return True
    body = request.post_data_buffer
    return kind.startswith("multipart/form-data") and body is not None and not _HELD_BACK_FILE.search(body)


def _failed(response: APIResponse) -> bool:
    return response.status in GATEWAY_ERRORS


def _last(state: RetryCallState) -> APIResponse:
    """After the last try, hand the page the gateway's answer: the steps then report it."""
    assert state.outcome is not None
    result: APIResponse = state.outcome.result()
    return result


def retry_gateway_errors(
    context: BrowserContext,
    retries: int,
    *,
    resend_posts: Iterable[str] = (),
    base_delay_s: float = 0.5,
    log: Any = logger,
) -> None:
    """Send a GET of ``context`` (or a post to a ``resend_posts`` path) again while it gets 502/503/504.

    At most ``retries`` more times, waiting ``base_delay_s``, then twice as long, and so on. Redirects
    are not followed here (the browser follows them itself, so the page ends at the right address, e.g.
    the login page when the session expired).
    """
    resendable = tuple(resend_posts)
    context.add_init_script(WHOLE_UPLOADS)

    def may_resend(request: Request) -> bool:
        if request.method in ("GET", "HEAD"):
            return True
        path = urlsplit(request.url).path
        if request.method != "POST" or not any(fnmatchcase(path, glob) for glob in resendable):
            return False
        return _whole_body(request)

    def log_retry(state: RetryCallState) -> None:
        response: APIResponse = state.outcome.result()  # type: ignore[union-attr]
        log.bind(http_status=response.status).warning(
            "{} {} answered HTTP {}: asking again ({}/{})",
            state.kwargs["method"],
            urlsplit(response.url).path,
            response.status,
            state.attempt_number,
            retries,
        )

    retrying = Retrying(
        stop=stop_after_attempt(retries + 1),
        wait=wait_exponential(multiplier=base_delay_s, max=base_delay_s * 8),
        retry=retry_if_result(_failed),
        retry_error_callback=_last,
        before_sleep=log_retry,
        sleep=time.sleep,
    )

    def handle(route: Route) -> None:
        request = route.request
        if not may_resend(request):
            if request.method == "POST" and _whole_body(request):
                _send_once(route)
            else:
                route.fallback()
            return
        try:
            # One Retrying per request: tenacity keeps its attempt state per thread, and Playwright runs
            # concurrent route handlers as greenlets of one thread, so a shared one would mix them up.
            response = retrying.copy()(route.fetch, method=request.method, max_redirects=0)
            route.fulfill(response=response)
        except PlaywrightError:
            # The page or context closed while we asked (the attempt ended), or the portal could not
            # be reached at all: let the browser try on its own and report what it gets.
            with suppress(PlaywrightError):
                route.fallback()

    context.route(_ROUTED, handle)


def _send_once(route: Route) -> None:
    """Send a post that must not be repeated (the final submit) exactly once.

    Chromium itself sends a post again when the kept-alive connection it used closes without an
    answer, so one click on "submit" can file the application two or three times when a gateway drops
    the connection after the portal stored it. Sent from here, the post goes out once; if its answer
    is lost, the page gets a connection error and the look-up settles the rest.
    """
    try:
        response = route.fetch(
            method=route.request.method, max_redirects=0, max_retries=0, timeout=SEND_ONCE_TIMEOUT_MS
        )
    except PlaywrightError as exc:
        logger.warning("{} {}: no answer ({}); not sent again", route.request.method, route.request.url, exc)
        with suppress(PlaywrightError):
            route.abort("connectionreset")
        return
    with suppress(PlaywrightError):  # the page may be gone
        route.fulfill(response=response)
