"""Fixtures for the sandbox business-registration portal: one uvicorn server per session, reset
before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rpa.sandbox.dkkd.app import create_app
from rpa.sandbox.dkkd.testing import DkkdSandbox, WebForm, serve


@pytest.fixture(scope="session")
def dkkd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(create_app(tmp_path_factory.mktemp("dkkd"))) as url:
        yield url


@pytest.fixture
def dkkd(dkkd_server: str) -> Iterator[DkkdSandbox]:
    """The portal, freshly reset (no applications, default knobs)."""
    sandbox = DkkdSandbox(dkkd_server)
    sandbox.reset()
    yield sandbox
    sandbox.close()


@pytest.fixture
def visitor(dkkd: DkkdSandbox) -> Iterator[WebForm]:
    """A logged-in visitor (plain HTTP)."""
    form = dkkd.visitor()
    yield form
    form.close()
