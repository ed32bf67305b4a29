"""Server-side login sessions of the sandbox portals, holding the user's draft application.

The browser holds only a random id in the portal's session cookie. A session idle for longer than the
``session_idle_s`` knob is deleted together with its draft: after logging in again the user starts a
new application (the real portals lose unsaved drafts the same way).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from rpa.sandbox.accounts import Account

__all__ = ["LoginRequired", "LoginUrl", "PortalSession", "SessionStore"]

LoginUrl = Callable[[str, bool], str]
"""The login page's address for a page a visitor asked for (path and query) and whether their session
had just expired."""


@dataclass
class PortalSession:
    id: str
    account: Account
    last_seen: float
    draft: dict[str, Any] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)  # wizard steps that passed validation
    wizard: Any = None  # a portal's own state of its application wizard, when a plain draft is not enough


class LoginRequired(Exception):
    """Raised by page handlers: the portal's exception handler redirects to ``location``, its login page."""

    def __init__(self, location: str) -> None:
        self.location = location
        super().__init__(location)


class SessionStore:
    """The sessions of one portal, whose cookie is ``cookie`` and whose login page ``login_url`` gives."""

    def __init__(self, cookie: str, login_url: LoginUrl) -> None:
        self.cookie = cookie
        self.login_url = login_url
        self._lock = threading.Lock()
        self._items: dict[str, PortalSession] = {}

    def create(self, account: Account) -> PortalSession:
        item = PortalSession(secrets.token_urlsafe(24), account, time.monotonic())
        with self._lock:
            self._items[item.id] = item
        return item

    def touch(self, session_id: str | None, idle_s: float) -> tuple[PortalSession | None, bool]:
        """The live session for this id (its idle clock restarted), and whether it had just expired."""
        if not session_id:
            return None, False
        now = time.monotonic()
        with self._lock:
            item = self._items.get(session_id)
            if item is None:
                return None, False
            if now - item.last_seen > idle_s:
                del self._items[session_id]
                return None, True
            item.last_seen = now
            return item, False

    def drop(self, session_id: str | None) -> None:
        with self._lock:
            self._items.pop(session_id or "", None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def require(self, request: Request, idle_s: float) -> PortalSession:
        """The request's live session, or :class:`LoginRequired` to the login page."""
        item, expired = self.touch(request.cookies.get(self.cookie), idle_s)
        if item is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(self.login_url(target, expired))
        return item
