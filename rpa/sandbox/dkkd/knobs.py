"""The business-registration portal's knobs: every sandbox portal's (:class:`rpa.sandbox.knobs.PortalKnobs`),
its one UI version, and how often it refuses a wizard postback's view state as stale."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rpa.sandbox.knobs import PortalKnobs

__all__ = ["Knobs"]


class Knobs(PortalKnobs):
    """All knobs of the portal with their defaults."""

    ui_version: Literal[1] = 1
    # Each postback of the wizard is refused as stale ("Trạng thái trang không hợp lệ", HTTP 500) with this
    # probability, before the portal acts on it: what a second tab, the back button or a recycled
    # application pool does to a WebForms page. Nothing is stored or changed by a refused postback.
    stale_view_state_rate: float = Field(default=0.0, ge=0.0, le=1.0)
