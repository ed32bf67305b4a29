"""Real places for the seed generator, in the legacy (three-level) and current (two-level) schemes.

Every legacy commune used here is one that ``vietnamadminunits.convert_address`` maps to a current
commune, so that a valid dossier's legacy address always converts cleanly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from vietnamadminunits import convert_address

from rpa.domain.adminunits import communes, districts, provinces
from rpa.sandbox.seed_names import STREETS

__all__ = [
    "HOME_PROVINCES",
    "OTHER_PROVINCES",
    "Home",
    "address_text",
    "legacy_address",
    "legacy_province_name",
    "pick_home",
    "street_text",
]

HOME_PROVINCES = ("51", "62")  # Quảng Ngãi and the former Kon Tum (merged into Quảng Ngãi on 1 July 2025)
# Provinces where people from Quảng Ngãi and Kon Tum often study or work (legacy codes).
OTHER_PROVINCES = ("48", "79", "74", "01", "52", "64", "66")


@dataclass(frozen=True)
class _Commune:
    province: str
    province_code: str
    district: str
    district_code: str
    commune: str
    commune_code: str
    new_commune: str
    new_commune_code: str
    new_province: str
    new_province_code: str


@dataclass(frozen=True)
class Home:
    """Where someone lives: the same place as a legacy and as a current address (JSON dicts)."""

    legacy: dict[str, Any]
    current: dict[str, Any]


def legacy_province_name(code: str) -> str:
    return dict((u.code, u.name) for u in provinces(legacy=True))[code]


@cache
def _communes(province_code: str) -> tuple[_Commune, ...]:
    province = legacy_province_name(province_code)
    found = []
    for district in districts(province_code):
        for commune in communes(province_code, district.code):
            new = convert_address(f"{commune.name}, {district.name}, {province}")
            if not new.ward_code or not new.province_code:
                continue
            found.append(
                _Commune(
                    province,
                    province_code,
                    district.name,
                    district.code,
                    commune.name,
                    commune.code,
                    new.ward,
                    new.ward_code,
                    new.province,
                    new.province_code,
                )
            )
    return tuple(found)


def street_text(rng: random.Random, commune: str) -> str:
    """A street line: "Thôn 3" in the countryside, "Tổ dân phố 5" or "123 Hùng Vương" in towns."""
    if commune.startswith(("Phường", "Thị trấn")):
        if rng.random() < 0.5:
            return f"Tổ dân phố {rng.randint(1, 12)}"
        return f"{rng.randint(1, 480)} {rng.choice(STREETS)}"
    return (
        f"Thôn {rng.randint(1, 9)}"
        if rng.random() < 0.8
        else f"Tổ {rng.randint(1, 15)}, Thôn {rng.randint(1, 9)}"
    )


def _legacy_dict(unit: _Commune, street: str | None) -> dict[str, Any]:
    return {
        "street": street,
        "commune": unit.commune,
        "commune_code": unit.commune_code,
        "district": unit.district,
        "district_code": unit.district_code,
        "province": unit.province,
        "province_code": unit.province_code,
    }


def pick_home(rng: random.Random, province_code: str) -> Home:
    unit = rng.choice(_communes(province_code))
    street = street_text(rng, unit.commune)
    current = {
        "street": street,
        "commune": unit.new_commune,
        "commune_code": unit.new_commune_code,
        "district": None,
        "district_code": None,
        "province": unit.new_province,
        "province_code": unit.new_province_code,
    }
    return Home(_legacy_dict(unit, street), current)


def legacy_address(rng: random.Random, province_code: str) -> dict[str, Any]:
    """A random legacy three-level address in a province (legacy code)."""
    unit = rng.choice(_communes(province_code))
    return _legacy_dict(unit, street_text(rng, unit.commune))


def address_text(address: dict[str, Any]) -> str:
    parts = (address.get("street"), address["commune"], address.get("district"), address["province"])
    return ", ".join(p for p in parts if p)
