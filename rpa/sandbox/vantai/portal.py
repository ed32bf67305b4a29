"""The running portal's shared state and the API's login dependency."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response

from rpa.sandbox.accounts import Account
from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.knobs import KnobsState
from rpa.sandbox.vantai.knobs import Knobs
from rpa.sandbox.vantai.store import Store
from rpa.sandbox.vantai.tokens import TokenIssuer

__all__ = [
    "EXPIRED",
    "TOKEN_HEADER",
    "CurrentAccount",
    "Portal",
    "PortalDep",
    "current_account",
    "get_portal",
]

TOKEN_HEADER = "X-Auth-Token"
EXPIRED = "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại"


@dataclass
class Portal:
    store: Store
    knobs: KnobsState[Knobs]
    captchas: CaptchaStore
    tokens: TokenIssuer
    uploads_dir: Path

    @property
    def k(self) -> Knobs:
        return self.knobs.current

    def keep(self, data: bytes, sha256: str) -> None:
        """Keep an uploaded file's bytes, named by their digest."""
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        (self.uploads_dir / sha256).write_bytes(data)

    def reset(self) -> None:
        self.store.delete_all()
        self.store.reset_accounts()
        self.knobs.reset()
        self.captchas.clear()
        self.tokens = TokenIssuer()  # a new key: every token handed out before is void
        shutil.rmtree(self.uploads_dir, ignore_errors=True)


def get_portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


PortalDep = Annotated[Portal, Depends(get_portal)]


def current_account(request: Request, response: Response, portal: PortalDep) -> Account:
    """The account of the request's bearer token (a fresh token goes back in ``X-Auth-Token``), or
    401 with the expired-session message the page shows before its login screen."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    username = portal.tokens.subject(token, portal.k.session_idle_s) if scheme.lower() == "bearer" else None
    account = next((a for a in portal.store.accounts() if a.username == username), None)
    if account is None:
        raise HTTPException(401, EXPIRED, headers={"WWW-Authenticate": "Bearer"})
    response.headers[TOKEN_HEADER] = portal.tokens.issue(account.username, portal.k.session_idle_s)
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]
