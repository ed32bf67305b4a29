"""``__VIEWSTATE`` and ``__EVENTVALIDATION``: base64 of JSON signed with the app's own key (HMAC-SHA256),
as ASP.NET signs them with its machine key. A value that does not decode or verify is
:class:`InvalidViewState`, which the app answers with its HTTP 500 error page."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import Any

__all__ = ["InvalidViewState", "StateSigner"]


class InvalidViewState(Exception):
    """A tampered, unsigned or stale view state (or a control event validation does not allow)."""


class StateSigner:
    """Signs and checks hidden page state with a key made when the app starts."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _mac(self, kind: str, body: str) -> str:
        return hmac.new(self._key, f"{kind}:{body}".encode(), hashlib.sha256).hexdigest()

    def dump(self, kind: str, data: Any) -> str:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        signed = json.dumps({"d": body, "mac": self._mac(kind, body)}, ensure_ascii=False)
        return base64.b64encode(signed.encode()).decode()

    def load(self, kind: str, text: str | None) -> Any:
        """The data signed as ``kind``, or :class:`InvalidViewState`."""
        try:
            signed = json.loads(base64.b64decode(text or "", validate=True))
            body, mac = signed["d"], signed["mac"]
            if not isinstance(body, str) or not isinstance(mac, str):
                raise InvalidViewState("malformed")
        except (binascii.Error, ValueError, TypeError, KeyError) as exc:
            raise InvalidViewState("undecodable") from exc
        if not hmac.compare_digest(mac, self._mac(kind, body)):
            raise InvalidViewState("bad signature")
        return json.loads(body)
