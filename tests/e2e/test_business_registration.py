"""Business registration end to end, in real headless Chromium against the WebForms sandbox portal.

The same promises as the judicial record: one scheduled run carries every accepted dossier of the
procedure; each valid one lands on the portal exactly once with every field equal to the source and
its receipt comes back to the provincial system; flawed ones stop with their reasons and nothing is
submitted (the registered name is found only by the portal's own name check, still before anything
is submitted); a bot killed right after the final click is settled by look-up, never a second
application; a postback the portal refuses as stale ("Trạng thái trang không hợp lệ") is a system
error retried from the start, and the dossier still goes once.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from helpers_e2e import kill_after_final_click

from rpa.domain import DossierStatus
from rpa.errors import InvalidDossier
from rpa.ledger import TransferState
from rpa.procedures import get_procedure, read_form
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

S = TransferState
NAME = "business_registration"
PORTAL = "dkkd"
SEED, COUNT = 2, 16


def key_of(form: dict[str, Any]) -> tuple[str, str]:
    """Which dossier an application is: the owner's identity number and the company's name."""
    return form["txtChuSoGiayTo"], " ".join(form["txtTenDoanhNghiep"].split())


@dataclass
class Run:
    world: World
    before: dict[str, dict[str, Any]]
    summary: dict[str, Any]

    def codes(self, *, valid: bool) -> list[str]:
        return sorted(
            code
            for code, d in self.before.items()
            if d["status"] == int(DossierStatus.ACCEPTED) and (d["flaw"] is None) == valid
        )


@pytest.fixture(scope="module")
def run(make_world: Callable[..., World]) -> Run:
    world = make_world("business")
    world.seed_procedures(SEED, COUNT, [NAME])
    before = world.dossiers()
    assert {d["data"]["payload"]["kind"] for d in before.values()} == {NAME}
    return Run(world, before, world.rpa_json("run", "--once"))


def test_the_seed_holds_valid_and_flawed_dossiers_of_the_procedure(run: Run) -> None:
    assert run.codes(valid=True) and run.codes(valid=False)
    assert get_procedure(NAME).portal == PORTAL


def test_one_application_per_valid_dossier_with_every_field_equal_to_the_source(
    run: Run, tmp_path: Path
) -> None:
    world = run.world
    applications = world.portal_applications(PORTAL)
    valid = run.codes(valid=True)
    assert len(applications) == len(valid), [a["receipt"] for a in applications]
    by_key = Counter(key_of(a["form"]) for a in applications)
    outcomes = {o["dossier_code"]: o for o in run.summary["outcomes"]}
    for code in valid:
        dossier = run.before[code]
        expected = read_form(
            dossier["data"], attachments_dir=world.download_attachments(code, tmp_path / code)
        )
        want = expected.model_dump(mode="json")
        key = key_of(want)
        assert by_key[key] == 1, f"{code}: {by_key[key]} applications for {key}"
        (stored,) = [a for a in applications if key_of(a["form"]) == key]
        assert outcomes[code]["state"] == "written_back", outcomes[code]
        assert stored["receipt"] == outcomes[code]["receipt_code"]
        differences = {k: (v, stored["form"].get(k)) for k, v in want.items() if stored["form"].get(k) != v}
        assert not differences, f"{code} ({dossier['tricky'] or 'plain'}): {differences}"


def test_receipts_are_written_back_once_with_the_agencys_note(run: Run) -> None:
    world = run.world
    agency = get_procedure(NAME).agency
    for code in run.codes(valid=True):
        transfer = world.transfer(code)
        assert transfer is not None and transfer.state is S.WRITTEN_BACK, (code, transfer)
        after = world.provincial_dossier(code)
        assert after["status"] == int(DossierStatus.PROCESSING)
        assert after["receipt_codes"] == [transfer.receipt_code]
        notes = [e["note"] for e in after["processing_log"] if e.get("receipt_code")]
        assert notes == [f"Đã chuyển {agency}, mã hồ sơ {transfer.receipt_code}"], notes
        assert len(world.sms(code)) == 1


def test_flawed_dossiers_are_parked_with_their_reasons_and_nothing_submitted(
    run: Run, tmp_path: Path
) -> None:
    world = run.world
    stored = {key_of(a["form"]) for a in world.portal_applications(PORTAL)}
    flaws = set()
    for code in run.codes(valid=False):
        dossier = run.before[code]
        flaws.add(dossier["flaw"])
        transfer = world.transfer(code)
        assert transfer is not None and transfer.state is S.FAILED_BUSINESS, (code, transfer)
        assert transfer.business_reasons and all(r.strip() for r in transfer.business_reasons)
        payload = dossier["data"]["payload"]
        owner = payload.get("owner") or {}
        number = (owner.get("identity") or {}).get("number")
        assert not any(k[0] == number for k in stored), f"{code} ({dossier['flaw']}) was submitted"
        assert world.dossiers()[code]["status"] == int(DossierStatus.ACCEPTED)
        if dossier["flaw"] == "name_registered":  # only the portal's name check can see it
            assert "đã được đăng ký" in " ".join(transfer.business_reasons), transfer.business_reasons
        else:
            with pytest.raises(InvalidDossier):
                read_form(dossier["data"], attachments_dir=world.download_attachments(code, tmp_path / code))
    assert len(flaws) >= 2


def test_a_second_run_submits_nothing(run: Run) -> None:
    before = run.world.portal_applications(PORTAL)
    again = run.world.rpa_json("run", "--once")
    assert run.world.portal_applications(PORTAL) == before
    assert all(o["state"] in ("written_back", "failed_business") for o in again["outcomes"]), again


def _valid_dossier(seed: int) -> Any:
    return next(
        d
        for d in generate(seed, 40, procedures=[NAME])
        if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)
    )


def test_a_kill_right_after_the_final_click_is_settled_by_lookup_never_twice(
    make_world: Callable[..., World],
) -> None:
    world = make_world("business-crash", lease_s=5.0)
    (code,) = world.add(_valid_dossier(5))
    bot = subprocess.Popen(
        world.command("transfer", code, "--json"),
        cwd=world.root,
        env=world.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    kill_after_final_click(world, code, PORTAL, bot)
    (application,) = world.portal_applications(PORTAL)
    crashed = world.transfer(code)
    assert crashed is not None and crashed.state is S.SUBMITTING and crashed.receipt_code is None
    assert crashed.lease_expires_at is not None
    time.sleep(max(0.0, (crashed.lease_expires_at - datetime.now(UTC)).total_seconds()) + 0.5)
    summary = world.rpa_json("run", "--once")
    (outcome,) = [o for o in summary["outcomes"] if o["dossier_code"] == code]
    assert (outcome["state"], outcome["receipt_code"]) == ("written_back", application["receipt"]), summary
    assert world.portal_applications(PORTAL) == [application], "the look-up must never submit again"
    path = [e.to_state for e in world.events(code)]
    assert S.UNCERTAIN in path and path[-1] is S.WRITTEN_BACK, path


def test_a_stale_view_state_is_retried_and_the_dossier_still_goes_once(
    make_world: Callable[..., World],
) -> None:
    world = make_world("business-stale", lease_s=5.0)
    world.reconfigure(retry={"base_delay_s": 0.1, "max_attempts": 5})
    (code,) = world.add(_valid_dossier(7))
    world.portal_knobs(PORTAL, stale_view_state_rate=1.0)  # every wizard postback: "trạng thái không hợp lệ"
    first = world.rpa_json("transfer", code, expect_exit=1)
    assert first["state"] == "failed_system" and "không hợp lệ" in (first["error"] or ""), first
    assert world.portal_applications(PORTAL) == []
    world.portal_knobs(PORTAL, stale_view_state_rate=0.0)
    time.sleep(0.5)
    second = world.rpa_json("transfer", code)
    assert second["state"] == "written_back", second
    assert len(world.portal_applications(PORTAL)) == 1
