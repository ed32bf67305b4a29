"""Vehicle badges end to end, in real headless Chromium against the single-page sandbox portal.

The promises of the other procedures: one scheduled run carries every accepted badge dossier; each
valid one lands on the portal exactly once with every field equal to the source (its scans by name,
digest and size) and its receipt comes back to the provincial system; flawed ones stop with their
reasons and nothing is submitted (an unknown licence is found only by the portal's licence look-up,
still before anything is submitted); a bot killed right after the final click, or whose answer was
lost with its toast, is settled by look-up and never files twice; a login token that ran out between
runs or in the middle of one is a new login, never a second application nor a changed portal.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from helpers_e2e import SeededRun, kill_after_final_click, wait_for

from rpa.domain import DossierStatus
from rpa.errors import InvalidDossier
from rpa.ledger import TransferState
from rpa.procedures import get_procedure, read_form
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

S = TransferState
NAME = "road_transport"
PORTAL = "vantai"
SEED, COUNT = 4, 16


def key_of(form: dict[str, Any]) -> tuple[str, str]:
    """Which dossier an application is: the licence and the plates."""
    return form["so_giay_phep"], ", ".join(sorted(v["bien_so"] for v in form["phuong_tien"]))


@pytest.fixture(scope="module")
def run(make_world: Callable[..., World]) -> SeededRun:
    world = make_world("transport")
    world.seed_procedures(SEED, COUNT, [NAME])
    before = world.dossiers()
    assert {d["data"]["payload"]["kind"] for d in before.values()} == {NAME}
    return SeededRun(world, before, world.rpa_json("run", "--once"))


def test_the_seed_holds_valid_and_flawed_dossiers_of_the_procedure(run: SeededRun) -> None:
    assert run.codes(valid=True) and run.codes(valid=False)
    assert get_procedure(NAME).portal == PORTAL


def test_one_application_per_valid_dossier_with_every_field_equal_to_the_source(
    run: SeededRun, tmp_path: Path
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
        got = {k: stored["form"].get(k) for k in want}
        differences = {k: (v, got[k]) for k, v in want.items() if got[k] != v}
        assert not differences, f"{code} ({dossier['tricky'] or 'plain'}): {differences}"


def test_receipts_are_written_back_once_with_the_agencys_note(run: SeededRun) -> None:
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
        (sms,) = world.sms(code)
        assert "So Xay dung" in sms["text"], sms


def test_flawed_dossiers_are_parked_with_their_reasons_and_nothing_submitted(
    run: SeededRun, tmp_path: Path
) -> None:
    world = run.world
    licences = {a["form"]["so_giay_phep"] for a in world.portal_applications(PORTAL)}
    flaws = set()
    for code in run.codes(valid=False):
        dossier = run.before[code]
        flaws.add(dossier["flaw"])
        transfer = world.transfer(code)
        assert transfer is not None and transfer.state is S.FAILED_BUSINESS, (code, transfer)
        assert transfer.business_reasons and all(r.strip() for r in transfer.business_reasons)
        licence = dossier["data"]["payload"]["business"]["licence_number"]
        plates = {v["plate"] for v in dossier["data"]["payload"]["vehicles"]}
        assert not any(
            a["form"]["so_giay_phep"] == licence and plates & {v["bien_so"] for v in a["form"]["phuong_tien"]}
            for a in world.portal_applications(PORTAL)
        ), f"{code} ({dossier['flaw']}) was submitted"
        assert world.dossiers()[code]["status"] == int(DossierStatus.ACCEPTED)
        if dossier["flaw"] == "unknown_licence":  # only the portal's licence look-up can see it
            assert licence not in licences
            assert "không tìm thấy doanh nghiệp" in " ".join(transfer.business_reasons), (
                transfer.business_reasons
            )
        else:
            with pytest.raises(InvalidDossier):
                read_form(dossier["data"], attachments_dir=world.download_attachments(code, tmp_path / code))
    assert len(flaws) >= 2


def test_a_second_run_submits_nothing(run: SeededRun) -> None:
    before = run.world.portal_applications(PORTAL)
    again = run.world.rpa_json("run", "--once")
    assert run.world.portal_applications(PORTAL) == before
    assert all(o["state"] in ("written_back", "failed_business") for o in again["outcomes"]), again


def _valid_dossiers(seed: int, count: int = 1, trick: str | None = None) -> list[Any]:
    found = [
        d
        for d in generate(seed, 60, procedures=[NAME])
        if d.flaw is None
        and d.data["status"] == int(DossierStatus.ACCEPTED)
        and (trick is None or d.tricky == trick)
    ]
    return found[:count]


def _in_state(world: World, code: str, state: TransferState) -> Callable[[], bool]:
    def check() -> bool:
        transfer = world.transfer(code)
        return transfer is not None and transfer.state is state

    return check


def _bot(world: World, code: str) -> subprocess.Popen[str]:
    command = world.command("transfer", code, "--json")
    out = subprocess.DEVNULL
    return subprocess.Popen(command, cwd=world.root, env=world.env(), stdout=out, stderr=out, text=True)


def _settle(world: World, code: str, runs: int = 3) -> tuple[str, str | None]:
    """Run the queue until the dossier is written back (a look-up may queue it again once); its state
    and receipt in the ledger."""
    for _ in range(runs):
        transfer = world.transfer(code)
        assert transfer is not None
        if transfer.state is S.WRITTEN_BACK:
            break
        world.rpa_json("run", "--once")
        time.sleep(1.0)
    transfer = world.transfer(code)
    assert transfer is not None
    return transfer.state.value, transfer.receipt_code


def test_a_kill_right_after_the_final_click_is_settled_by_lookup_never_twice(
    make_world: Callable[..., World],
) -> None:
    world = make_world("transport-crash", lease_s=5.0)
    (code,) = world.add(*_valid_dossiers(5))
    kill_after_final_click(world, code, PORTAL, _bot(world, code))
    (application,) = world.portal_applications(PORTAL)
    crashed = world.transfer(code)
    assert crashed is not None and crashed.state is S.SUBMITTING and crashed.receipt_code is None
    assert crashed.lease_expires_at is not None
    time.sleep(max(0.0, (crashed.lease_expires_at - datetime.now(UTC)).total_seconds()) + 0.5)
    assert _settle(world, code) == ("written_back", application["receipt"])
    assert world.portal_applications(PORTAL) == [application], "the look-up must never submit again"
    path = [e.to_state for e in world.events(code)]
    assert S.UNCERTAIN in path and path[-1] is S.WRITTEN_BACK, path


@pytest.mark.parametrize("mode", ["gateway", "drop"])
def test_an_answer_lost_after_storing_is_settled_by_lookup(
    make_world: Callable[..., World], mode: str
) -> None:
    """The portal stored the application, then the gateway answered 502 or dropped the connection: the
    page shows a toast that is gone four seconds later, the click's outcome is unknown, the post (with
    its scans) was sent once, and only the look-up settles it."""
    world = make_world(f"transport-lost-{mode}", lease_s=5.0)
    (code,) = world.add(*_valid_dossiers(6))
    world.portal_knobs(PORTAL, lost_answer_rate=1.0, lost_answer_mode=mode)
    first = world.rpa_json("transfer", code, expect_exit=None)
    world.portal_knobs(PORTAL, lost_answer_rate=0.0)
    (application,) = world.portal_applications(PORTAL)
    assert first["state"] != "failed_business", first
    assert _settle(world, code) == ("written_back", application["receipt"])
    assert world.portal_applications(PORTAL) == [application]
    path = [e.to_state for e in world.events(code)]
    assert S.UNCERTAIN in path, path
    assert not any(r.get("drift") for r in world.log_records()), "a lost answer is not a changed portal"


def _logins(world: World) -> int:
    return sum(
        1 for r in world.log_records() if r.get("name") == "login.username" and r.get("step") == "fill"
    )


def test_a_token_that_ran_out_between_runs_is_a_new_login(make_world: Callable[..., World]) -> None:
    world = make_world("transport-token", lease_s=5.0)
    first, second = world.add(*_valid_dossiers(7, count=2))
    assert world.rpa_json("transfer", first)["state"] == "written_back"
    assert _logins(world) == 1
    url = world.running.urls[PORTAL]
    httpx.post(f"{url}/_sandbox/reset", timeout=10).raise_for_status()  # a new signing key: every token dies
    world.portal_knobs(PORTAL, captcha=False)
    assert world.rpa_json("transfer", second)["state"] == "written_back"
    assert _logins(world) == 2, "the saved login state's token was refused: the bot signs in again"
    assert len(world.portal_applications(PORTAL)) == 1


def test_a_token_that_runs_out_mid_run_is_a_new_login_and_one_application(
    make_world: Callable[..., World],
) -> None:
    world = make_world("transport-midrun", lease_s=5.0)
    world.reconfigure(retry={"base_delay_s": 0.1, "max_attempts": 5})
    (code,) = world.add(*_valid_dossiers(8, trick="several_vehicles"))
    world.portal_knobs(PORTAL, latency_ms=150)
    bot = _bot(world, code)
    try:
        wait_for("the form", _in_state(world, code, S.FILLING), 240, bot)
        world.portal_knobs(PORTAL, session_idle_s=0.05)  # the page's token is now too old

        def again() -> bool:
            return any("logging in again" in str(r.get("message")) for r in world.log_records())

        wait_for("a new login", lambda: again() or bot.poll() is not None, 240, bot)
    finally:
        world.portal_knobs(PORTAL, session_idle_s=900, latency_ms=0)
        bot.wait(timeout=300)
    state, receipt = _settle(world, code)
    trail = [(e.to_state.value, e.reason) for e in world.events(code)]
    assert state == "written_back", trail
    (application,) = world.portal_applications(PORTAL)
    assert (state, receipt) == ("written_back", application["receipt"])
    assert not any(r.get("drift") for r in world.log_records()), "a lost login is not a changed portal"
    assert _logins(world) >= 2


def test_the_status_sync_carries_each_badge_status_to_the_provincial_system(
    make_world: Callable[..., World],
) -> None:
    world = make_world("transport-sync", lease_s=5.0)
    issued, refused, supplement = world.add(*_valid_dossiers(9, count=3))
    world.rpa_json("run", "--once")
    receipts = {code: world.transfer(code).receipt_code for code in (issued, refused, supplement)}  # type: ignore[union-attr]
    url = world.running.urls[PORTAL]

    def advance(code: str, to: str, reason: str | None = None) -> None:
        body = {"receipt": receipts[code], "to": to, "reason": reason}
        httpx.post(f"{url}/_sandbox/advance", json=body, timeout=10).raise_for_status()

    advance(issued, "processing")
    advance(issued, "issued")
    advance(refused, "refused", "Xe chưa được kiểm định an toàn kỹ thuật")
    advance(supplement, "supplement_requested", "Bổ sung giấy đăng ký xe bản rõ nét")
    world.rpa_json("sync", "--once")
    agency = get_procedure(NAME).agency
    badges = world.portal_applications(PORTAL)
    numbers = next(a["badges"] for a in badges if a["receipt"] == receipts[issued])
    after = {code: world.provincial_dossier(code) for code in receipts}
    assert after[issued]["status"] == int(DossierStatus.FINISHED)
    note = after[issued]["processing_log"][-1]["note"]
    assert note.startswith(f"{agency} đã cấp phù hiệu") and all(b["so_phu_hieu"] in note for b in numbers), (
        note
    )
    assert after[refused]["status"] == int(DossierStatus.STOPPED)
    assert "Xe chưa được kiểm định" in after[refused]["processing_log"][-1]["note"]
    assert after[supplement]["status"] == int(DossierStatus.SUPPLEMENT_REQUESTED)
    assert "Bổ sung giấy đăng ký xe bản rõ nét" in after[supplement]["processing_log"][-1]["note"]
