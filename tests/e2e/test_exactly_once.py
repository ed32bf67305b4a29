"""The hostile review's cases against the real sandbox, the real CLI and headless Chromium (issue 11).

Each test reproduces one way the review broke "never twice, never lost, never the wrong receipt" and
checks it no longer does: someone else's receipt taken by a look-up, a withdrawn dossier submitted
anyway, a status label taken for a receipt code after a portal redesign, one malformed dossier code
crashing every run.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import yaml

from flows import SELECTORS_DIR
from flows.judicial_record import FLOW
from rpa.domain import DossierStatus
from rpa.ledger import Ledger, TransferState
from rpa.operations.alerts import read_alerts
from rpa.sandbox.cli import bot_config
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

S = TransferState
ACCEPTED = int(DossierStatus.ACCEPTED)


def _accepted(seed: int, count: int = 1) -> list[SeededDossier]:
    found = [d for d in generate(seed, 40) if d.flaw is None and d.tricky is None][:count]
    for dossier in found:
        dossier.data["status"] = ACCEPTED
    return found


def _withdraw(world: World, code: str) -> None:
    """A clerk sets the dossier to 7 (withdrawn at the citizen's request) through the provincial API."""
    with httpx.Client(base_url=world.provincial, timeout=30) as client:
        token = client.post("/api/auth/token", data={"username": "rpa.bot", "password": "RpaBot@2025"})
        client.headers["Authorization"] = f"Bearer {token.raise_for_status().json()['access_token']}"
        body = {"status": 7, "note": "Công dân xin rút hồ sơ", "receipt_code": None, "actor": "clerk:test"}
        client.put(f"/api/dossiers/{code}/status", json=body).raise_for_status()


def _commit_submitting_then_die(world: World, code: str) -> None:
    """Dossier ``code`` as a worker leaves it when killed between committing ``submitting`` and the click."""
    with Ledger(world.settings.ledger_url) as ledger:
        ledger.enqueue(code, FLOW, actor="scheduler")
        transfer = ledger.claim("ghost", lease_s=0.5, dossier_code=code)
        assert transfer is not None
        ledger.transition(transfer.id, S.SUBMITTING, actor="worker:ghost", worker_id="ghost", reason="click")
    time.sleep(1.0)  # the dead worker's lease runs out


def test_a_lookup_never_takes_the_receipt_of_another_dossier_of_the_same_person(
    make_world: Callable[..., World],
) -> None:
    world = make_world("same-person")
    (x_data,) = _accepted(11)
    y_data = SeededDossier(copy.deepcopy(x_data.data), list(x_data.files), None, None)
    y_data.data["payload"]["purpose"] = "Bổ sung hồ sơ du học"
    x, y = world.add(x_data, y_data)
    number = world.dossiers()[x]["identity_number"]

    # X: committed `submitting`, but its final click never happened. Y: then submitted normally.
    _commit_submitting_then_die(world, x)
    assert world.rpa_json("transfer", y)["state"] == "written_back"
    y_receipt = world.transfer(y).receipt_code  # type: ignore[union-attr]

    # Settling X must not take Y's application: X is proved absent and typed once, later.
    world.rpa_json("run", "--once")
    settled = world.transfer(x)
    assert settled is not None and settled.receipt_code != y_receipt, "X took Y's receipt"
    assert settled.state is S.QUEUED, settled.state
    assert world.sms(x) == []
    back_off = settled.next_attempt_at
    assert back_off is not None and back_off > datetime.now(UTC), "a requeue after 'absent' waits"

    time.sleep(max(0.0, (back_off - datetime.now(UTC)).total_seconds()) + 0.2)
    world.rpa_json("run", "--once")
    done = world.transfer(x)
    assert done is not None and done.state is S.WRITTEN_BACK
    mine = {a["receipt"]: a["form"]["purpose"] for a in world.applications_of(number)}
    assert mine == {y_receipt: "Bổ sung hồ sơ du học", done.receipt_code: x_data.data["payload"]["purpose"]}
    assert done.receipt_code in str(world.sms(x)) and y_receipt not in str(world.sms(x))


def test_a_dossier_withdrawn_while_queued_is_never_typed_and_keeps_its_status(
    make_world: Callable[..., World],
) -> None:
    world = make_world("withdrawn")
    (dossier,) = _accepted(12)
    (code,) = world.add(dossier)
    number = world.dossiers()[code]["identity_number"]
    with Ledger(world.settings.ledger_url) as ledger:
        ledger.enqueue(code, FLOW, actor="scheduler")  # queued by an earlier poll
    _withdraw(world, code)

    world.rpa_json("run", "--once")
    transfer = world.transfer(code)
    assert transfer is not None and transfer.state is S.FAILED_BUSINESS
    assert any("trạng thái 7" in reason for reason in transfer.business_reasons), transfer.business_reasons
    assert world.applications_of(number) == [], "nothing may reach the ministry for a withdrawn dossier"
    assert world.dossiers()[code]["status"] == int(DossierStatus.WITHDRAWN)
    assert world.evidence_folders(code) == [], "not even a form was filled"


def test_a_clerk_cannot_push_a_dossier_nobody_accepted(make_world: Callable[..., World]) -> None:
    world = make_world("not-accepted")
    (dossier,) = _accepted(13)
    dossier.data["status"] = int(DossierStatus.NEW)
    (code,) = world.add(dossier)
    number = world.dossiers()[code]["identity_number"]

    done = world.rpa("transfer", code)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Được tiếp nhận" in done.stdout, done.stdout
    assert world.applications_of(number) == []


def test_a_receipt_page_that_changed_never_hands_a_status_on_as_the_receipt(
    make_world: Callable[..., World], tmp_path: Path
) -> None:
    world = make_world("receipt-drift")
    (dossier,) = _accepted(14)
    (code,) = world.add(dossier)
    number = world.dossiers()[code]["identity_number"]
    # The portal's redesign as a selector map sees it: "Mã hồ sơ" now reads the status cell.
    maps = tmp_path / "selectors"
    shutil.copytree(SELECTORS_DIR, maps)
    version_1 = maps / "moj-lltp.yaml"
    data = yaml.safe_load(version_1.read_text(encoding="utf-8"))
    data["elements"]["receipt.code"] = [
        {"xpath": "//th[normalize-space()='Trạng thái']/following-sibling::td[1]"}
    ]
    version_1.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    world.reconfigure(selectors_dir=str(maps))

    done = world.rpa("transfer", code)
    assert done.returncode == 1, done.stdout + done.stderr
    (application,) = world.applications_of(number)  # the portal did store it
    transfer = world.transfer(code)
    assert transfer is not None and transfer.state is S.UNCERTAIN and transfer.receipt_code is None
    assert world.dossiers()[code]["receipt_codes"] == [] and world.sms(code) == []
    drift = [a for a in read_alerts(world.settings.work_dir) if a["kind"] == "selector_drift"]
    assert drift and "receipt.code" in str(drift[-1]), read_alerts(world.settings.work_dir)

    # The map is fixed and the operator lets the bots go on: the look-up brings the true receipt.
    world.reconfigure()
    assert world.rpa("breaker", "reset").returncode == 0
    time.sleep(max(0.0, (transfer.next_attempt_at - datetime.now(UTC)).total_seconds()) + 0.2)  # type: ignore[operator]
    time.sleep(max(0.0, (transfer.lease_expires_at - datetime.now(UTC)).total_seconds()) + 0.2)  # type: ignore[operator]
    world.rpa_json("run", "--once")
    settled = world.transfer(code)
    assert settled is not None and settled.state is S.WRITTEN_BACK
    assert settled.receipt_code == application["receipt"]
    assert world.applications_of(number) == [application]


def test_one_malformed_dossier_code_is_parked_and_the_run_goes_on(make_world: Callable[..., World]) -> None:
    world = make_world("bad-code")
    (dossier,) = _accepted(15)
    (good,) = world.add(dossier)
    with Ledger(world.settings.ledger_url) as ledger:
        ledger.enqueue(" ../../" + good, FLOW, actor="scheduler")  # as a broken export would list it

    summary = world.rpa_json("run", "--once")
    states = {o["dossier_code"]: o["state"] for o in summary["outcomes"]}
    assert states == {" ../../" + good: "failed_business", good: "written_back"}, summary
    parked = world.transfer(" ../../" + good)
    assert parked is not None and parked.business_reasons, parked
    assert not list(world.settings.recordings_dir.glob("**/etc")), "nothing written outside the evidence"

    refused = world.rpa("transfer", "../" + good)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("mode", ["gateway", "drop"])
def test_an_answer_lost_after_the_portal_stored_the_application_is_settled_once(
    make_world: Callable[..., World], mode: str
) -> None:
    """The fault exactly-once exists for: the portal saves the application, then its answer is lost
    (a 502 page, or the connection closed with no answer at all, which Chromium would post again)."""
    world = make_world(f"lost-{mode}")
    (dossier,) = _accepted(16)
    (code,) = world.add(dossier)
    number = world.dossiers()[code]["identity_number"]
    world.knobs(lost_answer_rate=1.0, lost_answer_mode=mode)
    try:
        done = world.rpa("transfer", code)
    finally:
        world.knobs(lost_answer_rate=0.0)
    assert done.returncode == 1, done.stdout + done.stderr
    (application,) = world.applications_of(number)  # one click, one application
    transfer = world.transfer(code)
    assert transfer is not None and transfer.state is S.UNCERTAIN and transfer.receipt_code is None

    for moment in (transfer.next_attempt_at, transfer.lease_expires_at):
        assert moment is not None
        time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.2)
    world.rpa_json("run", "--once")
    settled = world.transfer(code)
    assert settled is not None and settled.state is S.WRITTEN_BACK
    assert settled.receipt_code == application["receipt"]
    assert world.applications_of(number) == [application]
    assert len(world.sms(code)) == 1


