"""The approval desk (a person approves an application before the final click) and the console's search
key (the identity number kept only as an HMAC under an owner-only key)."""

from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import pytest

from rpa.ledger.search import KEY_FILE, identity_digest, search_key, searchable_name
from rpa.operations.stopping import StopLatch
from rpa.portal.approval import ApprovalDesk
from rpa.transfer.worker import approval_image


def _ask(desk: ApprovalDesk, tmp_path: Path) -> str:
    evidence = tmp_path / "evidence"
    evidence.mkdir(exist_ok=True)
    image = evidence / "07-approval.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    return desk.ask(3, "000.00.01.H55-261204-0001", "judicial_record", "moj-lltp", image, evidence).id


def test_an_approval_reaches_the_waiting_bot_once(tmp_path: Path) -> None:
    desk = ApprovalDesk(tmp_path / "approval")
    assert stat.S_IMODE((tmp_path / "approval").stat().st_mode) == 0o700
    request_id = _ask(desk, tmp_path)
    assert [r.id for r in desk.list()] == [request_id]
    stored = tmp_path / "approval" / f"{request_id}.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    threading.Timer(0.3, lambda: desk.decide(request_id, approved=True, by="lan")).start()
    decision = desk.wait(request_id, timeout_s=10, poll_s=0.05)
    assert decision is not None and decision.approved and decision.by == "lan"
    assert desk.list() == [] and desk.get(request_id).status == "used"
    with pytest.raises(ValueError, match="not open"):  # decided once: a second answer changes nothing
        desk.decide(request_id, approved=False, by="minh", reason="muộn")


def test_a_rejection_needs_a_reason_and_carries_it(tmp_path: Path) -> None:
    desk = ApprovalDesk(tmp_path / "approval")
    request_id = _ask(desk, tmp_path)
    with pytest.raises(ValueError, match="reason"):
        desk.decide(request_id, approved=False, by="lan", reason="   ")
    desk.decide(request_id, approved=False, by="lan", reason="  Sai   ngày sinh ")
    decision = desk.wait(request_id, timeout_s=5, poll_s=0.05)
    assert decision is not None and not decision.approved and decision.reason == "Sai ngày sinh"
    assert desk.get(request_id).status == "rejected"


def test_nobody_answering_or_a_stop_ends_the_wait_without_a_decision(tmp_path: Path) -> None:
    desk = ApprovalDesk(tmp_path / "approval")
    expired = _ask(desk, tmp_path)
    started = time.monotonic()
    assert desk.wait(expired, timeout_s=0.3, poll_s=0.05) is None
    assert time.monotonic() - started < 3 and desk.get(expired).status == "expired"
    with pytest.raises(ValueError):  # too late: the bot has gone on without the click
        desk.decide(expired, approved=True, by="lan")
    stop = StopLatch()
    cancelled = _ask(desk, tmp_path)
    threading.Timer(0.2, stop.set).start()
    assert desk.wait(cancelled, timeout_s=30, poll_s=0.05, stop=stop) is None
    assert desk.get(cancelled).status == "cancelled"


@pytest.mark.parametrize("request_id", ["../x", "0123ABCD", "0123abc", "0123abcd0", "", "..", "/etc/passwd"])
def test_only_the_desks_own_ids_name_a_request(tmp_path: Path, request_id: str) -> None:
    desk = ApprovalDesk(tmp_path / "approval")
    (tmp_path / "approval" / "0123ABCD.json").write_text("{}")
    with pytest.raises(KeyError):
        desk.get(request_id)


def test_the_approved_image_is_the_shot_taken_before_the_final_click(tmp_path: Path) -> None:
    assert approval_image(tmp_path) is None
    for name in ("01-a-applicant.png", "05-review.png", "06-approval.png", "07-failure.png"):
        (tmp_path / name).write_bytes(b"png")
    assert approval_image(tmp_path) == tmp_path / "06-approval.png"
    (tmp_path / "06-approval.png").unlink()
    assert approval_image(tmp_path) == tmp_path / "07-failure.png"


def test_the_search_key_is_private_stable_and_keyed(tmp_path: Path) -> None:
    work = tmp_path / "work"
    digest = identity_digest(work, "051190001234")
    assert stat.S_IMODE((work / KEY_FILE).stat().st_mode) == 0o600
    assert len(search_key(work)) == 32
    assert identity_digest(work, "0511 9000 1234") == digest and len(digest) == 64
    other = tmp_path / "other"
    assert identity_digest(other, "051190001234") != digest  # another installation, another key
    (work / KEY_FILE).write_bytes(b"short")
    with pytest.raises(OSError, match="search key"):
        search_key(work)


def test_names_are_compared_without_diacritics_case_or_extra_spaces() -> None:
    assert searchable_name("  Nguyễn   Văn An ") == "nguyen van an"
    assert searchable_name("ĐẶNG THỊ ĐÀO") == "dang thi dao"
    assert searchable_name("Nguye\u0302\u0303n") == "nguyen"  # decomposed marks too
