"""Server-side login sessions holding the wizard draft.

The browser holds only a random id in the ``MOJSESSID`` cookie. A session idle for longer than the
``session_idle_s`` knob is deleted together with its draft: after logging in again the user starts a new
application (the real portal loses unsaved drafts the same way).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import Request

from rpa.sandbox.moj.store import Account

__all__ = ["COOKIE", "LoginRequired", "PortalSession", "SessionStore"]

COOKIE = "MOJSESSID"


@dataclass
class PortalSession:
    id: str
    account: Account
    last_seen: float
    draft: dict[str, Any] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)  # wizard steps that passed validation


class LoginRequired(Exception):
    """Raised by page handlers: the exception handler redirects to the login page."""

    def __init__(self, request: Request, expired: bool) -> None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        self.location = f"/dang-nhap?next={quote(target, safe='')}" + ("&het_han=1" if expired else "")
        super().__init__(self.location)


class SessionStore:
    def __init__(self) -> None:
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
        item, expired = self.touch(request.cookies.get(COOKIE), idle_s)
        if item is None:
            raise LoginRequired(request, expired)
        return item
