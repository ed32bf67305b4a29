"""Gateway errors asked again (``rpa.portal.network``) and pages reloaded after a redirect (``Steps``),
against a small local server that fails a path a given number of times and counts what it received."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from rpa.errors import PortalError
from rpa.portal.network import retry_gateway_errors
from rpa.portal.selectors import SelectorMap
from rpa.portal.steps import Steps

FORM = """<!doctype html><meta charset="utf-8">
<form method="post" action="{action}" enctype="{enctype}">
  <input name="fullName" value="NGUYỄN VĂN AN"><input type="file" name="idCard">
  <button type="submit">Tiếp tục</button></form>"""


class Gateway:
    """Fails ``failures[path]`` requests to ``path`` with 502, then answers; remembers every body."""

    def __init__(self) -> None:
        self.failures: Counter[str] = Counter()
        self.seen: Counter[tuple[str, str]] = Counter()
        self.bodies: defaultdict[str, list[bytes]] = defaultdict(list)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def _answer(self, status: int, body: str, **headers: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                path = self.path.split("?")[0]
                gateway.seen[(method, path)] += 1
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    gateway.bodies[path].append(self.rfile.read(length))
                if gateway.failures[path] > 0:
                    gateway.failures[path] -= 1
                    self._answer(502, "<title>502 Bad Gateway</title><h1>502 Bad Gateway</h1>")
                elif path.startswith("/form/"):
                    enctype = (
                        "multipart/form-data"
                        if path.endswith("file")
                        else "application/x-www-form-urlencoded"
                    )
                    self._answer(200, FORM.format(action=path.replace("/form/", "/post/"), enctype=enctype))
                elif path.startswith("/post/") and path.endswith("redirect"):
                    self._answer(303, "", Location="/done")
                else:
                    self._answer(200, f"<title>ok</title><h1>ok {method} {path}</h1>")

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    served = Gateway()
    yield served
    served.server.shutdown()


def _post_form(page: Page, gateway: Gateway, form: str, upload: Path | None = None) -> None:
    page.goto(f"{gateway.url}/form/{form}")
    if upload is not None:
        page.set_input_files("input[type=file]", upload)
    page.click("button")
    page.wait_for_load_state()


def test_a_get_failed_by_the_gateway_is_asked_again(context: BrowserContext, gateway: Gateway) -> None:
    retry_gateway_errors(context, 2, base_delay_s=0.01)
    page = context.new_page()
    gateway.failures["/page"] = 2
    response = page.goto(f"{gateway.url}/page")
    assert response is not None and response.status == 200
    assert page.inner_text("h1") == "ok GET /page"
    assert gateway.seen[("GET", "/page")] == 3


def test_after_the_last_retry_the_page_gets_the_gateway_error(
    context: BrowserContext, gateway: Gateway
) -> None:
    retry_gateway_errors(context, 1, base_delay_s=0.01)
    page = context.new_page()
    gateway.failures["/page"] = 5
    response = page.goto(f"{gateway.url}/page")
    assert response is not None and response.status == 502
    assert gateway.seen[("GET", "/page")] == 2


def test_a_listed_post_is_sent_again_with_the_same_body(context: BrowserContext, gateway: Gateway) -> None:
    retry_gateway_errors(context, 2, resend_posts=["/post/step-*"], base_delay_s=0.01)
    page = context.new_page()
    gateway.failures["/post/step-a"] = 1
    _post_form(page, gateway, "step-a")
    assert page.inner_text("h1") == "ok POST /post/step-a"
    first, second = gateway.bodies["/post/step-a"]
    assert first == second and "fullName=NGUY%E1%BB%84N+V%C4%82N+AN" in first.decode()


def test_a_multipart_post_without_a_file_is_sent_again(context: BrowserContext, gateway: Gateway) -> None:
    retry_gateway_errors(context, 2, resend_posts=["/post/step-*"], base_delay_s=0.01)
    page = context.new_page()
    gateway.failures["/post/step-bfile"] = 1
    _post_form(page, gateway, "step-bfile")  # its file input left empty, as in steps A and B
    assert page.inner_text("h1") == "ok POST /post/step-bfile"
    first, second = gateway.bodies["/post/step-bfile"]
    assert first == second and "NGUYỄN VĂN AN" in first.decode()


def test_a_post_not_listed_is_never_sent_twice(context: BrowserContext, gateway: Gateway) -> None:
    retry_gateway_errors(context, 2, resend_posts=["/post/step-*"], base_delay_s=0.01)
    page = context.new_page()
    gateway.failures["/post/submit"] = 1
    _post_form(page, gateway, "submit")
    assert "502" in page.inner_text("h1")
    assert gateway.seen[("POST", "/post/submit")] == 1


def test_a_post_with_a_file_is_never_sent_again(
    context: BrowserContext, gateway: Gateway, tmp_path: Path
) -> None:
    """Interception does not hand over an uploaded file's bytes: re-sending would drop the file."""
    scan = tmp_path / "cccd.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 2000)
    retry_gateway_errors(context, 2, resend_posts=["/post/step-*"], base_delay_s=0.01)
    page = context.new_page()
    gateway.failures["/post/step-dfile"] = 1
    _post_form(page, gateway, "step-dfile", upload=scan)
    assert "502" in page.inner_text("h1")
    assert gateway.seen[("POST", "/post/step-dfile")] == 1
    _post_form(page, gateway, "step-dfile", upload=scan)  # the next try, by a person or the next attempt
    assert page.inner_text("h1") == "ok POST /post/step-dfile"
    assert b"x" * 2000 in gateway.bodies["/post/step-dfile"][-1]


