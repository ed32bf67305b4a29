"""Fixtures for the sandbox road-transport portal: one uvicorn server per session, reset before each
test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rpa.sandbox.vantai.app import create_app
from rpa.sandbox.vantai.testing import VantaiSandbox, serve


@pytest.fixture(scope="session")
def vantai_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(create_app(tmp_path_factory.mktemp("vantai"))) as url:
        yield url


@pytest.fixture
def vantai(vantai_server: str) -> Iterator[VantaiSandbox]:
    """The portal, freshly reset (no applications, default knobs), with a logged-in API client."""
    sandbox = VantaiSandbox(vantai_server)
    sandbox.reset()
    sandbox.login()
    yield sandbox
    sandbox.close()
