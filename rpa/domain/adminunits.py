"""Vietnamese administrative units, old (63 provinces, 3 levels) and new (34 provinces, 2 levels).

Backed by the data the ``vietnamadminunits`` package ships; nothing is fetched at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vietnamadminunits import convert_address
from vietnamadminunits.database import query

from rpa.domain.text import fold
from rpa.errors import AddressNotConvertible

__all__ = ["Unit", "code_mismatches", "communes", "convert_legacy", "districts", "provinces", "same_unit"]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # full name with its type, e.g. "Xã Nghĩa Dõng", "Tỉnh Quảng Ngãi"


def _sql_text(value: str) -> str:
    if not value.isdigit():
        raise ValueError(f"unit codes are digits, got {value!r}")
    return f"'{value}'"


@cache
def provinces(legacy: bool = False) -> tuple[Unit, ...]:
    """Provinces of the current (34) or the legacy (63) scheme, by code."""
    table = "admin_units_legacy" if legacy else "admin_units"
    rows = query(f"SELECT DISTINCT provinceCode, province FROM {table} ORDER BY provinceCode")
    return tuple(Unit(r["provinceCode"], r["province"]) for r in rows)


@cache
def districts(province_code: str) -> tuple[Unit, ...]:
    """Districts of a legacy province (the district level no longer exists after 1 July 2025)."""
    rows = query(
        "SELECT DISTINCT districtCode, district FROM admin_units_legacy "
        f"WHERE provinceCode = {_sql_text(province_code)} ORDER BY districtCode"
    )
    return tuple(Unit(r["districtCode"], r["district"]) for r in rows)


@cache
def communes(province_code: str, district_code: str | None = None) -> tuple[Unit, ...]:
    """Communes of a current province, or of a legacy district when ``district_code`` is given."""
    if district_code is None:
        sql = (
            "SELECT DISTINCT wardCode, ward FROM admin_units "
            f"WHERE provinceCode = {_sql_text(province_code)} ORDER BY wardCode"
        )
    else:
        sql = (
            "SELECT DISTINCT wardCode, ward FROM admin_units_legacy "
            f"WHERE provinceCode = {_sql_text(province_code)} "
            f"AND districtCode = {_sql_text(district_code)} ORDER BY wardCode"
        )
    return tuple(Unit(r["wardCode"], r["ward"]) for r in query(sql) if r["wardCode"])


# Unit-type words, longest first, so "Thành phố Kon Tum" and "Kon Tum" compare equal.
_TYPE_PREFIX = re.compile(
    r"^(thanh pho|thi tran|thi xa|dac khu|tinh|quan|huyen|phuong|xa|tp|tx|tt)\.?\s+(?=\S)"
)


def _key(name: str) -> str:
    """Comparison key of a unit name: no accents (Đắk/Đăk agree), no case, no unit type, no spaces."""
    folded = fold(name).lower().strip()
    return re.sub(r"[^0-9a-z]", "", _TYPE_PREFIX.sub("", folded))


def same_unit(a: str, b: str) -> bool:
    """Whether two unit names denote the same unit, ignoring type words, case and accents.

    Type words are ignored on purpose: communes changed type over time (xã → thị trấn), and citizens
    write either "Tỉnh Quảng Ngãi" or "Quảng Ngãi".
    """
    return _key(a) == _key(b)


def convert_legacy(commune: str, district: str, province: str) -> tuple[Unit, Unit]:
    """Convert a legacy commune to its post-2025 ``(province, commune)`` units.

    The street is deliberately not passed to ``vietnamadminunits``: for a commune split in several,
    a street makes it geocode the address over the network; without one it picks the unit the
    official mapping names as the default successor.

    Raises:
        AddressNotConvertible: the package could not place the commune, or it resolved a different
            unit from the one written (its matching is fuzzy: an unknown province may be replaced).
    """
    written = f"{commune}, {district}, {province}"
    result = convert_address(written)
    old = getattr(result, "OldAdminUnit", None)
    resolved = (old.ward, old.district, old.province) if old is not None else (None, None, None)
    for wanted, got, what in zip(
        (commune, district, province), resolved, ("xã/phường", "huyện", "tỉnh"), strict=True
    ):
        if not got or not same_unit(wanted, got):
            raise AddressNotConvertible(written, f"không tìm thấy {what} “{wanted}” trong danh mục cũ")
    if not result.ward or not result.ward_code or not result.province_code:
        raise AddressNotConvertible(written, f"không tìm thấy xã/phường mới thay cho “{commune}”")
    return Unit(result.province_code, result.province), Unit(result.ward_code, result.ward)


def code_mismatches(
    province: str,
    province_code: str | None,
    commune: str,
    commune_code: str | None,
    district: str | None = None,
    district_code: str | None = None,
) -> dict[str, str]:
    """Codes that do not name the unit written next to them, as ``{field: Vietnamese message}``.

    The scheme (legacy or current) follows ``district``. Codes are checked top-down: a lower code is
    looked up only under a province (and district) code that is present and right, since a wrong
    upper code would make every lower one look wrong too.
    """
    found: dict[str, str] = {}

    def check(field: str, code: str | None, name: str, units: tuple[Unit, ...]) -> bool:
        if code is None:
            return False
        unit = next((u for u in units if u.code == code), None)
        if unit is None:
            found[field] = f"mã {code} không có trong danh mục đơn vị hành chính"
        elif not same_unit(unit.name, name):
            found[field] = f"mã {code} là của {unit.name}, không phải “{name}”"
        return field not in found

    if province_code is None or not check(
        "province_code", province_code, province, provinces(legacy=district is not None)
    ):
        return found
    if district is None:
        if commune_code is not None and commune_code.isdigit():
            check("commune_code", commune_code, commune, communes(province_code))
    elif (
        district_code is not None
        and check("district_code", district_code, district, districts(province_code))
        and commune_code is not None
        and commune_code.isdigit()
    ):
        check("commune_code", commune_code, commune, communes(province_code, district_code))
    return found
