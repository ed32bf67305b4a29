"""Procedures as plug-ins: the contract each one fulfils, the registry that finds them, and the one
path from a provincial dossier to the form a procedure's flow types."""

from rpa.procedures.active import active_procedures, check_procedure_settings, procedure_codes
from rpa.procedures.contract import DossierFacts, Procedure, ReadCaptcha, StatusNote
from rpa.procedures.dossiers import dossier_model, form_for, procedure_of, read_form
from rpa.procedures.registry import (
    ENTRY_POINT_GROUP,
    all_procedures,
    by_payload_kind,
    for_portal,
    get_procedure,
    named,
    portals,
    reload,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "DossierFacts",
    "Procedure",
    "ReadCaptcha",
    "StatusNote",
    "active_procedures",
    "all_procedures",
    "by_payload_kind",
    "check_procedure_settings",
    "dossier_model",
    "for_portal",
    "form_for",
    "get_procedure",
    "named",
    "portals",
    "procedure_codes",
    "procedure_of",
    "read_form",
    "reload",
]
