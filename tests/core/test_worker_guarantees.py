"""The worker's promises under the faults a soak never tries, one deterministic case each (issue 11).

Real worker, ledger and provincial sandbox; the ministry portal is :class:`harness.FakeMinistry`.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Core, accepted_dossiers, core, same_person
from sqlalchemy.exc import OperationalError

from flows.judicial_record import FLOW
from rpa.domain import DossierStatus
from rpa.errors import PortalError
from rpa.ledger import Ledger, TransferState
from rpa.operations.alerts import read_alerts
from rpa.sandbox.serving import RunningSandbox, start_sandbox

S = TransferState
WITHDRAWN = int(DossierStatus.WITHDRAWN)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    running = start_sandbox(tmp_path_factory.mktemp("guarantees-sandbox"))
    yield running
    running.stop()


@pytest.fixture
def c(sandbox: RunningSandbox, tmp_path: Path) -> Iterator[Core]:
    with core(sandbox, tmp_path) as opened:
        opened.province.reset()
        yield opened


def _queue(c: Core, count: int = 1, seed: int = 3) -> list[str]:
    codes = c.province.add(*accepted_dossiers(seed, count))
    c.worker("intake").intake()
    return codes


def _state(c: Core, code: str) -> S:
    found = c.ledger.find(code, FLOW)
    assert found is not None
    return found.state


def test_a_lease_that_runs_out_mid_attempt_never_lets_two_workers_submit(c: Core) -> None:
    (code,) = _queue(c)

    def meanwhile(_: str) -> None:  # the first worker's heartbeat stalls; its lease runs out; a rival runs
        c.clock.advance(c.settings.lease_s + 1)
        c.run("rival")

    c.ministry.during_fill.append(meanwhile)
    assert c.run("slow") == [], "the worker whose lease ran out must drop the transfer, not record on it"
    assert len(c.ministry.of(code)) == 1
    transfer = c.ledger.find(code, FLOW)
    assert transfer is not None and transfer.state is S.WRITTEN_BACK
    assert transfer.receipt_code == c.ministry.of(code)[0].code


def test_a_dossier_withdrawn_after_the_click_keeps_its_status_and_goes_to_a_person(c: Core) -> None:
    (code,) = _queue(c)
    c.ministry.after_store.append(
        lambda _: c.client.set_status(code, WITHDRAWN, "Công dân xin rút hồ sơ", None, "clerk:test")
    )
    (outcome,) = c.run("w")
    assert outcome.state == "needs_review"
    assert c.province.status(code) == WITHDRAWN, "the citizen's withdrawal must not be overwritten by 4"
    assert c.province.dossiers()[code]["receipt_codes"] == []
    assert any(a["kind"] == "needs_review" and code in a["message"] for a in read_alerts(c.settings.work_dir))


def test_nothing_is_typed_for_a_dossier_withdrawn_during_the_filling(c: Core) -> None:
    (code,) = _queue(c)
    c.ministry.during_fill.append(
        lambda _: c.client.set_status(code, WITHDRAWN, "Công dân xin rút hồ sơ", None, "clerk:test")
    )
    (outcome,) = c.run("w")
    assert outcome.state == "failed_business" and "trạng thái 7" in outcome.reasons[0]
    assert c.ministry.applications == []


def test_a_click_that_never_reaches_the_portal_is_retried_later_and_then_a_person_decides(c: Core) -> None:
    (code,) = _queue(c)
    for round_ in range(c.settings.lookup_absent_limit + 1):
        c.ministry.plan.append("lost_click")
        c.run(f"w{round_}")
        c.clock.advance(c.settings.settle_grace_s + c.settings.lease_s + 1)
        c.run(f"look{round_}")  # proved absent: back to the queue, not at once
        transfer = c.ledger.find(code, FLOW)
        assert transfer is not None
        if transfer.state is S.QUEUED:
            assert transfer.next_attempt_at is not None and transfer.next_attempt_at > c.clock()
            c.clock.advance((transfer.next_attempt_at - c.clock()).total_seconds() + 1)
    assert _state(c, code) is S.NEEDS_REVIEW
    assert c.ministry.applications == []
    absent = [e for e in c.ledger.events(c.ledger.find(code, FLOW).id) if e.to_state is S.QUEUED]  # type: ignore[union-attr]
    assert len(absent) == 1 + c.settings.lookup_absent_limit  # enqueued, then each absence


def test_two_applications_that_could_both_be_it_go_to_a_person(c: Core) -> None:
    """Two dossiers of one person for the same purpose, both clicked and both answers lost."""
    (first,) = accepted_dossiers(5, 1)
    codes = c.province.add(first, same_person(first, first.data["payload"]["purpose"]))
    c.worker("intake").intake()
    c.ministry.plan.extend(["lost_answer", "lost_answer"])
    c.run("w")
    c.clock.advance(c.settings.settle_grace_s + c.settings.lease_s + 1)
    c.run("look")
    assert {_state(c, code) for code in codes} == {S.NEEDS_REVIEW}
    assert all(t.receipt_code is None for t in c.ledger.list())


def test_an_unexpected_error_is_recorded_on_its_transfer_and_the_run_goes_on(c: Core) -> None:
    codes = _queue(c, 2)
    calls = {"n": 0}
    real_submit = c.ministry.submit

    def broken_once(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("evidence folder name refused")
        return real_submit(*args, **kwargs)  # type: ignore[arg-type]

    c.ministry.submit = broken_once  # type: ignore[method-assign]
    outcomes = {o.dossier_code: o.state for o in c.run("w")}
    assert sorted(outcomes) == sorted(codes)
    assert sorted(outcomes.values()) == ["failed_system", "written_back"], outcomes
    assert any(a["kind"] == "transfer_error" for a in read_alerts(c.settings.work_dir))
    failed = next(code for code, state in outcomes.items() if state == "failed_system")
    assert _state(c, failed) is S.QUEUED  # with its back-off, not stuck in filling


def test_a_full_disk_before_the_click_is_a_recorded_failure_and_nothing_is_clicked(c: Core) -> None:
    (code,) = _queue(c)

    def full_disk(_: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    c.ministry.during_fill.append(full_disk)
    (outcome,) = c.run("w")
    assert outcome.state == "failed_system" and "No space left" in (outcome.error or "")
    assert c.ministry.applications == [] and _state(c, code) is S.QUEUED


def test_a_locked_database_ends_the_run_without_a_traceback(c: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    _queue(c)

    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("UPDATE transfers", {}, Exception("database is locked"))

    monkeypatch.setattr(Ledger, "claim", locked)
    assert c.run("w") == []
    assert any(a["kind"] == "ledger_error" for a in read_alerts(c.settings.work_dir))


def test_a_lookup_that_fails_leaves_the_transfer_uncertain(c: Core) -> None:
    (code,) = _queue(c)
    c.ministry.plan.append("lost_answer")
    c.run("w")
    c.clock.advance(c.settings.settle_grace_s + c.settings.lease_s + 1)
    c.ministry.lookup_down = True
    (outcome,) = c.run("look")
    assert outcome.state == "uncertain" and "503" in (outcome.error or "")
    c.ministry.lookup_down = False
    c.clock.advance(c.settings.lease_s + 1)
    c.run("again")
    assert _state(c, code) is S.WRITTEN_BACK and len(c.ministry.of(code)) == 1


def test_a_dry_run_of_an_invalid_dossier_leaves_no_scan_behind(c: Core) -> None:
    (dossier,) = accepted_dossiers(7, 1)
    dossier.data["applicant"]["identity"]["number"] = "12345"
    (code,) = c.province.add(dossier)
    outcome = c.worker("w").dry_run(code)
    assert outcome.state == "failed_business" and outcome.reasons
    attachments = c.settings.work_dir / "attachments"
    assert not attachments.exists() or not any(attachments.rglob("*.*")), list(attachments.rglob("*"))


def test_a_portal_error_before_the_click_is_retried_not_looked_up(c: Core) -> None:
    (code,) = _queue(c)

    def down(_: str) -> None:
        raise PortalError("HTTP 503 on step C")

    c.ministry.during_fill.append(down)
    (outcome,) = c.run("w")
    assert outcome.state == "failed_system" and _state(c, code) is S.QUEUED


def test_a_lookup_never_takes_the_receipt_of_the_same_persons_other_dossier(c: Core) -> None:
    """Same person, same purpose: X's click is lost, Y goes through; only Y's holding its receipt
    tells the two apart, and X must then be typed again, never given Y's receipt."""
    (first,) = accepted_dossiers(9, 1)
    x, y = c.province.add(first, same_person(first, first.data["payload"]["purpose"]))
    c.worker("intake").intake()
    c.ministry.plan.append("lost_click")
    c.run("w")
    c.clock.advance(c.settings.settle_grace_s + c.settings.lease_s + 1)
    c.run("look")
    y_receipt = c.ledger.find(y, FLOW).receipt_code  # type: ignore[union-attr]
    assert y_receipt is not None
    assert c.ledger.find(x, FLOW).receipt_code != y_receipt  # type: ignore[union-attr]
    assert _state(c, x) is S.QUEUED


def test_a_provincial_failure_while_settling_an_older_transfer_leaves_it_uncertain(
    c: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transfer committed ``submitting`` before what was typed was recorded is settled from the
    provincial dossier; when that read fails the transfer waits for the next look-up, the run goes on."""
    (code,) = _queue(c)
    transfer = c.ledger.claim("old", lease_s=1)
    assert transfer is not None and transfer.submission is None
    c.ledger.transition(transfer.id, S.SUBMITTING, actor="worker:old", worker_id="old", reason="click")
    c.clock.advance(c.settings.settle_grace_s + 2)

    def down(*args: object, **kwargs: object) -> None:
        raise PortalError("provincial API answered 503")

    monkeypatch.setattr(c.source, "read", down)
    (outcome,) = c.run("w")
    assert outcome.state == "uncertain" and "503" in (outcome.error or "")
    monkeypatch.undo()
    c.clock.advance(c.settings.lease_s + 1)
    c.ministry.plan.clear()
    c.run("again")  # the click never happened: proved absent, queued again with a back-off
    assert _state(c, code) is S.QUEUED and c.ministry.applications == []
