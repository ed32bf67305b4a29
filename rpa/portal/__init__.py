"""The portal side: what a bot does in a ministry's web UI, and what the portal answers."""

from rpa.portal.results import PortalStatus, Receipt

__all__ = ["PortalStatus", "Receipt"]