MAP = SelectorMap.model_validate(
    {
        "portal": "test",
        "version": 1,
        "marker": {"value": "1"},
        "elements": {"next": [{"role": "button", "name": "Tiếp tục"}]},
    }
)


def test_steps_reload_the_page_a_post_redirected_to(context: BrowserContext, gateway: Gateway) -> None:
    """The browser follows a redirect on its own, past the network retries: Steps loads that page again."""
    retry_gateway_errors(context, 2, base_delay_s=0.01)
    page = context.new_page()
    steps = Steps(page, MAP, reloads=2)
    page.goto(f"{gateway.url}/form/redirect")
    gateway.failures["/done"] = 1
    steps.click("next")
    assert page.inner_text("h1") == "ok GET /done"
    assert gateway.seen[("POST", "/post/redirect")] == 1
    assert gateway.seen[("GET", "/done")] == 2


def test_without_reloads_the_redirected_page_error_is_reported(
    context: BrowserContext, gateway: Gateway
) -> None:
    page = context.new_page()
    steps = Steps(page, MAP)
    page.goto(f"{gateway.url}/form/redirect")
    gateway.failures["/done"] = 1
    with pytest.raises(PortalError, match="HTTP 502"):
        steps.click("next")


UPLOAD_PAGE = """<!doctype html><meta charset="utf-8"><input type="file" id="scan">
<script>
async function send(path, viaXhr) {
  await fetch("/warm", {method: "POST", body: "x"});  // the browser's kept-alive connection, reused next
  const body = new FormData();
  body.append("ho_so", '{"bien_so": "76A-123.45"}');
  body.append("anh_dang_ky", document.getElementById("scan").files[0]);
  if (!viaXhr) return fetch(path, {method: "POST", body}).then((r) => r.status, () => "no answer");
  return new Promise((done) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.onload = () => done(xhr.status);
    xhr.onerror = () => done("no answer");
    xhr.send(body);
  });
}
</script>"""


class Dropping:
    """A keep-alive HTTP/1.1 server whose ``/drop`` reads the post and closes the connection unanswered
    (a gateway that lost the answer after the portal stored it); remembers every post's body."""

    def __init__(self) -> None:
        self.bodies: defaultdict[str, list[bytes]] = defaultdict(list)
        dropping = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                data = UPLOAD_PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                dropping.bodies[self.path].append(body)
                if self.path == "/drop":
                    self.close_connection = True
                    return
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.parametrize("via_xhr", [False, True], ids=["fetch", "xhr"])
def test_a_script_upload_whose_answer_is_lost_is_sent_once_with_its_file(
    context: BrowserContext, tmp_path: Path, via_xhr: bool
) -> None:
    """Chromium sends a post again when its kept-alive connection closes unanswered; a page's upload
    goes out from here instead, once, its file's bytes whole (the vantai portal's final submit)."""
    scan = tmp_path / "dang-ky-xe.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 12_000)  # 3 MB
    server = Dropping()
    try:
        retry_gateway_errors(context, 2, base_delay_s=0.01)
        page = context.new_page()
        page.goto(f"{server.url}/form")
        page.set_input_files("#scan", scan)
        assert page.evaluate("([path, xhr]) => send(path, xhr)", ["/drop", via_xhr]) == "no answer"
        (body,) = server.bodies["/drop"]
        assert scan.read_bytes() in body and b'"bien_so": "76A-123.45"' in body
        assert page.evaluate("([path, xhr]) => send(path, xhr)", ["/kept", via_xhr]) == 200
        (body,) = server.bodies["/kept"]
        assert scan.read_bytes() in body
    finally:
        server.server.shutdown()


def test_a_listed_json_post_is_sent_again_with_the_same_body(
    context: BrowserContext, gateway: Gateway
) -> None:
    """A single-page portal signs in with a JSON post (vantai: /api/auth/login, safe to re-send)."""
    retry_gateway_errors(context, 2, resend_posts=["/post/login"], base_delay_s=0.01)
    page = context.new_page()
    page.goto(f"{gateway.url}/page")
    gateway.failures["/post/login"] = 1
    status = page.evaluate(
        """() => fetch("/post/login", {method: "POST", headers: {"Content-Type": "application/json"},
                                      body: JSON.stringify({username: "sxd.qngai"})}).then((r) => r.status)"""
    )
    assert status == 200
    first, second = gateway.bodies["/post/login"]
    assert first == second == b'{"username":"sxd.qngai"}'
