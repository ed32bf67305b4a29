"""Every route of the console, found from the application itself, refuses whoever may not use it.

A new page that forgets its role check fails here without anyone writing a test for it: nobody signed in
gets the login page (or 401 for a script), a clerk gets 403 on every supervisor page and action, and a
POST without the session's CSRF token changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from console.conftest import Console
from fastapi.routing import APIRoute

from rpa.console.app import create_app

PUBLIC = {"/healthz", "/dang-nhap"}
SUPERVISOR_PREFIXES = ("/tong-quan", "/chuyen", "/canh-bao")


def _routes(console: Console) -> list[tuple[str, str]]:
    app = create_app(console.world.settings, ledger=console.ledger)
    found = []
    for route in _api_routes(app.routes):
        if route.path in PUBLIC:
            continue
        path = re.sub(r"\{\w+(:\w+)?\}", "1", route.path)  # any value: the guard comes first
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, path))
    return found


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every endpoint, also inside included routers (FastAPI keeps those as one entry each)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def test_the_console_has_the_pages_the_issue_names(console: Console) -> None:
    paths = {path for _method, path in _routes(console)}
    for expected in ("/", "/ho-so", "/cho-xu-ly", "/tong-quan", "/chuyen", "/canh-bao"):
        assert expected in paths, expected


def test_nobody_signed_in_gets_anything_but_the_login_page(console: Console) -> None:
    with console.client() as anonymous:
        for method, path in _routes(console):
            html = anonymous.request(method, path, headers={"accept": "text/html"})
            assert html.status_code in (303, 401, 403), (method, path, html.status_code)
            if html.status_code == 303:
                assert html.headers["location"].startswith("/dang-nhap"), (method, path)
            script = anonymous.request(method, path, headers={"accept": "application/json"})
            assert script.status_code in (401, 403), (method, path, script.status_code)


@pytest.mark.parametrize("name", ["lan"])
def test_a_clerk_gets_403_on_every_supervisor_page_and_action(console: Console, name: str) -> None:
    supervisor_routes = [(m, p) for m, p in _routes(console) if p.startswith(SUPERVISOR_PREFIXES)]
    assert len(supervisor_routes) >= 6
    with console.client(name) as clerk:
        for method, path in supervisor_routes:
            data = {"csrf_token": clerk.csrf, "ly_do": "thử", "reason": "thử"} if method == "POST" else None
            answer = clerk.request(method, path, data=data, headers={"accept": "text/html"})
            assert answer.status_code == 403, (method, path, answer.status_code)
            assert "Không có quyền" in answer.text


def test_no_post_goes_through_without_the_session_token(console: Console) -> None:
    posts = [(m, p) for m, p in _routes(console) if m == "POST"]
    assert posts
    with console.client("quantri") as admin:
        for method, path in posts:
            answer = admin.request(
                method, path, data={"csrf_token": "gia-mao"}, headers={"accept": "text/html"}
            )
            assert answer.status_code == 403, (method, path, answer.status_code)
