"""The transfer state machine: the states, the one transition table, and the one ``transition()`` check.

```
queued ─claim─▶ filling ─▶ submitting ─▶ submitted ─▶ written_back ─▶ finished
   ▲  ▲           │ │ │          │
   │  │           │ │ ▼          ▼ (crash, or an error after the final click)
   │  └─ released ┘ │ waiting_human (CAPTCHA, OTP, approval) ─▶ filling | queued
   │                ▼
   ├── retry ── failed_system          uncertain ─lookup─▶ submitted (found) | queued (proved absent)
   ├── clerk ── failed_business ◀─ supervisor cancels (from queued or failed_system)
   │            (the dossier is wrong)     ▼ (ambiguous, or nothing found again and again)
   └──────── clerk ─────────────────── needs_review ─clerk─▶ submitted (the clerk gives the receipt)
```

``needs_review`` parks a transfer whose look-up cannot settle it without guessing: several applications
could be this dossier's, or it kept finding nothing; or a submitted one whose provincial dossier left
"accepted" (withdrawn, stopped) before the receipt could be written back, which would overwrite the
clerk's status and contradict what the citizen was told. It holds no lease, no worker claims it and nothing
requeues it: only a clerk who compared it with the portal moves it on, to ``submitted`` with the receipt
code or back to ``queued`` when the application is truly absent. Guessing would risk a citizen being
sent someone else's receipt, or the dossier reaching the ministry twice.

``finished`` is the end of status sync: the ministry reached a final status (certificate issued,
application refused) and it has been written back. It is terminal; so is nothing else, because every
failure can be requeued by someone.

Adding a state or an edge is a change to this module only: the state column is a plain string (no
database enum, no CHECK constraint), so it needs no migration.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from rpa.ledger.errors import IllegalTransition

__all__ = [
    "CLERK_ONLY",
    "LEASED",
    "NEEDS_LOOKUP",
    "SCHEDULER",
    "STATE_LABELS",
    "SYSTEM",
    "TRANSITIONS",
    "TransferState",
    "clerk",
    "is_clerk",
    "transition",
    "worker",
]


class TransferState(StrEnum):
    """Where one dossier × flow transfer stands."""

    QUEUED = "queued"
    FILLING = "filling"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    WRITTEN_BACK = "written_back"
    FINISHED = "finished"
    UNCERTAIN = "uncertain"
    FAILED_SYSTEM = "failed_system"
    FAILED_BUSINESS = "failed_business"
    WAITING_HUMAN = "waiting_human"
    NEEDS_REVIEW = "needs_review"


S = TransferState

TRANSITIONS: MappingProxyType[TransferState, frozenset[TransferState]] = MappingProxyType(
    {
        S.QUEUED: frozenset({S.FILLING, S.FAILED_BUSINESS}),
        S.FILLING: frozenset({S.SUBMITTING, S.FAILED_BUSINESS, S.FAILED_SYSTEM, S.WAITING_HUMAN, S.QUEUED}),
        S.SUBMITTING: frozenset({S.SUBMITTED, S.UNCERTAIN}),
        S.UNCERTAIN: frozenset({S.SUBMITTED, S.QUEUED, S.NEEDS_REVIEW}),
        S.SUBMITTED: frozenset({S.WRITTEN_BACK, S.NEEDS_REVIEW}),
        S.WRITTEN_BACK: frozenset({S.FINISHED}),
        S.FINISHED: frozenset(),
        S.FAILED_SYSTEM: frozenset({S.QUEUED, S.FAILED_BUSINESS}),
        S.FAILED_BUSINESS: frozenset({S.QUEUED}),
        S.WAITING_HUMAN: frozenset({S.QUEUED, S.FILLING}),
        S.NEEDS_REVIEW: frozenset({S.SUBMITTED, S.QUEUED}),
    }
)
"""Every legal move: ``TRANSITIONS[from_state]`` is the set of states it may go to."""

STATE_LABELS: MappingProxyType[TransferState, str] = MappingProxyType(
    {
        S.QUEUED: "Chờ chuyển",
        S.FILLING: "Đang điền biểu mẫu",
        S.SUBMITTING: "Đang nộp",
        S.UNCERTAIN: "Chưa rõ đã nộp (chờ tra cứu)",
        S.SUBMITTED: "Đã nộp, chưa cập nhật về một cửa",
        S.WRITTEN_BACK: "Đã cập nhật về một cửa",
        S.FINISHED: "Đã có kết quả",
        S.WAITING_HUMAN: "Chờ người xử lý",
        S.NEEDS_REVIEW: "Chờ cán bộ đối chiếu trên cổng Bộ",
        S.FAILED_BUSINESS: "Lỗi nghiệp vụ",
        S.FAILED_SYSTEM: "Lỗi hệ thống",
    }
)
"""What a clerk or supervisor reads for each state (reports, the demo's table)."""

CLERK_ONLY: frozenset[tuple[TransferState, TransferState]] = frozenset(
    {
        (S.FAILED_BUSINESS, S.QUEUED),
        (S.NEEDS_REVIEW, S.SUBMITTED),
        (S.NEEDS_REVIEW, S.QUEUED),
        (S.QUEUED, S.FAILED_BUSINESS),
        (S.FAILED_SYSTEM, S.FAILED_BUSINESS),
    }
)
"""Edges only a clerk (actor ``clerk:<name>``) may take: business failures are never retried
automatically, and a transfer parked for review is settled by a person who looked at the portal.
A supervisor cancels a transfer that is waiting (queued, or failed on a system error) by moving it to
``failed_business`` with the reason: nothing retries it then, and only a person can queue it again. A
transfer the portal may already hold (submitting, uncertain, needs_review) is never cancelled."""

LEASED: frozenset[TransferState] = frozenset({S.FILLING, S.SUBMITTING, S.UNCERTAIN, S.WAITING_HUMAN})
"""States in which a worker holds the transfer under a lease; every other state has no lease."""

NEEDS_LOOKUP: frozenset[TransferState] = frozenset({S.SUBMITTING, S.UNCERTAIN})
"""States resolved only by ``lookup`` on the portal, never by submitting again."""

SCHEDULER = "scheduler"
SYSTEM = "system"


def clerk(name: str) -> str:
    """The actor string of a clerk, e.g. ``clerk:nguyen.thi.hoa``."""
    return f"clerk:{name}"


def worker(worker_id: str) -> str:
    """The actor string of a worker, e.g. ``worker:host-1234``."""
    return f"worker:{worker_id}"


def is_clerk(actor: str) -> bool:
    return actor.startswith("clerk:") and len(actor) > len("clerk:")


def transition(
    from_state: TransferState | str, to_state: TransferState | str, *, actor: str
) -> TransferState:
    """Check one move against the table and return the new state.

    Raises:
        IllegalTransition: the table has no such edge, or the edge is clerk-only and ``actor`` is not a clerk.
        ValueError: a state name is unknown or ``actor`` is empty.
    """
    if not actor.strip():
        raise ValueError("a transition needs an actor (scheduler, system, worker:<id> or clerk:<name>)")
    source, target = TransferState(from_state), TransferState(to_state)
    if target not in TRANSITIONS[source]:
        allowed = ", ".join(sorted(TRANSITIONS[source])) or "nothing (terminal state)"
        raise IllegalTransition(source, target, f"{source} may go to {allowed}")
    if (source, target) in CLERK_ONLY and not is_clerk(actor):
        raise IllegalTransition(source, target, f"only a clerk may do this, not {actor!r}")
    return target
