"""From a badge dossier to the portal's form: the portal's own names and values, the scans found among
the attachments, and every scan the portal would not take listed at once, in Vietnamese."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flows.road_transport.form import RoadTransportForm
from rpa.errors import InvalidDossier
from rpa.procedures import read_form
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate

TODAY = date(2026, 12, 4)


def _seeded(trick: str) -> SeededDossier:
    return next(d for d in generate(11, 120, TODAY, procedures=["road_transport"]) if d.tricky == trick)


def _form(dossier: SeededDossier, folder: Path, data: dict[str, Any] | None = None) -> RoadTransportForm:
    for file in dossier.files:
        (folder / file.name).write_bytes(file.content)
    form = read_form(data or dossier.data, attachments_dir=folder, today=TODAY)
    assert isinstance(form, RoadTransportForm)
    return form


def test_a_leased_vehicle_maps_with_its_lease_and_the_portals_names(tmp_path: Path) -> None:
    dossier = _seeded("leased_vehicle")
    form = _form(dossier, tmp_path)
    payload = dossier.data["payload"]
    assert form.so_giay_phep == payload["business"]["licence_number"]
    assert form.ma_so_thue == payload["business"]["tax_code"]
    assert form.hieu_luc_den == payload["valid_until"]
    assert form.loai_phu_hieu in {
        "tuyen_co_dinh",
        "xe_buyt",
        "taxi",
        "hop_dong",
        "du_lich",
        "xe_tai",
        "container",
        "dau_keo",
    }
    first, vehicle = form.phuong_tien[0], payload["vehicles"][0]
    assert (first.bien_so, first.so_huu, first.thue_den) == (vehicle["plate"], "thue", vehicle["lease_end"])
    assert first.hop_dong_thue is not None and first.hop_dong_thue.path == tmp_path / vehicle["lease_file"]
    assert first.anh_dang_ky.path == tmp_path / vehicle["registration_scan"]
    stored = form.model_dump(mode="json")["phuong_tien"][0]
    assert "path" not in stored["anh_dang_ky"] and set(stored["anh_dang_ky"]) == {"name", "sha256", "size"}


def test_a_truck_states_its_load_and_no_seats(tmp_path: Path) -> None:
    form = _form(_seeded("truck_payload"), tmp_path)
    assert form.loai_phu_hieu == "xe_tai"
    assert all(row.trong_tai_kg and row.so_cho is None for row in form.phuong_tien)


def test_every_scan_the_portal_would_not_take_is_listed(tmp_path: Path) -> None:
    dossier = _seeded("several_vehicles")
    data = copy.deepcopy(dossier.data)
    vehicles = data["payload"]["vehicles"]
    vehicles[0]["registration_scan"] = "khong_co.pdf"
    attachment = next(a for a in data["attachments"] if a["name"] == vehicles[1]["registration_scan"])
    attachment["size"] = 6 * 1024 * 1024
    with pytest.raises(InvalidDossier) as error:
        _form(dossier, tmp_path, data)
    found = {(p.field, p.message.split(" (")[0].split("“")[0]) for p in error.value.problems}
    assert ("payload.vehicles.0.registration_scan", "hồ sơ không có tệp đính kèm ") in found
    assert ("payload.vehicles.1.registration_scan", "cổng chỉ nhận tệp tối đa 5 MB") in found


def test_a_scan_not_downloaded_is_refused_unless_files_are_not_required(tmp_path: Path) -> None:
    dossier = _seeded("four_digit_serial")
    with pytest.raises(InvalidDossier, match="chưa được tải về"):
        read_form(dossier.data, today=TODAY)
    form = read_form(dossier.data, today=TODAY, require_files=False)
    assert form.phuong_tien[0].anh_dang_ky.path is None
