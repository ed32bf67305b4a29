"""`rpa transfer CODE`: one dossier pushed by a clerk, its exit codes, JSON output and `--dry-run`.

Exit 0: submitted, or already submitted (nothing sent twice); 2: the dossier must be fixed by a clerk
(reasons in Vietnamese); 1: a system error (here the ministry portal under maintenance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers_e2e import check_attempt_folder, form_differences, screenshot_labels

from rpa.domain import DossierStatus
from rpa.errors import InvalidDossier
from rpa.ledger import TransferState
from rpa.procedures import read_form
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

S = TransferState
CLERK = "nguyen.thi.hoa"


@dataclass
class Desk:
    """A sandbox holding three accepted dossiers: two valid, one flawed."""

    world: World
    valid: str  # pushed for real
    dry: str  # only ever dry-run
    flawed: str
    numbers: dict[str, str]  # dossier code -> identity number


def _accepted(dossier: SeededDossier) -> bool:
    return bool(dossier.data.get("status") == int(DossierStatus.ACCEPTED))


@pytest.fixture(scope="module")
def desk(make_world: Callable[..., World]) -> Desk:
    generated = generate(7, 40)
    valid = [d for d in generated if _accepted(d) and d.flaw is None and d.tricky is None][:2]
    flawed = [d for d in generated if _accepted(d) and d.flaw is not None][:1]
    assert len(valid) == 2 and len(flawed) == 1, "seed 7 must give two valid and one flawed dossier"
    world = make_world("transfer")
    codes = world.add(*valid, *flawed)
    listed = world.dossiers()
    assert all(listed[c]["status"] == int(DossierStatus.ACCEPTED) for c in codes)
    return Desk(world, codes[0], codes[1], codes[2], {c: listed[c]["identity_number"] for c in codes})


@pytest.fixture
def maintenance(desk: Desk) -> Iterator[None]:
    desk.world.knobs(maintenance=True)
    try:
        yield
    finally:
        desk.world.knobs(maintenance=False)


def test_a_flawed_dossier_exits_2_with_the_reasons_in_vietnamese(desk: Desk, tmp_path: Path) -> None:
    world, code = desk.world, desk.flawed
    data = world.dossiers()[code]["data"]
    with pytest.raises(InvalidDossier) as refused:
        read_form(data, attachments_dir=world.download_attachments(code, tmp_path))
    expected = [str(p) for p in refused.value.problems]

    out = world.rpa_json("transfer", code, "--clerk", CLERK, expect_exit=2)
    assert out["state"] == "failed_business"
    assert out["reasons"] == expected
    assert all(any(ord(ch) > 127 for ch in reason) for reason in out["reasons"]), "reasons in Vietnamese"
    assert out["receipt_code"] is None

    again = world.rpa("transfer", code, "--clerk", CLERK)  # the clerk pushes it again, text output
    assert again.returncode == 2, again.stderr
    assert f"{code}: failed_business" in again.stdout
    for reason in expected:
        assert reason in again.stdout

    assert world.applications_of(desk.numbers[code]) == []
    assert world.evidence_folders(code) == []
    path = [(e.to_state, e.actor) for e in world.events(code)]
    assert [state for state, _ in path] == [
        S.QUEUED, S.FILLING, S.FAILED_BUSINESS, S.QUEUED, S.FILLING, S.FAILED_BUSINESS,
    ]  # fmt: skip
    assert path[0][1] == path[3][1] == f"clerk:{CLERK}", "only a clerk may requeue a business failure"


def test_dry_run_fills_every_step_and_submits_nothing(desk: Desk) -> None:
    world, code = desk.world, desk.dry
    applications = world.applications()

    out = world.rpa_json("transfer", code, "--dry-run")
    assert out["state"] == "dry_run" and out["receipt_code"] is None
    assert world.applications() == applications
    assert world.applications_of(desk.numbers[code]) == []
    assert world.transfer(code) is None, "a dry run must leave the ledger alone"
    after = world.dossiers()[code]
    assert (after["status"], after["receipt_codes"]) == (int(DossierStatus.ACCEPTED), [])
    assert world.sms(code) == []

    (folder,) = world.evidence_folders(code)
    assert Path(out["evidence"]) == folder
    check_attempt_folder(folder, world.settings.recordings_dir, code)
    labels = screenshot_labels(folder)
    assert labels[-1] == "review", labels
    assert {"a-applicant", "b-family", "c-residences", "d-request"} <= set(labels), labels
    assert "receipt" not in labels


def test_a_system_error_exits_1_then_the_dossier_goes_once(
    desk: Desk, maintenance: None, tmp_path: Path
) -> None:
    world, code = desk.world, desk.valid
    number = desk.numbers[code]

    down = world.rpa_json("transfer", code, "--clerk", CLERK, expect_exit=1)
    assert down["state"] == "failed_system" and down["error"], down
    assert world.applications_of(number) == []
    transfer = world.transfer(code)  # the retry policy queued it again, after a back-off
    assert transfer is not None and transfer.state is S.QUEUED and transfer.next_attempt_at is not None
    assert world.sms(code) == []

    world.knobs(maintenance=False)
    sent = world.rpa_json("transfer", code, "--clerk", CLERK)
    assert sent["state"] == "written_back" and sent["receipt_code"], sent
    (application,) = world.applications_of(number)
    assert application["receipt"] == sent["receipt_code"]
    data = world.dossiers()[code]["data"]
    expected = read_form(data, attachments_dir=world.download_attachments(code, tmp_path))
    assert form_differences(application["form"], expected) == {}
    events = world.events(code)
    assert [e.to_state for e in events] == [
        S.QUEUED, S.FILLING, S.FAILED_SYSTEM, S.QUEUED, S.FILLING, S.SUBMITTING, S.SUBMITTED, S.WRITTEN_BACK,
    ]  # fmt: skip
    assert events[3].actor.startswith("worker:") and events[3].reason.startswith("thử lại sau")
    assert events[4].reason == "claimed"  # the clerk's push does not wait for the back-off

    again = world.rpa("transfer", code, "--clerk", CLERK)
    assert again.returncode == 0, again.stderr
    assert f"{code}: written_back (mã hồ sơ Bộ Tư pháp {sent['receipt_code']})" in again.stdout
    assert world.applications_of(number) == [application], "pushed twice, sent once"
    assert len(world.events(code)) == len(events)
    messages = world.sms(code)
    assert len(messages) == 1 and sent["receipt_code"] in str(messages[0])
    assert world.dossiers()[code]["receipt_codes"] == [sent["receipt_code"]]
