"""Cross-field rules of the badge payload, all listed at once, in Vietnamese.

What pydantic cannot see field by field: the shape of each plate and the same plate twice, each
vehicle's age against the limit of the badge kind (:mod:`flows.road_transport.limits`), seats or
payload as the kind needs, the licence's expiry against today and the validity asked, and a leased
vehicle's lease. A licence the portal does not know is the one flaw these rules cannot see: the
portal's licence look-up finds it, before anything is submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from flows.road_transport.limits import age_limit
from flows.road_transport.model import (
    GOODS_KINDS,
    KIND_LABELS,
    PLATE,
    BadgeKind,
    Business,
    RoadTransportRequest,
    Vehicle,
    normal_plate,
)
from rpa.domain.dates import VnDate, format_vn_date
from rpa.domain.labels import problem
from rpa.domain.validation import read_part
from rpa.errors import Problem

__all__ = ["LICENCE_PROVINCES", "PAYLOAD_KG", "SEATS", "payload_problems"]

SEATS = (4, 80)
"""Seats a badged passenger vehicle may have, as the portal takes them."""
PAYLOAD_KG = (100, 100_000)
"""Load (kg) a badged goods vehicle may carry, as the portal takes it."""
_PLATE_EXAMPLES = "ví dụ 76A-123.45, 76A-1234 hoặc 76LD-012.34"
LICENCE_PROVINCES = ("76", "82")
"""Licences the province's department issues badges for: Quảng Ngãi's (76) and the former Kon Tum's (82).
A business licensed by another province asks that province's department."""


@dataclass(frozen=True)
class _Parts:
    """Whatever could be read of the payload; None where a part failed validation."""

    business: Business | None
    kind: str | None
    valid_until: date | None
    vehicles: list[Vehicle | None] | None

    @classmethod
    def of(cls, p: RoadTransportRequest) -> _Parts:
        return cls(p.business, p.badge_kind, p.valid_until, list(p.vehicles))

    @classmethod
    def salvage(cls, raw: Mapping[str, Any]) -> _Parts:
        """Read each part on its own, so one bad field does not hide the rules of the others."""
        listed = raw.get("vehicles")
        return cls(
            read_part(Business, raw.get("business")),
            _read(BadgeKind, raw.get("badge_kind")),
            _read(VnDate, raw.get("valid_until")),
            [read_part(Vehicle, v) for v in listed] if isinstance(listed, list) else None,
        )


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def _read(kind: Any, value: Any) -> Any:
    """``value`` read as ``kind``, or None when it cannot be (its own problem is reported)."""
    try:
        return None if value is None else _adapter(kind).validate_python(value)
    except ValidationError:
        return None


def payload_problems(
    payload: RoadTransportRequest | None, raw: Mapping[str, Any], *, today: date
) -> list[Problem]:
    """Every cross-field problem of a badge payload (paths start with ``payload.``).

    Args:
        payload: the typed payload, or None when it did not validate: then the rules run on whatever
            parts of ``raw`` can be read on their own.
        raw: the payload's JSON.
        today: the day the bot files the application: licences, validity and leases are compared
            with it, and a vehicle's age is counted to its year.
    """
    p = _Parts.of(payload) if payload is not None else _Parts.salvage(raw)
    out = _validity_problems(p.business, p.valid_until, today)
    if p.vehicles is None:
        return out
    if not p.vehicles:
        return [*out, problem("payload.vehicles", "phải có ít nhất một phương tiện")]
    first: dict[str, int] = {}
    for i, vehicle in enumerate(p.vehicles):
        if vehicle is None:
            continue
        path = f"payload.vehicles.{i}"
        plate = normal_plate(vehicle.plate)
        if not PLATE.fullmatch(plate):
            out.append(
                problem(
                    f"{path}.plate", f"“{vehicle.plate}” không đúng dạng biển kiểm soát ({_PLATE_EXAMPLES})"
                )
            )
        elif plate in first:
            message = f"biển kiểm soát {plate} trùng với phương tiện {first[plate] + 1} trong cùng hồ sơ"
            out.append(problem(f"{path}.plate", message))
        first.setdefault(plate, i)
        if p.kind is not None:
            out += _kind_problems(path, vehicle, p.kind, today)
        out += _lease_problems(path, vehicle, p.valid_until)
    return out


def _validity_problems(business: Business | None, until: date | None, today: date) -> list[Problem]:
    out = []
    if business is not None and business.licence_number[:2] not in LICENCE_PROVINCES:
        message = (
            f"“{business.licence_number}” không phải giấy phép kinh doanh vận tải của tỉnh "
            "(số 76-NNNNNN, hoặc 82-NNNNNN của tỉnh Kon Tum cũ)"
        )
        out.append(problem("payload.business.licence_number", message))
    expiry = business.licence_expiry if business is not None else None
    if expiry is not None and expiry < today:
        message = f"giấy phép kinh doanh vận tải đã hết hạn ngày {format_vn_date(expiry)}"
        out.append(problem("payload.business.licence_expiry", message))
    if until is not None and until <= today:
        out.append(problem("payload.valid_until", f"phải sau ngày hôm nay ({format_vn_date(today)})"))
    elif until is not None and expiry is not None and until > expiry:
        message = f"không được sau ngày hết hạn giấy phép kinh doanh vận tải ({format_vn_date(expiry)})"
        out.append(problem("payload.valid_until", message))
    return out


def _kind_problems(path: str, vehicle: Vehicle, kind: str, today: date) -> list[Problem]:
    """The vehicle's age for the kind, and the seats or load the kind needs."""
    out, badge = [], f"phù hiệu “{KIND_LABELS[kind]}”"
    age, limit = today.year - vehicle.year, age_limit(kind)
    if age < 0:
        out.append(problem(f"{path}.year", f"năm {vehicle.year} sau năm hiện tại ({today.year})"))
    elif age > limit:
        message = f"xe sản xuất năm {vehicle.year} đã {age} năm, quá niên hạn {limit} năm của {badge}"
        out.append(problem(f"{path}.year", message))
    if kind in GOODS_KINDS:
        key, value, (low, high), what = (
            "payload_kg",
            vehicle.payload_kg,
            PAYLOAD_KG,
            "khối lượng hàng chuyên chở (kg)",
        )
    else:
        key, value, (low, high), what = "seats", vehicle.seats, SEATS, "số chỗ"
    if value is None:
        out.append(problem(f"{path}.{key}", f"phải ghi {what}: {badge} cần {what} của xe"))
    elif not low <= value <= high:
        out.append(problem(f"{path}.{key}", f"phải từ {low} đến {high} (đang là {value})"))
    return out


def _lease_problems(path: str, vehicle: Vehicle, until: date | None) -> list[Problem]:
    if vehicle.ownership != "leased":
        return []
    out = []
    if vehicle.lease_file is None:
        out.append(problem(f"{path}.lease_file", "xe đi thuê phải kèm hợp đồng thuê xe"))
    if vehicle.lease_end is None:
        out.append(problem(f"{path}.lease_end", "xe đi thuê phải ghi ngày hết hạn hợp đồng thuê"))
    elif until is not None and vehicle.lease_end < until:
        message = (
            f"hợp đồng thuê xe hết hạn ngày {format_vn_date(vehicle.lease_end)}, trước ngày đề nghị "
            f"hiệu lực đến ({format_vn_date(until)}): phù hiệu không được dài hơn thời hạn thuê"
        )
        out.append(problem(f"{path}.lease_end", message))
    return out
