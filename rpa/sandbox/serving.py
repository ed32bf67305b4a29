"""Serve the sandbox systems in this process, each with its own uvicorn server on its own port.

Used by ``rpa sandbox serve``, by ``rpa demo`` and by the tests, so all three run the sandbox the same way.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from fastapi import FastAPI

__all__ = ["SYSTEMS", "RunningSandbox", "serve_app", "start_sandbox"]


def _provincial(data_dir: Path) -> FastAPI:
    from rpa.sandbox.provincial.app import create_app

    return create_app(data_dir)


def _moj(data_dir: Path) -> FastAPI:
    from rpa.sandbox.moj.app import create_app

    return create_app(data_dir)


def _dkkd(data_dir: Path) -> FastAPI:
    from rpa.sandbox.dkkd.app import create_app

    return create_app(data_dir)


def _vantai(data_dir: Path) -> FastAPI:
    from rpa.sandbox.vantai.app import create_app

    return create_app(data_dir)


SYSTEMS: dict[str, Callable[[Path], FastAPI]] = {
    "provincial": _provincial,
    "moj-lltp": _moj,
    "dkkd": _dkkd,
    "vantai": _vantai,
}
"""System name (as printed by ``rpa sandbox serve``) → app factory taking the data directory."""


@dataclass
class _Served:
    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def bind_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve_app(app: FastAPI, host: str = "127.0.0.1", port: int = 0, start_timeout_s: float = 20.0) -> _Served:
    """Start ``app`` on a background thread; port 0 lets the OS pick a free port."""
    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"uvicorn-{bound_port}"
    )
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"sandbox server on {host}:{bound_port} did not start")
        time.sleep(0.02)
    shown = f"[{host}]" if ":" in host else host
    return _Served(server, thread, f"http://{shown}:{bound_port}")


@dataclass
class RunningSandbox:
    """Every sandbox system, running. ``urls`` maps system name → base URL (no trailing slash)."""

    data_dir: Path
    urls: dict[str, str] = field(default_factory=dict)
    _served: list[_Served] = field(default_factory=list)

    def stop(self) -> None:
        for served in self._served:
            served.server.should_exit = True
        for served in self._served:
            served.thread.join(timeout=10)
        self._served.clear()


def start_sandbox(data_dir: Path, host: str = "127.0.0.1", port: int = 0) -> RunningSandbox:
    """Start every sandbox system. With ``port`` P > 0 they take P, P+1, ... in ``SYSTEMS`` order."""
    data_dir.mkdir(parents=True, exist_ok=True)
    running = RunningSandbox(data_dir)
    try:
        for offset, (name, factory) in enumerate(SYSTEMS.items()):
            served = serve_app(factory(data_dir), host, port + offset if port else 0)
            running._served.append(served)
            running.urls[name] = served.url
    except BaseException:
        running.stop()
        raise
    return running


@contextmanager
def sandbox(data_dir: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningSandbox]:
    """Context manager around :func:`start_sandbox` that always stops the servers."""
    running = start_sandbox(data_dir, host, port)
    try:
        yield running
    finally:
        running.stop()
