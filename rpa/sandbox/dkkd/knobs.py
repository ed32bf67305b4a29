"""The business-registration portal's knobs: every sandbox portal's (:class:`rpa.sandbox.knobs.PortalKnobs`)
and its one UI version."""

from __future__ import annotations

from typing import Literal

from rpa.sandbox.knobs import PortalKnobs

__all__ = ["Knobs"]


class Knobs(PortalKnobs):
    """All knobs of the portal with their defaults."""

    ui_version: Literal[1] = 1
