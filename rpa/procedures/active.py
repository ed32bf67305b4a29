"""Which registered procedures this installation runs, and with which provincial procedure codes."""

from __future__ import annotations

from loguru import logger

from rpa.config import ProcedureSettings, Settings
from rpa.errors import ConfigError
from rpa.procedures.contract import Procedure
from rpa.procedures.registry import all_procedures, get_procedure

__all__ = [
    "active_procedures",
    "check_masked_fields",
    "check_procedure_settings",
    "masked_fields",
    "procedure_codes",
]

_warned: set[tuple[str, str]] = set()


def active_procedures(settings: Settings) -> tuple[Procedure, ...]:
    """The registered procedures that run here: not disabled, and their portal configured.

    Each procedure's own ``[procedures.<name>.options]`` are applied first (``Procedure.configure``),
    and its ``masked_fields``, when given, are checked against its selector maps.
    A procedure whose portal has no ``[portals.<name>]`` is left alone (its dossiers stay with the
    clerks, as before the bot); the log says so once per process.
    """
    active = []
    for procedure in all_procedures():
        own = settings.procedures.get(procedure.name, ProcedureSettings())
        if procedure.configure is not None:
            procedure.configure(own.options)
        if own.masked_fields:
            check_masked_fields(settings, procedure, own.masked_fields)
        if not own.enabled:
            continue
        if procedure.portal not in settings.portals:
            if (procedure.name, procedure.portal) not in _warned:
                _warned.add((procedure.name, procedure.portal))
                logger.warning(
                    "procedure {} does not run: no [portals.{}] in the configuration", procedure.name,
                    procedure.portal,
                )  # fmt: skip
            continue
        active.append(procedure)
    return tuple(active)


def procedure_codes(settings: Settings, procedure: Procedure) -> tuple[str, ...]:
    """The provincial procedure codes of ``procedure`` here (configured, else the plug-in's own)."""
    configured = settings.procedures.get(procedure.name, ProcedureSettings()).procedure_codes
    return tuple(configured) if configured is not None else procedure.procedure_codes


def masked_fields(settings: Settings, procedure: Procedure) -> tuple[str, ...]:
    """The map names painted over in ``procedure``'s screenshots here (configured, else the plug-in's)."""
    configured = settings.procedures.get(procedure.name, ProcedureSettings()).masked_fields
    return tuple(configured) if configured is not None else procedure.masked_fields


def check_masked_fields(settings: Settings, procedure: Procedure, names: list[str]) -> None:
    """Every name in ``names`` is an element of some selector map of ``procedure``'s portal.

    Raises:
        ConfigError: naming every unknown field and where the maps were read.
    """
    from rpa.portal.attempt import selectors_dir_for  # the portal layer loads Playwright: only when asked
    from rpa.portal.selectors import load_maps

    folder = selectors_dir_for(settings, procedure)
    maps = load_maps(procedure.portal, folder).values()
    known = {name for selector_map in maps for name in selector_map.elements}
    if unknown := [name for name in names if name not in known]:
        raise ConfigError(
            f"[procedures.{procedure.name}] masked_fields: {', '.join(map(repr, unknown))} "
            f"not in any selector map of portal {procedure.portal} ({folder})"
        )


def check_procedure_settings(settings: Settings) -> None:
    """Every ``[procedures.<name>]`` names an installed procedure, and no code belongs to two.

    Raises:
        ConfigError: naming the first problem.
    """
    for name in settings.procedures:
        get_procedure(name)
    owner: dict[str, str] = {}
    for procedure in active_procedures(settings):
        for code in procedure_codes(settings, procedure):
            if code in owner:
                raise ConfigError(
                    f"procedure code {code!r} is given to both {owner[code]} and {procedure.name}"
                )
            owner[code] = procedure.name
