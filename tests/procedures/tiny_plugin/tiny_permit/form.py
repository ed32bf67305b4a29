"""The tiny portal's one-page form and ``map_dossier`` (pure: no browser)."""

from __future__ import annotations

from dataclasses import dataclass

from rpa.domain import Dossier, IdentityKind
from rpa.domain.labels import problem
from rpa.errors import InvalidDossier
from tiny_permit.model import PetLicenceRequest, Species

__all__ = ["SPECIES_CODES", "PetLicenceForm", "map_dossier"]

SPECIES_CODES = {Species.DOG: "01", Species.CAT: "02", Species.BIRD: "03"}
"""The portal's option values of its "Loài" select."""


@dataclass(frozen=True)
class PetLicenceForm:
    """The four fields of the portal's form, as typed or chosen."""

    ownerIdNumber: str
    petName: str
    speciesCode: str
    ownerPhone: str


def map_dossier(dossier: Dossier, *, require_files: bool = True) -> PetLicenceForm:
    """The form for a valid dossier; the portal finds owners only by their 12-digit CCCD."""
    payload = dossier.payload
    assert isinstance(payload, PetLicenceRequest)
    identity = dossier.applicant.identity
    if identity.kind is not IdentityKind.CCCD:
        reason = "cổng cấp giấy phép chỉ nhận căn cước công dân của chủ nuôi"
        raise InvalidDossier([problem("applicant.identity.kind", reason)], dossier.code)
    return PetLicenceForm(
        identity.number, payload.pet_name, SPECIES_CODES[payload.species], payload.owner_phone
    )
