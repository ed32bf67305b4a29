"""The registry of procedures: every :class:`Procedure` installed in the ``motcua_rpa.procedures`` group.

A procedure package declares itself in its ``pyproject.toml``::

    [project.entry-points."motcua_rpa.procedures"]
    vehicle_badge = "my_province_procedures.vehicle_badge:PROCEDURE"

so a province can install its own procedure as a separate package, and the engine finds it exactly as
it finds the project's own. Entry points are read once, on first use (:func:`reload` reads them again).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.metadata import entry_points
from typing import get_args

from rpa.domain.labels import set_procedure_labels
from rpa.errors import ConfigError
from rpa.procedures.contract import Procedure

__all__ = [
    "ENTRY_POINT_GROUP",
    "all_procedures",
    "by_payload_kind",
    "for_portal",
    "get_procedure",
    "named",
    "portals",
    "reload",
]

ENTRY_POINT_GROUP = "motcua_rpa.procedures"
_NAME = re.compile(r"[a-z][a-z0-9_]*")


@cache
def _registry() -> dict[str, Procedure]:
    found: dict[str, Procedure] = {}
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        procedure = point.load()
        problem = _problem(point.name, procedure, found)
        if problem is not None:
            raise ConfigError(f"procedure plug-in {point.value!r}: {problem}")
        found[procedure.name] = procedure
    set_procedure_labels({path: label for p in found.values() for path, label in p.labels.items()})
    return found


def _problem(entry: str, procedure: object, found: dict[str, Procedure]) -> str | None:
    if not isinstance(procedure, Procedure):
        return f"is a {type(procedure).__name__}, not a rpa.procedures.Procedure"
    if not _NAME.fullmatch(procedure.name):
        return f"name {procedure.name!r} must be lower-case letters, digits and _"
    if procedure.name != entry:
        return f"is registered as {entry!r} but named {procedure.name!r}"
    if procedure.name in found:
        return f"{procedure.name!r} is registered twice"
    kind = procedure.payload.model_fields.get("kind")
    if kind is None or get_args(kind.annotation) != (procedure.name,):
        return f"its payload model needs kind: Literal[{procedure.name!r}]"
    if unsigned := [
        key for key, s in procedure.statuses.items() if not s.note.startswith(f"{procedure.agency} ")
    ]:
        return f"the notes of statuses {unsigned} must start with its agency {procedure.agency!r}"
    if outside := [path for path in procedure.labels if not path.startswith("payload.")]:
        return f"labels {outside} are not payload fields"
    if outside := [path for path in procedure.value_labels if not path.startswith("payload.")]:
        return f"value labels {outside} are not payload fields"
    return None


def reload() -> None:
    """Read the entry points again (after a procedure package was installed in this process)."""
    _registry.cache_clear()
    set_procedure_labels({})


def all_procedures() -> tuple[Procedure, ...]:
    """Every registered procedure, by name."""
    return tuple(_registry().values())


def get_procedure(name: str) -> Procedure:
    """The procedure registered as ``name``.

    Raises:
        ConfigError: no procedure of that name is installed.
    """
    try:
        return _registry()[name]
    except KeyError:
        known = ", ".join(_registry()) or "none"
        raise ConfigError(f"no procedure {name!r} is installed (installed: {known})") from None


def named(name: object) -> Procedure | None:
    """The procedure registered as ``name`` (a ledger flow, a payload's ``kind``), or None."""
    return _registry().get(name) if isinstance(name, str) else None


by_payload_kind = named


def for_portal(portal: str) -> tuple[Procedure, ...]:
    """The procedures that run on ``portal`` (several may share one, with its account and limits)."""
    return tuple(p for p in _registry().values() if p.portal == portal)


def portals(procedures: Iterable[Procedure] | None = None) -> tuple[str, ...]:
    """The portals of ``procedures`` (default: of every registered one), each once, in order."""
    return tuple(dict.fromkeys(p.portal for p in (all_procedures() if procedures is None else procedures)))
