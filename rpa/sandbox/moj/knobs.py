"""The judicial-record portal's knobs: every sandbox portal's (:class:`rpa.sandbox.knobs.PortalKnobs`)
and its own UI versions.

Set through ``POST /_sandbox/knobs`` with exactly these JSON keys; see ``rpa.sandbox.knobs`` for how the
common ones apply.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rpa.sandbox.knobs import PortalKnobs

__all__ = ["Knobs"]


class Knobs(PortalKnobs):
    """All knobs of the portal with their defaults."""

    ui_version: Literal[1, 2] = 1
    legacy_units: bool = False  # address groups start in the pre-2025 (province-district-commune) mode
    receipt_layout: Literal[1, 2] = 1
    status_labels: dict[str, str] = Field(default_factory=dict)
    """Status key → the label the status page shows instead of its own, as after a ministry release
    that renamed a status (e.g. ``{"processing": "Đang thẩm định"}``): a label no flow knows yet."""
