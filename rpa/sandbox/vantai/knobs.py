"""The road-transport portal's knobs: every sandbox portal's (:class:`rpa.sandbox.knobs.PortalKnobs`)
and its one UI version. ``session_idle_s`` is how long a login token lives without a call to the API."""

from __future__ import annotations

from typing import Literal

from rpa.sandbox.knobs import PortalKnobs

__all__ = ["Knobs"]


class Knobs(PortalKnobs):
    """All knobs of the portal with their defaults."""

    ui_version: Literal[1] = 1
