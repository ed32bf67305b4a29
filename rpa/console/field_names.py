"""How the console names a portal's fields: as the portal labels them, from the procedure's selector maps.

The bot records steps and values under the selector maps' element names (``residence.address[n=3]``),
which a clerk does not know; the maps' first candidates hold the portal's own labels ("Nơi cư trú"), so
the console shows those, newest UI version first, and the map name only where no label exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rpa.config import Settings
from rpa.errors import RpaError
from rpa.portal.selectors import SelectorMap, load_maps
from rpa.procedures import named
from rpa.procedures.contract import Procedure

__all__ = ["field_label", "maps_of", "maps_of_flow"]

_SHOWN = re.compile(r"(?P<element>[^\[]+)(?P<params>(?:\[[^=\]]+=[^\]]*\])*)")
_PARAM = re.compile(r"\[([^=\]]+)=([^\]]*)\]")


def maps_of(procedure: Procedure, settings: Settings) -> list[SelectorMap]:
    """The procedure's selector maps, newest UI version first; none when they cannot be read (names
    then stay the maps' own: the transfer itself reports a broken map)."""
    try:
        found = load_maps(procedure.portal, settings.selectors_dir or procedure.selectors_dir)
    except RpaError:
        return []
    return [found[version] for version in sorted(found, reverse=True)]


def maps_of_flow(flow: str, settings: Settings) -> list[SelectorMap]:
    """:func:`maps_of` the procedure named ``flow`` (none for a procedure not installed here)."""
    procedure = named(flow)
    return maps_of(procedure, settings) if procedure is not None else []


def field_label(name: str, maps: Sequence[SelectorMap]) -> str | None:
    """The portal's label of element ``name`` (with its parameters, e.g. ``[n=3]``), with the group it
    sits in and its row: "Tỉnh/Thành phố – Nơi thường trú", "Nơi cư trú (dòng 3)"; None without one."""
    parsed = _SHOWN.fullmatch(name)
    if parsed is None:
        return None
    fmt = dict(_PARAM.findall(parsed["params"]))
    for selector_map in maps:
        label = selector_map.human_name(parsed["element"], fmt)
        if label:
            # a parameter naming another element is the group the field sits in ("Nơi thường trú")
            groups = [selector_map.human_name(v) for k, v in fmt.items() if k != "n"]
            shown = " – ".join([label, *(g for g in groups if g)])
            return shown + (f" – dòng {fmt['n']}" if "n" in fmt and fmt["n"] not in label else "")
    return None
