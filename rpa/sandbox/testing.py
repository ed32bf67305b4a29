"""Helpers for tests and demos of every sandbox ministry portal: serve one on a free port, and drive
its ``/_sandbox/`` control API.

Example::

    with serve(create_app(tmp_path)) as url:
        portal = ControlClient(url)
        portal.knobs(captcha=False)
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

__all__ = ["ControlClient", "serve"]


@contextmanager
def serve(app: FastAPI, host: str = "127.0.0.1") -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a free port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"sandbox-uvicorn-{port}"
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox portal did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


class ControlClient:
    """A thin client of a portal's ``/_sandbox/`` API."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def close(self) -> None:
        self.http.close()

    def reset(self) -> dict[str, Any]:
        return dict(self.http.post("/_sandbox/reset").raise_for_status().json())

    def knobs(self, **change: Any) -> dict[str, Any]:
        if not change:
            return dict(self.http.get("/_sandbox/knobs").raise_for_status().json())
        return dict(self.http.post("/_sandbox/knobs", json=change).raise_for_status().json())

    def captcha_answer(self, captcha_id: str) -> str:
        return str(self.http.get(f"/_sandbox/captcha/{captcha_id}").raise_for_status().json()["answer"])

    def applications(self) -> list[dict[str, Any]]:
        return list(self.http.get("/_sandbox/applications").raise_for_status().json())

    def advance(self, receipt: str | None, to: str, reason: str | None = None) -> httpx.Response:
        return self.http.post("/_sandbox/advance", json={"receipt": receipt, "to": to, "reason": reason})