def test_two_workers_on_two_sessions_of_one_account_never_mix_their_applications(
    make_world: Callable[..., World],
) -> None:
    """``max_sessions = 2``: two workers fill forms at once; each needs its own portal login, since the
    portal keeps the draft application in the server-side session."""
    world = make_world("two-sessions")
    portals = copy.deepcopy(bot_config(world.running)["portals"])
    portals["moj-lltp"]["max_sessions"] = 2
    world.reconfigure(portals=portals)
    first, second, third = _accepted(17, 3)
    a, b, c = world.add(first, second, third)
    assert world.rpa_json("transfer", a)["state"] == "written_back"  # session 1's login is saved

    world.knobs(latency_ms=120)  # long enough for the two wizards to overlap step by step
    try:
        bots = [
            subprocess.Popen(world.command("transfer", code, "--json"), cwd=world.root, env=world.env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for code in (b, c)
        ]  # fmt: skip
        for bot in bots:
            out, err = bot.communicate(timeout=300)
            assert bot.returncode == 0, out + err
    finally:
        world.knobs(latency_ms=0)
    dossiers = world.dossiers()
    for code, source in ((b, second), (c, third)):
        (application,) = world.applications_of(dossiers[code]["identity_number"])
        form = application["form"]
        assert form["purpose"] == source.data["payload"]["purpose"], (code, form["purpose"])
        assert form["fullName"].casefold() == source.data["applicant"]["full_name"].casefold(), code
        assert world.transfer(code).receipt_code == application["receipt"]  # type: ignore[union-attr]
