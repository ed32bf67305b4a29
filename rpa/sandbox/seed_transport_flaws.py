"""Deliberate flaws and awkward-but-valid tricks of seeded vehicle-badge dossiers, in the style of
:mod:`rpa.sandbox.seed_flaws`: each flaw a business problem the bot reports in Vietnamese without
typing anything (``unknown_licence`` only the portal's licence look-up can find)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from flows.road_transport.limits import DEFAULT_AGE_LIMITS
from flows.road_transport.model import GOODS_KINDS
from rpa.sandbox.seed_transport import KIND_OF_VALUE, plate
from rpa.sandbox.transport_businesses import BUSINESSES, by_licence

__all__ = ["TRANSPORT_FLAWS", "TRANSPORT_TRICKS", "apply_transport_flaw"]

TRANSPORT_FLAWS: dict[str, str] = {
    "plate_malformed": (
        "Biển kiểm soát sai định dạng. / One plate is written 76A-12.345, 76A12345 or 7A-123.45; "
        "validation must report payload.vehicles.N.plate."
    ),
    "vehicle_too_old": (
        "Xe quá niên hạn cho loại phù hiệu. / One vehicle was made 1-5 years before the kind's age limit "
        "allows; validation must report payload.vehicles.N.year."
    ),
    "licence_expired": (
        "Giấy phép kinh doanh vận tải đã hết hạn. / The business is one whose licence expired; validation "
        "must report payload.business.licence_expiry."
    ),
    "plate_twice": (
        "Một biển kiểm soát hai lần trong hồ sơ. / The last vehicle repeats the first one's plate; "
        "validation must report payload.vehicles.N.plate."
    ),
    "leased_without_lease": (
        "Xe đi thuê thiếu hợp đồng thuê, hoặc hợp đồng hết hạn trước hiệu lực đề nghị. / A leased vehicle "
        "without its lease file, or whose lease ends before the validity asked; validation must report "
        "payload.vehicles.N.lease_file or lease_end."
    ),
    "validity_after_licence": (
        "Hiệu lực đề nghị sau ngày hết hạn giấy phép. / valid_until is 1-200 days after the licence "
        "expires; validation must report payload.valid_until."
    ),
    "seats_missing": (
        "Thiếu số chỗ (xe khách) hoặc khối lượng hàng (xe tải). / One vehicle lacks the seats or load its "
        "badge kind needs; validation must report payload.vehicles.N.seats or payload_kg."
    ),
    "unknown_licence": (
        "Số giấy phép không có trên cổng. / A well-formed licence number the portal's registry lacks; no "
        "rule of the bot sees it, the portal's licence look-up finds nothing and nothing is submitted."
    ),
}

TRANSPORT_TRICKS: dict[str, str] = {
    "leased_vehicle": (
        "Xe đi thuê có hợp đồng thuê. / The first vehicle is leased, with its lease file and a lease that "
        "runs at least until the validity asked."
    ),
    "four_digit_serial": "Biển số 4 chữ số. / The first vehicle's plate has a 4-digit serial (76A-1234).",
    "two_letter_series": (
        "Biển số sê-ri hai chữ cái. / The first vehicle's plate has a two-letter series (76LD-012.34)."
    ),
    "former_kon_tum": (
        "Doanh nghiệp và xe của tỉnh Kon Tum cũ. / An 82- licence (former Kon Tum, merged into Quảng Ngãi), "
        "its vehicles mostly on 82 plates."
    ),
    "several_vehicles": "Nhiều phương tiện. / Four to six vehicles in one application.",
    "truck_payload": "Xe tải ghi khối lượng hàng. / A truck badge: each vehicle states its load in kg.",
}


def _unknown_licence(rng: random.Random) -> str:
    while True:
        number = f"{rng.choice(('76', '82'))}-{rng.randint(0, 999_999):06d}"
        if by_licence(number) is None:
            return number


def _expired(data: dict[str, Any], rng: random.Random, today: date) -> None:
    payload = data["payload"]
    kind = payload["badge_kind"]
    expired = [b for b in BUSINESSES if b.het_han < today]
    fitting = [b for b in expired if any(KIND_OF_VALUE[v] == kind for v in b.loai_hinh)] or expired
    business = rng.choice(fitting)
    payload["business"] = {
        "licence_number": business.so_giay_phep,
        "licence_expiry": business.het_han.strftime("%d/%m/%Y"),
        "name": business.ten,
        "tax_code": business.ma_so_thue,
    }


def apply_transport_flaw(kind: str, data: dict[str, Any], rng: random.Random, today: date) -> None:
    """Break ``data`` in the way ``TRANSPORT_FLAWS[kind]`` documents."""
    payload = data["payload"]
    vehicles = payload["vehicles"]
    vehicle = rng.choice(vehicles)
    if kind == "plate_malformed":
        good = vehicle["plate"]
        head, serial = good.split("-")
        digits = serial.replace(".", "")
        vehicle["plate"] = rng.choice(
            (f"{head}-{digits[:2]}.{digits[2:]}", f"{head}{serial}", f"{head[1:]}-{serial}")
        )
    elif kind == "vehicle_too_old":
        vehicle["year"] = today.year - DEFAULT_AGE_LIMITS[payload["badge_kind"]] - rng.randint(1, 5)
    elif kind == "licence_expired":
        _expired(data, rng, today)
    elif kind == "plate_twice":
        if len(vehicles) == 1:
            vehicles.append({**vehicles[0], "plate": plate(rng, "76"), "registration_number": "770011"})
        vehicles[-1]["plate"] = vehicles[0]["plate"]
    elif kind == "leased_without_lease":
        vehicle["ownership"] = "leased"
        valid_until = datetime.strptime(payload["valid_until"], "%d/%m/%Y").date()
        if rng.random() < 0.5:
            vehicle["lease_file"] = None
            vehicle["lease_end"] = (valid_until + timedelta(days=90)).strftime("%d/%m/%Y")
        else:
            vehicle["lease_file"] = f"hop_dong_thue_xe_{vehicle['registration_number']}.pdf"
            vehicle["lease_end"] = (valid_until - timedelta(days=rng.randint(1, 20))).strftime("%d/%m/%Y")
    elif kind == "validity_after_licence":
        expiry = datetime.strptime(payload["business"]["licence_expiry"], "%d/%m/%Y").date()
        payload["valid_until"] = (expiry + timedelta(days=rng.randint(1, 200))).strftime("%d/%m/%Y")
    elif kind == "seats_missing":
        vehicle["payload_kg" if payload["badge_kind"] in GOODS_KINDS else "seats"] = None
    elif kind == "unknown_licence":
        payload["business"]["licence_number"] = _unknown_licence(rng)
    else:
        raise ValueError(f"unknown flaw {kind!r}")
