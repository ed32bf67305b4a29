"""The project's exception hierarchy, and what each kind of failure means for a transfer.

    RpaError
    ├── BusinessError              the dossier itself is wrong: route to a clerk, never retry
    │   ├── InvalidDossier         one or more field problems, all listed at once
    │   │   └── AttachmentTooLarge     (rpa.sources.provincial) an attachment over the size cap
    │   ├── AddressNotConvertible  a legacy address has no match among the post-2025 units
    │   ├── ProvincialRefused      (rpa.sources.provincial) the one-stop system refused a request
    │   ├── NotAccepted            (rpa.transfer.worker) the dossier is not, or no longer, accepted
    │   └── NoLongerAccepted       (rpa.status.writeback) it left "accepted" before the receipt was written
    ├── PortalError                the portal misbehaved (timeout, 5xx, maintenance): retry, then alert
    │   ├── SessionExpired         the portal logged the bot out mid-flow: log in again, start over
    │   └── SelectorDrift          a logical element matched nothing: the portal changed
    │       └── PageDrift          (rpa.portal.selectors) the page's version marker is not the map's
    ├── HumanNeeded                a CAPTCHA, an OTP or an approval: wait for a person
    │   └── CaptchaRequired        the portal shows a CAPTCHA or challenge and nobody can read it now
    ├── ConfigError                a missing or wrong setting (engineer-facing)
    ├── LockHeld                   (rpa.ledger.scheduler_lock) another scheduler runs on this ledger
    └── LedgerError                (rpa.ledger) the ledger refused a change
        ├── IllegalTransition      the state machine has no such edge
        ├── LeaseLost              another worker holds the transfer now
        ├── UnknownTransfer        no transfer with that id (also a LookupError)
        └── TransferChanged        the transfer moved on since it was read

Business errors carry Vietnamese messages for clerks; everything else carries English for engineers.
:func:`failure_kind` is the one place that says what a failure means for a transfer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "AddressNotConvertible",
    "BusinessError",
    "CaptchaRequired",
    "ConfigError",
    "FailureKind",
    "HumanNeeded",
    "InvalidDossier",
    "PortalError",
    "Problem",
    "RpaError",
    "SelectorDrift",
    "SessionExpired",
    "failure_kind",
]


class RpaError(Exception):
    """Base of every error this project raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dossier, told to a clerk.

    Attributes:
        field: dotted path of the field, e.g. ``applicant.identity.number``.
        label: the field's Vietnamese label, e.g. ``Số định danh cá nhân``.
        message: what is wrong, in Vietnamese, e.g. ``phải gồm đúng 12 chữ số``.
    """

    field: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


class BusinessError(RpaError):
    """The dossier is wrong or incomplete; a clerk must act. Never retried."""


class InvalidDossier(BusinessError):
    """A dossier failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], dossier_code: str | None = None) -> None:
        self.problems = problems
        self.dossier_code = dossier_code
        head = f"Hồ sơ {dossier_code} không hợp lệ" if dossier_code else "Hồ sơ không hợp lệ"
        super().__init__(head + ":\n" + "\n".join(f"- {p}" for p in problems))


class AddressNotConvertible(BusinessError):
    """A legacy (three-level) address could not be converted to the post-2025 units.

    Attributes:
        address: the address as written, e.g. ``Xã Nghĩa Dõng, Huyện Tư Nghĩa, Tỉnh Quảng Ngãi``.
        reason: why, in Vietnamese, e.g. ``không tìm thấy xã/phường "Xã Nghĩa Dõng" thuộc Huyện Tư Nghĩa``.
    """

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        self.reason = reason
        super().__init__(f"Không chuyển được địa chỉ “{address}” sang đơn vị hành chính mới: {reason}")


class PortalError(RpaError):
    """The portal misbehaved (timeout, 5xx, maintenance, expired session). Retryable."""


class SessionExpired(PortalError):
    """The portal sent the browser back to its login page in the middle of a flow."""


class SelectorDrift(PortalError):
    """A logical element matched nothing, or several things: the portal's UI changed."""

    def __init__(self, names: list[str], detail: str = "") -> None:
        self.names = names
        super().__init__(f"selectors failed: {', '.join(names)}" + (f" ({detail})" if detail else ""))


class HumanNeeded(RpaError):
    """A person must act first (CAPTCHA, OTP, approval)."""


class CaptchaRequired(HumanNeeded):
    """The portal shows an image CAPTCHA or challenge; ``image`` holds it (PNG) for the person who will
    read it."""

    def __init__(self, image: bytes) -> None:
        self.image = image
        super().__init__("the portal asks for a CAPTCHA: a person must answer it")


class ConfigError(RpaError):
    """A setting is missing or wrong."""


class FailureKind(StrEnum):
    """What a failed attempt at a transfer means, whoever meets it (the worker, the status sync)."""

    BUSINESS = "business"  # the dossier is wrong: park it for a clerk with the reasons, never retry
    DRIFT = "drift"  # the portal's UI changed: pause the portal (circuit breaker), alert, keep the dossier
    HUMAN = "human"  # a person must act first: back to the queue after a short wait
    CONFIG = "config"  # a setting or account is wrong: stop, every other dossier would fail the same way
    SYSTEM = "system"  # the portal or the network failed: retry with back-off, then alert


def failure_kind(exc: BaseException) -> FailureKind:
    """The kind of ``exc``; anything not raised on purpose (a browser crash, a full disk) is a system
    failure, retried like a portal error."""
    if isinstance(exc, BusinessError):
        return FailureKind.BUSINESS
    if isinstance(exc, SelectorDrift):
        return FailureKind.DRIFT
    if isinstance(exc, HumanNeeded):
        return FailureKind.HUMAN
    if isinstance(exc, ConfigError):
        return FailureKind.CONFIG
    return FailureKind.SYSTEM
