"""``rpa procedures``: what each registered procedure is, where it runs, and whether its portal answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rpa.config import Settings
from rpa.errors import ConfigError
from rpa.operations.health import probe
from rpa.portal.selectors import load_maps, load_selector_map, map_files
from rpa.procedures.active import active_procedures, procedure_codes
from rpa.procedures.registry import all_procedures

__all__ = ["ProcedureInfo", "describe_procedures"]


@dataclass(frozen=True)
class ProcedureInfo:
    name: str
    title: str
    agency: str
    portal: str
    procedure_codes: list[str]
    active: bool  # runs here: its portal is configured and it is not disabled
    selector_maps: list[dict[str, Any]] = field(default_factory=list)  # {"version", "path"}
    selector_error: str | None = None
    portal_url: str | None = None
    portal_answers: bool | None = None  # None: not configured, so not asked
    portal_detail: str = "not configured"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def describe_procedures(settings: Settings | None, *, timeout_s: float = 3.0) -> list[ProcedureInfo]:
    """Every registered procedure; with ``settings``, its codes here and its portal asked once."""
    active = {p.name for p in active_procedures(settings)} if settings is not None else set()
    asked: dict[str, tuple[bool, str]] = {}
    infos = []
    for procedure in all_procedures():
        codes = procedure_codes(settings, procedure) if settings is not None else procedure.procedure_codes
        maps: list[dict[str, Any]] = []
        error = None
        folder = (settings.selectors_dir if settings else None) or procedure.selectors_dir
        try:
            load_maps(procedure.portal, folder)  # every map valid, one per version
            maps = [
                {"version": load_selector_map(path).version, "path": str(path)}
                for path in map_files(procedure.portal, folder)
            ]
        except ConfigError as exc:
            error = str(exc)
        url = None
        answers: bool | None = None
        detail = "not configured"
        if settings is not None and procedure.portal in settings.portals:
            url = settings.portals[procedure.portal].base_url
            if procedure.portal not in asked:
                result = probe(procedure.portal, url, timeout_s=timeout_s, pause_s=0.2)
                asked[procedure.portal] = (result.up, result.detail)
            answers, detail = asked[procedure.portal]
        infos.append(
            ProcedureInfo(
                procedure.name,
                procedure.title,
                procedure.agency,
                procedure.portal,
                list(codes),
                procedure.name in active,
                maps,
                error,
                url,
                answers,
                detail,
            )
        )
    return infos
