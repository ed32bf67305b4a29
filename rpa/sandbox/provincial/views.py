"""Plain values the store hands out: search filters, dossier views, results and errors."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rpa.clock import VN, vn_now

__all__ = [
    "ChangeResult",
    "Conflict",
    "DossierView",
    "NotFound",
    "SearchFilters",
    "StoreError",
    "now_iso",
    "to_local",
]


def now_iso() -> str:
    """The current time in Vietnam, ISO 8601 with offset, to the second."""
    return vn_now().isoformat(timespec="seconds")


def to_local(value: Any) -> datetime | None:
    """An ISO date-time (any offset, or naive = Vietnam time) as naive Vietnam local time, else None."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(VN).replace(tzinfo=None)
    return parsed


class StoreError(Exception):
    """A refused request, with a Vietnamese message for the clerk or API client."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    status_code = 404


class Conflict(StoreError):
    status_code = 409


@dataclass(frozen=True)
class SearchFilters:
    """Dossier search criteria; ``None``/empty means "any". ``received_to`` is exclusive."""

    procedure: str | None = None
    statuses: tuple[int, ...] = ()
    received_from: datetime | None = None
    received_to: datetime | None = None
    code: str | None = None
    identity_number: str | None = None


@dataclass
class DossierView:
    """One dossier with everything the UI and the API show about it.

    ``data`` is the raw stored dict; ``files`` maps attachment index → stored file metadata
    (``name``, ``media_type``, ``size``, ``sha256``); ``log`` entries are dicts with ``time``, ``actor``,
    ``status_from``, ``status_to``, ``note``, ``receipt_code``.
    """

    code: str
    status: int
    data: dict[str, Any]
    flaw: str | None
    tricky: str | None
    files: dict[int, dict[str, Any]]
    log: list[dict[str, Any]]
    sms: list[dict[str, Any]] = field(default_factory=list)
    rating: dict[str, Any] | None = None

    @property
    def receipt_codes(self) -> list[str]:
        """Distinct ministry receipt codes from the processing log, oldest first."""
        codes: list[str] = []
        for entry in self.log:
            receipt = entry["receipt_code"]
            if receipt and receipt not in codes:
                codes.append(receipt)
        return codes

    def download_url(self, index: int) -> str:
        return f"/api/dossiers/{self.code}/attachments/{index}"

    def as_api(self) -> dict[str, Any]:
        """The JSON the API returns: the raw dossier dict, each attachment with ``download_url``,
        plus ``processing_log`` and ``receipt_codes``."""
        result = copy.deepcopy(self.data)
        attachments = result.get("attachments")
        if isinstance(attachments, list):
            for index, item in enumerate(attachments):
                if isinstance(item, dict):
                    item["download_url"] = self.download_url(index)
        result["processing_log"] = copy.deepcopy(self.log)
        result["receipt_codes"] = self.receipt_codes
        return result


@dataclass(frozen=True)
class ChangeResult:
    """What a status change or log append did. ``duplicate``: an identical earlier request was found,
    nothing was written."""

    code: str
    status: int
    changed: bool
    duplicate: bool
    log_entry: dict[str, Any] | None
    sms: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "changed": self.changed,
            "duplicate": self.duplicate,
            "log_entry": self.log_entry,
            "sms": self.sms,
        }
