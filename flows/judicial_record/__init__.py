"""Judicial-record certificate (Phiếu lý lịch tư pháp) on the Ministry of Justice portal.

``PROCEDURE`` is what the engine uses (registered as the ``judicial_record`` entry point); the
modules hold its parts: ``model`` (the dossier's payload), ``rules`` (its cross-field rules),
``form`` (the portal's form and ``map_dossier``), ``flow`` (login, submit, lookup, read_status on the
portal), ``deadline`` (the legal deadline) and ``labels`` (the payload's Vietnamese field names).
"""

from flows.judicial_record.flow import (
    PORTAL,
    RECEIPT_CODE,
    login,
    lookup,
    read_receipt,
    read_status,
    submission_facts,
    submit,
)
from flows.judicial_record.procedure import PROCEDURE

FLOW = PROCEDURE.name
"""The procedure's name in the ledger."""

__all__ = [
    "FLOW",
    "PORTAL",
    "PROCEDURE",
    "RECEIPT_CODE",
    "login",
    "lookup",
    "read_receipt",
    "read_status",
    "submission_facts",
    "submit",
]
