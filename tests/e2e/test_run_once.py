"""`rpa run --once` over 20 seeded dossiers, end to end, in real headless Chromium.

One scheduled run carries every accepted dossier: valid ones land on the ministry portal exactly once
with every field equal to the source and come back to the provincial system (receipt code, SMS,
citizen look-up); flawed ones stop before the portal with their reasons in Vietnamese. A second run
right after it submits nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from helpers_e2e import check_attempt_folder, form_differences, opened_file, screenshot_labels

from rpa.domain import DossierStatus
from rpa.errors import InvalidDossier
from rpa.ledger import TransferState
from rpa.procedures import read_form

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

SEED, COUNT = 1, 20
S = TransferState


@dataclass
class FirstRun:
    world: World
    before: dict[str, dict[str, Any]]  # the provincial dossiers before the run, by code
    summary: dict[str, Any]  # what `rpa run --once --json` printed
    seconds: float

    def codes(self, *, accepted: bool, valid: bool | None = None) -> list[str]:
        return sorted(
            code
            for code, d in self.before.items()
            if (d["status"] == int(DossierStatus.ACCEPTED)) == accepted
            and (valid is None or (d["flaw"] is None) == valid)
        )


@pytest.fixture(scope="module")
def first_run(make_world: Callable[..., World]) -> FirstRun:
    world = make_world("run-once")
    world.seed(SEED, COUNT)
    before = world.dossiers()
    assert len(before) == COUNT
    started = time.monotonic()
    summary = world.rpa_json("run", "--once")
    return FirstRun(world, before, summary, time.monotonic() - started)


@dataclass
class SecondRun:
    summary: dict[str, Any]
    applications_before: list[dict[str, Any]]
    applications_after: list[dict[str, Any]]
    events_before: dict[str, int]
    events_after: dict[str, int]


@pytest.fixture(scope="module")
def second_run(first_run: FirstRun) -> SecondRun:
    world = first_run.world

    def event_counts() -> dict[str, int]:
        return {t.dossier_code: len(world.events(t.dossier_code)) for t in world.transfers()}

    applications, events = world.applications(), event_counts()
    summary = world.rpa_json("run", "--once")
    return SecondRun(summary, applications, world.applications(), events, event_counts())


def test_the_seed_holds_every_kind_of_dossier(first_run: FirstRun) -> None:
    """The run below is only meaningful with valid, flawed and not-yet-accepted dossiers in it."""
    assert first_run.codes(accepted=True, valid=True)
    assert first_run.codes(accepted=True, valid=False)
    assert first_run.codes(accepted=False)
    numbers = [d["identity_number"] for d in first_run.before.values()]
    assert len(set(numbers)) == len(numbers), "applications are matched to dossiers by identity number"


def test_run_reports_every_accepted_dossier(first_run: FirstRun) -> None:
    summary = first_run.summary
    valid = first_run.codes(accepted=True, valid=True)
    flawed = first_run.codes(accepted=True, valid=False)
    assert summary["dossiers_seen"] == len(valid) + len(flawed)
    assert summary["processed"] == len(valid) + len(flawed)
    assert summary["states"] == {"written_back": len(valid), "failed_business": len(flawed)}
    by_code = {o["dossier_code"]: o for o in summary["outcomes"]}
    assert sorted(by_code) == sorted(valid + flawed)
    for code in valid:
        assert by_code[code]["state"] == "written_back" and by_code[code]["receipt_code"], by_code[code]
    for code in flawed:
        assert by_code[code]["state"] == "failed_business" and by_code[code]["reasons"], by_code[code]


def test_one_application_per_valid_dossier_with_every_field_equal_to_the_source(
    first_run: FirstRun, tmp_path: Path
) -> None:
    world = first_run.world
    applications = world.applications()
    valid = first_run.codes(accepted=True, valid=True)
    assert len(applications) == len(valid)
    by_number = Counter(a["form"]["idNumber"] for a in applications)
    outcomes = {o["dossier_code"]: o for o in first_run.summary["outcomes"]}
    for code in valid:
        dossier = first_run.before[code]
        number = dossier["identity_number"]
        assert by_number[number] == 1, f"{code}: {by_number[number]} applications for {number}"
        (stored,) = [a for a in applications if a["form"]["idNumber"] == number]
        assert stored["receipt"] == outcomes[code]["receipt_code"]
        expected = read_form(
            dossier["data"], attachments_dir=world.download_attachments(code, tmp_path / code)
        )
        differences = form_differences(stored["form"], expected)
        assert not differences, f"{code} ({dossier['tricky'] or 'plain'}): {differences}"


def test_flawed_dossiers_fail_business_with_their_reasons_and_nothing_typed(
    first_run: FirstRun, tmp_path: Path
) -> None:
    world = first_run.world
    typed_numbers = {a["form"]["idNumber"] for a in world.applications()}
    for code in first_run.codes(accepted=True, valid=False):
        dossier = first_run.before[code]
        with pytest.raises(InvalidDossier) as refused:
            read_form(dossier["data"], attachments_dir=world.download_attachments(code, tmp_path / code))
        transfer = world.transfer(code)
        assert transfer is not None and transfer.state is S.FAILED_BUSINESS, (code, transfer)
        assert list(transfer.business_reasons) == [str(p) for p in refused.value.problems], dossier["flaw"]
        assert transfer.receipt_code is None
        assert dossier["identity_number"] not in typed_numbers
        path = [e.to_state for e in world.events(code)]
        assert path == [S.QUEUED, S.FILLING, S.FAILED_BUSINESS], (code, path)
        assert world.evidence_folders(code) == [], f"{code}: a browser was opened for a flawed dossier"
        after = world.dossiers()[code]
        assert (after["status"], after["receipt_codes"]) == (int(DossierStatus.ACCEPTED), [])
        assert world.sms(code) == []


def test_reasons_are_shown_in_vietnamese_by_runs_show(first_run: FirstRun) -> None:
    world = first_run.world
    code = first_run.codes(accepted=True, valid=False)[0]
    shown = world.rpa_json("runs", "show", code)
    assert shown["state"] == "failed_business"
    assert shown["reasons"] == list(world.transfer(code).business_reasons)  # type: ignore[union-attr]
    text = world.rpa("runs", "show", code)
    assert text.returncode == 0
    for reason in shown["reasons"]:
        assert reason in text.stdout


def test_receipts_and_sms_reach_the_provincial_system(first_run: FirstRun) -> None:
    world = first_run.world
    receipts = {a["form"]["idNumber"]: a["receipt"] for a in world.applications()}
    now = world.dossiers()
    for code in first_run.codes(accepted=True, valid=True):
        number = first_run.before[code]["identity_number"]
        receipt = receipts[number]
        assert now[code]["status"] == int(DossierStatus.PROCESSING), code
        assert now[code]["receipt_codes"] == [receipt], code
        messages = world.sms(code)
        assert len(messages) == 1, f"{code}: {messages}"
        assert receipt in str(messages[0]), messages[0]
        lookup = httpx.get(
            f"{world.provincial}/tra-cuu", params={"ma": code, "cccd": number[-4:]}, timeout=30
        )
        assert lookup.status_code == 200 and receipt in lookup.text, f"{code}: receipt not in the look-up"
        transfer = world.transfer(code)
        assert transfer is not None and transfer.state is S.WRITTEN_BACK and transfer.receipt_code == receipt


def test_dossiers_not_accepted_yet_are_left_alone(first_run: FirstRun) -> None:
    world = first_run.world
    typed_numbers = {a["form"]["idNumber"] for a in world.applications()}
    for code in first_run.codes(accepted=False):
        assert world.transfer(code) is None
        assert first_run.before[code]["identity_number"] not in typed_numbers
        assert world.dossiers()[code]["receipt_codes"] == []


def test_runs_show_lists_events_with_actors_and_evidence_that_exists(first_run: FirstRun) -> None:
    world = first_run.world
    valid = first_run.codes(accepted=True, valid=True)
    tricky = [c for c in valid if first_run.before[c]["tricky"]]
    for code in {valid[0], *tricky[:1]}:  # the CLI for two of them (each call starts a Python)
        shown = world.rpa_json("runs", "show", code)
        assert shown["dossier"] == code and shown["state"] == "written_back" and shown["attempts"] == 1
        events = shown["events"]
        assert [(e["from"], e["to"]) for e in events] == [
            (None, "queued"),
            ("queued", "filling"),
            ("filling", "submitting"),
            ("submitting", "submitted"),
            ("submitted", "written_back"),
        ], code
        assert events[0]["actor"] == "scheduler"
        workers = {e["actor"] for e in events[1:]}
        assert len(workers) == 1 and workers.pop().startswith("worker:"), events
        assert all(e["reason"] for e in events[2:]), events
        assert shown["receipt"] in events[3]["reason"]
        assert [e["evidence"] for e in events] == [[str(p) for p in e.evidence] for e in world.events(code)]
    for code in valid:  # the same trail, read from the ledger, for every one
        events = world.events(code)
        assert [e.to_state for e in events] == [
            S.QUEUED, S.FILLING, S.SUBMITTING, S.SUBMITTED, S.WRITTEN_BACK,
        ], code  # fmt: skip
        for event in events[2:4]:  # submitting and submitted carry the attempt's evidence
            assert event.evidence, event
        for event in events:
            for path_text in event.evidence:
                assert Path(path_text).exists(), f"{code}: evidence {path_text} does not exist"


def test_evidence_folders_hold_screenshots_and_a_manifest_matching_them(first_run: FirstRun) -> None:
    world = first_run.world
    recordings = world.settings.recordings_dir
    for code in first_run.codes(accepted=True, valid=True):
        folders = world.evidence_folders(code)
        assert len(folders) == 1, folders
        manifest = check_attempt_folder(folders[0], recordings, code)
        assert manifest["outcome"] == "ok"
        labels = screenshot_labels(folders[0])
        assert labels[-2:] == ["review", "receipt"], labels
        assert {"a-applicant", "b-family", "c-residences", "d-request"} <= set(labels), labels
        submitting = next(e for e in world.events(code) if e.to_state is S.SUBMITTING)
        assert [Path(p) for p in submitting.evidence] == [folders[0]]


def test_a_screenshot_shows_the_receipt(first_run: FirstRun) -> None:
    """The receipt screenshot is a real page capture, not an empty file."""
    world = first_run.world
    code = first_run.codes(accepted=True, valid=True)[0]
    (folder,) = world.evidence_folders(code)
    (receipt_shot,) = folder.glob("*-receipt.png.enc")
    assert receipt_shot.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n"  # sealed on disk
    data = opened_file(world.settings, code, receipt_shot)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_log_file_is_json_lines_without_identity_numbers(first_run: FirstRun) -> None:
    world = first_run.world
    records = world.log_records()
    assert records, "the run wrote no JSON log"
    assert all({"time", "level", "message"} <= set(r) for r in records)
    text = world.settings.log_file.read_text(encoding="utf-8")  # type: ignore[union-attr]
    for dossier in first_run.before.values():
        number = dossier["identity_number"]
        if number:
            assert number not in text, f"identity number {number} written to the log in clear"
    submitted = [r for r in records if r["message"].startswith("submitted, receipt")]
    assert sorted(r.get("dossier") for r in submitted) == first_run.codes(accepted=True, valid=True)
    refused = [r for r in records if r["message"].startswith("dossier refused before the portal")]
    assert sorted(r.get("dossier") for r in refused) == first_run.codes(accepted=True, valid=False)
    assert all(r["level"] == "WARNING" for r in refused)
    steps = [r for r in records if r["module"] == "rpa.portal.steps"]
    unnamed = [r["message"] for r in steps if r.get("dossier") not in first_run.before]
    assert steps and not unnamed, f"{len(unnamed)} of {len(steps)} step records lack a dossier: {unnamed[:3]}"


def test_a_second_run_submits_nothing_more(first_run: FirstRun, second_run: SecondRun) -> None:
    summary = second_run.summary
    assert summary["dossiers_seen"] == len(first_run.codes(accepted=True, valid=False))  # still waiting
    submitting = [o for o in summary["outcomes"] if o["state"] in ("submitted", "written_back")]
    assert submitting == [], submitting
    assert summary["processed"] == 0, summary
    assert second_run.applications_after == second_run.applications_before
    assert second_run.events_after == second_run.events_before
