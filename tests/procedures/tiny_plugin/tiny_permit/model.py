"""The tiny procedure's payload (a pet licence), its Vietnamese labels and its one cross-field rule."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from rpa.domain import Payload
from rpa.domain.labels import problem
from rpa.domain.person import Name, Phone
from rpa.errors import Problem
from rpa.procedures import DossierFacts

__all__ = ["PROCEDURE_CODE", "PetLicenceRequest", "Species", "payload_problems"]

PROCEDURE_CODE = "9.999001"
"""The provincial code of the made-up "Cấp giấy phép nhỏ" (nuôi vật nuôi) procedure."""


class Species(StrEnum):
    DOG = "dog"
    CAT = "cat"
    BIRD = "bird"

    @property
    def label(self) -> str:
        return {"dog": "Chó", "cat": "Mèo", "bird": "Chim cảnh"}[self.value]


class PetLicenceRequest(Payload):
    kind: Literal["tiny_permit"] = "tiny_permit"
    pet_name: Name
    species: Species
    owner_phone: Phone
    rabies_vaccinated: bool = False


LABELS = {
    "payload.pet_name": "Tên vật nuôi",
    "payload.species": "Loài vật nuôi",
    "payload.owner_phone": "Số điện thoại chủ nuôi",
    "payload.rabies_vaccinated": "Đã tiêm phòng bệnh dại",
}


def payload_problems(
    payload: PetLicenceRequest | None, raw: Mapping[str, Any], facts: DossierFacts
) -> list[Problem]:
    """Dogs and cats are licensed only once vaccinated against rabies (read from ``raw`` when the
    payload did not validate, so this rule is reported alongside the field problems)."""
    species: Species | None = payload.species if payload else None
    if payload is None and raw.get("species") in set(Species):
        species = Species(raw["species"])
    vaccinated = payload.rabies_vaccinated if payload else raw.get("rabies_vaccinated") is True
    if species in (Species.DOG, Species.CAT) and not vaccinated:
        message = f"{species.label.lower()} phải được tiêm phòng bệnh dại trước khi cấp giấy phép"
        return [problem("payload.rabies_vaccinated", message)]
    return []
