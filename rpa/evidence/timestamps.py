"""RFC 3161 time-stamps on evidence checkpoints (issue 15, point 2, optional).

A checkpoint's Ed25519 signature proves who vouched for the chain head, and its ``at`` says when by
this machine's clock, which its owner controls. A time-stamping authority named in ``[timestamping]``
countersigns the SHA-256 of that signature: the token proves the checkpoint (and so every evidence
file it covers) existed no later than the TSA's time. The protocol, the token's parsing and its
signature check are ``rfc3161ng``'s; an inspector checks a bundle's tokens with OpenSSL alone
(``openssl ts -verify``, see docs/evidence.md).

A TSA that does not answer never stops a checkpoint: it is signed and kept, with the reason its token
is missing, and the next checkpoint asks again.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from rpa.config import TimestampSettings
from rpa.errors import PortalError
from rpa.evidence import core

__all__ = ["StampCheck", "TimestampError", "check_stamps", "stamp", "stamped_data"]

HASH = "sha256"


class TimestampError(PortalError):
    """The TSA did not give a valid token (down, slow, refused, or a token that does not check)."""


def stamped_data(checkpoint: dict[str, Any]) -> bytes:
    """What a checkpoint's token is over: the raw bytes of its signature."""
    return base64.b64decode(checkpoint.get("signature", ""))


def stamp(settings: TimestampSettings, signature: bytes) -> dict[str, str]:
    """Ask the TSA for a token over ``signature``; ``{"tsa", "time", "token"}`` (token: base64 DER).

    The token carries the TSA's certificate, so ``openssl ts -verify -CAfile`` needs nothing else.
    Raises :class:`TimestampError`."""
    import rfc3161ng

    assert settings.url is not None and settings.certificate is not None
    try:
        certificate = settings.certificate.read_bytes()
        timestamper = rfc3161ng.RemoteTimestamper(
            settings.url,
            certificate=certificate,
            hashname=HASH,
            include_tsa_certificate=True,
            timeout=settings.timeout_s,
        )
        token = bytes(timestamper.timestamp(data=signature))  # checked against the certificate
        when = rfc3161ng.get_timestamp(token).replace(tzinfo=UTC)
    except Exception as exc:  # requests' errors, rfc3161ng's, a bad certificate: all "no token"
        raise TimestampError(f"TSA {settings.url}: {type(exc).__name__}: {exc}") from exc
    return {
        "tsa": settings.url,
        "time": when.isoformat(),
        "token": base64.b64encode(token).decode("ascii"),
    }


@dataclass
class StampCheck:
    stamped: dict[int, str]  # checkpoint seq -> the TSA's time
    unstamped: dict[int, str]  # checkpoint seq -> why it has no token ("" when never asked)
    invalid: list[int]  # checkpoints whose token does not match their signature or the TSA's key

    def as_json(self) -> dict[str, Any]:
        return {"stamped": self.stamped, "unstamped": self.unstamped, "invalid": self.invalid}


def check_stamps(root: Path, certificate: Path) -> StampCheck:
    """Check every checkpoint's token in ``root/checkpoints.jsonl`` against the TSA's ``certificate``."""
    import rfc3161ng

    pem = certificate.read_bytes()
    result = StampCheck({}, {}, [])
    for line in core.read_lines(root / core.CHECKPOINTS):
        try:
            checkpoint = json.loads(line)
            seq = int(checkpoint["head"]["seq"])
        except (ValueError, KeyError, TypeError):
            continue  # a garbled checkpoint is core.verify's finding already
        stamp_ = checkpoint.get("timestamp")
        if not isinstance(stamp_, dict) or "token" not in stamp_:
            result.unstamped[seq] = str(checkpoint.get("timestamp_error", ""))
            continue
        try:
            token = base64.b64decode(stamp_["token"])
            rfc3161ng.check_timestamp(token, certificate=pem, data=stamped_data(checkpoint), hashname=HASH)
            result.stamped[seq] = rfc3161ng.get_timestamp(token).replace(tzinfo=UTC).isoformat()
        except Exception:  # any failure to check is a token that does not vouch for this checkpoint
            result.invalid.append(seq)
    return result
