"""The transition table on its own, without a database."""

from __future__ import annotations

from collections import deque
from itertools import product

import pytest

from rpa.errors import RpaError
from rpa.ledger import (
    CLERK_ONLY,
    LEASED,
    NEEDS_LOOKUP,
    STATE_LABELS,
    TRANSITIONS,
    IllegalTransition,
    TransferState,
    clerk,
)
from rpa.ledger import transition as check

S = TransferState
REQUIRED = [
    (S.QUEUED, S.FILLING),
    (S.FILLING, S.SUBMITTING),
    (S.FILLING, S.FAILED_BUSINESS),
    (S.FILLING, S.FAILED_SYSTEM),
    (S.FILLING, S.WAITING_HUMAN),
    (S.FILLING, S.QUEUED),
    (S.SUBMITTING, S.SUBMITTED),
    (S.SUBMITTING, S.UNCERTAIN),
    (S.UNCERTAIN, S.SUBMITTED),
    (S.UNCERTAIN, S.QUEUED),
    (S.UNCERTAIN, S.NEEDS_REVIEW),
    (S.NEEDS_REVIEW, S.SUBMITTED),
    (S.NEEDS_REVIEW, S.QUEUED),
    (S.SUBMITTED, S.WRITTEN_BACK),
    (S.FAILED_SYSTEM, S.QUEUED),
    (S.WAITING_HUMAN, S.QUEUED),
    (S.WAITING_HUMAN, S.FILLING),
    (S.FAILED_BUSINESS, S.QUEUED),
]
CLERK = clerk("nguyen.thi.hoa")


@pytest.mark.parametrize(("source", "target"), list(product(S, S)), ids=lambda s: s.value)
def test_every_pair_follows_the_table(source: TransferState, target: TransferState) -> None:
    if target in TRANSITIONS[source]:
        assert check(source, target, actor=CLERK) is target
    else:
        with pytest.raises(IllegalTransition, match=f"illegal transfer transition {source} -> {target}"):
            check(source, target, actor=CLERK)


@pytest.mark.parametrize(("source", "target"), REQUIRED, ids=lambda s: s.value)
def test_required_transitions_are_in_the_table(source: TransferState, target: TransferState) -> None:
    assert target in TRANSITIONS[source]


def test_the_table_covers_every_state_with_frozensets() -> None:
    assert set(TRANSITIONS) == set(S)
    assert all(isinstance(targets, frozenset) for targets in TRANSITIONS.values())


def test_only_finished_is_terminal_and_everything_is_reachable_from_queued() -> None:
    assert [state for state, targets in TRANSITIONS.items() if not targets] == [S.FINISHED]
    seen, todo = {S.QUEUED}, deque([S.QUEUED])
    while todo:
        for target in TRANSITIONS[todo.popleft()] - seen:
            seen.add(target)
            todo.append(target)
    assert seen == set(S)


def test_a_submission_in_doubt_is_never_filled_again() -> None:
    assert S.FILLING not in TRANSITIONS[S.SUBMITTING] | TRANSITIONS[S.UNCERTAIN]
    assert {S.SUBMITTING, S.UNCERTAIN} == NEEDS_LOOKUP
    assert NEEDS_LOOKUP <= LEASED


@pytest.mark.parametrize("actor", ["scheduler", "system", "worker:host-1234", "clerk:"])
def test_only_a_clerk_requeues_a_business_failure(actor: str) -> None:
    assert (S.FAILED_BUSINESS, S.QUEUED) in CLERK_ONLY
    with pytest.raises(IllegalTransition, match="only a clerk"):
        check(S.FAILED_BUSINESS, S.QUEUED, actor=actor)
    assert check(S.FAILED_BUSINESS, S.QUEUED, actor=CLERK) is S.QUEUED


@pytest.mark.parametrize("actor", ["scheduler", "system", "worker:host-1234"])
def test_a_transfer_parked_for_review_is_settled_only_by_a_clerk(actor: str) -> None:
    """An ambiguous or fruitless look-up is never guessed at: a person compares it with the portal."""
    assert check(S.UNCERTAIN, S.NEEDS_REVIEW, actor=actor) is S.NEEDS_REVIEW
    assert TRANSITIONS[S.NEEDS_REVIEW] == {S.SUBMITTED, S.QUEUED}
    for target in (S.SUBMITTED, S.QUEUED):
        assert (S.NEEDS_REVIEW, target) in CLERK_ONLY
        with pytest.raises(IllegalTransition, match="only a clerk"):
            check(S.NEEDS_REVIEW, target, actor=actor)
        assert check(S.NEEDS_REVIEW, target, actor=CLERK) is target
    assert S.NEEDS_REVIEW not in LEASED | NEEDS_LOOKUP


def test_every_state_has_a_vietnamese_label() -> None:
    assert set(STATE_LABELS) == set(S)
    assert STATE_LABELS[S.NEEDS_REVIEW] == "Chờ cán bộ đối chiếu trên cổng Bộ"


def test_illegal_transition_is_an_rpa_error_with_an_english_message() -> None:
    with pytest.raises(RpaError) as caught:
        check("finished", "queued", actor="system")
    assert isinstance(caught.value, IllegalTransition)
    assert (
        str(caught.value)
        == "illegal transfer transition finished -> queued: finished may go to nothing (terminal state)"
    )
    assert (caught.value.from_state, caught.value.to_state) == (S.FINISHED, S.QUEUED)


def test_unknown_states_and_empty_actors_are_refused() -> None:
    with pytest.raises(ValueError):
        check("queued", "launched", actor="system")
    with pytest.raises(ValueError, match="actor"):
        check("queued", "filling", actor=" ")
