"""Settling by look-up (rpa.transfer.settle): the cases of the hostile review, one by one."""

from __future__ import annotations

from datetime import datetime, timedelta

from rpa.clock import VN
from rpa.transfer.settle import Found, Submitted, VerdictKind, same_value, settle

CLICK = datetime(2026, 12, 4, 10, 0, 2, tzinfo=VN)
X = Submitted("051099000123", {"purpose": "Xin việc làm", "copies": "1"}, CLICK)
SKEW = timedelta(minutes=10)


def found(code: str, minutes: float, purpose: str | None = "Xin việc làm", copies: str = "1") -> Found:
    details = None if purpose is None else {"purpose": purpose, "copies": copies}
    moment = (CLICK + timedelta(minutes=minutes)).replace(second=0, microsecond=0)  # the portal shows minutes
    return Found(code, moment, details)


def test_the_receipt_another_transfer_holds_is_never_taken() -> None:
    # Dossier Y of the same person was submitted after X's lost click and holds its receipt.
    verdict = settle(
        X, [found("51-LLTP-2612-000002", 1)], held_elsewhere={"51-LLTP-2612-000002"}, clock_skew=SKEW
    )
    assert verdict.kind is VerdictKind.ABSENT
    assert verdict.excluded == {"51-LLTP-2612-000002": "receipt held by another transfer"}


def test_an_application_for_another_purpose_is_not_this_one() -> None:
    verdict = settle(
        X, [found("51-LLTP-2612-000002", 1, purpose="Du học")], held_elsewhere=(), clock_skew=SKEW
    )
    assert verdict.kind is VerdictKind.ABSENT


def test_two_possible_applications_go_to_a_person_never_the_first() -> None:
    candidates = [found("51-LLTP-2612-000002", 1), found("51-LLTP-2612-000003", 2)]
    verdict = settle(X, candidates, held_elsewhere=(), clock_skew=SKEW)
    assert verdict.kind is VerdictKind.AMBIGUOUS
    assert [c.code for c in verdict.candidates] == ["51-LLTP-2612-000002", "51-LLTP-2612-000003"]
    assert verdict.receipt is None


def test_unread_details_rule_nothing_out() -> None:
    candidates = [
        found("51-LLTP-2612-000002", 1, purpose=None),
        found("51-LLTP-2612-000003", 2, purpose="Du học"),
    ]
    verdict = settle(X, candidates, held_elsewhere=(), clock_skew=SKEW)
    assert verdict.kind is VerdictKind.FOUND and verdict.receipt == candidates[0]


def test_a_portal_clock_seconds_behind_still_finds_the_submission() -> None:
    # The click at 10:00:02; the portal's clock is 5 s behind, so it dated the application 09:59.
    behind = Found(
        "51-LLTP-2612-000002", datetime(2026, 12, 4, 9, 59, tzinfo=VN), {"purpose": "Xin việc làm"}
    )
    assert settle(X, [behind], held_elsewhere=(), clock_skew=SKEW).kind is VerdictKind.FOUND
    assert settle(X, [behind], held_elsewhere=(), clock_skew=timedelta(0)).kind is VerdictKind.ABSENT


def test_an_older_application_of_the_same_person_is_not_this_one() -> None:
    last_year = found("51-LLTP-2512-000777", -365 * 24 * 60)
    assert settle(X, [last_year], held_elsewhere=(), clock_skew=SKEW).kind is VerdictKind.ABSENT


def test_what_was_typed_is_compared_as_a_person_reads_it() -> None:
    assert same_value("Xin  việc làm", "xin việc làm")
    assert same_value("Xin vie\u0323\u0302c la\u0300m", "Xin việc làm")  # decomposed diacritics
    assert not same_value("Xin việc làm", "Xin viec lam")


def test_submitted_round_trips_through_the_ledger_json() -> None:
    assert Submitted.from_json(X.to_json()) == X
