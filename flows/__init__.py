"""The project's own procedure plug-ins, one package each, registered in ``pyproject.toml`` under the
``motcua_rpa.procedures`` entry points. The engine finds them there and never imports this package."""

from __future__ import annotations

import sysconfig
from pathlib import Path

__all__ = ["SELECTORS_DIR"]


def _selectors_dir() -> Path:
    """The project's ``selectors/`` folder: beside this package in a checkout (or an editable
    install), else where a wheel installs it (``<prefix>/share/motcua-rpa/selectors``)."""
    checkout = Path(__file__).resolve().parents[1] / "selectors"
    if checkout.is_dir():
        return checkout
    return Path(sysconfig.get_path("data")) / "share" / "motcua-rpa" / "selectors"


SELECTORS_DIR = _selectors_dir()
"""Selector maps of the project's own procedures' portals."""
