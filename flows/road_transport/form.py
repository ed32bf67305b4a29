"""What the badge portal's form receives: one value per control, keyed by the portal's own field names
(those of its JSON API, which its sandbox also stores), so "every field equal to the source" is a plain
comparison. :func:`map_dossier` (pure, no browser) turns a valid dossier into it.

The portal fills the business's name, tax code and address itself from the licence chosen in its
autocomplete; the form keeps the name and tax code the dossier states, which the flow compares with
what the portal filled in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PureWindowsPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from flows.road_transport.model import GOODS_KINDS, RoadTransportRequest, Vehicle, normal_plate
from rpa.domain.dates import format_vn_date
from rpa.domain.dossier import Attachment, Dossier
from rpa.domain.labels import problem
from rpa.domain.validation import read_part
from rpa.errors import InvalidDossier, Problem

__all__ = [
    "FILE_TYPES",
    "KIND_VALUES",
    "MAX_FILE_BYTES",
    "OWNERSHIP_VALUES",
    "RoadTransportForm",
    "Upload",
    "VehicleRow",
    "map_dossier",
    "salvage_problems",
]

KIND_VALUES: dict[str, str] = {
    "fixed_route": "tuyen_co_dinh",
    "bus": "xe_buyt",
    "taxi": "taxi",
    "contract": "hop_dong",
    "tourism": "du_lich",
    "truck": "xe_tai",
    "container": "container",
    "tractor": "dau_keo",
}
"""The portal's option value of each badge kind."""
OWNERSHIP_VALUES = {"owned": "so_huu", "leased": "thue"}
FILE_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
"""What the portal's file inputs take (it goes by the file's name)."""
MAX_FILE_BYTES = 5 * 1024 * 1024


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Upload(_Form):
    """A file to upload, as the portal keeps it (the attachment's name, SHA-256, size); ``path`` is
    where it is here (the worker's download may be named otherwise: the flow uploads it as ``name``)."""

    name: str
    sha256: str
    size: int
    path: Path | None = Field(default=None, exclude=True)


class VehicleRow(_Form):
    """One vehicle, typed in the "Thông tin phương tiện" dialog; None where the dialog hides the field
    (left out of its JSON, as the portal leaves it out of what it stores)."""

    bien_so: str  # upper case, no spaces
    nhan_hieu: str  # upper case, as the portal keeps it
    so_cho: int | None = None  # passenger kinds
    trong_tai_kg: int | None = None  # goods kinds
    nam_san_xuat: int
    so_huu: str  # "so_huu" | "thue"
    so_dang_ky_xe: str
    anh_dang_ky: Upload
    hop_dong_thue: Upload | None = None  # leased only
    thue_den: str | None = None  # dd/mm/yyyy, leased only

    @model_serializer(mode="wrap")
    def _shown_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}


class RoadTransportForm(_Form):
    """The application as typed; ``model_dump(mode="json")`` is what the portal stores of it (it adds
    the business's address from its own registry)."""

    so_giay_phep: str
    ten_doanh_nghiep: str  # the dossier's; the portal fills in its own, which must agree
    ma_so_thue: str
    nguoi_lien_he: str
    so_dien_thoai: str
    email: str  # "" for none
    loai_phu_hieu: str
    hieu_luc_den: str  # dd/mm/yyyy
    phuong_tien: list[VehicleRow]


def map_dossier(dossier: Dossier, *, require_files: bool = True) -> RoadTransportForm:
    """The portal's form for a valid dossier (its rules already checked). Pure: no browser.

    Raises:
        InvalidDossier: every scan the portal would not take, in Vietnamese: one the dossier does
            not hold, not a PDF, JPG or PNG, over 5 MB, or (``require_files``) not downloaded.
    """
    payload = dossier.payload
    assert isinstance(payload, RoadTransportRequest)
    files = _Files(dossier.attachments, require_files)
    rows = [_row(i, v, payload.badge_kind, files) for i, v in enumerate(payload.vehicles)]
    if files.problems:
        raise InvalidDossier(files.problems, dossier.code)
    return RoadTransportForm(
        so_giay_phep=payload.business.licence_number,
        ten_doanh_nghiep=" ".join(payload.business.name.upper().split()),
        ma_so_thue=payload.business.tax_code,
        nguoi_lien_he=" ".join(payload.contact.full_name.split()),
        so_dien_thoai=payload.contact.phone,
        email=payload.contact.email or "",
        loai_phu_hieu=KIND_VALUES[payload.badge_kind],
        hieu_luc_den=format_vn_date(payload.valid_until),
        phuong_tien=[row for row in rows if row is not None],
    )


def _row(i: int, vehicle: Vehicle, kind: str, files: _Files) -> VehicleRow | None:
    path = f"payload.vehicles.{i}"
    scan = files.find(f"{path}.registration_scan", vehicle.registration_scan)
    leased = vehicle.ownership == "leased"
    lease = files.find(f"{path}.lease_file", vehicle.lease_file) if leased and vehicle.lease_file else None
    if scan is None or (leased and lease is None):
        return None
    goods = kind in GOODS_KINDS
    return VehicleRow(
        bien_so=normal_plate(vehicle.plate),
        nhan_hieu=" ".join(vehicle.make.upper().split()),
        so_cho=None if goods else vehicle.seats,
        trong_tai_kg=vehicle.payload_kg if goods else None,
        nam_san_xuat=vehicle.year,
        so_huu=OWNERSHIP_VALUES[vehicle.ownership],
        so_dang_ky_xe="".join(vehicle.registration_number.split()).upper(),
        anh_dang_ky=scan,
        hop_dong_thue=lease,
        thue_den=format_vn_date(vehicle.lease_end) if leased and vehicle.lease_end else None,
    )


class _Files:
    """The dossier's attachments by name, and every problem found looking scans up among them."""

    def __init__(self, attachments: Sequence[Attachment], require_files: bool) -> None:
        self.attachments, self.require_files = attachments, require_files
        self.problems: list[Problem] = []

    def find(self, path: str, name: str) -> Upload | None:
        found = next((a for a in self.attachments if a.name == name), None)
        if found is None:
            self.problems.append(problem(path, f"hồ sơ không có tệp đính kèm “{name}”"))
            return None
        before = len(self.problems)
        if not found.name.lower().endswith(FILE_TYPES):
            self.problems.append(problem(path, f"cổng chỉ nhận tệp PDF, JPG hoặc PNG (tệp “{name}”)"))
        if found.size > MAX_FILE_BYTES:
            size = f"{found.size / 1024 / 1024:.1f}".replace(".", ",")
            self.problems.append(problem(path, f"cổng chỉ nhận tệp tối đa 5 MB (tệp “{name}” {size} MB)"))
        if found.file is None and self.require_files:
            self.problems.append(problem(path, f"tệp “{name}” chưa được tải về"))
        if len(self.problems) > before:
            return None
        base = PureWindowsPath(found.name).name
        return Upload(name=base, sha256=found.sha256, size=found.size, path=found.file)


def salvage_problems(
    data: Mapping[str, Any], attachments: list[Attachment] | None, require_files: bool
) -> list[Problem]:
    """What :func:`map_dossier` would refuse in the readable vehicles of a dossier that did not validate."""
    payload = data.get("payload")
    listed = payload.get("vehicles") if isinstance(payload, Mapping) else None
    if attachments is None or not isinstance(listed, list):
        return []
    files = _Files(attachments, require_files)
    for i, raw in enumerate(listed):
        vehicle = read_part(Vehicle, raw)
        if vehicle is not None:
            _row(i, vehicle, "truck", files)
    return files.problems
