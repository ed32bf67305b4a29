"""Establishing a single-member limited liability company owned by an individual on the national
business-registration portal (ASP.NET WebForms).

``PROCEDURE`` is what the engine uses (registered as the ``business_registration`` entry point); the
modules hold its parts: ``model`` (the dossier's payload and the VSIC catalogue), ``rules`` (its
cross-field rules), ``form`` (the portal's form and ``map_payload``), ``flow`` (login, submit, lookup,
read_status on the portal), ``labels`` (the payload's Vietnamese field names) and ``procedure``.
The data shapes are fixed in ``docs/business-registration-form.md``.
"""

from flows.business_registration.procedure import PROCEDURE

__all__ = ["PROCEDURE"]
