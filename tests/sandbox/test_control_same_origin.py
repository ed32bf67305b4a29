"""The ``/_sandbox/`` control API of both systems refuses state-changing calls a browser marks cross-site.

A trainee keeps the sandbox open next to other tabs; any page they visit could otherwise post a form to
``http://127.0.0.1:PORT/_sandbox/reset``. Plain HTTP clients (httpx, curl) send neither ``Origin`` nor
``Sec-Fetch-Site`` and must keep working, since every test, benchmark and script drives the sandbox so.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from playwright.sync_api import Page, Response

from rpa.sandbox.moj.testing import MojSandbox
from rpa.sandbox.serving import RunningSandbox, serve_app, start_sandbox

SYSTEMS = ("provincial", "moj-lltp")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    sandbox = start_sandbox(tmp_path_factory.mktemp("same-origin"))
    try:
        yield sandbox
    finally:
        sandbox.stop()


def _attack_page(request: Request) -> HTMLResponse:
    """A page of another site that fires both kinds of request a browser lets any page send cross-site."""
    target = html.escape(request.query_params["target"], quote=True)
    return HTMLResponse(
        f"""<!doctype html><html><body>
<form id="attack" method="post" action="{target}"><input name="seed" value="1"></form>
<script>
fetch("{target}", {{method: "POST", mode: "no-cors"}})
  .catch(() => null)
  .finally(() => document.getElementById("attack").submit());
</script></body></html>"""
    )


@pytest.fixture(scope="module")
def other_site() -> Iterator[str]:
    """Another origin, served on its own port and reached as ``localhost``: a different site altogether."""
    app = FastAPI()
    app.get("/")(_attack_page)
    served = serve_app(app)
    try:
        yield served.url.replace("127.0.0.1", "localhost")
    finally:
        served.server.should_exit = True
        served.thread.join(timeout=10)


class State:
    """Something to lose on each system, and a way to tell whether it was lost."""

    def __init__(self, running: RunningSandbox, system: str) -> None:
        self.system = system
        self.url = running.urls[system]

    def prepare(self) -> object:
        if self.system == "provincial":
            httpx.post(f"{self.url}/_sandbox/reset", timeout=30).raise_for_status()
            httpx.post(f"{self.url}/_sandbox/seed", json={"seed": 7, "dossiers": 2}, timeout=60)
        else:
            moj = MojSandbox(self.url)
            try:
                moj.reset()
                moj.knobs(captcha=False)
                moj.submit_minimal()
            finally:
                moj.close()
        return self.snapshot()

    def snapshot(self) -> object:
        if self.system == "provincial":
            dossiers = httpx.get(f"{self.url}/_sandbox/dossiers", timeout=30).raise_for_status().json()
            return sorted(d["code"] for d in dossiers)
        applications = httpx.get(f"{self.url}/_sandbox/applications", timeout=30).raise_for_status()
        knobs = httpx.get(f"{self.url}/_sandbox/knobs", timeout=30).raise_for_status()
        return [a["receipt"] for a in applications.json()], knobs.json()


@pytest.mark.browser
@pytest.mark.parametrize("system", SYSTEMS)
def test_a_page_of_another_site_cannot_reset_the_sandbox(
    page: Page, running: RunningSandbox, other_site: str, system: str
) -> None:
    state = State(running, system)
    before = state.prepare()
    assert before and before != ([], {}), "the test needs something the reset would delete"
    target = f"{state.url}/_sandbox/reset"
    answers: list[Response] = []
    page.on("response", lambda r: answers.append(r) if r.url == target else None)
    with page.expect_navigation(url=target, timeout=15_000):
        page.goto(f"{other_site}/?target={target}")
    kinds = sorted(a.request.resource_type for a in answers)
    assert kinds == ["document", "fetch"], f"both attacks must reach the sandbox, got {kinds}"
    assert [a.status for a in answers] == [403, 403]
    form_answer = next(a for a in answers if a.request.resource_type == "document")
    assert "detail" in form_answer.json()
    assert state.snapshot() == before


@pytest.mark.browser
@pytest.mark.parametrize("system", SYSTEMS)
def test_a_page_of_the_sandbox_itself_may_call_its_control_api(
    page: Page, running: RunningSandbox, system: str
) -> None:
    url = running.urls[system]
    page.goto(f"{url}/_sandbox/accounts")  # any page of the same origin
    status = page.evaluate(
        """async () => (await fetch("/_sandbox/reset", {
            method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"})).status"""
    )
    assert status == 200


CROSS_SITE_HEADERS = [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Origin": "https://127.0.0.1:1"},  # another scheme and port of the same host is another origin
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Content-Type": "application/x-www-form-urlencoded"},
    {"Content-Type": "multipart/form-data; boundary=x"},
    {"Content-Type": "text/plain;charset=UTF-8"},
]


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("headers", CROSS_SITE_HEADERS, ids=lambda h: "-".join(h.values()))
def test_a_cross_site_or_form_call_is_refused_with_403(
    running: RunningSandbox, system: str, headers: dict[str, str]
) -> None:
    state = State(running, system)
    before = state.prepare()
    response = httpx.post(f"{state.url}/_sandbox/reset", headers=headers, content=b"", timeout=30)
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail.isascii() and detail
    assert state.snapshot() == before


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_unsafe_method_is_guarded_and_reads_are_not(running: RunningSandbox, system: str) -> None:
    url = running.urls[system]
    evil = {"Origin": "http://evil.example"}
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        # refused before routing: even a path or method the API lacks answers 403, not 404/405
        assert httpx.request(method, f"{url}/_sandbox/dossiers", headers=evil, timeout=30).status_code == 403
    assert httpx.get(f"{url}/_sandbox/accounts", headers=evil, timeout=30).status_code == 200


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Content-Type": "application/json"},
    ],
    ids=["plain-client", "same-origin", "typed-in", "json"],
)
def test_plain_clients_and_same_origin_calls_still_work(
    running: RunningSandbox, system: str, headers: dict[str, str]
) -> None:
    url = running.urls[system]
    assert httpx.post(f"{url}/_sandbox/reset", headers=headers, timeout=30).status_code == 200
    own = {"Origin": url, **headers}
    assert httpx.post(f"{url}/_sandbox/reset", headers=own, timeout=30).status_code == 200
