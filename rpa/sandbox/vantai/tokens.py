"""Login tokens of the portal: JWTs (HS256, PyJWT) that the page keeps in ``localStorage``.

A token is good for ``session_idle_s`` (knob) after it was issued; every authorised answer carries a
fresh one in the ``X-Auth-Token`` header, which the page stores, so only an idle page loses its login.
The knob is read when a token is checked, not when it was issued, so a test can shorten it at once.
The signing key is made when the app starts: a restart logs everybody out, as on the real portal.
"""

from __future__ import annotations

import secrets
import time
from typing import Final

import jwt

__all__ = ["ALGORITHM", "TokenIssuer"]

ALGORITHM: Final = "HS256"


class TokenIssuer:
    def __init__(self, issuer: str = "vantai-sandbox") -> None:
        self._key = secrets.token_bytes(32)
        self._issuer = issuer

    def issue(self, username: str, lifetime_s: float) -> str:
        now = time.time()
        claims = {"sub": username, "iat": now, "exp": now + lifetime_s, "iss": self._issuer}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def subject(self, token: str, lifetime_s: float) -> str | None:
        """The username a good token was issued to; None when it is malformed, forged or too old."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "iat", "exp"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError:
            return None
        if time.time() - float(claims["iat"]) > lifetime_s:
            return None
        return str(claims["sub"])
