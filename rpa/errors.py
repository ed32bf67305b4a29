"""The project's exception hierarchy.

    RpaError
    ├── BusinessError          the dossier itself is wrong: route to a clerk, never retry
    │   ├── InvalidDossier     one or more field problems, all listed at once
    │   └── AddressNotConvertible  a legacy address has no match among the post-2025 units
    ├── PortalError            the portal misbehaved (timeout, 5xx, expired session): retry, then alert
    │   ├── SessionExpired     the portal logged the bot out mid-flow: log in again, start over
    │   └── SelectorDrift      a logical element matched nothing: the portal changed
    ├── HumanNeeded            a CAPTCHA, an OTP or an approval: wait for a person
    └── ConfigError            a missing or wrong setting (engineer-facing)

Business errors carry Vietnamese messages for clerks; everything else carries English for engineers.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AddressNotConvertible",
    "BusinessError",
    "ConfigError",
    "HumanNeeded",
    "InvalidDossier",
    "PortalError",
    "Problem",
    "RpaError",
    "SelectorDrift",
    "SessionExpired",
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


class ConfigError(RpaError):
    """A setting is missing or wrong."""
