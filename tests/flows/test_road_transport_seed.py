"""Seeded badge dossiers: about one in seven flawed, every flaw and trick within 100, businesses the
portal knows, deterministic, and mixed with the other procedures."""

from __future__ import annotations

from collections import Counter
from datetime import date

from rpa.sandbox.seed import TRANSPORT_FLAWS, TRANSPORT_TRICKS, generate
from rpa.sandbox.transport_businesses import by_licence

TODAY = date(2026, 12, 4)


def test_one_in_seven_is_flawed_and_100_hold_every_flaw_and_trick() -> None:
    dossiers = generate(5, 100, TODAY, procedures=["road_transport"])
    flaws = Counter(d.flaw for d in dossiers if d.flaw)
    assert sum(flaws.values()) == 14
    assert set(flaws) == set(TRANSPORT_FLAWS)
    assert {d.tricky for d in dossiers if d.tricky} == set(TRANSPORT_TRICKS)
    assert not any(d.flaw and d.tricky for d in dossiers)


def test_businesses_are_those_the_portal_knows_except_the_unknown_licence() -> None:
    for dossier in generate(6, 60, TODAY, procedures=["road_transport"]):
        business = dossier.data["payload"]["business"]
        known = by_licence(business["licence_number"])
        if dossier.flaw == "unknown_licence":
            assert known is None
            continue
        assert known is not None and (known.ten, known.ma_so_thue) == (business["name"], business["tax_code"])
        names = {a["name"] for a in dossier.data["attachments"]}
        for vehicle in dossier.data["payload"]["vehicles"]:
            assert vehicle["registration_scan"] in names
            assert vehicle["lease_file"] is None or vehicle["lease_file"] in names


def test_the_seed_is_deterministic_and_mixes_three_procedures() -> None:
    mixed = generate(8, 21, TODAY, procedures=["judicial_record", "business_registration", "road_transport"])
    again = generate(8, 21, TODAY, procedures=["judicial_record", "business_registration", "road_transport"])
    assert [d.data for d in mixed] == [d.data for d in again]
    assert [f.content for d in mixed for f in d.files] == [f.content for d in again for f in d.files]
    kinds = Counter(d.data["payload"]["kind"] for d in mixed)
    assert kinds == {"judicial_record": 7, "business_registration": 7, "road_transport": 7}
    assert any(d.flaw for d in mixed if d.data["payload"]["kind"] == "road_transport")
