"""Builds one valid vehicle-badge dossier (procedure ``1.002859``) as a JSON dict, optionally with an
awkward-but-valid trick.

The business is one of :mod:`rpa.sandbox.transport_businesses` (the registry the portal ``vantai``
knows) whose licence is still valid, asking for a badge kind its licence covers, valid until a day
before the licence expires; its vehicles carry plates of Quảng Ngãi (76) or the former Kon Tum (82),
are young enough for the kind, and come with their registration scans (and, when leased, the lease).
The applicant is the business's contact person.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import Any

from PIL import Image, ImageDraw

from flows.road_transport.form import KIND_VALUES
from flows.road_transport.limits import DEFAULT_AGE_LIMITS
from flows.road_transport.model import GOODS_KINDS, KIND_LABELS, PROCEDURE_CODE, PROCEDURE_NAME
from rpa.sandbox import seed_names as names
from rpa.sandbox.records import SeedFile
from rpa.sandbox.seed_dossier import _kinh_name, _received_at, working_days_after
from rpa.sandbox.seed_files import _image_font, _pdf, _text
from rpa.sandbox.seed_person import NameCycle, Person, birth_date, identity
from rpa.sandbox.seed_places import address_text, pick_home
from rpa.sandbox.seed_text import ascii_fold
from rpa.sandbox.transport_businesses import BUSINESSES, TransportBusiness

__all__ = [
    "DUE_WORKING_DAYS",
    "KIND_OF_VALUE",
    "build_badge_dossier",
    "plate",
    "transport_files",
    "valid_businesses",
]

DUE_WORKING_DAYS = 2
KIND_OF_VALUE = {value: kind for kind, value in KIND_VALUES.items()}
"""Our badge kind of each of the portal's (and the registry's) kind values."""
_SERIES = "ABCDEFGHKLMNPRSTUVXZ"
_TWO_LETTER_SERIES = ("LD", "KT", "NG")  # joint-venture, economic-zone and foreign-body series
_MAKES = {
    "taxi": ("TOYOTA VIOS", "VINFAST VF5", "KIA MORNING", "HYUNDAI ACCENT", "MITSUBISHI XPANDER"),
    "bus": ("THACO", "SAMCO", "HYUNDAI COUNTY", "TRACOMECO"),
    "passenger": ("THACO", "HYUNDAI SOLATI", "FORD TRANSIT", "SAMCO", "TOYOTA HIACE", "KIA CARNIVAL"),
    "goods": ("HINO", "ISUZU", "HOWO", "THACO OLLIN", "CHENGLONG", "DONGFENG", "HYUNDAI MIGHTY"),
}
_SEATS = {"taxi": (4, 5, 7), "bus": (40, 47, 60, 80), "passenger": (16, 29, 35, 45)}


def valid_businesses(today: date, kinds: tuple[str, ...] | None = None) -> list[TransportBusiness]:
    """Businesses whose licence runs at least 60 more days (room for a validity after today)."""
    return [
        b
        for b in BUSINESSES
        if b.het_han > today + timedelta(days=60) and (kinds is None or set(kinds) & set(b.loai_hinh))
    ]


def plate(rng: random.Random, province: str, *, four_digits: bool = False, two_letters: bool = False) -> str:
    """A plate such as ``76A-123.45``, ``76A-1234`` or ``76LD-012.34``."""
    series = rng.choice(_TWO_LETTER_SERIES) if two_letters else rng.choice(_SERIES)
    number = rng.randint(0, 99_999)
    serial = f"{number % 10_000:04d}" if four_digits else f"{number // 100:03d}.{number % 100:02d}"
    return f"{province}{series}-{serial}"


def _slug(plate_text: str) -> str:
    return "".join(c for c in plate_text if c.isalnum())


def _vehicle(
    rng: random.Random, kind: str, plate_text: str, today: date, leased_until: date | None
) -> dict[str, Any]:
    group = kind if kind in ("taxi", "bus") else "goods" if kind in GOODS_KINDS else "passenger"
    if kind == "truck":
        load: dict[str, Any] = {"payload_kg": rng.choice((1_490, 2_400, 4_950, 8_200, 15_000))}
    elif kind in GOODS_KINDS:
        load = {"payload_kg": rng.choice((25_000, 30_500, 38_000))}
    else:
        load = {"seats": rng.choice(_SEATS[group])}
    scan = f"dang_ky_xe_{_slug(plate_text)}.{rng.choice(('pdf', 'pdf', 'jpg', 'png'))}"
    vehicle = {
        "plate": plate_text,
        "make": rng.choice(_MAKES[group]),
        **load,
        "year": today.year - rng.randint(0, DEFAULT_AGE_LIMITS[kind] - 1),
        "ownership": "owned" if leased_until is None else "leased",
        "registration_number": f"{rng.randint(0, 999_999):06d}",
        "registration_scan": scan,
        "lease_file": None,
        "lease_end": None,
    }
    if leased_until is not None:
        vehicle["lease_file"] = f"hop_dong_thue_xe_{_slug(plate_text)}.pdf"
        vehicle["lease_end"] = _day(leased_until)
    return vehicle


def _business(rng: random.Random, today: date, trick: str | None) -> TransportBusiness:
    wanted = {"truck_payload": ("xe_tai",), "several_vehicles": None}.get(trick or "")
    pool = valid_businesses(today, wanted)
    if trick == "former_kon_tum":
        pool = [b for b in pool if b.so_giay_phep.startswith("82-")]
    return rng.choice(pool)


def build_badge_dossier(
    rng: random.Random, cycle: NameCycle, today: date, trick: str | None
) -> dict[str, Any]:
    """A valid dossier; ``code`` and ``attachments`` are filled in later by the caller."""
    received = _received_at(rng, today)
    business = _business(rng, today, trick)
    value = "xe_tai" if trick == "truck_payload" else rng.choice(business.loai_hinh)
    kind = KIND_OF_VALUE[value]
    latest = min(business.het_han, today + timedelta(days=730))
    until = today + timedelta(days=rng.randint(31, (latest - today).days))
    count = rng.randint(4, 6) if trick == "several_vehicles" else rng.choice((1, 1, 1, 2, 2, 3))
    province = business.so_giay_phep[:2]
    vehicles: list[dict[str, Any]] = []
    plates: set[str] = set()
    while len(vehicles) < count:
        text = plate(
            rng,
            province if rng.random() < 0.85 else rng.choice(("76", "82")),
            four_digits=trick == "four_digit_serial" and not vehicles,
            two_letters=trick == "two_letter_series" and not vehicles,
        )
        if text in plates:
            continue
        plates.add(text)
        leased = (trick == "leased_vehicle" and not vehicles) or rng.random() < 0.08
        lease_end = until + timedelta(days=rng.randint(0, 400)) if leased else None
        vehicles.append(_vehicle(rng, kind, text, today, lease_end))
    sex = rng.choice(("male", "female"))
    person = Person(
        _kinh_name(rng, cycle, sex, applicant=True), sex, birth_date(rng, today.year - rng.randint(25, 60))
    )
    home = pick_home(rng, "62" if province == "82" else "51")
    phone = rng.choice(names.PHONE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
    email = None
    if rng.random() < 0.4:
        email = (
            "dieuhanh."
            + "".join(c for c in ascii_fold(business.ten).lower().split()[-1] if c.isalnum())
            + "@gmail.com"
        )
    return {
        "code": "",
        "procedure_code": PROCEDURE_CODE,
        "procedure_name": PROCEDURE_NAME,
        "received_at": received.isoformat(),
        "due_at": working_days_after(received, DUE_WORKING_DAYS).isoformat(),
        "status": 1 if rng.random() < 0.1 else 2,
        "channel": rng.choices(("online", "direct", "post"), (6, 3, 1))[0],
        "applicant": {
            "full_name": person.full_name,
            "other_name": None,
            "sex": sex,
            "birth_date": person.birth_text,
            "birth_place": address_text({**home.legacy, "street": None}),
            "nationality": "VN",
            "ethnicity": "01",
            "identity": identity(
                rng, person, home.current["province_code"] if rng.random() < 0.7 else "51", today
            ),
            "permanent_address": home.current,
            "temporary_address": None,
            "phone": phone,
            "email": email,
        },
        "attachments": [],
        "payload": {
            "kind": "road_transport",
            "business": {
                "licence_number": business.so_giay_phep,
                "licence_expiry": _day(business.het_han),
                "name": business.ten,
                "tax_code": business.ma_so_thue,
            },
            "badge_kind": kind,
            "valid_until": _day(until),
            "vehicles": vehicles,
            "contact": {"full_name": person.full_name, "phone": phone, "email": email},
        },
    }


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def transport_files(data: dict[str, Any], jpeg: bool) -> list[SeedFile]:
    """The application (giấy đề nghị), each vehicle's registration scan and each lease named in the
    (maybe flawed) dossier as it stands."""
    payload = data["payload"]
    business = payload["business"]
    files = [_application(data)]
    named = {f.name for f in files}
    for vehicle in payload["vehicles"]:
        wanted = [
            (
                vehicle["registration_scan"],
                "GIẤY CHỨNG NHẬN ĐĂNG KÝ XE Ô TÔ",
                "Số đăng ký",
                vehicle["registration_number"],
            )
        ]
        if vehicle.get("lease_file"):
            wanted.append(
                (
                    vehicle["lease_file"],
                    "HỢP ĐỒNG THUÊ PHƯƠNG TIỆN",
                    "Thuê đến ngày",
                    vehicle.get("lease_end") or "",
                )
            )
        for name, title, label, value in wanted:
            if name in named:
                continue
            named.add(name)
            lines = [
                ("Biển kiểm soát", str(vehicle["plate"])),
                ("Nhãn hiệu", vehicle["make"]),
                ("Năm sản xuất", str(vehicle["year"])),
                ("Chủ xe / bên thuê", business["name"]),
                (label, value),
            ]
            files.append(_document(name, title, lines))
    return files


def _document(name: str, title: str, lines: list[tuple[str, str]]) -> SeedFile:
    """A PDF, or a photographed page when the name says JPG or PNG."""
    if name.endswith(".pdf"):
        return SeedFile(name, "application/pdf", _pdf(title, lines))
    image = Image.new("L", (420, 40 + 22 * len(lines)), 240)
    draw = ImageDraw.Draw(image)
    draw.text((12, 10), _text(title), fill=20, font=_image_font(13))
    for i, (label, value) in enumerate(lines):
        draw.text((12, 40 + 22 * i), _text(f"{label}: {value}"), fill=0, font=_image_font(12))
    buffer = io.BytesIO()
    jpeg = name.endswith(".jpg")
    image.save(buffer, "JPEG" if jpeg else "PNG", **({"quality": 70} if jpeg else {}))
    return SeedFile(name, "image/jpeg" if jpeg else "image/png", buffer.getvalue())


def _application(data: dict[str, Any]) -> SeedFile:
    payload = data["payload"]
    business = payload["business"]
    lines = [
        ("Mã hồ sơ", data["code"]),
        ("Tên doanh nghiệp/HTX", business["name"]),
        ("Số giấy phép kinh doanh vận tải", business["licence_number"]),
        ("Mã số thuế", business["tax_code"]),
        ("Loại phù hiệu", KIND_LABELS.get(payload["badge_kind"], str(payload["badge_kind"]))),
        ("Đề nghị hiệu lực đến", payload["valid_until"]),
    ]
    for i, vehicle in enumerate(payload["vehicles"], start=1):
        lines.append((f"Phương tiện {i}", f"{vehicle['plate']} – {vehicle['make']} – {vehicle['year']}"))
    lines.append(("Người liên hệ", f"{payload['contact']['full_name']} – {payload['contact']['phone']}"))
    title = "GIẤY ĐỀ NGHỊ CẤP PHÙ HIỆU XE Ô TÔ KINH DOANH VẬN TẢI"
    return SeedFile("giay_de_nghi_cap_phu_hieu.pdf", "application/pdf", _pdf(title, lines))
