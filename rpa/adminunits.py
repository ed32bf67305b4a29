"""Vietnamese administrative units, old (63 provinces, 3 levels) and new (34 provinces, 2 levels).

Backed by the data the ``vietnamadminunits`` package ships; nothing is fetched at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnamadminunits.database import query

__all__ = ["Unit", "communes", "districts", "provinces"]


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
