"""Seeded vehicle-badge dossiers against the procedure itself: every valid one (awkward ones too) reads
and maps onto the portal's form through the engine's one path, every flawed one is refused at the
field its flaw documents (all problems at once), except the unknown licence, which only the portal
sees; businesses, kinds and dates are ones the portal accepts; the tricks are what they claim."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from flows.road_transport.form import KIND_VALUES, RoadTransportForm
from flows.road_transport.model import GOODS_KINDS, PLATE
from rpa.errors import InvalidDossier
from rpa.procedures import read_form
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import TRANSPORT_FLAWS, TRANSPORT_TRICKS, generate
from rpa.sandbox.transport_businesses import by_licence

TODAY = date(2026, 12, 4)
# The field (prefix) each flaw must make validation report; unknown_licence: none, only the portal sees it.
FLAW_FIELDS: dict[str, tuple[str, ...]] = {
    "plate_malformed": ("payload.vehicles.",),
    "vehicle_too_old": ("payload.vehicles.",),
    "licence_expired": ("payload.business.licence_expiry",),
    "plate_twice": ("payload.vehicles.",),
    "leased_without_lease": ("payload.vehicles.",),
    "validity_after_licence": ("payload.valid_until",),
    "seats_missing": ("payload.vehicles.",),
    "unknown_licence": (),
}
FLAW_ENDINGS: dict[str, tuple[str, ...]] = {
    "plate_malformed": (".plate",),
    "vehicle_too_old": (".year",),
    "plate_twice": (".plate",),
    "leased_without_lease": (".lease_file", ".lease_end"),
    "seats_missing": (".seats", ".payload_kg"),
}


@pytest.fixture(scope="module")
def badges() -> list[SeededDossier]:
    return generate(11, 100, TODAY, procedures=["road_transport"])


def _read(dossier: SeededDossier, folder: Path) -> RoadTransportForm:
    """The dossier read and mapped as the worker does, its files downloaded into ``folder``."""
    folder.mkdir()
    for file in dossier.files:
        (folder / file.name).write_bytes(file.content)
    form = read_form(dossier.data, attachments_dir=folder, today=TODAY)
    assert isinstance(form, RoadTransportForm)
    return form


def _day(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def test_every_flaw_and_trick_is_seeded_and_documented(badges: list[SeededDossier]) -> None:
    assert {d.flaw for d in badges} - {None} == set(TRANSPORT_FLAWS) == set(FLAW_FIELDS)
    assert {d.tricky for d in badges} - {None} == set(TRANSPORT_TRICKS)
    assert 0.09 <= sum(1 for d in badges if d.flaw) / len(badges) <= 0.2


def test_valid_dossiers_map_and_flawed_ones_are_refused_where_their_flaw_is(
    badges: list[SeededDossier], tmp_path: Path
) -> None:
    wrongly: list[str] = []
    for n, dossier in enumerate(badges):
        label = dossier.flaw or dossier.tricky or "valid"
        try:
            form = _read(dossier, tmp_path / str(n))
        except InvalidDossier as error:
            fields = [p.field for p in error.problems]
            if dossier.flaw is None or dossier.flaw == "unknown_licence":
                wrongly.append(f"{label} refused: {[str(p) for p in error.problems]}")
            elif not any(f.startswith(FLAW_FIELDS[dossier.flaw]) for f in fields):
                wrongly.append(f"{label} not caught where expected: {fields}")
            elif not any(f.endswith(FLAW_ENDINGS.get(dossier.flaw, ("",))) for f in fields):
                wrongly.append(f"{label} caught at another field: {fields}")
            continue
        if dossier.flaw not in (None, "unknown_licence"):
            wrongly.append(f"{label} mapped onto the form")
            continue
        payload = dossier.data["payload"]
        assert [v.bien_so for v in form.phuong_tien] == [v["plate"] for v in payload["vehicles"]]
        assert form.so_giay_phep == payload["business"]["licence_number"]
    assert wrongly == []


def test_valid_dossiers_name_a_business_whose_licence_covers_the_kind(badges: list[SeededDossier]) -> None:
    for dossier in badges:
        if dossier.flaw is not None:
            continue
        p = dossier.data["payload"]
        business = by_licence(p["business"]["licence_number"])
        assert business is not None
        filed = datetime.fromisoformat(dossier.data["received_at"]).date()
        assert (
            business.het_han >= max(filed, TODAY)
            and _day(p["business"]["licence_expiry"]) == business.het_han
        )
        assert KIND_VALUES[p["badge_kind"]] in business.loai_hinh
        assert TODAY < _day(p["valid_until"]) <= business.het_han


def test_tricks_are_what_they_claim(badges: list[SeededDossier]) -> None:
    for dossier in badges:
        p = dossier.data["payload"]
        first = p["vehicles"][0]
        if dossier.tricky == "leased_vehicle":
            assert first["ownership"] == "leased" and first["lease_file"]
            assert _day(first["lease_end"]) >= _day(p["valid_until"])
            assert first["lease_file"] in {f.name for f in dossier.files}
        elif dossier.tricky == "four_digit_serial":
            assert PLATE.fullmatch(first["plate"]) and "." not in first["plate"]
        elif dossier.tricky == "two_letter_series":
            assert first["plate"][2:4].isalpha()
        elif dossier.tricky == "former_kon_tum":
            assert p["business"]["licence_number"].startswith("82-")
            assert any(v["plate"].startswith("82") for v in p["vehicles"])
        elif dossier.tricky == "several_vehicles":
            assert len(p["vehicles"]) >= 4
        elif dossier.tricky == "truck_payload":
            assert p["badge_kind"] in GOODS_KINDS
            assert all(v["payload_kg"] and v.get("seats") is None for v in p["vehicles"])
