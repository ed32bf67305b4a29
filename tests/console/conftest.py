"""Console fixtures: one sandbox + bot configuration (``e2e.conftest.open_world``) with the web console
served beside it in this process, and one account per role.

Tests drive the console as its users do, in a real headless Chromium (pytest-playwright's ``page``), or
with httpx where only the HTTP exchange matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest
from e2e.conftest import World, open_world
from playwright.sync_api import Page

from rpa.console.accounts import Accounts, Role
from rpa.console.app import create_app
from rpa.ledger import Ledger
from rpa.sandbox.serving import serve_app

PASSWORD = "Mot-cua-2026!"
USERS = {"lan": Role.CLERK, "minh": Role.SUPERVISOR, "quantri": Role.ADMIN}
"""A clerk, a supervisor and an admin, all with :data:`PASSWORD`."""


@dataclass
class Console:
    url: str
    world: World
    accounts: Accounts
    ledger: Ledger

    def client(self, name: str | None = None) -> httpx.Client:
        """An HTTP client, signed in as ``name`` when given (its CSRF token in ``client.csrf``)."""
        client = httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)
        if name is not None:
            info = self.accounts.login(name, PASSWORD, client="test")
            client.cookies.set("rpa_console", info.token)
            client.csrf = info.csrf_token  # type: ignore[attr-defined]
        return client

    def login(self, page: Page, name: str, password: str = PASSWORD) -> None:
        """Sign in through the login form, as a person does."""
        page.goto(f"{self.url}/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill(name)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()


def open_console(stack: ExitStack, world: World) -> Console:
    ledger = Ledger(world.settings.ledger_url)
    stack.callback(ledger.close)
    served = serve_app(create_app(world.settings, ledger=ledger))
    stack.callback(served.stop)
    accounts = Accounts(ledger.engine)
    for name, role in USERS.items():
        if accounts.get(name) is None:
            accounts.add(name, role, PASSWORD, by="test")
    return Console(served.url, world, accounts, ledger)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """A sandbox, its bots' configuration and the console, for the whole test module."""
    with ExitStack() as stack:
        world = open_world(stack, tmp_path_factory.mktemp("console"))
        yield open_console(stack, world)
