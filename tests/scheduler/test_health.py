"""Health check against real local HTTP servers: one alert when a system goes down, none while it
stays down (restarts included), one when it comes back."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rpa.config import Settings
from rpa.operations.alerts import read_alerts
from rpa.operations.health import check_health


class _Server(ThreadingHTTPServer):
    status = 200  # what every GET gets; the test changes it
    stray_502s = 0  # how many GETs get a 502 first, whatever ``status`` says
    gets = 0


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, _Server)
        self.server.gets += 1
        if self.server.stray_502s:
            self.server.stray_502s -= 1
            self.send_response(502)
        else:
            self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _settings(tmp_path: Path, provincial: str, portal: str) -> Settings:
    account = {"username": "u", "password": "p"}
    return Settings.model_validate(
        {
            "provincial": {"base_url": provincial, "account": account},
            "portals": {"moj-lltp": {"base_url": portal, "account": account}},
            "work_dir": str(tmp_path / "work"),
        }
    )


def test_an_outage_and_a_recovery_raise_one_alert_each(tmp_path: Path, server: _Server) -> None:
    up = f"http://127.0.0.1:{server.server_address[1]}"
    settings = _settings(tmp_path, provincial=up, portal=up)

    def kinds() -> list[tuple[str, str]]:
        return [(a["kind"], a["portal"]) for a in read_alerts(settings.work_dir)]

    assert all(p.up for p in check_health(settings, timeout_s=5, pause_s=0.05))
    assert kinds() == []  # up at the first look is no news

    server.status = 503
    for _ in range(3):  # three checks (a restart reads the state file like any other check)
        probes = check_health(settings, timeout_s=5, pause_s=0.05)
    assert [(p.system, p.up, p.detail) for p in probes] == [
        ("provincial", False, "HTTP 503"),
        ("moj-lltp", False, "HTTP 503"),
    ]
    assert kinds() == [("portal_down", "provincial"), ("portal_down", "moj-lltp")]

    server.status = 302  # a redirect to a login page is an answer: up
    check_health(settings, timeout_s=5, pause_s=0.05)
    assert kinds()[2:] == [("portal_up", "provincial"), ("portal_up", "moj-lltp")]
    assert "đã hoạt động trở lại" in read_alerts(settings.work_dir)[-1]["message"]


def test_a_refused_connection_is_down_from_the_first_check(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{_closed_port()}"
    settings = _settings(tmp_path, provincial=nowhere, portal=nowhere)
    probes = check_health(settings, timeout_s=5, pause_s=0.05)
    assert [p.up for p in probes] == [False, False] and probes[0].detail.startswith("ConnectError")
    (first, _) = read_alerts(settings.work_dir)
    assert first["kind"] == "portal_down" and "không truy cập được" in first["message"]


def test_a_stray_502_is_asked_again_and_is_no_outage(tmp_path: Path, server: _Server) -> None:
    up = f"http://127.0.0.1:{server.server_address[1]}"
    settings = _settings(tmp_path, provincial=up, portal=up)
    check_health(settings, timeout_s=5, pause_s=0.05)
    server.stray_502s, server.gets = 2, 0  # the first two GETs of the next check fail
    probes = check_health(settings, timeout_s=5, pause_s=0.05)
    assert [(p.up, p.detail) for p in probes] == [(True, "HTTP 200"), (True, "HTTP 200")]
    assert server.gets == 4  # provincial asked three times, the portal once
    assert read_alerts(settings.work_dir) == []
